"""Disputes (异议): a verified worker contests a filing about them; staff of the unit's
jurisdiction close it as corrected (through the filings' correction rules) or dismissed."""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.domain import individuals as rules
from app.domain.individuals import (
    DISPUTE_CLOSED,
    DISPUTE_KIND_UNKNOWN,
    DISPUTE_NOT_CORRECTED,
    DISPUTE_NOT_FOUND,
    DISPUTE_OPEN,
    RESOLUTION_REQUIRED,
    DisputeKind,
    DisputeStatus,
)
from app.extensions import db
from app.models.individuals import Dispute
from app.services.actor import Actor
from app.services.audit import record
from app.services.individuals.records import my_filing, my_person
from app.services.notices import notify_person
from app.services.transaction import transaction


def open_dispute(actor: Actor, filing_id, kind: str, comment: str) -> Dispute:
    person = my_person(actor.user)
    filing = my_filing(person, filing_id)
    if kind not in DisputeKind.__members__:
        raise DISPUTE_KIND_UNKNOWN()
    comment = rules.check_dispute(comment)
    with transaction():
        open_already = db.session.scalar(select(Dispute.id).where(
            Dispute.filing_id == filing.id, Dispute.status == DisputeStatus.OPEN))
        if open_already:
            raise DISPUTE_OPEN()
        dispute = Dispute(person_id=person.id, filing_id=filing.id, kind=DisputeKind[kind],
                          comment=comment, status=DisputeStatus.OPEN)
        db.session.add(dispute)
        db.session.flush()
        record(actor, "dispute", dispute.id, "open", after={"filing": filing.receipt_number})
    return dispute


def _correction_of(dispute: Dispute) -> int:
    """The current version of the disputed filing, which must be a correction of it."""
    from app.services.filings import history

    current = history(dispute.filing)[-1]
    if current.id == dispute.filing_id:
        raise DISPUTE_NOT_CORRECTED()
    return current.id


def resolve_dispute(actor: Actor, dispute_id, *, corrected: bool, resolution: str) -> Dispute:
    """Close a dispute: corrected (the correction itself goes through the Filings correction
    rules; the dispute points at the current version) or dismissed with a reason."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise RESOLUTION_REQUIRED()
    with transaction():
        dispute = db.session.get(Dispute, dispute_id)
        if dispute is None or not actor.jurisdiction.covers_unit(dispute.filing.unit):
            raise DISPUTE_NOT_FOUND()
        if dispute.status != DisputeStatus.OPEN:
            raise DISPUTE_CLOSED()
        if corrected:
            dispute.correction_filing_id = _correction_of(dispute)
        dispute.status = DisputeStatus.CORRECTED if corrected else DisputeStatus.DISMISSED
        dispute.resolution = resolution
        dispute.resolved_by_id, dispute.resolved_at = actor.user_id, clock.now()
        record(actor, "dispute", dispute.id, "resolve", after={"status": dispute.status.name},
               reason=resolution)
        notify_person(dispute.person, f"【用工备案】您对备案 {dispute.filing.receipt_number} 提出的异议"
                                      f"已处理（{dispute.status.value}）：{resolution}")
    return dispute
