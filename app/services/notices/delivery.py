"""Delivering the outbox (the scheduler's job, never a filing's transaction).

A use case only writes a QUEUED notice. `deliver_due` claims the due ones — QUEUED or RETRY whose
next_attempt_at has come, or SENDING whose lease ran out (its sender died) — one at a time with
an UPDATE that only succeeds while the row is still due, so two schedulers never send a notice
twice. The claim makes it SENDING, counts the attempt and sets next_attempt_at to the end of the
lease. Each notice is sent outside any transaction; the outcome is recorded in its own:
SENT, RETRY after BEIAN_NOTICE_RETRY_BASE_SECONDS × 2^(attempts-1), or FAILED after
BEIAN_NOTICE_MAX_ATTEMPTS (or at once when retrying cannot help). A result is recorded only by
the claim that made it (the attempt number fences a sender whose lease was taken over)."""

from __future__ import annotations

import datetime
import logging

from flask import current_app
from sqlalchemy import select, update

from app.domain.notices import (
    DUE_STATUSES,
    NOTICE_NOT_FAILED,
    NOTICE_NOT_FOUND,
    NoticeStatus,
    after_failure,
    backoff,
    short_reason,
)
from app.extensions import db
from app.models.filings import Filing, Notice
from app.models.people import Person
from app.models.units import Unit
from app.services.actor import Actor
from app.services.audit import record
from app.services.notices.senders import NoticeSender, SendFailed, mask_phone, sender
from app.services.transaction import discard, transaction

log = logging.getLogger(__name__)


def now() -> datetime.datetime:
    return datetime.datetime.now()


def _due(at: datetime.datetime):
    return (Notice.status.in_(DUE_STATUSES), Notice.next_attempt_at <= at)


def claim(notice_id: int, at: datetime.datetime | None = None) -> int | None:
    """Claim one notice if it is still due: its attempt number, or None when another has it."""
    at = at or now()
    lease = datetime.timedelta(seconds=int(current_app.config["BEIAN_NOTICE_LEASE_SECONDS"]))
    with transaction():
        result = db.session.execute(
            update(Notice).where(Notice.id == notice_id, *_due(at))
            .values(status=NoticeStatus.SENDING, attempts=Notice.attempts + 1,
                    next_attempt_at=at + lease)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return None
        return db.session.scalar(select(Notice.attempts).where(Notice.id == notice_id))


def _record(notice_id: int, attempt: int, **values) -> bool:
    with transaction():
        result = db.session.execute(
            update(Notice).where(Notice.id == notice_id, Notice.attempts == attempt,
                                 Notice.status == NoticeStatus.SENDING)
            .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _failed(notice: Notice, attempt: int, exc: Exception) -> NoticeStatus:
    config = current_app.config
    permanent = isinstance(exc, SendFailed) and exc.permanent
    reason = exc.reason if isinstance(exc, SendFailed) else f"发送程序出错：{type(exc).__name__}"
    status = after_failure(attempt, int(config["BEIAN_NOTICE_MAX_ATTEMPTS"]), permanent=permanent)
    wait = backoff(attempt, int(config["BEIAN_NOTICE_RETRY_BASE_SECONDS"]))
    _record(notice.id, attempt, status=status, last_error=short_reason(reason),
            next_attempt_at=now() + wait if status == NoticeStatus.RETRY else None)
    log.warning("notice %s to %s: attempt %s failed (%s), now %s", notice.id,
                mask_phone(notice.recipient or ""), attempt, short_reason(reason), status.name)
    return status


def deliver(notice_id: int, attempt: int, via: NoticeSender | None = None) -> NoticeStatus:
    """Send one claimed notice (outside any transaction) and record the outcome."""
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        return NoticeStatus.FAILED
    try:
        (via or sender()).send(notice)
    except Exception as exc:  # noqa: BLE001 - any sender failure is the notice's, not ours
        discard()
        return _failed(notice, attempt, exc)
    _record(notice_id, attempt, status=NoticeStatus.SENT, sent_at=now(), last_error=None,
            next_attempt_at=None)
    return NoticeStatus.SENT


def due_ids(limit: int, at: datetime.datetime | None = None) -> list[int]:
    with transaction(write=False):
        return list(db.session.scalars(select(Notice.id).where(*_due(at or now()))
                                       .order_by(Notice.next_attempt_at, Notice.id)
                                       .limit(limit)))


def deliver_due(limit: int = 200) -> dict:
    """The job's use case: deliver up to `limit` due notices; counts by outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    via = sender()
    for notice_id in due_ids(limit):
        attempt = claim(notice_id)
        if attempt is None:
            continue  # another scheduler has it
        status = deliver(notice_id, attempt, via)
        key = {NoticeStatus.SENT: "sent", NoticeStatus.RETRY: "retry"}.get(status, "failed")
        counts[key] += 1
    return counts


def deliver_now(notice_id: int) -> NoticeStatus | None:
    """Deliver one notice at once (after its use case committed: a one-time code should not wait
    for the job). A failure is recorded like the job's, and the job retries it."""
    attempt = claim(notice_id)
    return None if attempt is None else deliver(notice_id, attempt)


def in_jurisdiction(actor: Actor, notice: Notice) -> bool:
    """May this actor act on this notice? (The outbox list's filter, checked again for actions:
    notices to units of the jurisdiction, about their filings, or to its persons.)"""
    jurisdiction = actor.jurisdiction
    if jurisdiction.is_city_wide:
        return True
    filing = db.session.get(Filing, notice.filing_id) if notice.filing_id else None
    unit = db.session.get(Unit, notice.unit_id) if notice.unit_id else None
    person = db.session.get(Person, notice.person_id) if notice.person_id else None
    return any((jurisdiction.covers_unit(unit),
                filing is not None and jurisdiction.covers_unit(filing.unit),
                jurisdiction.covers_person(person)))


def retry_failed(actor: Actor, notice: Notice) -> Notice:
    """Staff send a FAILED notice again: QUEUED, attempts from zero, due now."""
    if notice is None or not in_jurisdiction(actor, notice):
        raise NOTICE_NOT_FOUND()
    if notice.status != NoticeStatus.FAILED:
        raise NOTICE_NOT_FAILED()
    with transaction():
        notice.status, notice.attempts, notice.next_attempt_at = NoticeStatus.QUEUED, 0, now()
        record(actor, "notice", notice.id, "retry", before={"last_error": notice.last_error})
    return notice
