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

from app import clock
from app.domain.api import (
    IDEMPOTENCY_IN_PROGRESS,
    IDEMPOTENCY_KEY_INVALID,
    IDEMPOTENCY_KEY_MISMATCH,
    MAX_IDEMPOTENCY_KEY,
)
from app.extensions import db
from app.models.api import IdempotencyRecord
from app.services.transaction import discard, transaction

# A claim whose request died (worker killed) is taken over after this long.
STALE_CLAIM = datetime.timedelta(minutes=2)
# Records are forgotten after this long (a client retries within minutes).
KEEP = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Replay:
    status: int
    body: dict


def request_hash(method: str, path: str, body) -> str:
    """The same request whatever the JSON's spacing or key order."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str) -> str:
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isascii() or not key.isprintable():
        raise IDEMPOTENCY_KEY_INVALID()
    return key


def _existing(principal: str, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.principal == principal, IdempotencyRecord.key == key))


def _answer(record: IdempotencyRecord, digest: str) -> Replay | None:
    if record.request_hash != digest:
        raise IDEMPOTENCY_KEY_MISMATCH()
    if record.response_status is None:
        if clock.now() - record.created_at > STALE_CLAIM:
            return None  # the first request died: take the claim over
        raise IDEMPOTENCY_IN_PROGRESS()
    return Replay(record.response_status, record.response_body or {})


def claim(principal: str, key: str, digest: str) -> Replay | None:
    """Claim the key for this request (None: go ahead) or return the stored first response.
    Raises for a different body or a first request still running. Each step is its own short
    transaction, so a concurrent request sees the claim at once."""
    with transaction(write=False):
        existing = _existing(principal, key)
        replay = _answer(existing, digest) if existing is not None else None
    if existing is not None:
        if replay is None:
            with transaction():
                existing.created_at = clock.now()
        return replay
    try:
        with transaction():
            db.session.add(IdempotencyRecord(principal=principal, key=key, request_hash=digest,
                                             created_at=clock.now()))
    except IntegrityError:
        with transaction(write=False):
            existing = _existing(principal, key)
            # None: released between our insert and read
            replay = _answer(existing, digest) if existing is not None else None
        if replay is None:
            raise IDEMPOTENCY_IN_PROGRESS() from None
        return replay
    return None


def complete(principal: str, key: str, status: int, body: dict) -> None:
    """Store the first response (2xx) so retries replay it."""
    with transaction():
        record = _existing(principal, key)
        if record is not None:
            record.response_status = status
            record.response_body = body


def release(principal: str, key: str) -> None:
    """Forget a claim whose request failed (nothing was written)."""
    discard()
    with transaction():
        db.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.principal == principal, IdempotencyRecord.key == key,
            IdempotencyRecord.response_status.is_(None)))


def prune(keep: datetime.timedelta = KEEP) -> dict:
    """Forget Idempotency-Key records older than a week."""
    with transaction():
        result = db.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < clock.now() - keep))
    return {"idempotency_pruned": result.rowcount or 0}
