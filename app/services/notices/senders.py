"""Who delivers a notice. The default sender only keeps it in the outbox (no SMS gateway here);
a real SMS/WeChat gateway subclasses NoticeSender and is named in BEIAN_NOTICE_SENDER."""

from __future__ import annotations

from flask import current_app
from werkzeug.utils import import_string

from app.models.filings import Notice


class NoticeSender:
    """Interface: deliver one notice."""

    def send(self, notice: Notice) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxOnlySender(NoticeSender):
    """Keeps notices in the outbox for staff to see; delivers nothing."""

    def send(self, notice: Notice) -> None:
        return None


def sender() -> NoticeSender:
    return import_string(current_app.config["BEIAN_NOTICE_SENDER"])()
