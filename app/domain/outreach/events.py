"""Events: what an event needs, the sign-up window, capacity and the waiting list (候补)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from app.domain.outreach import errors
from app.domain.outreach.codes import EventStatus, SignupStatus

MAX_CAPACITY = 2000


def check_event_values(*, topic: str, starts_at: datetime.datetime | None,
                       ends_at: datetime.datetime | None,
                       signup_deadline: datetime.datetime | None, capacity: int | None,
                       venue: str) -> None:
    """What an event must have before it is published."""
    if not (topic or "").strip():
        raise errors.EVENT_TOPIC_REQUIRED()
    if starts_at is None:
        raise errors.EVENT_START_REQUIRED()
    if ends_at is not None and ends_at <= starts_at:
        raise errors.EVENT_END_BEFORE_START()
    if signup_deadline is None:
        raise errors.EVENT_DEADLINE_REQUIRED()
    if signup_deadline > starts_at:
        raise errors.EVENT_DEADLINE_AFTER_START()
    if capacity is None or capacity < 1 or capacity > MAX_CAPACITY:
        raise errors.EVENT_CAPACITY(maximum=MAX_CAPACITY)
    if not (venue or "").strip():
        raise errors.EVENT_VENUE_REQUIRED()


def check_signup_open(status: EventStatus, signup_deadline: datetime.datetime,
                      now: datetime.datetime) -> None:
    """A sign-up is accepted only for a published event before its deadline."""
    if status == EventStatus.CANCELLED:
        raise errors.EVENT_CANCELLED(what="报名")
    if now > signup_deadline:
        raise errors.SIGNUP_DEADLINE_PASSED(deadline=f"{signup_deadline:%Y-%m-%d %H:%M}")


def check_signup_for_own_unit(actor_unit_id: int | None, unit_id: int | None) -> None:
    """An employer user signs up attendees of its own unit only."""
    if actor_unit_id is None or unit_id != actor_unit_id:
        raise errors.SIGNUP_OTHER_UNIT()


def check_attendee(name: str, position: str) -> None:
    if not (name or "").strip():
        raise errors.ATTENDEE_NAME_REQUIRED()
    if len(name.strip()) > 64 or len((position or "").strip()) > 64:
        raise errors.ATTENDEE_TOO_LONG()


def place_for_signup(*, capacity: int, confirmed: int) -> SignupStatus:
    """A seat while seats are left, else the waiting list (候补)."""
    return SignupStatus.CONFIRMED if confirmed < capacity else SignupStatus.WAITING


def first_waiting(signups: Iterable[tuple[int, SignupStatus]]) -> int | None:
    """The sign-up moved up when a seat frees: the earliest waiting one (lowest id)."""
    waiting = [sid for sid, status in signups if status == SignupStatus.WAITING]
    return min(waiting) if waiting else None


def seats_to_fill(*, capacity: int, confirmed: int) -> int:
    return max(capacity - confirmed, 0)


def check_rating(rating: int | None) -> None:
    if rating is None or not 1 <= rating <= 5:
        raise errors.FEEDBACK_RATING()


def month_grid(year: int, month: int) -> list[list[datetime.date | None]]:
    """Weeks (Monday first) of a month for the calendar; days of other months are None."""
    import calendar

    return [[datetime.date(year, month, day) if day else None for day in week]
            for week in calendar.Calendar(0).monthdayscalendar(year, month)]
