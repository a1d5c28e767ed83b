"""Notices to workers and employers (Jiangsu practice: an SMS or WeChat text after each filing,
change or cancellation). Written to the outbox table in the use case's transaction; a sender
delivers them. The default sender only records them (no SMS gateway here)."""

from __future__ import annotations

from flask import current_app
from werkzeug.utils import import_string

from app.extensions import db
from app.models.filings import Notice


class NoticeSender:
    """Interface: deliver one notice. A real SMS/WeChat gateway subclasses this."""

    def send(self, notice: Notice) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxOnlySender(NoticeSender):
    """Keeps notices in the outbox for staff to see; delivers nothing."""

    def send(self, notice: Notice) -> None:
        return None


def sender() -> NoticeSender:
    path = current_app.config.get("BEIAN_NOTICE_SENDER", "app.services.notices.OutboxOnlySender")
    return import_string(path)()


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
