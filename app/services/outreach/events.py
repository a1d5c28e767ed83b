"""Events (政策培训讲座、HR 经理沙龙、新网报单位培训): create and edit, sign-ups with capacity and a
waiting list, cancellation with automatic promotion, check-in, feedback, invitations of new
online units, reminders. Every write is one transaction (transaction)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.domain.errors import DomainError
from app.domain.identifiers import validate_mobile
from app.domain.outreach import errors
from app.domain.outreach import events as rules
from app.domain.outreach.codes import EventKind, EventStatus, SignupStatus
from app.extensions import db
from app.models.outreach import EventInvitation, EventSignup, OutreachEvent
from app.models.units import Unit
from app.models.users import BeianUser
from app.services.actor import Actor
from app.services.audit import record
from app.services.notices import notify_unit
from app.services.outreach.access import (
    EMPLOYERS,
    EVENT_MANAGERS,
    has_role,
    not_found,
    now,
    require,
    user_of,
)
from app.services.transaction import transaction


@dataclass
class EventInput:
    kind: str
    topic: str
    speakers: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    venue: str
    capacity: int | None
    signup_deadline: datetime.datetime | None
    office_id: int | None = None
    coordinator_id: int | None = None
    description: str = ""


@dataclass
class Attendee:
    name: str
    phone: str
    position: str = ""


@dataclass
class SignupOutcome:
    signup: EventSignup
    waiting_position: int | None  # 1-based place on the waiting list, None when confirmed

    @property
    def message(self) -> str:
        event = self.signup.event
        if self.waiting_position is None:
            return (f"报名成功：{self.signup.attendee_name} 已报名参加“{event.topic}”"
                    f"（{event.starts_at:%Y-%m-%d %H:%M}，{event.venue}）。")
        return (f"名额已满，{self.signup.attendee_name} 已登记在候补名单第 "
                f"{self.waiting_position} 位，暂未获得参加名额。有人取消报名时将按候补顺序"
                "自动递补，并在“通知”中告知您。")


def _kind(value: str) -> EventKind:
    try:
        return EventKind[value]
    except KeyError:
        raise errors.EVENT_KIND() from None


def counts(event_id: int) -> dict[str, int]:
    """Confirmed and waiting sign-ups of an event."""
    rows = db.session.execute(
        select(EventSignup.status, func.count()).where(EventSignup.event_id == event_id)
        .group_by(EventSignup.status)).all()
    by = {status: n for status, n in rows}
    return {"confirmed": by.get(SignupStatus.CONFIRMED, 0),
            "waiting": by.get(SignupStatus.WAITING, 0)}


def _locked_event(event_id: int) -> OutreachEvent:
    """The event row, locked for this transaction (PostgreSQL: FOR UPDATE; SQLite: the
    transaction is already the only writer), so two sign-ups cannot both take the last seat."""
    event = db.session.scalar(select(OutreachEvent).where(OutreachEvent.id == event_id)
                              .with_for_update())
    if event is None:
        raise not_found("活动")
    return event


def _promote(event: OutreachEvent, at: datetime.datetime, actor: Actor) -> list[EventSignup]:
    """Fill free seats from the waiting list, earliest first, and notify each unit."""
    confirmed = counts(event.id)["confirmed"]
    promoted = []
    for _ in range(rules.seats_to_fill(capacity=event.capacity, confirmed=confirmed)):
        waiting = db.session.execute(
            select(EventSignup.id, EventSignup.status)
            .where(EventSignup.event_id == event.id,
                   EventSignup.status == SignupStatus.WAITING)).all()
        chosen = rules.first_waiting((sid, status) for sid, status in waiting)
        if chosen is None:
            break
        signup = db.session.get(EventSignup, chosen)
        signup.status = SignupStatus.CONFIRMED
        signup.promoted_at = at
        db.session.flush()
        notify_unit(signup.unit,
                    f"候补递补通知：贵单位报名参加“{event.topic}”（{event.starts_at:%Y-%m-%d %H:%M}，"
                    f"{event.venue}）的 {signup.attendee_name} 已由候补转为正式报名，请按时参加。")
        record(actor, "event_signup", signup.id, "promote", after={"event": event.id})
        promoted.append(signup)
    return promoted


def _invite_waiting_units(event: OutreachEvent, at: datetime.datetime) -> int:
    """A new training for new online units: invite the units waiting for one."""
    invited = 0
    for invitation in db.session.scalars(select(EventInvitation).where(
            EventInvitation.event_id.is_(None))):
        invitation.event_id = event.id
        invitation.invited_at = at
        notify_unit(invitation.unit, _invitation_text(event))
        invited += 1
    return invited


def _invitation_text(event: OutreachEvent) -> str:
    return (f"培训邀请：欢迎贵单位开通网上备案。诚邀贵单位经办人员参加“{event.topic}”"
            f"（{event.starts_at:%Y-%m-%d %H:%M}，{event.venue}），"
            f"请在 {event.signup_deadline:%Y-%m-%d %H:%M} 前通过“培训报名”页面报名。")


def save_event(inp: EventInput, actor: Actor, event_id: int | None = None,
               at: datetime.datetime | None = None) -> OutreachEvent:
    """Create (event_id None) or change an event. Raising the capacity moves waiting sign-ups up."""
    require(actor, EVENT_MANAGERS, "管理培训和沙龙活动")
    at = at or now()
    kind = _kind(inp.kind)
    rules.check_event_values(topic=inp.topic, starts_at=inp.starts_at, ends_at=inp.ends_at,
                             signup_deadline=inp.signup_deadline, capacity=inp.capacity,
                             venue=inp.venue)
    with transaction():
        if event_id is None:
            event = OutreachEvent(created_by_id=actor.user_id, status=EventStatus.PUBLISHED)
            db.session.add(event)
        else:
            event = _event_to_change(event_id, inp.capacity)
        _apply(event, kind, inp, actor)
        db.session.flush()
        invited = 0
        if event_id is None:
            if kind == EventKind.NEW_UNIT_TRAINING and inp.signup_deadline >= at:
                invited = _invite_waiting_units(event, at)
        else:
            _promote(event, at, actor)
        record(actor, "outreach_event", event.id, "create" if event_id is None else "update",
               after={"topic": event.topic, "capacity": event.capacity,
                      "starts_at": event.starts_at.isoformat(), "invited": invited})
    return event


def _event_to_change(event_id: int, capacity: int) -> OutreachEvent:
    """The event being edited, locked; refused when cancelled or below its confirmed seats."""
    event = _locked_event(event_id)
    if event.status == EventStatus.CANCELLED:
        raise errors.EVENT_CANCELLED(what="修改")
    confirmed = counts(event.id)["confirmed"]
    if capacity < confirmed:
        raise errors.EVENT_CAPACITY_BELOW_CONFIRMED(confirmed=confirmed)
    return event


def _apply(event: OutreachEvent, kind: EventKind, inp: EventInput, actor: Actor) -> None:
    event.kind = kind
    event.topic = inp.topic.strip()
    event.speakers = (inp.speakers or "").strip()
    event.description = (inp.description or "").strip()
    event.starts_at, event.ends_at = inp.starts_at, inp.ends_at
    event.venue = inp.venue.strip()
    event.capacity = inp.capacity
    event.signup_deadline = inp.signup_deadline
    event.office_id = inp.office_id or getattr(actor.user, "office_id", None)
    event.coordinator_id = inp.coordinator_id or actor.user_id
    if inp.coordinator_id and inp.coordinator_id not in {u.id for u in coordinators()}:
        raise errors.EVENT_COORDINATOR()


def cancel_event(event_id: int, actor: Actor, reason: str = "") -> OutreachEvent:
    require(actor, EVENT_MANAGERS, "取消活动")
    at = now()
    with transaction():
        event = _locked_event(event_id)
        if event.status == EventStatus.CANCELLED:
            return event
        event.status = EventStatus.CANCELLED
        units = {}
        for signup in event.signups:
            if signup.status != SignupStatus.CANCELLED:
                signup.status = SignupStatus.CANCELLED
                signup.cancelled_at = at
                units[signup.unit_id] = signup.unit
        for unit in units.values():
            notify_unit(unit, f"活动取消通知：“{event.topic}”（{event.starts_at:%Y-%m-%d %H:%M}）"
                              f"已取消，贵单位的报名随之取消。{reason}".strip())
        record(actor, "outreach_event", event.id, "cancel", reason=reason)
    return event


def sign_up(event_id: int, unit_id: int | None, attendee: Attendee, actor: Actor,
            at: datetime.datetime | None = None) -> SignupOutcome:
    """Sign one attendee of a unit up. A seat while seats last, else the waiting list; refused
    after the deadline, for a cancelled event, for another unit, or twice for one phone."""
    at = at or now()
    unit = _unit_to_sign_up(actor, unit_id)
    rules.check_attendee(attendee.name, attendee.position)
    try:
        phone = validate_mobile(attendee.phone)
    except DomainError as exc:
        raise exc.for_field("attendee_phone") from exc
    with transaction():
        event = _locked_event(event_id)
        rules.check_signup_open(event.status, event.signup_deadline, at)
        duplicate = db.session.scalar(select(EventSignup.id).where(
            EventSignup.event_id == event.id, EventSignup.attendee_phone == phone,
            EventSignup.status != SignupStatus.CANCELLED))
        if duplicate:
            raise errors.SIGNUP_DUPLICATE(phone=phone)
        status = rules.place_for_signup(capacity=event.capacity,
                                        confirmed=counts(event.id)["confirmed"])
        signup = EventSignup(event=event, unit_id=unit.id, attendee_name=attendee.name.strip(),
                             attendee_phone=phone,
                             attendee_position=(attendee.position or "").strip(),
                             status=status, created_by_id=actor.user_id, created_at=at)
        db.session.add(signup)
        db.session.flush()
        position = None
        if status == SignupStatus.WAITING:
            position = db.session.scalar(select(func.count()).where(
                EventSignup.event_id == event.id, EventSignup.status == SignupStatus.WAITING,
                EventSignup.id <= signup.id))
        record(actor, "event_signup", signup.id, "create",
               after={"event": event.id, "unit": unit.id, "status": status.name})
    return SignupOutcome(signup, position)


def _unit_to_sign_up(actor: Actor, unit_id: int | None) -> Unit:
    """The unit whose attendee is signed up: an employer's own; any in jurisdiction for managers."""
    if has_role(actor, EMPLOYERS) and not has_role(actor, EVENT_MANAGERS):
        rules.check_signup_for_own_unit(getattr(actor.user, "unit_id", None), unit_id)
    else:
        require(actor, EVENT_MANAGERS, "为单位报名")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not actor.jurisdiction.covers_unit(unit):
        raise not_found("单位")
    return unit


def signup_for(who, signup_id: int) -> EventSignup | None:
    """A sign-up the user may act on: an employer its own unit's, event managers any."""
    user = user_of(who)
    signup = db.session.get(EventSignup, signup_id)
    if signup is None:
        return None
    if has_role(user, EVENT_MANAGERS):
        return signup
    if has_role(user, EMPLOYERS) and signup.unit_id == getattr(user, "unit_id", None):
        return signup
    return None


def cancel_signup(signup_id: int, actor: Actor, at: datetime.datetime | None = None
                  ) -> tuple[EventSignup, list[EventSignup]]:
    """Cancel a sign-up; a freed seat goes to the first on the waiting list in the same
    transaction (and that unit is notified). Returns (cancelled, promoted)."""
    at = at or now()
    signup = signup_for(actor, signup_id)
    if signup is None:
        raise not_found("报名记录")
    with transaction():
        event = _locked_event(signup.event_id)
        db.session.refresh(signup)
        if signup.status == SignupStatus.CANCELLED:
            raise errors.SIGNUP_ALREADY_CANCELLED()
        if at >= event.starts_at:
            raise errors.EVENT_STARTED()
        was_confirmed = signup.status == SignupStatus.CONFIRMED
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = at
        db.session.flush()
        promoted = _promote(event, at, actor) if was_confirmed else []
        record(actor, "event_signup", signup.id, "cancel",
               after={"promoted": [p.id for p in promoted]})
    return signup, promoted


def check_in(signup_id: int, actor: Actor, at: datetime.datetime | None = None) -> EventSignup:
    require(actor, EVENT_MANAGERS, "登记签到")
    signup = signup_for(actor, signup_id)
    if signup is None:
        raise not_found("报名记录")
    if signup.status != SignupStatus.CONFIRMED:
        raise errors.CHECKIN_NOT_CONFIRMED(name=signup.attendee_name, status=signup.status.value)
    with transaction():
        if signup.checked_in_at is None:
            signup.checked_in_at = at or now()
            record(actor, "event_signup", signup.id, "check_in")
    return signup


def record_feedback(signup_id: int, rating: int | None, comment: str,
                    actor: Actor) -> EventSignup:
    require(actor, EVENT_MANAGERS, "登记活动反馈")
    signup = signup_for(actor, signup_id)
    if signup is None:
        raise not_found("报名记录")
    if signup.checked_in_at is None:
        raise errors.FEEDBACK_NOT_CHECKED_IN(name=signup.attendee_name)
    rules.check_rating(rating)
    with transaction():
        signup.feedback_rating = rating
        signup.feedback_comment = (comment or "").strip()[:2000]
        record(actor, "event_signup", signup.id, "feedback", after={"rating": rating})
    return signup


def coordinators() -> list:
    """Users who may coordinate an event (event coordinators and city staff with an office)."""
    users = db.session.scalars(select(BeianUser).where(BeianUser.active.is_(True),
                                                       BeianUser.office_id.is_not(None))
                               .order_by(BeianUser.username))
    return [u for u in users if has_role(u, EVENT_MANAGERS)]


# -- invitations of new online units ------------------------------------------------------------

def next_new_unit_training(at: datetime.datetime | None = None) -> OutreachEvent | None:
    at = at or now()
    return db.session.scalar(
        select(OutreachEvent).where(OutreachEvent.kind == EventKind.NEW_UNIT_TRAINING,
                                    OutreachEvent.status == EventStatus.PUBLISHED,
                                    OutreachEvent.signup_deadline >= at)
        .order_by(OutreachEvent.starts_at, OutreachEvent.id).limit(1))


def invite_new_unit(unit: Unit, at: datetime.datetime | None = None) -> EventInvitation:
    """Invite a unit just approved online to the next training for new online units (in the
    caller's transaction). With no such training scheduled yet, the invitation waits and is sent
    when a coordinator creates one. Idempotent per unit."""
    at = at or now()
    existing = db.session.scalar(select(EventInvitation).where(EventInvitation.unit_id == unit.id)
                                 .order_by(EventInvitation.id).limit(1))
    if existing is not None:
        return existing
    event = next_new_unit_training(at)
    invitation = EventInvitation(unit_id=unit.id, event_id=event.id if event else None,
                                 invited_at=at if event else None, created_at=at)
    db.session.add(invitation)
    if event is not None:
        notify_unit(unit, _invitation_text(event))
    return invitation


# -- reading ------------------------------------------------------------------------------------

def upcoming(at: datetime.datetime | None = None, limit: int = 100) -> list[OutreachEvent]:
    at = at or now()
    return list(db.session.scalars(
        select(OutreachEvent).where(OutreachEvent.status == EventStatus.PUBLISHED,
                                    OutreachEvent.starts_at >= at - datetime.timedelta(hours=3))
        .order_by(OutreachEvent.starts_at, OutreachEvent.id).limit(limit)))


def in_month(year: int, month: int) -> list[OutreachEvent]:
    first = datetime.datetime(year, month, 1)
    last = datetime.datetime(year + (month == 12), month % 12 + 1, 1)
    return list(db.session.scalars(
        select(OutreachEvent).where(OutreachEvent.starts_at >= first,
                                    OutreachEvent.starts_at < last)
        .order_by(OutreachEvent.starts_at)))


def unit_signups(unit_id: int) -> list[EventSignup]:
    return list(db.session.scalars(
        select(EventSignup).options(joinedload(EventSignup.event))
        .where(EventSignup.unit_id == unit_id).order_by(EventSignup.id.desc()).limit(200)))


def unit_invitations(unit_id: int) -> list[EventInvitation]:
    return list(db.session.scalars(
        select(EventInvitation).where(EventInvitation.unit_id == unit_id)
        .order_by(EventInvitation.id.desc())))


def waiting_position(signup: EventSignup) -> int | None:
    if signup.status != SignupStatus.WAITING:
        return None
    return db.session.scalar(select(func.count()).where(
        EventSignup.event_id == signup.event_id, EventSignup.status == SignupStatus.WAITING,
        EventSignup.id <= signup.id))


# -- scheduled: a reminder the day before ------------------------------------------------------

def send_reminders(at: datetime.datetime | None = None) -> dict:
    """Remind each unit with confirmed attendees of an event starting within 24 hours (once)."""
    at = at or now()
    sent = 0
    with transaction():
        signups = db.session.scalars(
            select(EventSignup).join(OutreachEvent)
            .where(OutreachEvent.status == EventStatus.PUBLISHED,
                   OutreachEvent.starts_at > at,
                   OutreachEvent.starts_at <= at + datetime.timedelta(hours=24),
                   EventSignup.status == SignupStatus.CONFIRMED,
                   EventSignup.reminded_at.is_(None))).all()
        by_unit_event: dict[tuple[int, int], list[EventSignup]] = {}
        for signup in signups:
            by_unit_event.setdefault((signup.unit_id, signup.event_id), []).append(signup)
        for group in by_unit_event.values():
            event = group[0].event
            names = "、".join(s.attendee_name for s in group)
            notify_unit(group[0].unit, f"活动提醒：“{event.topic}”将于 "
                                       f"{event.starts_at:%Y-%m-%d %H:%M} 在{event.venue}举行，"
                                       f"贵单位参加人员：{names}。")
            for signup in group:
                signup.reminded_at = at
            sent += 1
    return {"reminders": sent}
