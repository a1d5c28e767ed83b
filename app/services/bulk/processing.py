"""The worker's part of bulk filing: claim a queued batch (one worker only), check its rows
with the single-filing rules (a dry run), and file it when asked — all-or-nothing in one
transaction, or only its valid rows. Progress and claims are short transactions of their own
so the pages of other processes see them."""

from __future__ import annotations

import datetime
import logging
import time

from sqlalchemy import and_, or_, select, update

from app.domain.bulk.columns import MODE_ALL_OR_NOTHING
from app.domain.bulk.errors import BULK_CHANGED_SINCE_CHECK, BULK_FAILED, BULK_HAS_ERRORS
from app.domain.errors import DomainError
from app.domain.filings import FilingStatus
from app.extensions import db
from app.models.bulk import BatchStatus, BulkBatch, RowStatus
from app.models.units import Unit
from app.services.actor import Actor
from app.services.audit import record
from app.services.bulk import engine
from app.services.bulk.approval import process_approvals
from app.services.bulk.common import (
    actor_of,
    end_reads,
    filing_ids,
    fresh_batch,
    fresh_scalar,
    now,
    set_batch,
    unit_in_scope,
)
from app.services.bulk.file_rows import read_file_rows, reject_file
from app.services.bulk.store import has_rows, row_source, save_results
from app.services.leases import Heartbeat, expired, free_or_expired, lease_until
from app.services.transaction import discard, transaction

log = logging.getLogger(__name__)

PROGRESS_EVERY = 200


def claim(batch_id: int, from_status: BatchStatus, to_status: BatchStatus) -> bool:
    """An UPDATE that succeeds for one worker only (as documents are claimed): the batch is
    waiting (`from_status`), or held (`to_status`) by a worker whose lease ran out — it died,
    and its filing transaction died with it. The winner holds the batch by a lease
    (BEIAN_LEASE_SECONDS), renewed between chunks."""
    with transaction():
        result = db.session.execute(
            update(BulkBatch).where(BulkBatch.id == batch_id, free_or_expired(
                BulkBatch.status, from_status, to_status, BulkBatch.lease_until))
            .values(status=to_status, claimed_by=_worker(), claimed_at=now(), progress_done=0,
                    lease_until=lease_until())
            .execution_options(synchronize_session=False))
    return result.rowcount == 1


class _LeaseLost(Exception):
    """This worker's lease ran out and another took the batch over: its work is undone."""


def _heartbeat(batch_id: int, *, in_session: bool = False) -> Heartbeat:
    table = BulkBatch.__table__
    return Heartbeat(table, (table.c.id == batch_id) & (table.c.claimed_by == _worker()),
                     table.c.lease_until, in_session=in_session)


def _still_held(batch_id: int, status: BatchStatus) -> None:
    """Renew the lease inside the caller's transaction, or raise _LeaseLost: the batch's last
    write is made only while this worker holds it, so a batch taken over is done once."""
    held = db.session.execute(
        update(BulkBatch).where(BulkBatch.id == batch_id, BulkBatch.claimed_by == _worker(),
                                BulkBatch.status == status)
        .values(lease_until=lease_until()).execution_options(synchronize_session=False))
    if held.rowcount != 1:
        raise _LeaseLost(batch_id)


def _worker() -> str:
    from app.services.claims import worker_name

    return worker_name()[:128]


def _progress_writer(batch_id: int, *, in_write_transaction: bool):
    """Progress counters from a separate connection, so they show while the batch's own
    transaction is open (SQLite has one writer at a time: not while the batch writes); and the
    batch's heartbeat between chunks (on SQLite inside the batch's own transaction then)."""
    sqlite_writing = in_write_transaction and db.engine.dialect.name == "sqlite"
    heartbeat = _heartbeat(batch_id, in_session=sqlite_writing)
    last = [0]

    def write(done: int) -> None:
        heartbeat.beat()
        if sqlite_writing or done - last[0] < PROGRESS_EVERY:
            return
        last[0] = done
        try:
            with db.engine.begin() as conn:
                conn.execute(update(BulkBatch).where(BulkBatch.id == batch_id)
                             .values(progress_done=done))
        except Exception:  # noqa: BLE001 - progress is a nicety; never fail the batch for it
            log.warning("bulk batch %s: progress not written", batch_id, exc_info=True)

    return write


def process_batch(batch_id: int) -> BulkBatch:
    """Validate and, when asked to, file a batch (what the worker job runs). A batch another
    worker holds is left alone; returns the batch as it stands."""
    batch_id = int(batch_id)
    end_reads()
    if claim(batch_id, BatchStatus.QUEUED, BatchStatus.VALIDATING):
        _run_phase(batch_id, _validate)
    batch = fresh_batch(batch_id)
    if batch.status in (BatchStatus.FILE_QUEUED, BatchStatus.FILING) and claim(
            batch_id, BatchStatus.FILE_QUEUED, BatchStatus.FILING):
        _run_phase(batch_id, _file)
    return fresh_batch(batch_id)


def _run_phase(batch_id: int, phase) -> None:
    """Run a phase as the batch's user; an unexpected failure leaves the batch FAILED, with
    nothing of it filed."""
    batch = fresh_batch(batch_id)
    actor = actor_of(batch.file_requested_by_id if phase is _file else batch.created_by_id,
                     batch)
    try:
        phase(batch_id, actor)
    except _LeaseLost:
        discard()
        log.warning("bulk batch %s: taken over by another worker; this one's work undone",
                    batch_id)
    except Exception as exc:
        discard()
        log.exception("bulk batch %s failed", batch_id)
        failed = BULK_FAILED(error=type(exc).__name__)
        set_batch(batch_id, status=BatchStatus.FAILED, finished_at=now(),
                  file_error_code=failed.code, file_error_message=failed.message)


def _validate(batch_id: int, actor: Actor) -> None:
    batch = db.session.get(BulkBatch, batch_id)
    if batch.source == "upload" and not has_rows(batch_id):
        if read_file_rows(batch) is None:
            return
        db.session.refresh(batch)
    started = time.perf_counter()
    unit = db.session.get(Unit, batch.unit_id)
    try:
        unit_in_scope(actor, unit.id)
        results = engine.run(batch.filing_type, unit, actor, row_source(batch), write=False,
                             progress=_progress_writer(batch_id, in_write_transaction=False))
    except DomainError as exc:  # the uploader lost the right to file for the unit
        discard()
        reject_file(batch_id, exc)
        return
    discard()  # the dry run leaves nothing behind
    with transaction():
        _still_held(batch_id, BatchStatus.VALIDATING)
        save_results(results, filed=False)
        batch = db.session.get(BulkBatch, batch_id)
        invalid = sum(1 for r in results if r.errors)
        batch.total = len(results)
        batch.valid, batch.invalid = len(results) - invalid, invalid
        batch.errors_by_code = engine.errors_by_code(results)
        batch.validated_at = now()
        batch.validation_seconds = time.perf_counter() - started
        batch.progress_done = len(results)
        file_now = batch.file_requested
        if file_now:
            batch.status = BatchStatus.FILING  # keeps the claim: filing follows at once
        else:
            batch.status = BatchStatus.VALIDATED
            batch.finished_at = now()
        filer_id = batch.file_requested_by_id
    if file_now:
        _file(batch_id, actor_of(filer_id, batch) if filer_id else actor)


class _ChangedSinceCheck(Exception):
    """Rows that passed the check fail when filed: the all-or-nothing transaction is undone."""

    def __init__(self, results: list[engine.RowResult], failed: list[engine.RowResult]):
        super().__init__(len(failed))
        self.results, self.failed = results, failed


def _file(batch_id: int, actor: Actor) -> None:
    """File the batch in one transaction: all of it, or (valid_only) its valid rows."""
    batch = fresh_batch(batch_id)
    if batch.mode == MODE_ALL_OR_NOTHING and batch.invalid:
        refused = BULK_HAS_ERRORS(
            message=f"有 {batch.invalid} 行存在错误，按“全部正确才备案”没有备案任何记录。"
                    "请下载错误报告，修正后重新上传。",
            message_en="Some rows are invalid; nothing was filed.")
        set_batch(batch_id, status=BatchStatus.REJECTED, finished_at=now(), file_data=None,
                  file_error_code=refused.code, file_error_message=refused.message)
        return
    try:
        _file_rows(batch, actor)
    except _ChangedSinceCheck as changed:
        # Something changed since the check (e.g. a worker was filed meanwhile): all or
        # nothing means nothing.
        with transaction():
            save_results(changed.failed, filed=False)
            refused = BULK_CHANGED_SINCE_CHECK(count=len(changed.failed))
            _finish(batch_id, BatchStatus.REJECTED, changed.results,
                    error=(refused.code, refused.message))
        return
    _link_service_case(batch_id, actor)


def _file_rows(batch: BulkBatch, actor: Actor) -> None:
    batch_id, mode = batch.id, batch.mode
    unit = db.session.get(Unit, batch.unit_id)
    rows = row_source(batch, (RowStatus.VALID,))
    with transaction():
        unit_in_scope(actor, unit.id)
        results = engine.run(batch.filing_type, unit, actor, rows, write=True,
                             progress=_progress_writer(batch_id, in_write_transaction=True),
                             chunk_size=500)
        _still_held(batch_id, BatchStatus.FILING)
        failed = [r for r in results if r.errors]
        if failed and mode == MODE_ALL_OR_NOTHING:
            raise _ChangedSinceCheck(results, failed)
        save_results(results, filed=True)
        _finish(batch_id, BatchStatus.FILED, results)
        record(actor, "bulk_batch", batch_id, "file",
               after={"mode": mode, "filed": sum(1 for r in results if r.filing_id),
                      "invalid": len(failed)})


def _finish(batch_id: int, status: BatchStatus, results: list[engine.RowResult],
            error: tuple[str, str] | None = None) -> None:
    batch = db.session.get(BulkBatch, batch_id)
    made = [r for r in results if r.filing_id]
    batch.status = status
    batch.finished_at = now()
    batch.file_data = None
    batch.filed = sum(1 for r in made if r.filing_status == FilingStatus.FILED)
    batch.pending_review = sum(1 for r in made if r.filing_status == FilingStatus.PENDING_REVIEW)
    batch.district_approval = sum(1 for r in made if r.filing_status
                                  == FilingStatus.PENDING_DISTRICT_APPROVAL)
    failed = [r for r in results if r.errors]
    if failed:
        batch.invalid += len(failed)
        batch.valid -= len(failed)
        codes = dict(batch.errors_by_code or {})
        for code, n in engine.errors_by_code(failed).items():
            codes[code] = codes.get(code, 0) + n
        batch.errors_by_code = codes
    batch.progress_done = batch.total
    if error:
        batch.file_error_code, batch.file_error_message = error


def _link_service_case(batch_id: int, actor: Actor) -> None:
    """A staff upload tied to a special service case: its filings join the case."""
    batch = db.session.get(BulkBatch, batch_id)
    if not batch.service_case_id:
        return
    from app.services import outreach

    link = getattr(outreach, "link_filings", None)
    if link is None:
        log.warning("bulk batch %s: outreach.link_filings is not available", batch_id)
        return
    link(batch.service_case_id, filing_ids(batch), actor)


def requeue_stale(older_than: datetime.timedelta | None = None) -> int:
    """A worker that died mid-way leaves its batch claimed: once its lease has run out (or,
    when `older_than` is given, it was claimed longer ago than that) queue it again (a filing
    transaction that died was rolled back, so nothing of it is filed). (process_batch takes
    such a batch over by itself; this only tidies the queue's view.)"""
    stale = expired(BulkBatch.lease_until) if older_than is None \
        else BulkBatch.claimed_at < now() - older_than
    count = 0
    with transaction():
        for from_status, to_status in ((BatchStatus.VALIDATING, BatchStatus.QUEUED),
                                       (BatchStatus.FILING, BatchStatus.FILE_QUEUED)):
            result = db.session.execute(
                update(BulkBatch).where(BulkBatch.status == from_status, stale)
                .values(status=to_status, claimed_by=None, claimed_at=None, lease_until=None)
                .execution_options(synchronize_session=False))
            count += result.rowcount or 0
    return count


def process_queued(limit: int = 5) -> dict:
    """The job: process queued batches, oldest first, then queued district decisions."""
    requeued = requeue_stale()
    done = 0
    while done < limit:
        batch_id = fresh_scalar(
            select(BulkBatch.id).where(or_(
                BulkBatch.status.in_((BatchStatus.QUEUED, BatchStatus.FILE_QUEUED)),
                and_(BulkBatch.status.in_((BatchStatus.VALIDATING, BatchStatus.FILING)),
                     expired(BulkBatch.lease_until))))
            .order_by(BulkBatch.id).limit(1))
        if batch_id is None:
            break
        process_batch(batch_id)
        done += 1
    return {"processed": done, "requeued": requeued, "approvals": process_approvals(limit)}
