"""Use cases of the outreach capability ("1+3" services).

Hooks the app calls (see app/features.py): scheduled_jobs, register_commands, seed, seed_demo.
The use cases live in outreach_events / outreach_enterprises / outreach_knowledge / outreach_desk;
this module also offers the two functions other capabilities call:

- ``invite_new_unit(unit)`` — app.services.units.approve_unit, when a unit opened online is
  approved: invite it to the next training for new online units;
- ``link_filings(case_id, filing_ids, actor)`` — bulk filing, when a staff upload belongs to a
  special service case (整厂关停 …)."""

from __future__ import annotations

import datetime

from sqlalchemy import select

from app.services.outreach_enterprises import link_filings as _link_filings
from app.services.outreach_events import invite_new_unit as _invite_new_unit

REMINDER_JOB = "outreach-event-reminders"


def link_filings(case_id: int, filing_ids: list[int], actor, *, commit: bool = True) -> int:
    """Link filings to a special service case; the actor must see the case and the filings.
    Idempotent; returns the number newly linked (see outreach_enterprises.link_filings)."""
    return _link_filings(case_id, filing_ids, actor, commit=commit)


def invite_new_unit(unit):
    """Invite a unit just approved online to the next new-unit training (caller's transaction)."""
    return _invite_new_unit(unit)


def scheduled_jobs(app) -> tuple:
    """Jobs for the scheduler process (app.jobs.Job instances)."""
    from app.jobs import Job
    from app.services.outreach_events import send_reminders

    every = int(app.config.get("BEIAN_EVENT_REMINDER_EVERY_SECONDS", 3600))
    return (Job(REMINDER_JOB, send_reminders, every),)


def register_commands(beian_group) -> None:
    """Add `flask beian ...` subcommands."""
    import click

    @beian_group.command("kb-load")
    @click.option("--directory", default=None, help="Folder of knowledge *.md files")
    def kb_load_command(directory):
        """Load the knowledge-base articles (guides, FAQs, manual …) from Markdown files."""
        from app.services.outreach_knowledge import load_knowledge

        click.echo(f"knowledge base: {load_knowledge(directory)}")


def seed() -> dict:
    """Reference data, idempotent (run by `flask beian init`): the knowledge-base articles."""
    from app.services.outreach_knowledge import load_knowledge

    counts = load_knowledge()
    return {k: v for k, v in counts.items() if v}


DEMO_MARK = "【演示】"


def seed_demo() -> dict:
    """Demo data for the demo city, idempotent (run by `flask beian demo`): upcoming events (one
    salon with 2 seats), two key enterprises with a visit, an open desk case and a scheduled
    joint meeting."""
    from app.domain.outreach import DeskCategory, EventKind
    from app.extensions import appbuilder, db
    from app.models.outreach import DeskCase, EnterpriseVisit, OutreachEvent
    from app.models.units import Unit, UnitStatus
    from app.services import outreach_desk as desk
    from app.services import outreach_enterprises as ke
    from app.services import outreach_events as events

    sm = appbuilder.sm
    coordinator = sm.find_user(username="coordinator")
    city = sm.find_user(username="city")
    district = sm.find_user(username="district")
    if coordinator is None or city is None or district is None:
        return {}
    made = {"events": 0, "key_enterprises": 0, "visits": 0, "desk_cases": 0, "meetings": 0}
    today = datetime.date.today()
    base = datetime.datetime.combine(today, datetime.time(14, 0))

    demo_events = (
        (EventKind.HR_SALON, "HR 经理主题沙龙：劳动合同续订与到期管理", "市人力资源市场 王老师", 14, 2,
         "市人力资源市场 3 楼沙龙室"),
        (EventKind.POLICY_TRAINING, "用工备案政策大型知识讲座", "市人社局就业处 李处长；市人力资源市场 张望佳",
         21, 200, "市人力资源市场 1 楼报告厅"),
        (EventKind.NEW_UNIT_TRAINING, "新网报单位业务培训（第一期）", "市人力资源市场 备案窗口 陈老师", 10, 60,
         "市人力资源市场 2 楼培训室"),
    )
    for kind, topic, speakers, days, capacity, venue in demo_events:
        full = DEMO_MARK + topic
        if db.session.scalar(select(OutreachEvent.id).where(OutreachEvent.topic == full)):
            continue
        start = base + datetime.timedelta(days=days)
        events.save_event(events.EventInput(
            kind=kind.name, topic=full, speakers=speakers, starts_at=start,
            ends_at=start + datetime.timedelta(hours=2), venue=venue, capacity=capacity,
            signup_deadline=start - datetime.timedelta(days=2),
            description="演示活动：报名后可在“培训报名”中查看或取消。"), coordinator)
        made["events"] += 1

    units = list(db.session.scalars(
        select(Unit).where(Unit.status == UnitStatus.ACTIVE)
        .order_by(Unit.headcount.desc(), Unit.id).limit(2)))
    for unit in units:
        enterprise = ke.key_enterprise_of_unit(unit.id)
        if enterprise is None:
            enterprise = ke.designate(unit, DEMO_MARK + "职工人数较多，纳入定点服务。", coordinator)
            made["key_enterprises"] += 1
        if not db.session.scalar(select(EnterpriseVisit.id).where(
                EnterpriseVisit.unit_id == unit.id)):
            ke.record_visit(unit, ke.VisitInput(
                visit_date=today - datetime.timedelta(days=7),
                people_met="人事经理、工会主席",
                problems="春节后返岗期间批量录用备案集中，希望开通批量导入；咨询非全日制用工备案口径。",
                notes=DEMO_MARK + "大走访"), coordinator)
            made["visits"] += 1

    title = DEMO_MARK + "村委会用工备案主体资格认定"
    if not db.session.scalar(select(DeskCase.id).where(DeskCase.title == title)):
        desk.raise_case(desk.DeskInput(
            category=DeskCategory.HARD_CASE.name, title=title,
            description="辖区内某村委会聘用保洁人员，单位类型应选“村民委员会”，但其统一社会信用代码"
                        "首位为 N，系统提示登记管理部门代码异常，请市级明确办理口径。"), district)
        made["desk_cases"] += 1
    if desk.next_meeting() is None:
        meets = base.replace(hour=9, minute=30) + datetime.timedelta(days=30)
        desk.schedule_meeting(desk.MeetingInput(title="", meets_at=meets,
                                                venue="市人力资源市场 5 楼会议室"), city)
        made["meetings"] += 1
    db.session.commit()
    return {k: v for k, v in made.items() if v}
