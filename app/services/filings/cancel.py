"""Cancel a filing (撤销), recording who, when and why; a filed one is undone on the employment."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.filings import (
    OFFICE_LEVEL_CITY,
    OFFICE_LEVEL_DISTRICT,
    EmploymentStatus,
    FilingAction,
    FilingStatus,
    FilingType,
    check_cancellation_reason,
    transition,
)
from app.domain.filings.errors import (
    CANCEL_HAS_LATER_FILINGS,
    CANCEL_NOT_ALLOWED,
    FILING_ALREADY_DECIDED,
)
from app.extensions import db
from app.models.filings import Filing
from app.services.actor import Actor
from app.services.audit import record
from app.services.filings.access import filing_for
from app.services.filings.effects import snapshot
from app.services.filings.facts import LIVE_STATUSES, now
from app.services.filings.review import check_version
from app.services.notices import notify_person
from app.services.transaction import transaction


def cancel(filing_id, actor: Actor, reason: str, *, expected_row_version=None) -> Filing:
    """Cancel a filing, recording who, when and why; a filed one is undone on the employment."""
    reason = check_cancellation_reason(reason)
    with transaction(on_stale=FILING_ALREADY_DECIDED):
        filing = filing_for(actor, filing_id)
        check_version(filing, expected_row_version)
        if filing.status == FilingStatus.FILED and actor.office_level not in (
                OFFICE_LEVEL_DISTRICT, OFFICE_LEVEL_CITY):
            raise CANCEL_NOT_ALLOWED()
        was_filed = filing.status == FilingStatus.FILED
        before = snapshot(filing)
        filing.status = transition(filing.status, FilingAction.CANCEL)
        if was_filed:
            _undo(filing)
        filing.cancelled_by_id, filing.cancelled_at, filing.cancel_reason = (
            actor.user_id, now(), reason)
        record(actor, "filing", filing.id, "cancel", before=before, after=snapshot(filing),
               reason=reason)
        if was_filed:
            notify_person(filing.person, f"【用工备案】{filing.person_name}您好：{filing.unit.name}的"
                                         f"{filing.filing_type.value}备案（回执号 {filing.receipt_number}）"
                                         f"已撤销，原因：{reason}。", filing=filing)
    return filing


def _later_filings(employment_id, after_id) -> int:
    return db.session.scalar(select(func.count(Filing.id)).where(
        Filing.employment_id == employment_id, Filing.id > after_id,
        Filing.status.in_(LIVE_STATUSES))) or 0


def _undo(filing: Filing) -> None:
    kind = filing.filing_type
    if kind == FilingType.HIRE:
        employment = filing.employment
        if employment is not None:
            if _later_filings(employment.id, filing.id):
                raise CANCEL_HAS_LATER_FILINGS()
            for other in db.session.scalars(select(Filing).where(
                    Filing.employment_id == employment.id)):
                other.employment_id = None
            db.session.flush()
            db.session.delete(employment)
    elif kind == FilingType.RENEWAL:
        if _later_filings(filing.employment_id, filing.id):
            raise CANCEL_HAS_LATER_FILINGS()
        filing.employment.contract_type_code = filing.previous_contract_type_code
        filing.employment.contract_end = filing.previous_contract_end
    elif kind == FilingType.TRANSFER:
        new = filing.new_employment
        if new is not None and _later_filings(new.id, 0):
            raise CANCEL_HAS_LATER_FILINGS()
        old = filing.employment
        old.status, old.end_date = EmploymentStatus.ACTIVE, None
        if new is not None:
            filing.new_employment_id = None
            db.session.flush()
            db.session.delete(new)
    elif kind == FilingType.TERMINATION:
        employment = filing.employment
        employment.status = EmploymentStatus.ACTIVE
        employment.end_date = None
        employment.termination_reason_code = None
