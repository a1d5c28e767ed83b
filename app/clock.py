"""The app's clock: now() and today() in the city's time zone (current_app.config
["BEIAN_TIMEZONE"]; the default zone outside an app). Every layer reads the time here, never
through datetime.now() / date.today(), which follow the server's zone.

Tests may freeze the instant (`frozen(instant)`); nothing else sets it."""

from __future__ import annotations

import contextlib
import datetime

from flask import current_app, has_app_context

from app.domain.clock import DEFAULT_ZONE, local_now, local_today

_frozen: datetime.datetime | None = None  # an aware instant, tests only


def zone_name() -> str:
    if has_app_context():
        return current_app.config.get("BEIAN_TIMEZONE") or DEFAULT_ZONE
    return DEFAULT_ZONE


def instant() -> datetime.datetime:
    """The current instant, aware (UTC)."""
    return _frozen or datetime.datetime.now(datetime.UTC)


def now() -> datetime.datetime:
    """The city's local time now, naive (as stored)."""
    return local_now(zone_name(), instant())


def today() -> datetime.date:
    """The city's calendar day now."""
    return local_today(zone_name(), instant())


@contextlib.contextmanager
def frozen(at: datetime.datetime):
    """Tests: the clock stands still at the aware instant `at`."""
    global _frozen
    previous, _frozen = _frozen, at.astimezone(datetime.UTC)
    try:
        yield
    finally:
        _frozen = previous
