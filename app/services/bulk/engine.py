"""The engine of bulk filing: rows → the same inputs as the single-filing forms → the same
build and check steps of app.services.filings, with the facts those checks need loaded once for
the whole batch (app.services.bulk.facts.BatchFacts) instead of a few queries per row.

Validation is a dry run of exactly what filing does (build + check, nothing flushed, the new
persons discarded); filing runs it again inside one write transaction with freshly loaded facts,
so what changed meanwhile is caught, and either every row of an all-or-nothing batch is filed or
none is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.domain.bulk.columns import COLUMNS
from app.domain.bulk.errors import not_employed_here
from app.domain.bulk.rows import CodeLookup, ParsedRow, find_duplicates, flag_duplicate, parse_row
from app.domain.errors import DomainError
from app.domain.filings import FilingType
from app.domain.filings.hire import check_name_matches
from app.extensions import db
from app.models.codes import ContractType, EducationLevel, EmploymentForm, TerminationReason
from app.models.filings import Filing
from app.models.units import Unit
from app.services import filings as fs
from app.services.actor import Actor
from app.services.bulk.facts import BatchFacts, chunks
from app.services.bulk.results import RowResult
from app.services.bulk.writer import write_chunk
from app.services.filings.inputs import hire_input, renewal_input, termination_input, transfer_input


def code_lookups() -> dict[str, CodeLookup]:
    """The coded columns' lists (active codes), as a user may write them."""
    def active(model):
        return [(c.code, c.name) for c in db.session.scalars(
            select(model).where(model.active.is_(True)).order_by(model.sort, model.code))]

    return {"education_level": CodeLookup(active(EducationLevel)),
            "employment_form": CodeLookup(active(EmploymentForm)),
            "contract_type": CodeLookup(active(ContractType)),
            "termination_reason": CodeLookup(active(TerminationReason))}


def make_input(filing_type: FilingType, unit_id: int, row: ParsedRow, facts: BatchFacts):
    """The input of a parsed row, through the same mapper as the web form and the API."""
    v = row.values
    if filing_type == FilingType.HIRE:
        return hire_input(v, unit_id=unit_id)
    person = facts.person_by_citizen_id(v["citizen_id"])
    employment = facts.employment_at(person, unit_id)
    if employment is None:
        raise not_employed_here()
    check_name_matches(person.name, str(v["name"] or "").strip())
    mapper = {FilingType.RENEWAL: renewal_input, FilingType.TRANSFER: transfer_input,
              FilingType.TERMINATION: termination_input}[filing_type]
    return mapper(v, employment_id=employment.id)


def error_dict(exc: DomainError, filing_type: FilingType) -> dict:
    """A row error as stored and reported: the Chinese message names the column."""
    headers = {c.key: c.header_zh for c in COLUMNS[filing_type]}
    aliases = {"contract_type_code": "contract_type", "termination_reason_code":
               "termination_reason", "employment_form_code": "employment_form",
               "education_code": "education", "to_unit": "to_unit_credit_code",
               "employment": "citizen_id"}
    if filing_type == FilingType.TRANSFER:
        aliases.update(start_date="transfer_date", end_date="transfer_date")
    column = aliases.get(exc.field or "", exc.field)
    message = exc.message
    header = headers.get(column or "")
    if header and not message.startswith(f"“{header}”") and f"“{header}”" not in message:
        message = f"“{header}”：{message}"
    return {"code": exc.code, "field": column if header else exc.field, "message_zh": message,
            "message_en": exc.message_en}


def parse_rows(filing_type: FilingType, rows: Iterable[tuple[int, int, dict]],
               codes: dict[str, CodeLookup]) -> list[tuple[int, ParsedRow]]:
    """(row id, ParsedRow) for stored rows (id, row number, cells); duplicates flagged."""
    parsed = [(row_id, parse_row(filing_type, number, cells, codes))
              for row_id, number, cells in rows]
    find_duplicates(row for _, row in parsed)
    return parsed


def _employer_initiated(reason_codes: Iterable, facts: BatchFacts) -> int:
    count = 0
    for code in reason_codes:
        reason = facts.termination_reason(code)
        if reason is not None and reason.counts_as_employer_initiated:
            count += 1
    return count


RowSource = Callable[[], Iterable[tuple[int, ParsedRow]]]


def parsed_stream(filing_type: FilingType, rows: Iterable[tuple[int, int, dict]],
                  codes: dict[str, CodeLookup]) -> Iterator[tuple[int, ParsedRow]]:
    """parse_rows as a stream: each stored row parsed as it comes, duplicates flagged on the
    way (only worker → first row number is kept)."""
    first: dict[str, int] = {}
    for row_id, number, cells in rows:
        row = parse_row(filing_type, number, cells, codes)
        flag_duplicate(row, first)
        yield row_id, row


def _as_source(parsed) -> RowSource:
    """run() takes a list of parsed rows or a function streaming them afresh on each call."""
    return parsed if callable(parsed) else (lambda: parsed)

def _batch_keys(filing_type: FilingType, source: RowSource) -> tuple[set, set, list]:
    """What the checks must know about the whole batch: its workers, the units it transfers
    them to, and the reasons of its terminations."""
    citizen_ids, credit_codes, reasons = set(), set(), []
    for _, r in source():
        if r.values.get("citizen_id"):
            citizen_ids.add(r.values["citizen_id"])
        if r.values.get("to_unit_credit_code"):
            credit_codes.add(r.values["to_unit_credit_code"])
        if r.ok and filing_type == FilingType.TERMINATION:
            reasons.append(r.values.get("termination_reason"))
    return citizen_ids, credit_codes, reasons


@dataclass
class _Run:
    """One run over a batch's rows: what every row's check shares."""

    filing_type: FilingType
    unit: Unit
    actor: Actor
    facts: BatchFacts
    employer_initiated: int
    write: bool

    def check(self, row_id: int, row: ParsedRow) -> tuple[RowResult, Filing | None]:
        """Build and check one row: its result, and the filing to write (write=True)."""
        result = RowResult(row_id, row.row_number)
        if not row.ok:
            result.errors = [error_dict(e, self.filing_type) for e in row.errors]
            return result, None
        facts, session = self.facts, db.session
        mark = len(facts.new_persons)
        try:
            inp = make_input(self.filing_type, self.unit.id, row, facts)
            filing = fs.build_filing(inp, self.actor)
            reason = facts.termination_reason(filing.termination_reason_code)
            extra = (self.employer_initiated - 1 if reason is not None
                     and reason.counts_as_employer_initiated else 0)
            flags = fs.check_filing(filing, extra_employer_initiated=max(extra, 0))
        except DomainError as exc:
            for person in facts.new_persons[mark:]:
                session.expunge(person)
            del facts.new_persons[mark:]
            result.errors = [error_dict(exc, self.filing_type)]
            return result, None
        result.flags = "、".join(flags.labels())
        if not self.write:
            return result, None
        fs.enter_submitted(filing, flags)
        session.add(filing)
        return result, filing

    def end_chunk(self, made: list[tuple[RowResult, Filing]]) -> None:
        if self.write:
            write_chunk(made, self.facts, self.actor)
            return
        for person in self.facts.new_persons:
            db.session.expunge(person)
        self.facts.new_persons.clear()


def run(filing_type: FilingType, unit: Unit, actor: Actor,
        parsed: list[tuple[int, ParsedRow]] | RowSource, *, write: bool, progress=None,
        chunk_size: int = 200) -> list[RowResult]:
    """Build and check every row (write=False: a dry run that leaves nothing behind), or file
    the rows that pass (write=True: inside the caller's transaction; the caller commits or
    rolls back). Rows with cell errors are reported as they are, not built.

    `parsed` may be a function streaming the parsed rows (called twice: once for what the
    checks must know about the whole batch — its workers, target units and employer-initiated
    terminations — then chunk by chunk), so a batch's memory does not grow with its rows
    beyond those keys and the compact per-row results."""
    source = _as_source(parsed)
    citizen_ids, credit_codes, reasons = _batch_keys(filing_type, source)
    facts = BatchFacts(unit, citizen_ids, credit_codes)
    batch_run = _Run(filing_type, unit, actor, facts, _employer_initiated(reasons, facts), write)
    del citizen_ids, credit_codes, reasons
    results: list[RowResult] = []
    done = 0
    with fs.using_facts(facts), db.session.no_autoflush:
        for chunk in chunks(source(), chunk_size):
            made: list[tuple[RowResult, Filing]] = []
            for row_id, row in chunk:
                result, filing = batch_run.check(row_id, row)
                results.append(result)
                if filing is not None:
                    made.append((result, filing))
            batch_run.end_chunk(made)
            done += len(chunk)
            if progress is not None:
                progress(done)
    return results


def errors_by_code(results: Iterable[RowResult]) -> dict[str, int]:
    counter: Counter[str] = Counter()
    for result in results:
        for error in result.errors:
            counter[error["code"]] += 1
    return dict(counter.most_common())
