"""District issue desk (疑难问题会商): district and street staff raise hard cases and employers'
complaints, city staff answer; quarterly joint meetings (联席会议) whose agenda is proposed from
the cases still open when the meeting is scheduled; open cases by district and age."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import false, func, select, true
from sqlalchemy.orm import joinedload

from app.domain import outreach as rules
from app.domain.errors import DomainError
from app.domain.outreach import DeskCategory, DeskStatus, MeetingStatus
from app.extensions import db
from app.models.org import Region, RegionLevel
from app.models.outreach import AgendaItem, DeskCase, DeskPost, JointMeeting
from app.models.users import BeianUser
from app.queries.jurisdiction import jurisdiction_of
from app.services.audit import record
from app.services.outreach_access import (
    CITY_DESK,
    DESK_STAFF,
    has_role,
    not_found,
    now,
    require,
    scope_name,
    user_of,
)
from app.services.outreach_enterprises import unit_by_credit_code
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


def case_clause(user):
    """Desk cases a user may see: city all; a district its district; a street its street."""
    if not has_role(user, DESK_STAFF):
        return false()
    jur = jurisdiction_of(user)
    if jur.scope == "all":
        return true()
    if jur.scope == "district":
        return DeskCase.district_id == jur.region_id
    if jur.scope == "street":
        return DeskCase.street_id == jur.region_id
    return false()


def case_for(user, case_id: int) -> DeskCase | None:
    return db.session.scalar(select(DeskCase).where(DeskCase.id == case_id, case_clause(user)))


def visible_cases(user, *, status: str = "", district_id: int | None = None,
                  limit: int = 300) -> list[DeskCase]:
    stmt = (select(DeskCase).options(joinedload(DeskCase.district), joinedload(DeskCase.unit))
            .where(case_clause(user)))
    if status == "UNCLOSED":
        stmt = stmt.where(DeskCase.status.in_(UNCLOSED))
    elif status in DeskStatus.__members__:
        stmt = stmt.where(DeskCase.status == DeskStatus[status])
    if district_id:
        stmt = stmt.where(DeskCase.district_id == district_id)
    return list(db.session.scalars(stmt.order_by(DeskCase.id.desc()).limit(limit)))


def _where(user, district_id: int | None) -> tuple[int, int | None]:
    """(district_id, street_id) of a case raised by this user."""
    jur = jurisdiction_of(user)
    if jur.scope == "district":
        return jur.region_id, None
    if jur.scope == "street":
        return jur.parent_region_id, jur.region_id
    if jur.scope == "all":
        district = db.session.get(Region, district_id) if district_id else None
        if district is None or district.level != RegionLevel.DISTRICT:
            raise DomainError("DESK_DISTRICT_REQUIRED", "请选择问题所属的区。",
                              "Choose the district.", field="district_id")
        return district.id, None
    raise not_found("办理范围")


def raise_case(inp: DeskInput, actor, today: datetime.date | None = None) -> DeskCase:
    user = user_of(actor)
    require(user, DESK_STAFF, "提交疑难问题")
    today = today or datetime.date.today()
    if inp.category not in DeskCategory.__members__:
        raise DomainError("DESK_CATEGORY", "请选择问题类别。", "Choose the category.",
                          field="category")
    rules.check_desk_case(title=inp.title, description=inp.description, due_date=inp.due_date,
                          today=today)
    district_id, street_id = _where(user, inp.district_id)
    unit = None
    if (inp.unit_credit_code or "").strip():
        unit = unit_by_credit_code(inp.unit_credit_code)
        if not jurisdiction_of(user).covers_unit(unit):
            raise rules.out_of_jurisdiction("提交疑难问题", unit.name, scope_name(user))
        if jurisdiction_of(user).scope == "all":
            district_id = unit.district_id
    with transaction():
        case = DeskCase(district_id=district_id, street_id=street_id,
                        unit_id=unit.id if unit else None,
                        category=DeskCategory[inp.category], title=inp.title.strip(),
                        description=inp.description.strip(), status=DeskStatus.OPEN,
                        raised_by_id=getattr(user, "id", None), due_date=inp.due_date)
        db.session.add(case)
        db.session.flush()
        meeting = next_meeting()
        if meeting is not None:
            _add_case_item(meeting, case)
        record("desk_case", case.id, "create",
               after={"district": district_id, "category": inp.category})
    return case


def post(case_id: int, body: str, actor) -> DeskPost:
    """A reply in the case's thread: city staff answer (→ 已答复), the raising side adds
    information (→ 待答复 again)."""
    user = user_of(actor)
    require(user, DESK_STAFF, "回复疑难问题")
    case = case_for(user, case_id)
    if case is None:
        raise not_found("疑难问题")
    if not (body or "").strip():
        raise DomainError("DESK_BODY_REQUIRED", "请填写答复内容。", "Enter the reply.",
                          field="body")
    by_city = has_role(user, CITY_DESK)
    status = rules.status_after_post(case.status, by_city=by_city)
    with transaction():
        entry = DeskPost(case_id=case.id, author_id=getattr(user, "id", None), by_city=by_city,
                         body=body.strip())
        db.session.add(entry)
        case.status = status
        if by_city:
            case.answered_at = now()
        db.session.flush()
        record("desk_case", case.id, "answer" if by_city else "reply",
               after={"status": status.name})
    return entry


def assign(case_id: int, owner_id: int | None, due_date: datetime.date | None, actor
           ) -> DeskCase:
    user = user_of(actor)
    require(user, CITY_DESK, "指定承办人和期限")
    case = case_for(user, case_id)
    if case is None:
        raise not_found("疑难问题")
    owner = db.session.get(BeianUser, owner_id) if owner_id else None
    if owner_id and (owner is None or not has_role(owner, CITY_DESK)):
        raise DomainError("DESK_OWNER", "承办人应为市级经办人员，请从列表中选择。",
                          "The owner must be city staff.", field="owner_id")
    if due_date is not None and due_date < datetime.date.today():
        raise DomainError("DESK_DUE_PAST", "答复期限不能早于今天，请重新选择。",
                          "The due date cannot be in the past.", field="due_date")
    with transaction():
        case.owner_id = owner.id if owner else None
        case.due_date = due_date
        record("desk_case", case.id, "assign",
               after={"owner": owner.username if owner else None, "due": due_date})
    return case


def close(case_id: int, actor) -> DeskCase:
    user = user_of(actor)
    require(user, CITY_DESK, "关闭疑难问题")
    case = case_for(user, case_id)
    if case is None:
        raise not_found("疑难问题")
    rules.check_can_close(case.status)
    with transaction():
        case.status = DeskStatus.CLOSED
        case.closed_at = now()
        record("desk_case", case.id, "close")
    return case


def city_owners() -> list[BeianUser]:
    users = db.session.scalars(select(BeianUser).where(BeianUser.active.is_(True))
                               .order_by(BeianUser.username))
    return [u for u in users if has_role(u, CITY_DESK) and jurisdiction_of(u).is_city_wide
            and getattr(u, "office_id", None)]


def open_by_district_and_age(user, today: datetime.date | None = None) -> dict:
    """Open (not closed) cases the user may see, counted by district and age bucket."""
    today = today or datetime.date.today()
    rows = db.session.execute(
        select(Region.id, Region.name, DeskCase.created_at)
        .join(Region, Region.id == DeskCase.district_id)
        .where(case_clause(user), DeskCase.status.in_(UNCLOSED))).all()
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
    order = (db.session.scalar(select(func.max(AgendaItem.sort_order))
                               .where(AgendaItem.meeting_id == meeting.id)) or 0) + 1
    label = case.district.name if case.district else db.session.get(Region, case.district_id).name
    item = AgendaItem(meeting_id=meeting.id, case_id=case.id, sort_order=order,
                      title=f"【{label}】{case.title}")
    db.session.add(item)
    return item


def schedule_meeting(inp: MeetingInput, actor) -> JointMeeting:
    """Schedule a joint meeting; its agenda is proposed from every case not yet closed."""
    user = user_of(actor)
    require(user, CITY_DESK, "安排联席会议")
    rules.check_meeting(meets_at=inp.meets_at, venue=inp.venue)
    title = (inp.title or "").strip() or f"{rules.quarter_label(inp.meets_at.date())}市区用工备案联席会议"
    with transaction():
        meeting = JointMeeting(title=title, meets_at=inp.meets_at, venue=inp.venue.strip(),
                               status=MeetingStatus.SCHEDULED,
                               created_by_id=getattr(user, "id", None))
        db.session.add(meeting)
        db.session.flush()
        cases = db.session.scalars(select(DeskCase).options(joinedload(DeskCase.district))
                                   .where(DeskCase.status.in_(UNCLOSED))
                                   .order_by(DeskCase.district_id, DeskCase.id)).all()
        for case in cases:
            _add_case_item(meeting, case)
        record("joint_meeting", meeting.id, "create", after={"items": len(cases)})
    return meeting


def meeting_for(user, meeting_id: int) -> JointMeeting | None:
    if not has_role(user, DESK_STAFF):
        return None
    return db.session.get(JointMeeting, meeting_id)


def meetings(user) -> list[JointMeeting]:
    if not has_role(user, DESK_STAFF):
        return []
    return list(db.session.scalars(select(JointMeeting).order_by(JointMeeting.meets_at.desc())
                                   .limit(100)))


def add_agenda_item(meeting_id: int, actor, *, case_id: int | None = None,
                    title: str = "") -> AgendaItem:
    user = user_of(actor)
    require(user, CITY_DESK, "编辑会议议题")
    meeting = meeting_for(user, meeting_id)
    if meeting is None:
        raise not_found("联席会议")
    if meeting.status == MeetingStatus.HELD:
        raise DomainError("MEETING_HELD", "会议已召开，议题不能再增加。", "The meeting was held.")
    with transaction():
        if case_id:
            case = case_for(user, case_id)
            if case is None:
                raise not_found("疑难问题")
            item = _add_case_item(meeting, case)
            if item is None:
                raise DomainError("AGENDA_DUPLICATE", "该问题已在本次会议议题中。",
                                  "Already on the agenda.", field="case_id")
        else:
            if not (title or "").strip():
                raise DomainError("AGENDA_TITLE_REQUIRED", "请填写议题名称，或选择一个疑难问题。",
                                  "Enter a title or choose a case.", field="title")
            order = (db.session.scalar(select(func.max(AgendaItem.sort_order))
                                       .where(AgendaItem.meeting_id == meeting.id)) or 0) + 1
            item = AgendaItem(meeting_id=meeting.id, title=title.strip()[:200], sort_order=order)
            db.session.add(item)
        db.session.flush()
        record("joint_meeting", meeting.id, "add_item", after={"item": item.title})
    return item


def save_minutes(meeting_id: int, minutes: str, held: bool, actor,
                 outcomes: dict[int, str] | None = None) -> JointMeeting:
    user = user_of(actor)
    require(user, CITY_DESK, "记录会议纪要")
    meeting = meeting_for(user, meeting_id)
    if meeting is None:
        raise not_found("联席会议")
    if held and not (minutes or "").strip():
        raise DomainError("MINUTES_REQUIRED", "标记会议已召开时，请填写会议纪要。",
                          "Enter the minutes.", field="minutes")
    with transaction():
        meeting.minutes = (minutes or "").strip()
        for item in meeting.items:
            if outcomes and item.id in outcomes:
                item.outcome = outcomes[item.id].strip()[:2000]
        if held:
            meeting.status = MeetingStatus.HELD
        record("joint_meeting", meeting.id, "minutes", after={"held": held})
    return meeting
