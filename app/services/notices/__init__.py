"""Notices to workers and employers (SMS / portal messages): written to the outbox in the use
case's transaction (outbox), delivered by a pluggable sender (senders)."""

from app.services.notices.outbox import notify_person, notify_unit  # noqa: F401  (callers' entry)
