"""The engine of bulk filing: rows → the same inputs as the single-filing forms → the same
build and check steps of app.services.filings, with the facts those checks need loaded once for
the whole batch (BatchFacts) instead of a few queries per row.

Validation is a dry run of exactly what filing does (build + check, nothing flushed, the new
persons discarded); filing runs it again inside one write transaction with freshly loaded facts,
so what changed meanwhile is caught, and either every row of an all-or-nothing batch is filed or
none is."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import DateTime, bindparam, func, select, text
from sqlalchemy import inspect as sa_inspect

from app.domain.bulk import (
    COLUMNS,
    CodeLookup,
    ParsedRow,
    find_duplicates,
    flag_duplicate,
    parse_row,
)
from app.domain.codelists import FORM_FULL_TIME
from app.domain.errors import DomainError
from app.domain.filings import EmploymentStatus, FilingStatus, FilingType
from app.extensions import db
from app.models.codes import ContractType, EducationLevel, EmploymentForm, TerminationReason
from app.models.filings import Employment, Filing
from app.models.org import Region, RegionLevel
from app.models.people import Person
from app.models.units import Unit
from app.services import filings as fs
from app.services.audit import record
from app.services.people import prepare_person

IN_CHUNK = 500  # ids per IN (...) query


def _chunks(items: Iterable, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def code_lookups() -> dict[str, CodeLookup]:
    """The coded columns' lists (active codes), as a user may write them."""
    def active(model):
        return [(c.code, c.name) for c in db.session.scalars(
            select(model).where(model.active.is_(True)).order_by(model.sort, model.code))]

    return {"education_level": CodeLookup(active(EducationLevel)),
            "employment_form": CodeLookup(active(EmploymentForm)),
            "contract_type": CodeLookup(active(ContractType)),
            "termination_reason": CodeLookup(active(TerminationReason))}


class BatchFacts(fs.Facts):
    """The facts of app.services.filings.Facts for one batch of one unit, loaded up front for
    all its workers. Anything not loaded falls back to the database query."""

    def __init__(self, unit: Unit, citizen_ids: Iterable[str], credit_codes: Iterable[str] = ()):
        self.unit_id = unit.id
        self.units = {unit.id: unit}
        self.citizen_ids = set(citizen_ids)
        self.persons: dict[str, Person] = {}
        for chunk in _chunks(sorted(self.citizen_ids), IN_CHUNK):
            for person in db.session.scalars(select(Person).where(Person.citizen_id.in_(chunk))):
                self.persons[person.citizen_id] = person
        person_ids = sorted(p.id for p in self.persons.values())
        self.employments_of: dict[int, list[Employment]] = {}
        self.employments: dict[int, Employment] = {}
        for chunk in _chunks(person_ids, IN_CHUNK):
            for emp in db.session.scalars(select(Employment).where(
                    Employment.person_id.in_(chunk)).order_by(Employment.id)):
                self.employments_of.setdefault(emp.person_id, []).append(emp)
                self.employments[emp.id] = emp
        self.hires: dict[tuple[int, datetime.date], str] = {}
        for chunk in _chunks(person_ids, IN_CHUNK):
            for pid, start, receipt in db.session.execute(
                    select(Filing.person_id, Filing.start_date, Filing.receipt_number).where(
                        Filing.filing_type == FilingType.HIRE, Filing.unit_id == unit.id,
                        Filing.person_id.in_(chunk), Filing.status.in_(fs.LIVE_STATUSES))):
                self.hires[(pid, start)] = receipt
        self.pending_terminations: dict[int, str] = {}
        emp_ids = sorted(self.employments)
        for chunk in _chunks(emp_ids, IN_CHUNK):
            for emp_id, receipt in db.session.execute(
                    select(Filing.employment_id, Filing.receipt_number).where(
                        Filing.filing_type == FilingType.TERMINATION,
                        Filing.employment_id.in_(chunk),
                        Filing.status.in_(fs.PENDING_STATUSES))):
                self.pending_terminations[emp_id] = receipt
        self.credit_codes = set(credit_codes)
        self.units_by_code: dict[str, Unit] = {}
        for chunk in _chunks(sorted(self.credit_codes), IN_CHUNK):
            for other in db.session.scalars(select(Unit).where(Unit.credit_code.in_(chunk))):
                self.units_by_code[other.credit_code] = other
                self.units[other.id] = other
        self.districts = {r.code: r for r in db.session.scalars(
            select(Region).where(Region.level == RegionLevel.DISTRICT))}
        self.reasons = {r.code: r for r in db.session.scalars(select(TerminationReason))}
        self.new_persons: list[Person] = []
        self._offices: dict = {}
        self._windows: dict = {}
        self._active: dict = {}
        self._city: str | None = None

    # -- lookups ---------------------------------------------------------------------------
    def unit(self, unit_id):
        return self.units.get(unit_id) or super().unit(unit_id)

    def employment(self, employment_id):
        return self.employments.get(employment_id) or super().employment(employment_id)

    def unit_by_credit_code(self, code):
        if code in self.credit_codes:
            return self.units_by_code.get(code)
        return super().unit_by_credit_code(code)

    def person_by_citizen_id(self, number):
        if number in self.citizen_ids:
            return self.persons.get(number)
        return super().person_by_citizen_id(number)

    def district_by_code(self, code):
        return self.districts.get(code)

    def prepare_new_person(self, person):
        # The batch has looked every number up already: one query less per row.
        prepare_person(person, known_new=person.citizen_id in self.citizen_ids)

    def person_created(self, person):
        # Audited after the chunk is flushed (the person has no id yet).
        self.new_persons.append(person)

    def handling_office(self, unit, actor):
        key = (unit.id, actor.user_id)
        if key not in self._offices:
            self._offices[key] = super().handling_office(unit, actor)
        return self._offices[key]

    def city_prefix(self):
        if self._city is None:
            self._city = super().city_prefix()
        return self._city

    def termination_reason(self, code):
        return self.reasons.get(code) if code else None

    def employment_at(self, person: Person | None, unit_id: int) -> Employment | None:
        """The worker's active employment at the unit, else the latest ended one (so the
        rules can say "already ended"), else None."""
        if person is None:
            return None
        here = [e for e in self.employments_of.get(person.id, ()) if e.unit_id == unit_id]
        active = [e for e in here if e.status == EmploymentStatus.ACTIVE]
        return (active or here or [None])[-1]

    # -- the checks' counts ------------------------------------------------------------------
    def _active_of(self, person_id):
        return [e for e in self.employments_of.get(person_id, ())
                if e.status == EmploymentStatus.ACTIVE]

    def active_at(self, person_id, unit_id):
        if person_id is None:
            return False
        return any(e.unit_id == unit_id for e in self._active_of(person_id))

    def active_full_time_count(self, person_id, exclude_unit_id=None):
        if person_id is None:
            return 0
        return sum(1 for e in self._active_of(person_id)
                   if e.employment_form_code == FORM_FULL_TIME
                   and (exclude_unit_id is None or e.unit_id != exclude_unit_id))

    def duplicate_hire(self, filing):
        if filing.person_id is None:
            return None
        if filing.unit_id != self.unit_id:
            return super().duplicate_hire(filing)
        return self.hires.get((filing.person_id, filing.start_date))

    def pending_termination(self, filing):
        if filing.employment_id in self.employments:
            return self.pending_terminations.get(filing.employment_id)
        return super().pending_termination(filing)

    def employer_terminations_in_window(self, filing, first, last):
        # Counted before the batch: the batch's own are added by extra_employer_initiated.
        key = (filing.unit_id, first, last)
        if key not in self._windows:
            self._windows[key] = super().employer_terminations_in_window(filing, first, last)
        return self._windows[key]

    def active_count(self, unit_id):
        if unit_id not in self._active:
            self._active[unit_id] = super().active_count(unit_id)
        return self._active[unit_id]


# --------------------------------------------------------------------------------------------
# Rows → inputs
# --------------------------------------------------------------------------------------------

def _not_employed(row: ParsedRow) -> DomainError:
    return DomainError(
        "EMPLOYMENT_NOT_FOUND",
        "在本单位的职工中没有找到该身份证号码的劳动者。请核对身份证号码；如尚未办理录用备案，请先办理录用备案。",
        "No employment of this worker was found at this unit.", "citizen_id")


def make_input(filing_type: FilingType, unit_id: int, row: ParsedRow, facts: BatchFacts):
    """The form input of a parsed row (what the single-filing page builds from its form)."""
    v = row.values
    if filing_type == FilingType.HIRE:
        return fs.HireInput(
            unit_id=unit_id, citizen_id=v["citizen_id"], name=v["name"],
            start_date=v["start_date"], phone=v["phone"] or "",
            education_code=v["education"] or None, employment_form_code=v["employment_form"],
            hours_per_day=v["hours_per_day"], hours_per_week=v["hours_per_week"],
            probation_months=v["probation_months"], contract_type_code=v["contract_type"],
            contract_start=v["contract_start"], contract_end=v["contract_end"],
            job_title=v["job_title"] or "", note=v["note"] or "")
    person = facts.person_by_citizen_id(v["citizen_id"])
    employment = facts.employment_at(person, unit_id)
    if employment is None:
        raise _not_employed(row)
    if person.name != v["name"]:
        raise DomainError(
            "PERSON_NAME_MISMATCH",
            "姓名与该身份证号码的登记信息不一致。请核对身份证件；如登记信息有误，请到经办机构办理更正。",
            "The name does not match the ID number on file.", "name")
    if filing_type == FilingType.RENEWAL:
        return fs.RenewalInput(employment_id=employment.id, contract_type_code=v["contract_type"],
                               contract_start=v["contract_start"],
                               contract_end=v["contract_end"], note=v["note"] or "")
    if filing_type == FilingType.TRANSFER:
        return fs.TransferInput(employment_id=employment.id,
                                to_unit_credit_code=v["to_unit_credit_code"],
                                transfer_date=v["transfer_date"],
                                contract_type_code=v["contract_type"],
                                contract_end=v["contract_end"], job_title=v["job_title"] or "",
                                note=v["note"] or "")
    return fs.TerminationInput(employment_id=employment.id, end_date=v["end_date"],
                               termination_reason_code=v["termination_reason"],
                               note=v["note"] or "")


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------

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


@dataclass
class RowResult:
    row_id: int
    row_number: int
    errors: list[dict] = field(default_factory=list)
    flags: str = ""
    filing_id: int | None = None
    receipt_number: str | None = None
    filing_status: FilingStatus | None = None


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


def run(filing_type: FilingType, unit: Unit, actor: fs.Actor,
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
    citizen_ids, credit_codes, reasons = set(), set(), []
    for _, r in source():
        if r.values.get("citizen_id"):
            citizen_ids.add(r.values["citizen_id"])
        if r.values.get("to_unit_credit_code"):
            credit_codes.add(r.values["to_unit_credit_code"])
        if r.ok and filing_type == FilingType.TERMINATION:
            reasons.append(r.values.get("termination_reason"))
    facts = BatchFacts(unit, citizen_ids, credit_codes)
    employer_initiated = _employer_initiated(reasons, facts)
    del citizen_ids, credit_codes, reasons
    results: list[RowResult] = []
    session = db.session
    done = 0
    with fs.using_facts(facts), session.no_autoflush:
        for chunk in _chunks(source(), chunk_size):
            made: list[tuple[RowResult, Filing]] = []
            for row_id, row in chunk:
                result = RowResult(row_id, row.row_number)
                results.append(result)
                if not row.ok:
                    result.errors = [error_dict(e, filing_type) for e in row.errors]
                    continue
                mark = len(facts.new_persons)
                try:
                    inp = make_input(filing_type, unit.id, row, facts)
                    filing = fs.build_filing(inp, actor)
                    reason = facts.termination_reason(filing.termination_reason_code)
                    extra = (employer_initiated - 1 if reason is not None
                             and reason.counts_as_employer_initiated else 0)
                    flags = fs.check_filing(filing, extra_employer_initiated=max(extra, 0))
                except DomainError as exc:
                    for person in facts.new_persons[mark:]:
                        session.expunge(person)
                    del facts.new_persons[mark:]
                    result.errors = [error_dict(exc, filing_type)]
                    continue
                result.flags = "、".join(flags.labels())
                if write:
                    fs.enter_submitted(filing, flags)
                    session.add(filing)
                    made.append((result, filing))
            if write:
                _write_chunk(made, facts)
            else:
                for person in facts.new_persons:
                    session.expunge(person)
                facts.new_persons.clear()
            done += len(chunk)
            if progress is not None:
                progress(done)
    return results


def _write_chunk(made: list[tuple[RowResult, Filing]], facts: BatchFacts) -> None:
    """Write one chunk of checked filings: the same steps as a single submission
    (filings.complete_submission), with the database round trips batched: the inserts go out
    together, and what completing changes on the new filings (receipt number, employment,
    filing time) is written by one executemany UPDATE instead of one UPDATE per filing."""
    session = db.session
    _assign_ids(list(session.new))
    session.flush()  # persons and filings get their ids
    for person in facts.new_persons:
        record("person", person.id, "create", after={"name": person.name},
               reason="录用备案登记（批量导入）")
    changes = []
    for result, filing in made:
        fs.complete_submission(filing, receipt=True)
        changes.append((filing.id, _changed_columns(filing)))
        result.filing_id = filing.id
        result.receipt_number = filing.receipt_number
        result.filing_status = filing.status
        session.expunge(filing)  # written below, with the others
    created = list(session.new)
    _assign_ids(created)
    session.flush()  # employments, notices, audit entries (and ended employments)
    groups: dict[tuple, list[dict]] = {}
    for filing_id, values in changes:
        params = {"f_id": filing_id}
        for key, value in values.items():
            params[key] = value.id if isinstance(value, Employment) else value
        groups.setdefault(tuple(sorted(values)), []).append(params)
    table = Filing.__table__
    for keys, params in groups.items():
        if keys:
            session.execute(table.update().where(table.c.id == bindparam("f_id")).values(
                {key: bindparam(key) for key in keys} | {"row_version": table.c.row_version + 1}),
                params)
    # What this chunk created is in the transaction now; keep the session (and memory) small.
    for obj in created + facts.new_persons:
        if obj in session:
            session.expunge(obj)
    facts.new_persons.clear()


def _assign_ids(objects: list) -> None:
    """Give the chunk's new rows their ids (and database timestamps) before the flush, so the
    ORM need not read anything back and sends one plain executemany per table.

    SQLite cannot return the ids of a multi-row INSERT in order: the ORM would send one
    statement per row. The batch holds SQLite's only write lock (BEGIN IMMEDIATE) for its whole
    transaction, so max(id) + 1 … are exactly the ids SQLite itself would give (the tables
    have no AUTOINCREMENT keyword). PostgreSQL: the ids come from the tables' sequences (one
    query); a multi-row INSERT … RETURNING of 1,000 rows costs psycopg more client-side query
    parsing than the executemany it replaces. now() is the transaction's start time there,
    so the timestamps are the very values the server defaults would write."""
    dialect = db.engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return
    by_table: dict = {}
    for obj in objects:
        mapper = sa_inspect(obj).mapper
        pk = mapper.primary_key
        if len(pk) != 1 or pk[0].key != "id" or getattr(obj, "id", None) is not None:
            continue
        by_table.setdefault(mapper.local_table, []).append(obj)
    if not by_table:
        return
    # The database's clock for the columns it would fill itself (created_at, at): given, they
    # need not be read back either (reading them back is also one statement per row).
    stamp = db.session.execute(select(
        func.localtimestamp() if dialect == "postgresql" else func.now())).scalar()
    for table, objs in by_table.items():
        stamped = [c.key for c in table.c if c.server_default is not None
                   and isinstance(c.type, DateTime) and not c.primary_key]
        for n, obj in zip(_new_ids(table, len(objs), dialect), objs, strict=True):
            obj.id = n
            for key in stamped:
                if getattr(obj, key, None) is None:
                    setattr(obj, key, stamp)


def _new_ids(table, count: int, dialect: str) -> list[int]:
    if dialect == "postgresql":  # the table's own sequence: safe beside other writers
        return sorted(db.session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :n)"), {"table": table.name, "n": count}).scalars())
    last = db.session.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(last + 1, last + 1 + count))


_RELATION_COLUMNS = {"employment": "employment_id", "new_employment": "new_employment_id"}
_SKIPPED = frozenset(("unit", "to_unit", "person", "office", "attachments"))


def _changed_columns(filing: Filing) -> dict:
    """Column → new value of what changed on a flushed filing (a related new employment
    stands for its key, known after the next flush). What changed since the flush is what
    the instance state remembers the committed value of (cheaper than every attribute's
    history)."""
    state = sa_inspect(filing)
    values = {}
    columns = Filing.__table__.c
    for attr_key in state.committed_state:
        if attr_key in _SKIPPED:
            continue
        history = _history(state, attr_key)
        if not history.has_changes() or not history.added:
            continue
        key = _RELATION_COLUMNS.get(attr_key, attr_key)
        if key in columns:
            values[key] = history.added[0]
    return values


def _history(state, key):
    return state.manager[key].impl.get_history(state, state.dict)


def errors_by_code(results: Iterable[RowResult]) -> dict[str, int]:
    counter: Counter[str] = Counter()
    for result in results:
        for error in result.errors:
            counter[error["code"]] += 1
    return dict(counter.most_common())
