"""Notices to workers and employers (Jiangsu practice: a text after each filing, change or
cancellation): a use case only writes a QUEUED row to the outbox, in its own transaction. Nothing
is sent there: the scheduler's delivery job (app.services.notices.delivery) sends it, so a
gateway that fails or hangs never rolls back or delays a filing. A one-time code (`at_once`)
is also sent right after its use case commits — still outside that transaction."""

from __future__ import annotations

from flask import current_app

from app.domain.notices import NoticeStatus
from app.extensions import db
from app.models.filings import Notice
from app.services.transaction import after_commit


def public_link(path: str = "/") -> str:
    """A link for a notice's text: BEIAN_PUBLIC_URL + path; "" when no public address is set
    (a notice never points at a development host)."""
    base = str(current_app.config["BEIAN_PUBLIC_URL"] or "").rstrip("/")
    return f"{base}/{path.lstrip('/')}" if base else ""


def _post(filing, *, at_once: bool = False, **values) -> Notice:
    """Record a QUEUED notice in the outbox (the use case's transaction)."""
    notice = Notice(filing_id=getattr(filing, "id", None), status=NoticeStatus.QUEUED,
                    attempts=0, **values)
    db.session.add(notice)
    if at_once:
        db.session.flush()
        notice_id = notice.id
        after_commit(lambda: _deliver_now(notice_id))
    return notice


def _deliver_now(notice_id: int) -> None:
    from app.services.notices.delivery import deliver_now

    deliver_now(notice_id)


def notify_person(person, body: str, *, filing=None, at_once: bool = False) -> Notice:
    """An SMS to the worker's phone on file (`at_once`: sent right after the commit, e.g. a
    one-time code, instead of by the next delivery run)."""
    return _post(filing, at_once=at_once, person_id=person.id, channel="sms",
                 recipient=person.phone or "", body=body)


def notify_unit(unit, body: str, *, filing=None) -> Notice:
    """A message in the employer's portal (returned filings, district decisions)."""
    return _post(filing, unit_id=unit.id, channel="portal",
                 recipient=unit.contact_phone or "", body=body)
