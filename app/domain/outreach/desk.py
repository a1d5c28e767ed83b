"""District issue desk (疑难问题会商) and joint meetings (联席会议): case ages, the reply cycle."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from app.domain.outreach import errors
from app.domain.outreach.codes import DeskStatus


@dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str
    min_days: int
    max_days: int | None  # inclusive; None: no upper bound


AGE_BUCKETS = (
    AgeBucket("d7", "7 天内", 0, 7),
    AgeBucket("d30", "8–30 天", 8, 30),
    AgeBucket("d90", "31–90 天", 31, 90),
    AgeBucket("older", "90 天以上", 91, None),
)


def age_bucket(raised_on: datetime.date, today: datetime.date) -> AgeBucket:
    """The age bucket of a case raised on ``raised_on`` (age in whole days)."""
    days = max((today - raised_on).days, 0)
    for bucket in AGE_BUCKETS:
        if bucket.max_days is None or days <= bucket.max_days:
            return bucket
    return AGE_BUCKETS[-1]  # pragma: no cover - the last bucket is open-ended


def check_desk_case(*, title: str, description: str, due_date: datetime.date | None,
                    today: datetime.date) -> None:
    if not (title or "").strip():
        raise errors.DESK_TITLE_REQUIRED()
    if not (description or "").strip():
        raise errors.DESK_DESCRIPTION_REQUIRED()
    if due_date is not None and due_date < today:
        raise errors.DESK_DUE_PAST()


def status_after_post(status: DeskStatus, *, by_city: bool) -> DeskStatus:
    """A reply by city staff answers the case; a district's follow-up question reopens it."""
    if status == DeskStatus.CLOSED:
        raise errors.DESK_CLOSED()
    return DeskStatus.ANSWERED if by_city else DeskStatus.OPEN


def check_can_close(status: DeskStatus) -> None:
    if status == DeskStatus.CLOSED:
        raise errors.DESK_ALREADY_CLOSED()
    if status == DeskStatus.OPEN:
        raise errors.DESK_NOT_ANSWERED()


def quarter_label(day: datetime.date) -> str:
    return f"{day.year}年第{(day.month - 1) // 3 + 1}季度"


def check_meeting(*, meets_at: datetime.datetime | None, venue: str) -> None:
    if meets_at is None:
        raise errors.MEETING_TIME_REQUIRED()
    if not (venue or "").strip():
        raise errors.MEETING_VENUE_REQUIRED()
