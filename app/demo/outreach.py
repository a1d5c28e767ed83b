"""The "1+3" services of the demo city (`flask beian demo`, idempotent): upcoming events (one
salon with 2 seats), two key enterprises with a visit, an open desk case and a scheduled joint
meeting. Everything goes through the use cases, as a coordinator, city or district user would."""

from __future__ import annotations

import datetime

from sqlalchemy import select

from app import clock
from app.domain.outreach.codes import DeskCategory, EventKind
from app.extensions import appbuilder, db
from app.models.outreach import DeskCase, EnterpriseVisit, OutreachEvent
from app.models.units import Unit, UnitStatus
from app.services.actor import Actor
from app.services.outreach import desk, events
from app.services.outreach import enterprises as ke

DEMO_MARK = "【演示】"
DEMO_EVENTS = (
    (EventKind.HR_SALON, "HR 经理主题沙龙：劳动合同续订与到期管理", "市人力资源市场 王老师", 14, 2,
     "市人力资源市场 3 楼沙龙室"),
    (EventKind.POLICY_TRAINING, "用工备案政策大型知识讲座", "市人社局就业处 李处长；市人力资源市场 张望佳",
     21, 200, "市人力资源市场 1 楼报告厅"),
    (EventKind.NEW_UNIT_TRAINING, "新网报单位业务培训（第一期）", "市人力资源市场 备案窗口 陈老师", 10, 60,
     "市人力资源市场 2 楼培训室"),
)
DESK_TITLE = DEMO_MARK + "村委会用工备案主体资格认定"


def seed_demo() -> dict:
    """Demo data of the "1+3" services; {} when the demo users are missing or all is there."""
    sm = appbuilder.sm
    users = [sm.find_user(username=name) for name in ("coordinator", "city", "district")]
    if any(user is None for user in users):
        return {}
    coordinator, city, district = (Actor.of(user) for user in users)
    base = datetime.datetime.combine(clock.today(), datetime.time(14, 0))
    made = {"events": _events(coordinator, base)}
    made["key_enterprises"], made["visits"] = _key_enterprises(coordinator)
    made["desk_cases"] = _desk_case(district)
    made["meetings"] = _meeting(city, base)
    return {k: v for k, v in made.items() if v}


def _events(coordinator: Actor, base: datetime.datetime) -> int:
    made = 0
    for kind, topic, speakers, days, capacity, venue in DEMO_EVENTS:
        full = DEMO_MARK + topic
        if db.session.scalar(select(OutreachEvent.id).where(OutreachEvent.topic == full)):
            continue
        start = base + datetime.timedelta(days=days)
        events.save_event(events.EventInput(
            kind=kind.name, topic=full, speakers=speakers, starts_at=start,
            ends_at=start + datetime.timedelta(hours=2), venue=venue, capacity=capacity,
            signup_deadline=start - datetime.timedelta(days=2),
            description="演示活动：报名后可在“培训报名”中查看或取消。"), coordinator)
        made += 1
    return made


def _key_enterprises(coordinator: Actor) -> tuple[int, int]:
    """The two largest active units as key enterprises, each with a visit last week."""
    designated = visits = 0
    units = list(db.session.scalars(
        select(Unit).where(Unit.status == UnitStatus.ACTIVE)
        .order_by(Unit.headcount.desc(), Unit.id).limit(2)))
    for unit in units:
        if ke.key_enterprise_of_unit(unit.id) is None:
            ke.designate(unit, DEMO_MARK + "职工人数较多，纳入定点服务。", coordinator)
            designated += 1
        if not db.session.scalar(select(EnterpriseVisit.id).where(
                EnterpriseVisit.unit_id == unit.id)):
            ke.record_visit(unit, ke.VisitInput(
                visit_date=clock.today() - datetime.timedelta(days=7),
                people_met="人事经理、工会主席",
                problems="春节后返岗期间批量录用备案集中，希望开通批量导入；咨询非全日制用工备案口径。",
                notes=DEMO_MARK + "大走访"), coordinator)
            visits += 1
    return designated, visits


def _desk_case(district: Actor) -> int:
    if db.session.scalar(select(DeskCase.id).where(DeskCase.title == DESK_TITLE)):
        return 0
    desk.raise_case(desk.DeskInput(
        category=DeskCategory.HARD_CASE.name, title=DESK_TITLE,
        description="辖区内某村委会聘用保洁人员，单位类型应选“村民委员会”，但其统一社会信用代码"
                    "首位为 N，系统提示登记管理部门代码异常，请市级明确办理口径。"), district)
    return 1


def _meeting(city: Actor, base: datetime.datetime) -> int:
    if desk.next_meeting() is not None:
        return 0
    meets = base.replace(hour=9, minute=30) + datetime.timedelta(days=30)
    desk.schedule_meeting(desk.MeetingInput(title="", meets_at=meets,
                                            venue="市人力资源市场 5 楼会议室"), city)
    return 1
