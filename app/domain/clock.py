"""The city's clock, pure: every "today", deadline and scheduled time is read in the city's time
zone (the setting BEIAN_TIMEZONE), whatever the server's own zone.

Stored timestamps are naive datetimes in the city's local time (as they have always been): a
filing submitted at 01:00 in Wuxi is stored as 01:00 and counts for that day, month and quarter
of the city. The column types do not change; `app.clock` gives the app's now() and today()."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


def zone(name: str) -> ZoneInfo:
    """The zone of an IANA name; ValueError when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name, e.g. Asia/Shanghai)") from None


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


def local_now(zone_name: str, instant: datetime.datetime) -> datetime.datetime:
    """The naive local time in `zone_name` at an aware `instant`, to the microsecond.

    >>> local_now("Asia/Shanghai", datetime.datetime(2026, 3, 31, 17, 0, tzinfo=datetime.UTC))
    datetime.datetime(2026, 4, 1, 1, 0)
    """
    return instant.astimezone(zone(zone_name)).replace(tzinfo=None)


def local_today(zone_name: str, instant: datetime.datetime) -> datetime.date:
    """The calendar day in `zone_name` at an aware `instant`.

    >>> local_today("Europe/Berlin", datetime.datetime(2026, 3, 31, 17, 0, tzinfo=datetime.UTC))
    datetime.date(2026, 3, 31)
    """
    return local_now(zone_name, instant).date()
