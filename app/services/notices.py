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


def notify_person(person, body: str, *, filing=None) -> Notice:
    notice = Notice(person_id=person.id, filing_id=getattr(filing, "id", None), channel="sms",
                    recipient=person.phone or "", body=body)
    db.session.add(notice)
    sender().send(notice)
    return notice


def notify_unit(unit, body: str, *, filing=None) -> Notice:
    """A message in the employer's portal (returned filings, district decisions)."""
    notice = Notice(unit_id=unit.id, filing_id=getattr(filing, "id", None), channel="portal",
                    recipient=unit.contact_phone or "", body=body)
    db.session.add(notice)
    sender().send(notice)
    return notice
