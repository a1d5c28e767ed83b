"""Use cases of bulk filing (批量导入备案): upload a spreadsheet or submit parsed rows, check every
row off the request path with the single-filing rules, report the errors row by row, and file
the batch — all-or-nothing by default, or only the valid rows on explicit choice.

A batch is first-class (app.models.bulk.BulkBatch): the file's hash, who, when, counts and the
filings it produced. The same file for the same unit and filing type is one batch: uploading it
again finds the first and files nothing twice.

Hooks the app calls (see app/features.py): scheduled_jobs, register_commands, seed, seed_demo."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g, has_request_context
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.domain.bulk import (
    COLUMNS,
    MODE_ALL_OR_NOTHING,
    MODES,
    cell_text,
    is_blank_row,
    is_notes_row,
    match_headers,
    row_error_text,
)
from app.domain.bulk_files import FileLimits, read_table, sniff
from app.domain.errors import DomainError
from app.domain.filings import FilingStatus, FilingType
from app.extensions import db
from app.models.bulk import ApprovalState, BatchStatus, BulkBatch, BulkRow, RowStatus
from app.models.filings import Channel, Filing
from app.models.units import Unit
from app.services import bulk_engine as engine
from app.services import filings as fs
from app.services.audit import record
from app.services.transaction import begin_write

log = logging.getLogger(__name__)

JOB_NAME = "bulk_batches"
STALE_CLAIM = datetime.timedelta(minutes=30)
ACTIVE_STATUSES = (BatchStatus.QUEUED, BatchStatus.VALIDATING, BatchStatus.FILE_QUEUED,
                   BatchStatus.FILING)
ROW_INSERT_CHUNK = 1000
PROGRESS_EVERY = 200

__all__ = [
    "approval_progress", "approve_district", "batch_for", "batch_status", "batches_for",
    "error_report", "process_approval", "process_batch", "process_queued", "request_filing",
    "return_district", "submit_rows", "template_file", "upload_file",
]


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------

def _setting(name: str, default: int) -> int:
    value = current_app.config.get(name, os.environ.get(name))
    return int(value) if value not in (None, "") else default


def max_rows() -> int:
    """BEIAN_BULK_MAX_ROWS: data rows in one file or API batch (default 20,000)."""
    return _setting("BEIAN_BULK_MAX_ROWS", 20_000)


def limits() -> FileLimits:
    return FileLimits(max_bytes=_setting("BEIAN_BULK_MAX_BYTES", 10 * 1024 * 1024),
                      max_rows=max_rows())


def now() -> datetime.datetime:
    return datetime.datetime.now()


def _error(code: str, zh: str, en: str, field: str | None = None) -> DomainError:
    return DomainError(code, zh, en, field)


def _not_found() -> DomainError:
    return _error("BULK_BATCH_NOT_FOUND", "未找到该批次，或不在您的办理范围内。",
                  "Batch not found in your jurisdiction.")


def _unit_in_scope(actor: fs.Actor, unit_id) -> Unit:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not actor.jurisdiction.covers_unit(unit):
        raise _error("UNIT_OUT_OF_JURISDICTION",
                     "该单位不在您的办理范围内。用人单位只能为本单位办理备案；经办人员只能为辖区内单位办理。",
                     "This unit is outside your jurisdiction.", "unit")
    return unit


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise _error("BULK_MODE_UNKNOWN", "备案方式无效：请选择“全部正确才备案”或“只备案正确的行”。",
                     "mode must be all_or_nothing or valid_only.", "mode")
    return mode


def _filing_type(value) -> FilingType:
    if isinstance(value, FilingType):
        return value
    if isinstance(value, str) and value in FilingType.__members__:
        return FilingType[value]
    raise _error("BULK_FILING_TYPE_UNKNOWN", "请选择备案类型：录用、合同续订、市内调动或退工。",
                 "Unknown filing type.", "filing_type")


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return cell_text(value)


# --------------------------------------------------------------------------------------------
# Creating a batch
# --------------------------------------------------------------------------------------------

def _existing(unit_id: int, filing_type: FilingType, content_hash: str | None,
              idempotency_key: str | None, actor: fs.Actor) -> BulkBatch | None:
    if idempotency_key:
        batch = db.session.scalar(select(BulkBatch).where(
            BulkBatch.idempotency_key == idempotency_key))
        if batch is not None:
            if batch.created_by_id != actor.user_id:
                raise _error("IDEMPOTENCY_KEY_REUSED", "该提交编号已被使用，请换一个提交编号。",
                             "This idempotency key belongs to another submission.")
            return batch
    if content_hash:
        return db.session.scalar(select(BulkBatch).where(
            BulkBatch.unit_id == unit_id, BulkBatch.filing_type == filing_type,
            BulkBatch.content_hash == content_hash))
    return None


def _create(batch: BulkBatch, rows: list[dict] | None, actor: fs.Actor) -> tuple[BulkBatch, bool]:
    begin_write()
    try:
        db.session.add(batch)
        db.session.flush()
        if rows:
            _insert_rows(batch.id, ((n, cells) for n, cells in enumerate(rows, start=1)))
        record("bulk_batch", batch.id, "create",
               after={"unit": batch.unit_id, "type": batch.filing_type.name,
                      "file": batch.file_name, "sha256": batch.content_hash,
                      "rows": batch.total, "source": batch.source})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same file (or key) at the same moment: the other one won
        existing = _existing(batch.unit_id, batch.filing_type, batch.content_hash,
                             batch.idempotency_key, actor)
        if existing is None:
            raise
        return existing, False
    except Exception:
        db.session.rollback()
        raise
    return batch, True


def _insert_rows(batch_id: int, rows) -> int:
    table = BulkRow.__table__
    buffer, count = [], 0
    for number, cells in rows:
        buffer.append({"batch_id": batch_id, "row_number": number, "cells": cells,
                       "status": RowStatus.PENDING.name, "flags": ""})
        if len(buffer) >= ROW_INSERT_CHUNK:
            db.session.execute(table.insert(), buffer)
            count += len(buffer)
            buffer = []
    if buffer:
        db.session.execute(table.insert(), buffer)
        count += len(buffer)
    return count


def submit_rows(*, actor, unit_id: int, filing_type: FilingType, rows: list[dict[str, str]],
                mode: str = MODE_ALL_OR_NOTHING, source: str = "api",
                idempotency_key: str | None = None, filename: str | None = None,
                content_hash: str | None = None,
                service_case_id: int | None = None) -> BulkBatch:
    """Create a batch from already-parsed rows (keys = the column keys of
    app.domain.bulk.COLUMNS[filing_type]) and queue it for validation and filing off the
    request path; return the batch (status QUEUED, or the earlier batch of the same key or
    content). DomainError for a unit the actor may not file for."""
    filing_type = _filing_type(filing_type)
    unit = _unit_in_scope(actor, unit_id)
    mode = _check_mode(mode)
    key = (idempotency_key or "").strip()[:64] or None
    if not rows:
        raise _error("BULK_NO_ROWS", "没有可导入的数据行。", "No rows given.", "rows")
    if len(rows) > max_rows():
        raise _error("BULK_TOO_MANY_ROWS",
                     f"一次最多导入 {max_rows()} 行，本次有 {len(rows)} 行。请分成几批提交。",
                     "Too many rows in one batch.", "rows")
    keys = {c.key for c in COLUMNS[filing_type]}
    cleaned = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise _error("BULK_ROW_FORMAT", f"第 {number} 行不是“字段名: 值”的对象。",
                         f"Row {number} is not an object.", "rows")
        unknown = set(row) - keys
        if unknown:
            raise _error("BULK_FIELD_UNKNOWN",
                         f"第 {number} 行有不认识的字段：{'、'.join(sorted(unknown))}。",
                         f"Row {number} has unknown fields: {', '.join(sorted(unknown))}.",
                         "rows")
        cleaned.append({k: _jsonable(v) for k, v in row.items()})
    existing = _existing(unit.id, filing_type, content_hash, key, actor)
    if existing is not None:
        return existing
    batch = BulkBatch(unit_id=unit.id, filing_type=filing_type, mode=mode, source=source[:16],
                      status=BatchStatus.QUEUED, file_name=(filename or "")[:200],
                      content_hash=content_hash, idempotency_key=key,
                      created_by_id=actor.user_id, created_at=now(), client_ip=_client_ip(),
                      file_requested=True, file_requested_by_id=actor.user_id,
                      file_requested_at=now(), total=len(cleaned),
                      service_case_id=service_case_id)
    return _create(batch, cleaned, actor)[0]


def _client_ip() -> str:
    if has_request_context():
        from flask import request

        return (request.remote_addr or "")[:64]
    return ""


def upload_file(actor: fs.Actor, unit_id: int, filing_type, filename: str, data: bytes, *,
                service_case_id: int | None = None) -> tuple[BulkBatch, bool]:
    """Store an uploaded file as a QUEUED batch after the checks that need no parsing (size,
    real type, zip bomb); the worker reads and checks the rows. Returns (batch, created): the
    same file uploaded again for the same unit and type gives the first batch."""
    filing_type = _filing_type(filing_type)
    unit = _unit_in_scope(actor, unit_id)
    lim = limits()
    if len(data) > lim.max_bytes:
        raise _error("BULK_FILE_TOO_LARGE",
                     f"文件超过 {lim.max_bytes // (1024 * 1024)} MB。请删除多余的工作表、图片和格式，"
                     "或把数据分成几个文件上传。", "The file is too large.", "file")
    kind = sniff(data, filename)
    if kind == "xlsx":
        from app.domain.bulk_files import check_zip

        check_zip(data, lim)
    digest = hashlib.sha256(data).hexdigest()
    existing = _existing(unit.id, filing_type, digest, None, actor)
    if existing is not None:
        if existing.status == BatchStatus.FAILED:  # an unexpected failure: try it again
            return _retry(existing, data), True
        return existing, False
    batch = BulkBatch(unit_id=unit.id, filing_type=filing_type, mode=MODE_ALL_OR_NOTHING,
                      source="upload", status=BatchStatus.QUEUED,
                      file_name=os.path.basename(filename or "")[:200], file_kind=kind,
                      file_size=len(data), content_hash=digest, file_data=data,
                      created_by_id=actor.user_id, created_at=now(), client_ip=_client_ip(),
                      service_case_id=service_case_id)
    return _create(batch, None, actor)


def _retry(batch: BulkBatch, data: bytes) -> BulkBatch:
    """A batch that failed unexpectedly (nothing of it was filed) is queued again when its
    file is uploaded again."""
    begin_write()
    has_rows = db.session.scalar(select(func.count(BulkRow.id))
                                 .where(BulkRow.batch_id == batch.id))
    batch.status = BatchStatus.FILE_QUEUED if batch.file_requested else BatchStatus.QUEUED
    if batch.file_requested and not batch.validated_at:
        batch.status = BatchStatus.QUEUED
    batch.file_error_code = batch.file_error_message = None
    batch.claimed_by = batch.claimed_at = None
    if not has_rows:
        batch.file_data = data
    record("bulk_batch", batch.id, "retry")
    db.session.commit()
    return batch


# --------------------------------------------------------------------------------------------
# Reading a batch
# --------------------------------------------------------------------------------------------

def batch_for(actor: fs.Actor, batch_id) -> BulkBatch:
    """A batch of a unit in the actor's jurisdiction, else BULK_BATCH_NOT_FOUND."""
    try:
        batch = db.session.get(BulkBatch, int(batch_id))
    except (TypeError, ValueError):
        batch = None
    if batch is None or not actor.jurisdiction.covers_unit(batch.unit):
        raise _not_found()
    return batch


def batches_for(actor: fs.Actor, unit_id: int | None = None, limit: int = 50) -> list[BulkBatch]:
    stmt = (select(BulkBatch).join(Unit, Unit.id == BulkBatch.unit_id)
            .where(actor.jurisdiction.unit_clause()))
    if unit_id:
        stmt = stmt.where(BulkBatch.unit_id == unit_id)
    return list(db.session.scalars(stmt.order_by(BulkBatch.id.desc()).limit(limit)))


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


def batch_status(batch_id: int, actor, *, rows: bool = True, row_limit: int | None = None,
                 only_errors: bool = False) -> dict:
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
        "approval": ({"state": batch.approval_state.name,
                      "state_label": batch.approval_state.value,
                      "action": batch.approval_action, "total": batch.approval_total,
                      "done": batch.approval_done, "failed": batch.approval_failed,
                      "progress": approval_progress(batch)}
                     if batch.approval_state else None),
        "done": batch.status not in ACTIVE_STATUSES and not approval_active(batch),
    }
    if approval_active(batch):
        payload["status_label"] = ("整批退回" if batch.approval_action == RETURN
                                   else "属地审批整批通过") + batch.approval_state.value
    if rows:
        stmt = (select(BulkRow.row_number, BulkRow.status, BulkRow.errors, BulkRow.filing_id,
                       Filing.receipt_number, BulkRow.flags)
                .outerjoin(Filing, Filing.id == BulkRow.filing_id)
                .where(BulkRow.batch_id == batch.id).order_by(BulkRow.row_number))
        if only_errors:
            stmt = stmt.where(BulkRow.status == RowStatus.INVALID)
        if row_limit is not None:
            stmt = stmt.limit(row_limit)
        payload["rows"] = [
            {"row": number, "status": status.name.lower(), "errors": errors or [],
             "filing_id": filing_id, "receipt_number": receipt, "flags": flags}
            for number, status, errors, filing_id, receipt, flags in db.session.execute(stmt)]
    return payload


def filing_ids(batch: BulkBatch, statuses=None) -> list[int]:
    stmt = (select(Filing.id).join(BulkRow, BulkRow.filing_id == Filing.id)
            .where(BulkRow.batch_id == batch.id))
    if statuses:
        stmt = stmt.where(Filing.status.in_(statuses))
    return list(db.session.scalars(stmt.order_by(Filing.id)))


# --------------------------------------------------------------------------------------------
# Asking to file
# --------------------------------------------------------------------------------------------

def request_filing(actor: fs.Actor, batch_id, mode: str) -> BulkBatch:
    """The user's choice after the summary: file all rows (only if all are valid) or only the
    valid ones. Queued for the worker."""
    mode = _check_mode(mode)
    batch = batch_for(actor, batch_id)
    if batch.status != BatchStatus.VALIDATED:
        raise _error("BULK_NOT_READY",
                     f"该批次当前状态为“{batch.status.value}”，只有校验完成、尚未备案的批次可以提交备案。",
                     "Only a validated batch can be filed.")
    if mode == MODE_ALL_OR_NOTHING and batch.invalid:
        raise _error("BULK_HAS_ERRORS",
                     f"有 {batch.invalid} 行存在错误。“全部正确才备案”要求所有行都正确：请下载错误报告，"
                     "修正后重新上传；或选择“只备案正确的行”。",
                     "Some rows are invalid; fix them or choose valid_only.", "mode")
    if batch.valid == 0:
        raise _error("BULK_NOTHING_VALID", "没有正确的行可以备案。请下载错误报告，修正后重新上传。",
                     "No valid rows to file.", "mode")
    begin_write()
    result = db.session.execute(
        update(BulkBatch).where(BulkBatch.id == batch.id,
                                BulkBatch.status == BatchStatus.VALIDATED)
        .values(status=BatchStatus.FILE_QUEUED, mode=mode, file_requested=True,
                file_requested_by_id=actor.user_id, file_requested_at=now(), progress_done=0)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise _error("BULK_NOT_READY", "该批次刚刚已经提交备案，请勿重复提交。",
                     "The batch was already submitted.")
    record("bulk_batch", batch.id, "file_requested", after={"mode": mode})
    db.session.commit()
    db.session.refresh(batch)
    return batch


APPROVE, RETURN = "approve", "return"
APPROVAL_CHUNK = 100  # filings decided between two progress updates


def _approval_busy(batch: BulkBatch) -> DomainError:
    who = _user(batch.approval_requested_by_id)
    name = getattr(who, "username", None) or "其他经办人"
    when = (f"于 {batch.approval_requested_at:%Y-%m-%d %H:%M:%S} "
            if batch.approval_requested_at else "")
    what = "整批退回" if batch.approval_action == RETURN else "整批通过"
    return _error("BULK_APPROVAL_IN_PROGRESS",
                  f"本批次已由 {name} {when}提交“{what}”，正在后台办理，请勿重复提交。"
                  "请留在本页查看进度。",
                  "This batch's district decision was already submitted and is being carried "
                  "out.")


def approve_district(actor: fs.Actor, batch_id) -> BulkBatch:
    """属地审批 of a mass-termination batch at once: approve every filing of the batch waiting
    for the district's approval. The request only records the decision (who, when) and queues
    it; the worker approves the filings one by one through filings.approve (its checks run
    again). Only staff who may decide them (the unit's own district office, or an admin)."""
    return _request_decision(actor, batch_id, APPROVE)


def return_district(actor: fs.Actor, batch_id, reason_code: str, message: str) -> BulkBatch:
    """整批退回: return every filing of the batch waiting for district approval to the unit,
    with one coded reason and message (each through filings.return_filing, by the worker)."""
    return _request_decision(actor, batch_id, RETURN, reason_code, message)


def _request_decision(actor: fs.Actor, batch_id, action: str, reason_code: str | None = None,
                      message: str | None = None) -> BulkBatch:
    from app.domain.filings import check_return_reason

    batch = batch_for(actor, batch_id)
    if action == RETURN:
        reason_code, message = check_return_reason(reason_code, message)
    if batch.approval_state in (ApprovalState.QUEUED, ApprovalState.RUNNING):
        raise _approval_busy(batch)
    ids = filing_ids(batch, (FilingStatus.PENDING_DISTRICT_APPROVAL,))
    if not ids:
        raise _error("BULK_NOTHING_TO_APPROVE", "本批次没有等待属地审批的备案。",
                     "Nothing of this batch waits for district approval.")
    if not fs.may_decide(db.session.get(Filing, ids[0]), actor):
        raise _error("DISTRICT_APPROVAL_ONLY",
                     f"批量退工达到属地报批标准，须由单位所在地{batch.unit.district.name}的经办机构审批。",
                     "Mass terminations are approved by the unit's own district office.")
    begin_write()
    # One decision at a time: the UPDATE succeeds for the first click / approver only.
    result = db.session.execute(
        update(BulkBatch).where(BulkBatch.id == batch.id, or_(
            BulkBatch.approval_state.is_(None), BulkBatch.approval_state == ApprovalState.DONE))
        .values(approval_state=ApprovalState.QUEUED, approval_action=action,
                approval_reason_code=reason_code, approval_message=message,
                approval_requested_by_id=actor.user_id, approval_requested_at=now(),
                approval_claimed_at=None, approval_finished_at=None, approval_total=len(ids),
                approval_done=0, approval_failed=0)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(batch)
        raise _approval_busy(batch)
    record("bulk_batch", batch.id, f"{action}_district_requested",
           after={"filings": len(ids), "reason": reason_code, "message": message})
    db.session.commit()
    db.session.refresh(batch)
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


def process_approvals(limit: int = 5) -> int:
    """The worker's part: carry out queued district decisions (a stale claim is resumed)."""
    done = 0
    cutoff = now() - STALE_CLAIM
    while done < limit:
        db.session.commit()
        batch_id = db.session.scalar(
            select(BulkBatch.id).where(or_(
                BulkBatch.approval_state == ApprovalState.QUEUED,
                and_(BulkBatch.approval_state == ApprovalState.RUNNING,
                     BulkBatch.approval_claimed_at < cutoff)))
            .order_by(BulkBatch.id).limit(1))
        db.session.commit()
        if batch_id is None:
            break
        process_approval(batch_id)
        done += 1
    return done


def _claim_approval(batch_id: int) -> bool:
    begin_write()
    result = db.session.execute(
        update(BulkBatch).where(BulkBatch.id == batch_id, or_(
            BulkBatch.approval_state == ApprovalState.QUEUED,
            and_(BulkBatch.approval_state == ApprovalState.RUNNING,
                 BulkBatch.approval_claimed_at < now() - STALE_CLAIM)))
        .values(approval_state=ApprovalState.RUNNING, approval_claimed_at=now())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _recount(batch: BulkBatch) -> dict:
    """The batch's filed / pending counters from its filings as they stand."""
    counts = dict(db.session.execute(
        select(Filing.status, func.count()).join(BulkRow, BulkRow.filing_id == Filing.id)
        .where(BulkRow.batch_id == batch.id).group_by(Filing.status)).all())
    db.session.commit()
    return {"filed": counts.get(FilingStatus.FILED, 0),
            "pending_review": counts.get(FilingStatus.PENDING_REVIEW, 0),
            "district_approval": counts.get(FilingStatus.PENDING_DISTRICT_APPROVAL, 0)}


def process_approval(batch_id: int) -> BulkBatch:
    """Carry out a batch's district decision: each pending filing through filings.approve
    (or return_filing), one transaction each — every single decision is valid on its own, so
    a crash leaves the batch RUNNING with its progress, and the next run (after the stale
    claim time) resumes with the filings still pending. A filing whose checks no longer pass
    stays pending, counted as failed, for a single decision."""
    batch_id = int(batch_id)
    db.session.commit()
    if not _claim_approval(batch_id):
        return db.session.get(BulkBatch, batch_id)
    batch = db.session.get(BulkBatch, batch_id)
    db.session.refresh(batch)
    user = _user(batch.approval_requested_by_id)
    action = batch.approval_action
    code, message = batch.approval_reason_code, batch.approval_message
    actor = fs.Actor.of(user)
    ids = filing_ids(batch, (FilingStatus.PENDING_DISTRICT_APPROVAL,))
    # A resumed run starts its counts again from what is still pending.
    _set(batch_id, approval_done=max(batch.approval_total - len(ids), 0), approval_failed=0)
    failures: dict[str, int] = {}
    with _acting_as(user, ""):
        for start in range(0, len(ids), APPROVAL_CHUNK):
            ok = failed = 0
            for filing_id in ids[start:start + APPROVAL_CHUNK]:
                try:
                    if action == RETURN:
                        fs.return_filing(filing_id, actor, code, message)
                    else:
                        fs.approve(filing_id, actor)
                    ok += 1
                except Exception as exc:  # noqa: BLE001 - one filing never stops the batch
                    db.session.rollback()
                    if not isinstance(exc, DomainError):
                        log.exception("bulk batch %s: filing %s not decided", batch_id,
                                      filing_id)
                    if db.session.scalar(select(Filing.status).where(Filing.id == filing_id)) \
                            != FilingStatus.PENDING_DISTRICT_APPROVAL:
                        ok += 1  # decided singly meanwhile: nothing left to do here
                        continue
                    failed += 1
                    error_code = getattr(exc, "code", "BULK_FAILED")
                    failures[error_code] = failures.get(error_code, 0) + 1
            _set(batch_id, approval_done=BulkBatch.approval_done + ok + failed,
                 approval_failed=BulkBatch.approval_failed + failed,
                 approval_claimed_at=now(), **_recount(batch))
    begin_write()
    batch = db.session.get(BulkBatch, batch_id)
    db.session.refresh(batch)
    batch.approval_state = ApprovalState.DONE
    batch.approval_finished_at = now()
    record("bulk_batch", batch_id, f"{action}_district",
           after={"done": batch.approval_done - batch.approval_failed,
                  "failed": batch.approval_failed, "errors": failures})
    db.session.commit()
    return batch


# --------------------------------------------------------------------------------------------
# The worker
# --------------------------------------------------------------------------------------------

def _claim(batch_id: int, from_status: BatchStatus, to_status: BatchStatus) -> bool:
    """An UPDATE that succeeds for one worker only (as documents are claimed)."""
    begin_write()
    result = db.session.execute(
        update(BulkBatch).where(BulkBatch.id == batch_id, BulkBatch.status == from_status)
        .values(status=to_status, claimed_by=_worker(), claimed_at=now(), progress_done=0)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _worker() -> str:
    from app.services.documents import worker_name

    return worker_name()[:128]


def _set(batch_id: int, **values) -> None:
    begin_write()
    db.session.execute(update(BulkBatch).where(BulkBatch.id == batch_id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def _progress_writer(batch_id: int, *, in_write_transaction: bool):
    """Progress counters from a separate connection, so they show while the batch's own
    transaction is open. SQLite has one writer at a time: not while the batch writes."""
    if in_write_transaction and db.engine.dialect.name == "sqlite":
        return None
    last = [0]

    def write(done: int) -> None:
        if done - last[0] < PROGRESS_EVERY:
            return
        last[0] = done
        try:
            with db.engine.begin() as conn:
                conn.execute(update(BulkBatch).where(BulkBatch.id == batch_id)
                             .values(progress_done=done))
        except Exception:  # noqa: BLE001 - progress is a nicety; never fail the batch for it
            log.warning("bulk batch %s: progress not written", batch_id, exc_info=True)

    return write


@contextmanager
def _acting_as(user, ip: str):
    """Run the batch as its uploader: the audit entries name them (record() reads g.user)."""
    with current_app.test_request_context(environ_base={"REMOTE_ADDR": ip or ""}):
        missing = object()
        previous = g.get("user", missing)
        g.user = user
        try:
            yield
        finally:
            if previous is missing:
                g.pop("user", None)
            else:
                g.user = previous


def _user(user_id):
    from app.extensions import appbuilder

    return db.session.get(appbuilder.sm.user_model, user_id) if user_id else None


def process_batch(batch_id: int) -> BulkBatch:
    """Validate and, when asked to, file a batch (what the worker job runs). A batch another
    worker holds is left alone; returns the batch as it stands."""
    batch_id = int(batch_id)
    db.session.commit()
    if _claim(batch_id, BatchStatus.QUEUED, BatchStatus.VALIDATING):
        _run_phase(batch_id, _validate)
    batch = db.session.get(BulkBatch, batch_id)
    db.session.refresh(batch)
    if batch.status == BatchStatus.FILE_QUEUED and _claim(batch_id, BatchStatus.FILE_QUEUED,
                                                          BatchStatus.FILING):
        _run_phase(batch_id, _file)
    batch = db.session.get(BulkBatch, batch_id)
    db.session.refresh(batch)
    return batch


def _run_phase(batch_id: int, phase) -> None:
    batch = db.session.get(BulkBatch, batch_id)
    db.session.refresh(batch)
    user = _user(batch.file_requested_by_id if phase is _file else batch.created_by_id)
    try:
        with _acting_as(user, batch.client_ip):
            phase(batch_id, user)
    except Exception as exc:
        db.session.rollback()
        log.exception("bulk batch %s failed", batch_id)
        _set(batch_id, status=BatchStatus.FAILED, finished_at=now(),
             file_error_code="BULK_FAILED",
             file_error_message=f"处理时发生意外错误（{type(exc).__name__}），本批次没有备案任何记录。"
                                "请稍后重新上传；如多次出现，请联系经办机构。")


def _reject_file(batch_id: int, exc: DomainError, notes=None) -> None:
    _set(batch_id, status=BatchStatus.REJECTED, file_error_code=exc.code,
         file_error_message=exc.message, finished_at=now(), notes=notes or None, file_data=None)


def _read_file_rows(batch: BulkBatch) -> list[str] | None:
    """Parse the stored file into rows (once). Returns the notes, or None when rejected."""
    data = db.session.scalar(select(BulkBatch.file_data).where(BulkBatch.id == batch.id))
    db.session.commit()
    try:
        table = read_table(data or b"", batch.file_name, limits())
    except DomainError as exc:
        _reject_file(batch.id, exc)
        return None
    del data
    notes = list(table.notes)
    limit = max_rows()
    try:
        match = None
        count = 0

        def rows():
            nonlocal match, count
            for number, values in table.rows:
                if match is None:
                    if is_blank_row(values):
                        continue
                    match = match_headers(batch.filing_type, values)
                    continue
                if is_blank_row(values) or is_notes_row(batch.filing_type, match, values):
                    continue
                count += 1
                if count > limit:
                    raise _error(
                        "BULK_TOO_MANY_ROWS",
                        f"文件的数据行超过 {limit} 行的上限。请把数据分成几个文件，每个不超过 {limit} 行，分别上传。",
                        "Too many rows.", "file")
                yield number, {key: _jsonable(values[i]) if i < len(values) else None
                               for key, i in match.positions.items()}

        begin_write()
        inserted = _insert_rows(batch.id, rows())
        if match is None:
            raise _error("BULK_HEADER_NOT_FOUND",
                         "文件是空的：没有找到标题行和数据。请使用模板填写后上传。", "Empty file.", "file")
        if inserted == 0:
            raise _error("BULK_NO_ROWS", "文件中只有标题行，没有数据行。请在模板中填写数据后上传。",
                         "No data rows.", "file")
        notes += match.notes_zh()
        # The rows are stored: the file itself is no longer needed (its hash stays).
        db.session.execute(update(BulkBatch).where(BulkBatch.id == batch.id)
                           .values(total=inserted, notes=notes or None, file_data=None)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        _reject_file(batch.id, exc, notes)
        return None
    finally:
        if callable(table.close):
            table.close()
    return notes


def _stored_rows(batch_id: int, statuses=None,
                 chunk: int = 500) -> Iterator[tuple[int, int, dict]]:
    """The batch's stored rows in file order, read a chunk at a time (keyset on the id, so no
    cursor stays open while the rows are checked and filed): the decoded cells of a 20,000-row
    file are never all in memory at once."""
    last = 0
    while True:
        stmt = (select(BulkRow.id, BulkRow.row_number, BulkRow.cells)
                .where(BulkRow.batch_id == batch_id, BulkRow.id > last)
                .order_by(BulkRow.id).limit(chunk))
        if statuses:
            stmt = stmt.where(BulkRow.status.in_(statuses))
        rows = db.session.execute(stmt).all()
        if not rows:
            return
        for row in rows:
            yield tuple(row)
        last = rows[-1][0]


def _row_source(batch: BulkBatch, statuses=None) -> engine.RowSource:
    """The batch's rows, parsed as they stream (engine.run reads them twice)."""
    filing_type, batch_id, codes = batch.filing_type, batch.id, engine.code_lookups()
    return lambda: engine.parsed_stream(filing_type, _stored_rows(batch_id, statuses), codes)


def _save_results(batch_id: int, results: list[engine.RowResult], *, filed: bool) -> None:
    table = BulkRow.__table__
    params = []
    for r in results:
        if r.errors:
            status = RowStatus.INVALID
        elif filed and r.filing_id:
            status = RowStatus.FILED
        else:
            status = RowStatus.VALID
        params.append({"b_id": r.row_id, "status": status.name, "errors": r.errors or None,
                       "flags": r.flags[:64], "filing_id": r.filing_id})
    stmt = (table.update().where(table.c.id == bindparam("b_id"))
            .values(status=bindparam("status"), errors=bindparam("errors"),
                    flags=bindparam("flags"), filing_id=bindparam("filing_id")))
    for start in range(0, len(params), ROW_INSERT_CHUNK):
        db.session.execute(stmt, params[start:start + ROW_INSERT_CHUNK])


def _validate(batch_id: int, user) -> None:
    batch = db.session.get(BulkBatch, batch_id)
    if batch.source == "upload" and not db.session.scalar(
            select(func.count(BulkRow.id)).where(BulkRow.batch_id == batch_id)):
        if _read_file_rows(batch) is None:
            return
        db.session.refresh(batch)
    started = time.perf_counter()
    actor = fs.Actor.of(user, via=Channel.BULK)
    unit = db.session.get(Unit, batch.unit_id)
    rows = _row_source(batch)
    try:
        _unit_in_scope(actor, unit.id)
        results = engine.run(batch.filing_type, unit, actor, rows, write=False,
                             progress=_progress_writer(batch_id, in_write_transaction=False))
    except DomainError as exc:  # the uploader lost the right to file for the unit
        db.session.rollback()
        _reject_file(batch_id, exc)
        return
    db.session.rollback()  # the dry run leaves nothing behind
    invalid = sum(1 for r in results if r.errors)
    begin_write()
    _save_results(batch_id, results, filed=False)
    batch = db.session.get(BulkBatch, batch_id)
    batch.total = len(results)
    batch.valid, batch.invalid = len(results) - invalid, invalid
    batch.errors_by_code = engine.errors_by_code(results)
    batch.validated_at = now()
    batch.validation_seconds = time.perf_counter() - started
    batch.progress_done = len(results)
    if batch.file_requested:
        batch.status = BatchStatus.FILING  # keeps the claim: filing follows at once
    else:
        batch.status = BatchStatus.VALIDATED
        batch.finished_at = now()
    db.session.commit()
    if batch.file_requested:
        _file(batch_id, _user(batch.file_requested_by_id) or user)


def _file(batch_id: int, user) -> None:
    """File the batch in one transaction: all of it, or (valid_only) its valid rows."""
    batch = db.session.get(BulkBatch, batch_id)
    db.session.refresh(batch)
    if batch.mode == MODE_ALL_OR_NOTHING and batch.invalid:
        _set(batch_id, status=BatchStatus.REJECTED, finished_at=now(), file_data=None,
             file_error_code="BULK_HAS_ERRORS",
             file_error_message=f"有 {batch.invalid} 行存在错误，按“全部正确才备案”没有备案任何记录。"
                                "请下载错误报告，修正后重新上传。")
        return
    actor = fs.Actor.of(user, via=Channel.BULK)
    unit = db.session.get(Unit, batch.unit_id)
    rows = _row_source(batch, (RowStatus.VALID,))
    mode = batch.mode
    begin_write()
    try:
        _unit_in_scope(actor, unit.id)
        results = engine.run(batch.filing_type, unit, actor, rows, write=True,
                             progress=_progress_writer(batch_id, in_write_transaction=True),
                             chunk_size=500)
        failed = [r for r in results if r.errors]
        if failed and mode == MODE_ALL_OR_NOTHING:
            # Something changed since the check (e.g. a worker was filed meanwhile): all or
            # nothing means nothing.
            db.session.rollback()
            begin_write()
            _save_results(batch_id, failed, filed=False)
            _finish(batch_id, BatchStatus.REJECTED, results, error=(
                "BULK_CHANGED_SINCE_CHECK",
                f"备案时发现 {len(failed)} 行已不符合规则（数据在校验后发生了变化），按“全部正确才备案”"
                "没有备案任何记录。请下载错误报告，修正后重新上传。"))
            db.session.commit()
            return
        _save_results(batch_id, results, filed=True)
        _finish(batch_id, BatchStatus.FILED, results)
        record("bulk_batch", batch_id, "file",
               after={"mode": mode, "filed": sum(1 for r in results if r.filing_id),
                      "invalid": len(failed)})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    _link_service_case(batch_id, actor)


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


def _link_service_case(batch_id: int, actor: fs.Actor) -> None:
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


def requeue_stale(older_than: datetime.timedelta = STALE_CLAIM) -> int:
    """A worker that died mid-way leaves its batch claimed: queue it again (a filing
    transaction that died was rolled back, so nothing of it is filed)."""
    cutoff = now() - older_than
    begin_write()
    count = 0
    for from_status, to_status in ((BatchStatus.VALIDATING, BatchStatus.QUEUED),
                                   (BatchStatus.FILING, BatchStatus.FILE_QUEUED)):
        result = db.session.execute(
            update(BulkBatch).where(BulkBatch.status == from_status,
                                    BulkBatch.claimed_at < cutoff)
            .values(status=to_status, claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False))
        count += result.rowcount or 0
    db.session.commit()
    return count


def process_queued(limit: int = 5) -> dict:
    """The job: process queued batches, oldest first."""
    requeued = requeue_stale()
    done = 0
    while done < limit:
        db.session.commit()
        batch_id = db.session.scalar(
            select(BulkBatch.id).where(BulkBatch.status.in_(
                (BatchStatus.QUEUED, BatchStatus.FILE_QUEUED))).order_by(BulkBatch.id).limit(1))
        db.session.commit()
        if batch_id is None:
            break
        process_batch(batch_id)
        done += 1
    approvals = process_approvals(limit)
    return {"processed": done, "requeued": requeued, "approvals": approvals}


# --------------------------------------------------------------------------------------------
# Files for the user: templates and error reports
# --------------------------------------------------------------------------------------------

def template_file(filing_type, fmt: str) -> tuple[bytes, str, str]:
    """(content, download name, mimetype) of a filing type's template."""
    from app.services import bulk_files

    filing_type = _filing_type(filing_type)
    return bulk_files.template(filing_type, fmt, engine.code_lookups(), max_rows())


def error_report(batch: BulkBatch, fmt: str, *, only_errors: bool = False) -> tuple[bytes, str, str]:
    """The batch's rows as uploaded with an error column, to fix and upload again."""
    from app.services import bulk_files

    stmt = (select(BulkRow.cells, BulkRow.status, BulkRow.errors)
            .where(BulkRow.batch_id == batch.id).order_by(BulkRow.row_number))
    if only_errors:
        stmt = stmt.where(BulkRow.status == RowStatus.INVALID)
    rows = ((cells, row_error_text(errors or []) if status == RowStatus.INVALID
             else ("已备案" if status == RowStatus.FILED else ""))
            for cells, status, errors in db.session.execute(stmt))
    return bulk_files.report(batch, fmt, rows)


# --------------------------------------------------------------------------------------------
# Feature hooks
# --------------------------------------------------------------------------------------------

def scheduled_jobs(app) -> tuple:
    """Process queued batches every 2 seconds (each batch claimed by one worker)."""
    from app.jobs import Job

    every = int(app.config.get("BEIAN_BULK_EVERY_SECONDS", 2))
    return (Job(JOB_NAME, process_queued, every),)


def register_commands(beian_group) -> None:
    """`flask beian bulk-process [BATCH_ID]`: process one batch, or the queue."""
    import click

    @beian_group.command("bulk-process")
    @click.argument("batch_id", required=False, type=int)
    def bulk_process(batch_id):
        """Validate and file queued bulk batches now (the scheduler does it every 2 s)."""
        if batch_id:
            batch = process_batch(batch_id)
            click.echo(f"batch {batch.id}: {batch.status.name} total={batch.total} "
                       f"valid={batch.valid} invalid={batch.invalid} filed={batch.filed}")
        else:
            click.echo(process_queued(limit=1000))


def seed() -> dict:
    """Reference data, idempotent (run by `flask beian init`)."""
    return {}


def seed_demo() -> dict:
    """Demo data for the demo city, idempotent (run by `flask beian demo`)."""
    return {}

