"""Idempotency-Key for API POSTs: a retried request gets the first response instead of doing the
work twice.

The first request *claims* (principal, key) by inserting a row (unique index: of two concurrent
requests with the same key exactly one wins, the other is told the first is still running).
When it succeeds its status and body are stored and replayed to every retry with the same body;
a retry with a different body is refused. When it fails (4xx: nothing was written) the claim is
released, so the client may correct the request and send it again with the same key."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.domain.errors import DomainError
from app.extensions import db
from app.models.api import IdempotencyRecord
from app.services.transaction import begin_write

MAX_KEY_LENGTH = 255
# A claim whose request died (worker killed) is taken over after this long.
STALE_CLAIM = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class Replay:
    status: int
    body: dict


def request_hash(method: str, path: str, body) -> str:
    """The same request whatever the JSON's spacing or key order."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise DomainError("IDEMPOTENCY_KEY_INVALID",
                          f"Idempotency-Key 须为 1–{MAX_KEY_LENGTH} 个可打印的 ASCII 字符（建议使用 UUID）。",
                          f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable ASCII characters "
                          "(a UUID is recommended).", "Idempotency-Key")
    return key


def _mismatch() -> DomainError:
    return DomainError("IDEMPOTENCY_KEY_MISMATCH",
                       "该 Idempotency-Key 已用于另一个不同内容的请求。重试时请原样重发同一请求；新的请求请使用新的 Idempotency-Key。",
                       "This Idempotency-Key was used for a request with a different body. Retry "
                       "with the identical request, or use a new key for a new request.",
                       "Idempotency-Key")


def _in_progress() -> DomainError:
    return DomainError("IDEMPOTENCY_IN_PROGRESS",
                       "使用同一 Idempotency-Key 的请求正在处理中，请稍后重试。",
                       "A request with this Idempotency-Key is still being processed; retry "
                       "shortly.", "Idempotency-Key")


def _existing(principal: str, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.principal == principal, IdempotencyRecord.key == key))


def _answer(record: IdempotencyRecord, digest: str) -> Replay | None:
    if record.request_hash != digest:
        raise _mismatch()
    if record.response_status is None:
        if datetime.datetime.now() - record.created_at > STALE_CLAIM:
            return None  # the first request died: take the claim over
        raise _in_progress()
    return Replay(record.response_status, record.response_body or {})


def claim(principal: str, key: str, digest: str) -> Replay | None:
    """Claim the key for this request (None: go ahead) or return the stored first response.
    Raises DomainError for a different body or a first request still running. Commits."""
    existing = _existing(principal, key)
    if existing is not None:
        replay = _answer(existing, digest)
        db.session.commit()
        if replay is not None:
            return replay
        begin_write()
        existing.created_at = datetime.datetime.now()
        db.session.commit()
        return None
    begin_write()
    try:
        db.session.add(IdempotencyRecord(principal=principal, key=key, request_hash=digest,
                                         created_at=datetime.datetime.now()))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(principal, key)
        db.session.commit()
        if existing is None:  # pragma: no cover - released between our insert and read
            raise _in_progress() from None
        replay = _answer(existing, digest)
        if replay is None:
            raise _in_progress() from None
        return replay
    return None


def complete(principal: str, key: str, status: int, body: dict) -> None:
    """Store the first response (2xx) so retries replay it. Commits."""
    begin_write()
    record = _existing(principal, key)
    if record is not None:
        record.response_status = status
        record.response_body = body
    db.session.commit()


def release(principal: str, key: str) -> None:
    """Forget a claim whose request failed (nothing was written). Commits."""
    db.session.rollback()
    begin_write()
    db.session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.principal == principal, IdempotencyRecord.key == key,
        IdempotencyRecord.response_status.is_(None)))
    db.session.commit()
