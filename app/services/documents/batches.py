"""Batch downloads (批量下载): many filings' documents as one ZIP, checked against the actor's
jurisdiction filing by filing, rendered by the queue, streamed one PDF at a time."""

from __future__ import annotations

import datetime
import secrets
import zipfile
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app.domain.documents import (
    BATCH_EMPTY,
    BATCH_MAX_FILINGS,
    BATCH_TOO_LARGE,
    DOCUMENT_FILING_STATUSES,
    DocumentStatus,
)
from app.domain.shared_errors import FILING_NOT_FOUND, UNIT_OUT_OF_JURISDICTION
from app.extensions import db
from app.models.documents import Document, DocumentBatch, DocumentBatchItem
from app.models.filings import Filing
from app.models.units import Unit
from app.services.actor import Actor
from app.services.audit import record, record_access
from app.services.documents.access import covers, file_name
from app.services.documents.agency import default_base_url
from app.services.documents.queue import PRIORITY_BATCH, insert_document, is_documentable, now
from app.services.transaction import transaction


def batch_filings_for_unit(actor: Actor, unit_id: int | None, date_from: datetime.date | None,
                           date_to: datetime.date | None) -> list[int]:
    """Documentable filings of one unit (in the actor's jurisdiction) filed in a date range."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not actor.jurisdiction.covers_unit(unit):
        raise UNIT_OUT_OF_JURISDICTION(field="filings")
    stmt = select(Filing.id).where(Filing.unit_id == unit.id,
                                   Filing.status.in_(DOCUMENT_FILING_STATUSES))
    if date_from:
        stmt = stmt.where(Filing.filed_at >= datetime.datetime.combine(date_from,
                                                                       datetime.time.min))
    if date_to:
        stmt = stmt.where(Filing.filed_at < datetime.datetime.combine(
            date_to + datetime.timedelta(days=1), datetime.time.min))
    return list(db.session.scalars(stmt.order_by(Filing.id).limit(BATCH_MAX_FILINGS + 1)))


def _check_filings(actor: Actor, ids: list[int]) -> None:
    """Every filing documentable and in the actor's jurisdiction, else the whole batch is
    refused (as a 404 would be)."""
    if not ids:
        raise BATCH_EMPTY()
    if len(ids) > BATCH_MAX_FILINGS:
        raise BATCH_TOO_LARGE()
    filings = {f.id: f for f in db.session.scalars(
        select(Filing).options(joinedload(Filing.unit)).where(Filing.id.in_(ids)))}
    for filing_id in ids:
        filing = filings.get(filing_id)
        if not is_documentable(filing) or not covers(actor.jurisdiction, filing):
            raise FILING_NOT_FOUND(field="filings")


def _enqueue(ids: list[int], base_url: str) -> None:
    """Documents for the batch's filings: missing ones enqueued, failed ones retried, queued
    ones moved up to batch priority."""
    existing = set(db.session.scalars(select(Document.filing_id)
                                      .where(Document.filing_id.in_(ids))))
    for filing_id in ids:
        if filing_id not in existing:
            insert_document(filing_id, base_url, PRIORITY_BATCH)
    db.session.execute(
        update(Document).where(Document.filing_id.in_(ids),
                               Document.status == DocumentStatus.FAILED)
        .values(status=DocumentStatus.QUEUED, attempts=0, error=None)
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(Document).where(Document.filing_id.in_(ids),
                               Document.status == DocumentStatus.QUEUED,
                               Document.priority < PRIORITY_BATCH)
        .values(priority=PRIORITY_BATCH).execution_options(synchronize_session=False))


def create_batch(actor: Actor, filing_ids: Iterable[int], *, unit_id: int | None = None,
                 date_from=None, date_to=None, base_url: str | None = None) -> DocumentBatch:
    """A batch download of the given filings; their documents are enqueued."""
    ids = sorted({int(i) for i in filing_ids})
    _check_filings(actor, ids)
    with transaction():
        batch = DocumentBatch(token=secrets.token_urlsafe(18), created_by_id=actor.user_id,
                              unit_id=unit_id, date_from=date_from, date_to=date_to,
                              size=len(ids), created_at=now())
        db.session.add(batch)
        db.session.flush()
        db.session.execute(DocumentBatchItem.__table__.insert(),
                           [{"batch_id": batch.id, "filing_id": i} for i in ids])
        _enqueue(ids, base_url or default_base_url())
        record(actor, "document_batch", batch.id, "create",
               after={"size": len(ids), "unit": unit_id})
    return batch


def batch_for(actor: Actor, token: str) -> DocumentBatch | None:
    """A batch of this actor whose every filing is still in their jurisdiction, else None."""
    batch = db.session.scalar(select(DocumentBatch).where(DocumentBatch.token == str(token)))
    if batch is None or batch.created_by_id != actor.user_id:
        return None
    filings = db.session.scalars(
        select(Filing).options(joinedload(Filing.unit), joinedload(Filing.to_unit))
        .join(DocumentBatchItem, DocumentBatchItem.filing_id == Filing.id)
        .where(DocumentBatchItem.batch_id == batch.id))
    if not all(covers(actor.jurisdiction, filing) for filing in filings):
        return None
    return batch


def batch_progress(batch: DocumentBatch) -> dict:
    rows = db.session.execute(
        select(Document.status, func.count())
        .join(DocumentBatchItem, DocumentBatchItem.filing_id == Document.filing_id)
        .where(DocumentBatchItem.batch_id == batch.id).group_by(Document.status)).all()
    counts = {status.name: n for status, n in rows}
    ready = counts.get("READY", 0)
    failed = counts.get("FAILED", 0)
    total = batch.size
    return {"total": total, "ready": ready, "failed": failed,
            "percent": round(100 * ready / total) if total else 100,
            "done": ready + failed >= total}


def record_batch_download(actor: Actor, batch: DocumentBatch, progress: dict) -> None:
    """Audit a batch ZIP download (its own transaction)."""
    record_access(actor, "document_batch", batch.id, "download", ready=progress["ready"],
                  failed=progress["failed"])


class _Sink:
    """A write-only file for zipfile that hands out what was written, chunk by chunk."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def iter_batch_zip(batch: DocumentBatch) -> Iterator[bytes]:
    """The batch's PDFs as a ZIP, streamed: one PDF is in memory at a time, whatever the size
    of the batch (PDFs are compressed already, so the entries are stored, not deflated)."""
    sink = _Sink()
    rows = list(db.session.execute(
        select(Document.id, Filing.id, Filing.filing_type, Filing.receipt_number,
               Filing.filed_at)
        .join(Filing, Filing.id == Document.filing_id)
        .join(DocumentBatchItem, DocumentBatchItem.filing_id == Filing.id)
        .where(DocumentBatchItem.batch_id == batch.id, Document.status == DocumentStatus.READY)
        .order_by(Filing.id)))
    names: set[str] = set()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for doc_id, filing_id, filing_type, receipt_number, filed_at in rows:
            # One PDF at a time, read as a bare column: nothing accumulates in the session.
            pdf = db.session.scalar(select(Document.pdf).where(Document.id == doc_id))
            name = file_name(filing_type, receipt_number or filing_id)
            if name in names:
                name = f"{filing_id}-{name}"
            names.add(name)
            info = zipfile.ZipInfo(name, date_time=(filed_at or now()).timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, mode="w") as entry:
                entry.write(pdf)
            del pdf
            yield sink.take()
    yield sink.take()


def batch_zip_name(batch: DocumentBatch) -> str:
    return f"备案文书-批量{batch.id}-{(batch.created_at or now()).strftime('%Y%m%d')}.zip"
