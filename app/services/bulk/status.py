"""Reading batches: a batch in the actor's jurisdiction, the latest batches, and a batch's
status with its progress (0..100) and row results, as the pages and the API show them."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.bulk.errors import BULK_BATCH_NOT_FOUND
from app.extensions import db
from app.models.bulk import ApprovalState, BatchStatus, BulkBatch, BulkRow, RowStatus
from app.models.filings import Filing
from app.services.actor import Actor
from app.services.bulk.common import ACTIVE_STATUSES, RETURN, now


def batch_for(actor: Actor, batch_id) -> BulkBatch:
    """A batch of a unit in the actor's jurisdiction, else BULK_BATCH_NOT_FOUND."""
    try:
        batch = db.session.get(BulkBatch, int(batch_id))
    except (TypeError, ValueError):
        batch = None
    if batch is None or not actor.jurisdiction.covers_unit(batch.unit):
        raise BULK_BATCH_NOT_FOUND()
    return batch


def approval_active(batch: BulkBatch) -> bool:
    return batch.approval_state in (ApprovalState.QUEUED, ApprovalState.RUNNING)


def approval_progress(batch: BulkBatch) -> int | None:
    """0..100 of the district decision being carried out, None when there is none."""
    if batch.approval_state is None:
        return None
    if batch.approval_state == ApprovalState.DONE or not batch.approval_total:
        return 100
    return min(99, int(100 * batch.approval_done / batch.approval_total))


def progress(batch: BulkBatch) -> int:
    """0..100: validation is the first half of a batch that files at once, else all of it."""
    if approval_active(batch):
        return approval_progress(batch)
    total = max(batch.total, 1)
    status = batch.status
    if status in (BatchStatus.FILED, BatchStatus.REJECTED, BatchStatus.FAILED):
        return 100
    if status == BatchStatus.VALIDATED:
        return 100
    share = 50 if batch.file_requested else 100
    if status == BatchStatus.QUEUED:
        return 0
    if status == BatchStatus.VALIDATING:
        return min(share - 1, batch.progress_done * share // total)
    if status == BatchStatus.FILE_QUEUED:
        return 50
    # FILING: counted where the database allows a second writer, else estimated from the time
    # the validation of the same rows took.
    if batch.progress_done and batch.progress_done < total:
        return 50 + min(49, batch.progress_done * 50 // total)
    if batch.claimed_at and batch.validation_seconds:
        elapsed = (now() - batch.claimed_at).total_seconds()
        return 50 + min(45, int(45 * elapsed / max(batch.validation_seconds * 2, 0.5)))
    return 55


def _approval(batch: BulkBatch) -> dict | None:
    if not batch.approval_state:
        return None
    return {"state": batch.approval_state.name, "state_label": batch.approval_state.value,
            "action": batch.approval_action, "total": batch.approval_total,
            "done": batch.approval_done, "failed": batch.approval_failed,
            "progress": approval_progress(batch)}


def _rows(batch: BulkBatch, row_limit: int | None, only_errors: bool) -> list[dict]:
    stmt = (select(BulkRow.row_number, BulkRow.status, BulkRow.errors, BulkRow.filing_id,
                   Filing.receipt_number, BulkRow.flags)
            .outerjoin(Filing, Filing.id == BulkRow.filing_id)
            .where(BulkRow.batch_id == batch.id).order_by(BulkRow.row_number))
    if only_errors:
        stmt = stmt.where(BulkRow.status == RowStatus.INVALID)
    if row_limit is not None:
        stmt = stmt.limit(row_limit)
    return [{"row": number, "status": status.name.lower(), "errors": errors or [],
             "filing_id": filing_id, "receipt_number": receipt, "flags": flags}
            for number, status, errors, filing_id, receipt, flags in db.session.execute(stmt)]


def batch_status(batch_id: int, actor: Actor, *, rows: bool = True,
                 row_limit: int | None = None, only_errors: bool = False) -> dict:
    """{"id", "status", "filing_type", "mode", "total", "valid", "invalid", "filed",
    "progress" (0..100), "errors_by_code", "rows": [...]} — DomainError (not found) outside the
    actor's jurisdiction."""
    batch = batch_for(actor, batch_id)
    payload = {
        "id": batch.id, "status": batch.status.name, "status_label": batch.status.value,
        "filing_type": batch.filing_type.name, "mode": batch.mode, "source": batch.source,
        "unit_id": batch.unit_id, "file_name": batch.file_name, "sha256": batch.content_hash,
        "created_at": batch.created_at.isoformat(timespec="seconds") if batch.created_at
        else None,
        "total": batch.total, "valid": batch.valid, "invalid": batch.invalid,
        "filed": batch.filed, "pending_review": batch.pending_review,
        "district_approval": batch.district_approval, "progress": progress(batch),
        "errors_by_code": batch.errors_by_code or {}, "notes": batch.notes or [],
        "file_error": ({"code": batch.file_error_code, "message_zh": batch.file_error_message}
                       if batch.file_error_code else None),
        "approval": _approval(batch),
        "done": batch.status not in ACTIVE_STATUSES and not approval_active(batch),
    }
    if approval_active(batch):
        payload["status_label"] = ("整批退回" if batch.approval_action == RETURN
                                   else "属地审批整批通过") + batch.approval_state.value
    if rows:
        payload["rows"] = _rows(batch, row_limit, only_errors)
    return payload
