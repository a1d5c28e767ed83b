"""Notices to workers and employers (SMS / portal messages): written to the outbox in the use
case's transaction (outbox), delivered afterwards by the scheduler's job (delivery) through a
pluggable sender (senders)."""

from app.services.notices.outbox import (  # noqa: F401  (callers' entry)
    notify_person,
    notify_unit,
    public_link,
)
