"""District issue desk (疑难问题会商): district and street staff raise hard cases and employers'
complaints, city staff answer; quarterly joint meetings (联席会议) whose agenda is proposed from
the cases still open when the meeting is scheduled; open cases by district and age."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import false, func, select, true
from sqlalchemy.orm import joinedload

from app import clock
from app.domain.outreach import desk as rules
from app.domain.outreach import errors
from app.domain.outreach.codes import DeskCategory, DeskStatus, MeetingStatus
from app.domain.outreach.enterprises import out_of_jurisdiction
from app.extensions import db
from app.models.org import Region, RegionLevel
from app.models.outreach import AgendaItem, DeskCase, DeskPost, JointMeeting
from app.models.users import BeianUser
from app.queries.jurisdiction import jurisdiction_of
from app.services.actor import Actor
from app.services.audit import record
from app.services.outreach.access import (
    CITY_DESK,
    DESK_STAFF,
    as_actor,
    has_role,
    not_found,
    now,
    require,
    scope_name,
)
from app.services.outreach.enterprises import unit_by_credit_code
from app.services.transaction import transaction

UNCLOSED = (DeskStatus.OPEN, DeskStatus.ANSWERED)


@dataclass
class DeskInput:
    category: str
    title: str
    description: str
    unit_credit_code: str = ""
    district_id: int | None = None  # city staff choose; district/street staff: their own
    due_date: datetime.date | None = None


@dataclass
class MeetingInput:
    title: str
    meets_at: datetime.datetime | None
    venue: str


def case_clause(who):
    """Desk cases a user may see: city all; a district its district; a street its street."""
    actor = as_actor(who)
    if not has_role(actor, DESK_STAFF):
        return false()
    jur = actor.jurisdiction
    if jur.scope == "all":
        return true()
    if jur.scope == "district":
        return DeskCase.district_id == jur.region_id
    if jur.scope == "street":
        return DeskCase.street_id == jur.region_id
    return false()


def case_for(who, case_id: int) -> DeskCase | None:
    return db.session.scalar(select(DeskCase).where(DeskCase.id == case_id, case_clause(who)))


def visible_cases(who, *, status: str = "", district_id: int | None = None,
                  limit: int = 300) -> list[DeskCase]:
    stmt = (select(DeskCase).options(joinedload(DeskCase.district), joinedload(DeskCase.unit))
            .where(case_clause(who)))
    if status == "UNCLOSED":
        stmt = stmt.where(DeskCase.status.in_(UNCLOSED))
    elif status in DeskStatus.__members__:
        stmt = stmt.where(DeskCase.status == DeskStatus[status])
    if district_id:
        stmt = stmt.where(DeskCase.district_id == district_id)
    return list(db.session.scalars(stmt.order_by(DeskCase.id.desc()).limit(limit)))


def _where(actor: Actor, district_id: int | None) -> tuple[int, int | None]:
    """(district_id, street_id) of a case raised by this actor."""
    jur = actor.jurisdiction
    if jur.scope == "district":
        return jur.region_id, None
    if jur.scope == "street":
        return jur.parent_region_id, jur.region_id
    if jur.scope == "all":
        district = db.session.get(Region, district_id) if district_id else None
        if district is None or district.level != RegionLevel.DISTRICT:
            raise errors.DESK_DISTRICT_REQUIRED()
        return district.id, None
    raise not_found("办理范围")


def raise_case(inp: DeskInput, actor: Actor, today: datetime.date | None = None) -> DeskCase:
    require(actor, DESK_STAFF, "提交疑难问题")
    today = today or clock.today()
    if inp.category not in DeskCategory.__members__:
        raise errors.DESK_CATEGORY()
    rules.check_desk_case(title=inp.title, description=inp.description, due_date=inp.due_date,
                          today=today)
    district_id, street_id = _where(actor, inp.district_id)
    unit = None
    if (inp.unit_credit_code or "").strip():
        unit = unit_by_credit_code(inp.unit_credit_code)
        if not actor.jurisdiction.covers_unit(unit):
            raise out_of_jurisdiction("提交疑难问题", unit.name, scope_name(actor))
        if actor.jurisdiction.scope == "all":
            district_id = unit.district_id
    with transaction():
        case = DeskCase(district_id=district_id, street_id=street_id,
                        unit_id=unit.id if unit else None,
                        category=DeskCategory[inp.category], title=inp.title.strip(),
                        description=inp.description.strip(), status=DeskStatus.OPEN,
                        raised_by_id=actor.user_id, due_date=inp.due_date)
        db.session.add(case)
        db.session.flush()
        meeting = next_meeting()
        if meeting is not None:
            _add_case_item(meeting, case)
        record(actor, "desk_case", case.id, "create",
               after={"district": district_id, "category": inp.category})
    return case


def post(case_id: int, body: str, actor: Actor) -> DeskPost:
    """A reply in the case's thread: city staff answer (→ 已答复), the raising side adds
    information (→ 待答复 again)."""
    require(actor, DESK_STAFF, "回复疑难问题")
    case = case_for(actor, case_id)
    if case is None:
        raise not_found("疑难问题")
    if not (body or "").strip():
        raise errors.DESK_BODY_REQUIRED()
    by_city = has_role(actor, CITY_DESK)
    status = rules.status_after_post(case.status, by_city=by_city)
    with transaction():
        entry = DeskPost(case_id=case.id, author_id=actor.user_id, by_city=by_city,
                         body=body.strip())
        db.session.add(entry)
        case.status = status
        if by_city:
            case.answered_at = now()
        db.session.flush()
        record(actor, "desk_case", case.id, "answer" if by_city else "reply",
               after={"status": status.name})
    return entry


def assign(case_id: int, owner_id: int | None, due_date: datetime.date | None, actor: Actor
           ) -> DeskCase:
    require(actor, CITY_DESK, "指定承办人和期限")
    case = case_for(actor, case_id)
    if case is None:
        raise not_found("疑难问题")
    owner = db.session.get(BeianUser, owner_id) if owner_id else None
    if owner_id and (owner is None or not has_role(owner, CITY_DESK)):
        raise errors.DESK_OWNER()
    if due_date is not None and due_date < clock.today():
        raise errors.DESK_DUE_PAST()
    with transaction():
        case.owner_id = owner.id if owner else None
        case.due_date = due_date
        record(actor, "desk_case", case.id, "assign",
               after={"owner": owner.username if owner else None, "due": due_date})
    return case


def close(case_id: int, actor: Actor) -> DeskCase:
    require(actor, CITY_DESK, "关闭疑难问题")
    case = case_for(actor, case_id)
    if case is None:
        raise not_found("疑难问题")
    rules.check_can_close(case.status)
    with transaction():
        case.status = DeskStatus.CLOSED
        case.closed_at = now()
        record(actor, "desk_case", case.id, "close")
    return case


def city_owners() -> list[BeianUser]:
    users = db.session.scalars(select(BeianUser).where(BeianUser.active.is_(True))
                               .order_by(BeianUser.username))
    return [u for u in users if has_role(u, CITY_DESK) and jurisdiction_of(u).is_city_wide
            and getattr(u, "office_id", None)]


def open_by_district_and_age(who, today: datetime.date | None = None) -> dict:
    """Open (not closed) cases the user may see, counted by district and age bucket."""
    today = today or clock.today()
    rows = db.session.execute(
        select(Region.id, Region.name, DeskCase.created_at)
        .join(Region, Region.id == DeskCase.district_id)
        .where(case_clause(who), DeskCase.status.in_(UNCLOSED))).all()
    table: dict[int, dict] = {}
    for region_id, name, created in rows:
        entry = table.setdefault(region_id, {"id": region_id, "name": name, "total": 0,
                                             **{b.key: 0 for b in rules.AGE_BUCKETS}})
        bucket = rules.age_bucket(created.date(), today)
        entry[bucket.key] += 1
        entry["total"] += 1
    districts = sorted(table.values(), key=lambda e: (-e["total"], e["name"]))
    peak = max((e["total"] for e in districts), default=0)
    return {"buckets": rules.AGE_BUCKETS, "districts": districts, "peak": peak,
            "total": sum(e["total"] for e in districts)}


# -- joint meetings (联席会议) -------------------------------------------------------------------

def next_meeting(at: datetime.datetime | None = None) -> JointMeeting | None:
    at = at or now()
    return db.session.scalar(
        select(JointMeeting).where(JointMeeting.status == MeetingStatus.SCHEDULED,
                                   JointMeeting.meets_at >= at)
        .order_by(JointMeeting.meets_at, JointMeeting.id).limit(1))


def _add_case_item(meeting: JointMeeting, case: DeskCase) -> AgendaItem | None:
    exists = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id,
                                                           AgendaItem.case_id == case.id))
    if exists:
        return None
    order = _next_order(meeting)
    label = case.district.name if case.district else db.session.get(Region, case.district_id).name
    item = AgendaItem(meeting_id=meeting.id, case_id=case.id, sort_order=order,
                      title=f"【{label}】{case.title}")
    db.session.add(item)
    return item


def schedule_meeting(inp: MeetingInput, actor: Actor) -> JointMeeting:
    """Schedule a joint meeting; its agenda is proposed from every case not yet closed."""
    require(actor, CITY_DESK, "安排联席会议")
    rules.check_meeting(meets_at=inp.meets_at, venue=inp.venue)
    title = (inp.title or "").strip() or f"{rules.quarter_label(inp.meets_at.date())}市区用工备案联席会议"
    with transaction():
        meeting = JointMeeting(title=title, meets_at=inp.meets_at, venue=inp.venue.strip(),
                               status=MeetingStatus.SCHEDULED,
                               created_by_id=actor.user_id)
        db.session.add(meeting)
        db.session.flush()
        cases = db.session.scalars(select(DeskCase).options(joinedload(DeskCase.district))
                                   .where(DeskCase.status.in_(UNCLOSED))
                                   .order_by(DeskCase.district_id, DeskCase.id)).all()
        for case in cases:
            _add_case_item(meeting, case)
        record(actor, "joint_meeting", meeting.id, "create", after={"items": len(cases)})
    return meeting


def meeting_for(who, meeting_id: int) -> JointMeeting | None:
    if not has_role(who, DESK_STAFF):
        return None
    return db.session.get(JointMeeting, meeting_id)


def meetings(who) -> list[JointMeeting]:
    if not has_role(who, DESK_STAFF):
        return []
    return list(db.session.scalars(select(JointMeeting).order_by(JointMeeting.meets_at.desc())
                                   .limit(100)))


def add_agenda_item(meeting_id: int, actor: Actor, *, case_id: int | None = None,
                    title: str = "") -> AgendaItem:
    require(actor, CITY_DESK, "编辑会议议题")
    meeting = meeting_for(actor, meeting_id)
    if meeting is None:
        raise not_found("联席会议")
    if meeting.status == MeetingStatus.HELD:
        raise errors.MEETING_HELD()
    with transaction():
        if case_id:
            case = case_for(actor, case_id)
            if case is None:
                raise not_found("疑难问题")
            item = _add_case_item(meeting, case)
            if item is None:
                raise errors.AGENDA_DUPLICATE()
        else:
            if not (title or "").strip():
                raise errors.AGENDA_TITLE_REQUIRED()
            item = AgendaItem(meeting_id=meeting.id, title=title.strip()[:200],
                              sort_order=_next_order(meeting))
            db.session.add(item)
        db.session.flush()
        record(actor, "joint_meeting", meeting.id, "add_item", after={"item": item.title})
    return item


def _next_order(meeting: JointMeeting) -> int:
    return (db.session.scalar(select(func.max(AgendaItem.sort_order))
                              .where(AgendaItem.meeting_id == meeting.id)) or 0) + 1


def save_minutes(meeting_id: int, minutes: str, held: bool, actor,
                 outcomes: dict[int, str] | None = None) -> JointMeeting:
    require(actor, CITY_DESK, "记录会议纪要")
    meeting = meeting_for(actor, meeting_id)
    if meeting is None:
        raise not_found("联席会议")
    if held and not (minutes or "").strip():
        raise errors.MINUTES_REQUIRED()
    with transaction():
        meeting.minutes = (minutes or "").strip()
        for item in meeting.items:
            if outcomes and item.id in outcomes:
                item.outcome = outcomes[item.id].strip()[:2000]
        if held:
            meeting.status = MeetingStatus.HELD
        record(actor, "joint_meeting", meeting.id, "minutes", after={"held": held})
    return meeting
