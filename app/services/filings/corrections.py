"""A compliant fix of filed data (更正, 数据修改操作口径): a new version supersedes the old one; the
person record and the employment follow; the audit entry keeps before and after."""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.domain.filings import (
    DEFAULT_CORRECTION_RULES,
    FilingAction,
    FilingStatus,
    FilingType,
    check_corrected_termination,
    check_correction,
    check_dates,
    check_minimum_age,
    check_part_time_hours,
    transition,
)
from app.domain.filings.errors import (
    CORRECTION_FIELD_UNKNOWN,
    CORRECTION_NOT_ALLOWED,
    FILING_ALREADY_DECIDED,
)
from app.domain.identifiers import validate_citizen_id
from app.extensions import db
from app.models.codes import TerminationReason
from app.models.filings import CorrectionRule, Filing
from app.services.actor import Actor
from app.services.audit import plain, record
from app.services.filings.access import filing_for
from app.services.filings.effects import assign_receipt, notify_filed
from app.services.filings.facts import now, policy
from app.services.filings.review import check_version
from app.services.persons.prepare import prepare_person
from app.services.transaction import transaction

CORRECTABLE = {  # correction field name → Filing attribute
    "name": "person_name", "citizen_id": "person_citizen_id", "start_date": "start_date",
    "end_date": "end_date", "contract_start": "contract_start", "contract_end": "contract_end",
    "hours_per_day": "hours_per_day", "hours_per_week": "hours_per_week",
    "contract_type": "contract_type_code", "employment_form": "employment_form_code",
    "termination_reason": "termination_reason_code", "job_title": "job_title",
}
_COPY = ("filing_type", "channel", "unit_id", "to_unit_id", "person_id", "employment_id",
         "new_employment_id", "employment_form_code", "hours_per_day", "hours_per_week",
         "probation_months", "contract_type_code", "contract_start", "contract_end", "job_title",
         "start_date", "end_date", "termination_reason_code", "note", "person_name",
         "person_citizen_id", "previous_contract_type_code", "previous_contract_end",
         "is_overdue", "is_multiple_employment", "needs_attachment_review",
         "needs_district_approval", "submitted_by_id", "submitted_at")


def correction_rules() -> dict[str, frozenset[str]]:
    """The correction table as administrators keep it (seeded from the domain defaults)."""
    rows = db.session.execute(select(CorrectionRule.office_level, CorrectionRule.field_name))
    table: dict[str, set[str]] = {}
    for level, name in rows:
        table.setdefault(level, set()).add(name)
    return {k: frozenset(v) for k, v in table.items()} or DEFAULT_CORRECTION_RULES


def correct(filing_id, actor: Actor, changes: dict, reason: str, *,
            expected_row_version=None) -> Filing:
    """A compliant fix of filed data: a new version supersedes the old one; the person record
    and the employment follow; the audit entry keeps before and after."""
    with transaction(on_stale=FILING_ALREADY_DECIDED):
        old = filing_for(actor, filing_id)
        check_version(old, expected_row_version)
        if actor.is_employer or not actor.office_level:
            raise CORRECTION_NOT_ALLOWED()
        changed = {k: v for k, v in changes.items()
                   if k in CORRECTABLE and v != getattr(old, CORRECTABLE[k])}
        unknown = set(changes) - set(CORRECTABLE)
        if unknown:
            raise CORRECTION_FIELD_UNKNOWN(names="、".join(sorted(unknown)))
        reason = check_correction(actor.office_level, changed, reason, correction_rules())
        old.status = transition(old.status, FilingAction.CORRECT)
        new = _new_version(old, changed, reason, actor)
        _check_corrected(new)
        db.session.add(new)
        db.session.flush()
        assign_receipt(new)
        _follow_correction(new, changed, actor)
        before = {k: plain(getattr(old, CORRECTABLE[k])) for k in changed}
        after = {k: plain(getattr(new, CORRECTABLE[k])) for k in changed}
        record(actor, "filing", old.id, "superseded", after={"superseded_by": new.id},
               reason=reason)
        record(actor, "filing", new.id, "correct", before=before, after=after, reason=reason)
        notify_filed(new, what="更正")
    return new


def _new_version(old: Filing, changed: dict, reason: str, actor: Actor) -> Filing:
    new = Filing(**{n: getattr(old, n) for n in _COPY})
    new.status = FilingStatus.FILED
    new.version = old.version + 1
    new.root_id = old.root_id or old.id
    new.supersedes_id = old.id
    new.office_id = old.office_id
    new.correction_reason = reason
    new.decided_by_id = actor.user_id
    new.decided_at = new.filed_at = now()
    for name, value in changed.items():
        setattr(new, CORRECTABLE[name], value)
    if "citizen_id" in changed:
        try:
            new.person_citizen_id = validate_citizen_id(changed["citizen_id"],
                                                        today=clock.today()).number
        except DomainError as exc:
            raise exc.for_field("citizen_id") from exc
    return new


def _check_corrected(new: Filing) -> None:
    """A corrected version obeys the same rules as a filing: dates fit the contract type, the
    worker is of age, part-time hours are within the limits."""
    p = policy()
    if new.filing_type in (FilingType.HIRE, FilingType.RENEWAL, FilingType.TRANSFER):
        check_dates(new.contract_start, new.contract_end, new.contract_type_code)
    if new.filing_type == FilingType.HIRE:
        cid = validate_citizen_id(new.person_citizen_id, today=clock.today())
        check_minimum_age(cid.birth_date, new.start_date, p)
        check_part_time_hours(new.employment_form_code, new.hours_per_day,
                              new.hours_per_week, p)
    if new.filing_type == FilingType.TERMINATION:
        check_corrected_termination(
            db.session.get(TerminationReason, new.termination_reason_code), new.end_date,
            new.employment.start_date if new.employment else None)


def _follow_correction(new: Filing, changed: dict, actor: Actor) -> None:
    """Carry a correction to the person record and the employment it concerns."""
    person = new.person
    if "citizen_id" in changed or "name" in changed:
        before = {"name": person.name, "citizen_id": person.citizen_id}
        person.name = new.person_name
        person.citizen_id = new.person_citizen_id
        prepare_person(person)  # validates, derives sex/birth date, refuses a duplicate number
        record(actor, "person", person.id, "correct", before=before,
               after={"name": person.name, "citizen_id": person.citizen_id},
               reason=new.correction_reason)
    employment = new.new_employment if new.filing_type == FilingType.TRANSFER else new.employment
    if employment is None:
        return
    mapping = {"start_date": "start_date", "contract_start": "contract_start",
               "contract_end": "contract_end", "hours_per_day": "hours_per_day",
               "hours_per_week": "hours_per_week", "contract_type": "contract_type_code",
               "employment_form": "employment_form_code", "job_title": "job_title"}
    if new.filing_type == FilingType.TERMINATION:
        mapping = {"end_date": "end_date", "termination_reason": "termination_reason_code"}
    for name, attr in mapping.items():
        if name in changed:
            setattr(employment, attr, getattr(new, CORRECTABLE[name]))
