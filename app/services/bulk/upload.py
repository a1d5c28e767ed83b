"""Creating a batch: a spreadsheet uploaded (stored, checked later by the worker), rows given
through the API, or a failed batch's file uploaded again. The same file for the same unit and
filing type is one batch: uploading it again finds the first and files nothing twice."""

from __future__ import annotations

import hashlib
import os

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain.bulk.columns import COLUMNS, MODE_ALL_OR_NOTHING
from app.domain.bulk.errors import (
    BULK_FIELD_UNKNOWN,
    BULK_FILE_TOO_LARGE,
    BULK_NO_ROWS,
    BULK_ROW_FORMAT,
    BULK_TOO_MANY_ROWS,
)
from app.domain.bulk.files import check_zip, sniff
from app.domain.filings import FilingType
from app.domain.shared_errors import IDEMPOTENCY_KEY_REUSED
from app.extensions import db
from app.models.bulk import BatchStatus, BulkBatch, BulkRow
from app.services.actor import Actor
from app.services.audit import record
from app.services.bulk.common import (
    check_mode,
    filing_type_of,
    jsonable,
    limits,
    max_rows,
    now,
    unit_in_scope,
)
from app.services.bulk.store import insert_rows
from app.services.transaction import transaction


def _existing(unit_id: int, filing_type: FilingType, content_hash: str | None,
              idempotency_key: str | None, actor: Actor) -> BulkBatch | None:
    if idempotency_key:
        batch = db.session.scalar(select(BulkBatch).where(
            BulkBatch.idempotency_key == idempotency_key))
        if batch is not None:
            if batch.created_by_id != actor.user_id:
                raise IDEMPOTENCY_KEY_REUSED()
            return batch
    if content_hash:
        return db.session.scalar(select(BulkBatch).where(
            BulkBatch.unit_id == unit_id, BulkBatch.filing_type == filing_type,
            BulkBatch.content_hash == content_hash))
    return None


def _create(batch: BulkBatch, rows: list[dict] | None, actor: Actor) -> tuple[BulkBatch, bool]:
    try:
        with transaction():
            db.session.add(batch)
            db.session.flush()
            if rows:
                insert_rows(batch.id, ((n, cells) for n, cells in enumerate(rows, start=1)))
            record(actor, "bulk_batch", batch.id, "create",
                   after={"unit": batch.unit_id, "type": batch.filing_type.name,
                          "file": batch.file_name, "sha256": batch.content_hash,
                          "rows": batch.total, "source": batch.source})
    except IntegrityError:  # the same file (or key) at the same moment: the other one won
        existing = _existing(batch.unit_id, batch.filing_type, batch.content_hash,
                             batch.idempotency_key, actor)
        if existing is None:
            raise
        return existing, False
    return batch, True


def _cleaned(filing_type: FilingType, rows: list) -> list[dict]:
    if not rows:
        raise BULK_NO_ROWS(message="没有可导入的数据行。", message_en="No rows given.")
    if len(rows) > max_rows():
        raise BULK_TOO_MANY_ROWS(
            message=f"一次最多导入 {max_rows()} 行，本次有 {len(rows)} 行。请分成几批提交。",
            message_en="Too many rows in one batch.")
    keys = {c.key for c in COLUMNS[filing_type]}
    cleaned = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise BULK_ROW_FORMAT(number=number)
        unknown = sorted(set(row) - keys)
        if unknown:
            raise BULK_FIELD_UNKNOWN(number=number, names="、".join(unknown),
                                     names_en=", ".join(unknown))
        cleaned.append({k: jsonable(v) for k, v in row.items()})
    return cleaned


def submit_rows(*, actor: Actor, unit_id: int, filing_type: FilingType,
                rows: list[dict[str, str]], mode: str = MODE_ALL_OR_NOTHING,
                source: str = "api", idempotency_key: str | None = None,
                filename: str | None = None, content_hash: str | None = None,
                service_case_id: int | None = None) -> BulkBatch:
    """Create a batch from already-parsed rows (keys = the column keys of
    app.domain.bulk.columns.COLUMNS[filing_type]) and queue it for validation and filing off
    the request path; return the batch (status QUEUED, or the earlier batch of the same key or
    content). DomainError for a unit the actor may not file for."""
    filing_type = filing_type_of(filing_type)
    unit = unit_in_scope(actor, unit_id)
    mode = check_mode(mode)
    key = (idempotency_key or "").strip()[:64] or None
    cleaned = _cleaned(filing_type, rows)
    existing = _existing(unit.id, filing_type, content_hash, key, actor)
    if existing is not None:
        return existing
    batch = BulkBatch(unit_id=unit.id, filing_type=filing_type, mode=mode, source=source[:16],
                      status=BatchStatus.QUEUED, file_name=(filename or "")[:200],
                      content_hash=content_hash, idempotency_key=key,
                      created_by_id=actor.user_id, created_at=now(), client_ip=actor.ip[:64],
                      file_requested=True, file_requested_by_id=actor.user_id,
                      file_requested_at=now(), total=len(cleaned),
                      service_case_id=service_case_id)
    return _create(batch, cleaned, actor)[0]


def upload_file(actor: Actor, unit_id: int, filing_type, filename: str, data: bytes, *,
                service_case_id: int | None = None) -> tuple[BulkBatch, bool]:
    """Store an uploaded file as a QUEUED batch after the checks that need no parsing (size,
    real type, zip bomb); the worker reads and checks the rows. Returns (batch, created): the
    same file uploaded again for the same unit and type gives the first batch."""
    filing_type = filing_type_of(filing_type)
    unit = unit_in_scope(actor, unit_id)
    lim = limits()
    if len(data) > lim.max_bytes:
        raise BULK_FILE_TOO_LARGE(megabytes=lim.max_bytes // (1024 * 1024))
    kind = sniff(data, filename)
    if kind == "xlsx":
        check_zip(data, lim)
    digest = hashlib.sha256(data).hexdigest()
    existing = _existing(unit.id, filing_type, digest, None, actor)
    if existing is not None:
        if existing.status == BatchStatus.FAILED:  # an unexpected failure: try it again
            return retry(actor, existing, data), True
        return existing, False
    batch = BulkBatch(unit_id=unit.id, filing_type=filing_type, mode=MODE_ALL_OR_NOTHING,
                      source="upload", status=BatchStatus.QUEUED,
                      file_name=os.path.basename(filename or "")[:200], file_kind=kind,
                      file_size=len(data), content_hash=digest, file_data=data,
                      created_by_id=actor.user_id, created_at=now(), client_ip=actor.ip[:64],
                      service_case_id=service_case_id)
    return _create(batch, None, actor)


def retry(actor: Actor, batch: BulkBatch, data: bytes) -> BulkBatch:
    """A batch that failed unexpectedly (nothing of it was filed) is queued again when its
    file is uploaded again."""
    with transaction():
        has_rows = db.session.scalar(select(func.count(BulkRow.id))
                                     .where(BulkRow.batch_id == batch.id))
        batch.status = BatchStatus.FILE_QUEUED if batch.file_requested else BatchStatus.QUEUED
        if batch.file_requested and not batch.validated_at:
            batch.status = BatchStatus.QUEUED
        batch.file_error_code = batch.file_error_message = None
        batch.claimed_by = batch.claimed_at = None
        if not has_rows:
            batch.file_data = data
        record(actor, "bulk_batch", batch.id, "retry")
    return batch

