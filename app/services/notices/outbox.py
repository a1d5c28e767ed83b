"""Notices to workers and employers (Jiangsu practice: a text after each filing, change or
cancellation): written to the outbox in the use case's transaction, handed to the sender."""

from __future__ import annotations

from app.extensions import db
from app.models.filings import Notice
from app.services.notices.senders import sender


def _post(filing, **values) -> Notice:
    """Record a notice in the outbox (the use case's transaction) and hand it to the sender."""
    notice = Notice(filing_id=getattr(filing, "id", None), **values)
    db.session.add(notice)
    sender().send(notice)
    return notice


def notify_person(person, body: str, *, filing=None) -> Notice:
    """An SMS to the worker's phone on file."""
    return _post(filing, person_id=person.id, channel="sms", recipient=person.phone or "",
                 body=body)


def notify_unit(unit, body: str, *, filing=None) -> Notice:
    """A message in the employer's portal (returned filings, district decisions)."""
    return _post(filing, unit_id=unit.id, channel="portal",
                 recipient=unit.contact_phone or "", body=body)
