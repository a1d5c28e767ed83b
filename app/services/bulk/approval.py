"""属地审批 of a mass-termination batch at once: a district officer approves (整批通过) or
returns (整批退回) every filing of the batch waiting for the district's approval. The request
records the decision and queues it; the worker carries it out filing by filing, each through
the single-filing use case (its checks run again), one transaction each."""

from __future__ import annotations

import logging

from sqlalchemy import and_, func, or_, select, update

from app.domain.bulk.errors import (
    BULK_APPROVAL_IN_PROGRESS,
    BULK_FAILED,
    BULK_NOTHING_TO_APPROVE,
)
from app.domain.errors import DomainError
from app.domain.filings import FilingStatus, check_return_reason
from app.domain.shared_errors import DISTRICT_APPROVAL_ONLY
from app.extensions import db
from app.models.bulk import ApprovalState, BulkBatch, BulkRow
from app.models.filings import Filing
from app.services import filings as fs
from app.services.actor import Actor
from app.services.audit import record
from app.services.bulk.common import (
    APPROVE,
    RETURN,
    STALE_CLAIM,
    filing_ids,
    fresh_batch,
    fresh_scalar,
    now,
    set_batch,
    user_of,
)
from app.services.bulk.status import batch_for
from app.services.transaction import discard, transaction

log = logging.getLogger(__name__)

APPROVAL_CHUNK = 100  # filings decided between two progress updates
WAITING = (FilingStatus.PENDING_DISTRICT_APPROVAL,)


def _busy(batch: BulkBatch) -> DomainError:
    who = user_of(batch.approval_requested_by_id)
    when = (f"于 {batch.approval_requested_at:%Y-%m-%d %H:%M:%S} "
            if batch.approval_requested_at else "")
    return BULK_APPROVAL_IN_PROGRESS(
        name=getattr(who, "username", None) or "其他经办人", when=when,
        what="整批退回" if batch.approval_action == RETURN else "整批通过")


def approve_district(actor: Actor, batch_id) -> BulkBatch:
    """Approve every filing of the batch waiting for the district's approval. Only staff who
    may decide them (the unit's own district office, or an admin)."""
    return _request_decision(actor, batch_id, APPROVE)


def return_district(actor: Actor, batch_id, reason_code: str, message: str) -> BulkBatch:
    """整批退回: return every filing of the batch waiting for district approval to the unit,
    with one coded reason and message (each through filings.return_filing, by the worker)."""
    return _request_decision(actor, batch_id, RETURN, reason_code, message)


def _decidable(actor: Actor, batch: BulkBatch) -> list[int]:
    if batch.approval_state in (ApprovalState.QUEUED, ApprovalState.RUNNING):
        raise _busy(batch)
    ids = filing_ids(batch, WAITING)
    if not ids:
        raise BULK_NOTHING_TO_APPROVE()
    if not fs.may_decide(db.session.get(Filing, ids[0]), actor):
        raise DISTRICT_APPROVAL_ONLY(district=batch.unit.district.name)
    return ids


def _request_decision(actor: Actor, batch_id, action: str, reason_code: str | None = None,
                      message: str | None = None) -> BulkBatch:
    batch = batch_for(actor, batch_id)
    if action == RETURN:
        reason_code, message = check_return_reason(reason_code, message)
    ids = _decidable(actor, batch)
    with transaction():
        # One decision at a time: the UPDATE succeeds for the first click / approver only.
        result = db.session.execute(
            update(BulkBatch).where(BulkBatch.id == batch.id, or_(
                BulkBatch.approval_state.is_(None),
                BulkBatch.approval_state == ApprovalState.DONE))
            .values(approval_state=ApprovalState.QUEUED, approval_action=action,
                    approval_reason_code=reason_code, approval_message=message,
                    approval_requested_by_id=actor.user_id, approval_requested_at=now(),
                    approval_claimed_at=None, approval_finished_at=None,
                    approval_total=len(ids), approval_done=0, approval_failed=0)
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            record(actor, "bulk_batch", batch.id, f"{action}_district_requested",
                   after={"filings": len(ids), "reason": reason_code, "message": message})
    if result.rowcount != 1:
        raise _busy(fresh_batch(batch.id))
    db.session.refresh(batch)
    return batch


def _claimable():
    return or_(BulkBatch.approval_state == ApprovalState.QUEUED,
               and_(BulkBatch.approval_state == ApprovalState.RUNNING,
                    BulkBatch.approval_claimed_at < now() - STALE_CLAIM))


def process_approvals(limit: int = 5) -> int:
    """The worker's part: carry out queued district decisions (a stale claim is resumed)."""
    done = 0
    while done < limit:
        batch_id = fresh_scalar(select(BulkBatch.id).where(_claimable())
                                .order_by(BulkBatch.id).limit(1))
        if batch_id is None:
            break
        process_approval(batch_id)
        done += 1
    return done


def _claim(batch_id: int) -> bool:
    with transaction():
        result = db.session.execute(
            update(BulkBatch).where(BulkBatch.id == batch_id, _claimable())
            .values(approval_state=ApprovalState.RUNNING, approval_claimed_at=now())
            .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _recount(batch_id: int) -> dict:
    """The batch's filed / pending counters from its filings as they stand."""
    with transaction(write=False):
        counts = dict(db.session.execute(
            select(Filing.status, func.count()).join(BulkRow, BulkRow.filing_id == Filing.id)
            .where(BulkRow.batch_id == batch_id).group_by(Filing.status)).all())
    return {"filed": counts.get(FilingStatus.FILED, 0),
            "pending_review": counts.get(FilingStatus.PENDING_REVIEW, 0),
            "district_approval": counts.get(FilingStatus.PENDING_DISTRICT_APPROVAL, 0)}


def _decide_one(batch_id: int, decision: tuple, filing_id: int, actor: Actor) -> str | None:
    """Decide one filing; None when it is decided (now or singly meanwhile), else the code
    of why it stays pending."""
    action, reason_code, message = decision
    try:
        if action == RETURN:
            fs.return_filing(filing_id, actor, reason_code, message)
        else:
            fs.approve(filing_id, actor)
        return None
    except Exception as exc:  # noqa: BLE001 - one filing never stops the batch
        discard()
        if not isinstance(exc, DomainError):
            log.exception("bulk batch %s: filing %s not decided", batch_id, filing_id)
        status = db.session.scalar(select(Filing.status).where(Filing.id == filing_id))
        if status != FilingStatus.PENDING_DISTRICT_APPROVAL:
            return None  # decided singly meanwhile: nothing left to do here
        return getattr(exc, "code", BULK_FAILED.code)


def _decide_all(batch: BulkBatch, ids: list[int], actor: Actor) -> dict[str, int]:
    batch_id = batch.id
    decision = (batch.approval_action, batch.approval_reason_code, batch.approval_message)
    failures: dict[str, int] = {}
    for start in range(0, len(ids), APPROVAL_CHUNK):
        chunk = ids[start:start + APPROVAL_CHUNK]
        failed = 0
        for filing_id in chunk:
            code = _decide_one(batch_id, decision, filing_id, actor)
            if code is not None:
                failed += 1
                failures[code] = failures.get(code, 0) + 1
        set_batch(batch_id, approval_done=BulkBatch.approval_done + len(chunk),
                  approval_failed=BulkBatch.approval_failed + failed,
                  approval_claimed_at=now(), **_recount(batch_id))
    return failures


def process_approval(batch_id: int) -> BulkBatch:
    """Carry out a batch's district decision: each pending filing through filings.approve
    (or return_filing), one transaction each — every single decision is valid on its own, so
    a crash leaves the batch RUNNING with its progress, and the next run (after the stale
    claim time) resumes with the filings still pending. A filing whose checks no longer pass
    stays pending, counted as failed, for a single decision."""
    batch_id = int(batch_id)
    if not _claim(batch_id):
        return fresh_batch(batch_id)
    batch = fresh_batch(batch_id)
    actor = Actor.of(user_of(batch.approval_requested_by_id))  # the officer who decided
    ids = filing_ids(batch, WAITING)
    # A resumed run starts its counts again from what is still pending.
    set_batch(batch_id, approval_done=max(batch.approval_total - len(ids), 0),
              approval_failed=0)
    failures = _decide_all(batch, ids, actor)
    with transaction():
        batch = fresh_batch(batch_id)
        batch.approval_state = ApprovalState.DONE
        batch.approval_finished_at = now()
        record(actor, "bulk_batch", batch_id, f"{batch.approval_action}_district",
               after={"done": batch.approval_done - batch.approval_failed,
                      "failed": batch.approval_failed, "errors": failures})
    return batch
