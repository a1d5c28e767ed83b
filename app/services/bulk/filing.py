"""Asking to file a checked batch: all rows (only if all are valid) or only the valid ones.
The request is queued for the worker; a second click finds it already queued."""

from __future__ import annotations

from sqlalchemy import update

from app.domain.bulk.columns import MODE_ALL_OR_NOTHING
from app.domain.bulk.errors import BULK_HAS_ERRORS, BULK_NOT_READY, BULK_NOTHING_VALID
from app.extensions import db
from app.models.bulk import BatchStatus, BulkBatch
from app.services.actor import Actor
from app.services.audit import record
from app.services.bulk.common import check_mode, now
from app.services.bulk.status import batch_for
from app.services.transaction import transaction


def _check_ready(batch: BulkBatch, mode: str) -> None:
    if batch.status != BatchStatus.VALIDATED:
        raise BULK_NOT_READY(
            message=f"该批次当前状态为“{batch.status.value}”，只有校验完成、尚未备案的批次可以提交备案。",
            message_en="Only a validated batch can be filed.")
    if mode == MODE_ALL_OR_NOTHING and batch.invalid:
        raise BULK_HAS_ERRORS(
            field="mode",
            message=f"有 {batch.invalid} 行存在错误。“全部正确才备案”要求所有行都正确：请下载错误报告，"
                    "修正后重新上传；或选择“只备案正确的行”。",
            message_en="Some rows are invalid; fix them or choose valid_only.")
    if batch.valid == 0:
        raise BULK_NOTHING_VALID()


def request_filing(actor: Actor, batch_id, mode: str) -> BulkBatch:
    """The user's choice after the summary: file all rows (only if all are valid) or only the
    valid ones. Queued for the worker."""
    mode = check_mode(mode)
    batch = batch_for(actor, batch_id)
    _check_ready(batch, mode)
    with transaction():
        result = db.session.execute(
            update(BulkBatch).where(BulkBatch.id == batch.id,
                                    BulkBatch.status == BatchStatus.VALIDATED)
            .values(status=BatchStatus.FILE_QUEUED, mode=mode, file_requested=True,
                    file_requested_by_id=actor.user_id, file_requested_at=now(),
                    progress_done=0)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise BULK_NOT_READY(message="该批次刚刚已经提交备案，请勿重复提交。",
                                 message_en="The batch was already submitted.")
        record(actor, "bulk_batch", batch.id, "file_requested", after={"mode": mode})
    db.session.refresh(batch)
    return batch
