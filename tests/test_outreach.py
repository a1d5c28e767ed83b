"""The "1+3" services end to end through the web pages, on the shared test database: events with
capacity and a waiting list, the knowledge base without login, the district issue desk and joint
meetings, key-enterprise service, and every bad input of the issue.

Every test makes its own units, logins and records (unique names); nothing assumes empty tables."""

from __future__ import annotations

import datetime
import itertools
import re
import uuid

import pytest
from sqlalchemy import func, select

from app.domain.roles import ROLE_EMPLOYER
from app.services.actor import Actor
from tests import factories as make
from tests.conftest import login

_seq = itertools.count(1)
NOW = datetime.datetime.now().replace(second=0, microsecond=0)


def token(n: int = 6) -> str:
    return str(uuid.uuid4().int % 10**n).zfill(n)


# --------------------------------------------------------------------------------------------
# Helpers: units, employer logins, events
# --------------------------------------------------------------------------------------------

def employer_client(app, unit_id=None):
    unit_id = unit_id or make.unit_row()
    return unit_id, login(app.test_client(), make.user(ROLE_EMPLOYER, unit_id=unit_id))


def event_form(**overrides) -> dict:
    start = NOW + datetime.timedelta(days=10)
    data = {
        "kind": "HR_SALON", "topic": f"HR 经理沙龙测试{next(_seq)}-{token()}",
        "speakers": "王老师", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "市人力资源市场 3 楼", "capacity": "2",
        "signup_deadline": (start - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "description": "",
    }
    data.update(overrides)
    return data


def create_event(client, **overrides) -> int:
    response = client.post("/outreach/events/new", data=event_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/outreach/events/(\d+)$", response.headers["Location"]).group(1))


def attendee(**overrides) -> dict:
    n = next(_seq)
    data = {"attendee_name": f"参会人{n}", "attendee_phone": f"139{token(8)}",
            "attendee_position": "人事经理"}
    data.update(overrides)
    return data


def signups(app, event_id):
    from app.extensions import db
    from app.models.outreach import EventSignup

    with app.app_context():
        rows = db.session.execute(select(EventSignup.unit_id, EventSignup.status,
                                         EventSignup.attendee_name)
                                  .where(EventSignup.event_id == event_id)
                                  .order_by(EventSignup.id)).all()
        return [(u, s.name, n) for u, s, n in rows]


def notices_of(app, unit_id) -> list[str]:
    from app.extensions import db
    from app.models.filings import Notice

    with app.app_context():
        return list(db.session.scalars(select(Notice.body).where(Notice.unit_id == unit_id)
                                       .order_by(Notice.id)))


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def coordinator(client_for):
    return client_for("coordinator")


@pytest.fixture
def city(client_for):
    return client_for("city")


# --------------------------------------------------------------------------------------------
# Done when (1): a salon with 2 seats, three units, a waiting list moved up on cancellation
# --------------------------------------------------------------------------------------------

def test_salon_with_two_seats_third_unit_waits_and_moves_up_when_one_cancels(app, coordinator):
    event_id = create_event(coordinator, capacity="2")
    units = [employer_client(app) for _ in range(3)]
    messages = []
    for _unit_id, client in units:
        response = client.post(f"/portal/events/{event_id}/signup", data=attendee(),
                               follow_redirects=True)
        assert response.status_code == 200
        messages.append(text_of(response))
    assert "报名成功" in messages[0] and "报名成功" in messages[1]
    assert "名额已满" in messages[2] and "候补名单第 1 位" in messages[2]
    rows = signups(app, event_id)
    assert [s for _, s, _ in rows] == ["CONFIRMED", "CONFIRMED", "WAITING"]

    # The first unit cancels from its portal: the third is moved up and told so.
    first_unit, first_client = units[0]
    from app.extensions import db
    from app.models.outreach import EventSignup

    with app.app_context():
        first_signup = db.session.scalar(select(EventSignup.id).where(
            EventSignup.event_id == event_id, EventSignup.unit_id == first_unit))
    response = first_client.post(f"/portal/events/signups/{first_signup}/cancel")
    assert response.status_code == 302
    assert [s for _, s, _ in signups(app, event_id)] == ["CANCELLED", "CONFIRMED", "CONFIRMED"]
    third_unit, third_client = units[2]
    assert any("已由候补转为正式报名" in body for body in notices_of(app, third_unit))
    page = text_of(third_client.get("/portal/events/"))
    assert "已递补" in page
    # The coordinator's list says who was moved up.
    staff_page = text_of(coordinator.get(f"/outreach/events/{event_id}"))
    assert "递补" in staff_page


def test_cancelling_a_waiting_signup_promotes_nobody(app, coordinator):
    event_id = create_event(coordinator, capacity="1")
    (u1, c1), (u2, c2), (u3, c3) = (employer_client(app) for _ in range(3))
    for client in (c1, c2, c3):
        client.post(f"/portal/events/{event_id}/signup", data=attendee())
    from app.extensions import db
    from app.models.outreach import EventSignup

    with app.app_context():
        second = db.session.scalar(select(EventSignup.id).where(
            EventSignup.event_id == event_id, EventSignup.unit_id == u2))
    c2.post(f"/portal/events/signups/{second}/cancel")
    assert [s for _, s, _ in signups(app, event_id)] == ["CONFIRMED", "CANCELLED", "WAITING"]
    assert not any("候补转为正式" in b for b in notices_of(app, u3))


def test_raising_the_capacity_moves_the_waiting_list_up(app, coordinator):
    event_id = create_event(coordinator, capacity="1")
    (_u1, c1), (u2, c2) = employer_client(app), employer_client(app)
    c1.post(f"/portal/events/{event_id}/signup", data=attendee())
    c2.post(f"/portal/events/{event_id}/signup", data=attendee())
    response = coordinator.post(f"/outreach/events/{event_id}/edit",
                                data=event_form(capacity="2", topic="扩容后的沙龙"))
    assert response.status_code == 302
    assert [s for _, s, _ in signups(app, event_id)] == ["CONFIRMED", "CONFIRMED"]
    assert any("候补转为正式" in b for b in notices_of(app, u2))


def test_capacity_cannot_drop_below_confirmed_signups(app, coordinator):
    event_id = create_event(coordinator, capacity="2")
    for _ in range(2):
        employer_client(app)[1].post(f"/portal/events/{event_id}/signup", data=attendee())
    response = coordinator.post(f"/outreach/events/{event_id}/edit",
                                data=event_form(capacity="1"))
    assert response.status_code == 200
    assert "名额不能少于已报名人数" in text_of(response)


def test_capacity_is_enforced_in_one_transaction_per_signup(app):
    """Many sign-ups straight through the service: never more confirmed than seats."""
    from app.extensions import appbuilder, db
    from app.services.outreach import events

    with app.app_context():
        coordinator = Actor.of(appbuilder.sm.find_user(username="coordinator"))
        event = events.save_event(events.EventInput(
            kind="POLICY_TRAINING", topic=f"容量测试{token()}", speakers="", venue="报告厅",
            starts_at=NOW + datetime.timedelta(days=5), ends_at=None, capacity=3,
            signup_deadline=NOW + datetime.timedelta(days=4)), coordinator)
        event_id = event.id
    for _ in range(5):
        unit_id = make.unit_row()
        with app.app_context():
            events.sign_up(event_id, unit_id, events.Attendee("某某", f"137{token(8)}"),
                           Actor.of(appbuilder.sm.find_user(username="coordinator")))
    statuses = [s for _, s, _ in signups(app, event_id)]
    assert statuses.count("CONFIRMED") == 3 and statuses.count("WAITING") == 2
    with app.app_context():
        assert db.session.get(type(event), event_id).capacity == 3


def test_parallel_signups_for_the_last_seats_never_overbook(app):
    """Four units sign up at the same instant for two seats (threads, each its own session):
    exactly two get seats, two wait — on SQLite (one writer) and PostgreSQL (row lock)."""
    import threading

    from app.extensions import appbuilder
    from app.services.outreach import events

    with app.app_context():
        event_id = events.save_event(events.EventInput(
            kind="HR_SALON", topic=f"并发测试{token()}", speakers="", venue="会议室",
            starts_at=NOW + datetime.timedelta(days=5), ends_at=None, capacity=2,
            signup_deadline=NOW + datetime.timedelta(days=4)),
            Actor.of(appbuilder.sm.find_user(username="coordinator"))).id
    units = [make.unit_row() for _ in range(4)]
    barrier, errors = threading.Barrier(len(units)), []

    def sign(unit_id):
        try:
            with app.app_context():
                coordinator = Actor.of(appbuilder.sm.find_user(username="coordinator"))
                barrier.wait()
                events.sign_up(event_id, unit_id, events.Attendee("并发", f"139{token(8)}"),
                               coordinator)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sign, args=(u,)) for u in units]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    statuses = [s for _, s, _ in signups(app, event_id)]
    assert sorted(statuses) == ["CONFIRMED", "CONFIRMED", "WAITING", "WAITING"]


# -- bad input: sign-ups ------------------------------------------------------------------------

def test_signup_after_the_deadline_is_refused_in_chinese(app, coordinator):
    start = NOW + datetime.timedelta(days=2)
    event_id = create_event(coordinator, starts_at=start.strftime("%Y-%m-%dT%H:%M"),
                            signup_deadline=(NOW - datetime.timedelta(hours=1))
                            .strftime("%Y-%m-%dT%H:%M"))
    unit_id, client = employer_client(app)
    response = client.post(f"/portal/events/{event_id}/signup", data=attendee())
    assert response.status_code == 200
    text = text_of(response)
    assert "报名已于" in text and "截止" in text and "SIGNUP_DEADLINE_PASSED" in text
    assert signups(app, event_id) == []


def test_a_unit_cannot_sign_up_for_another_unit(app, coordinator, known):
    event_id = create_event(coordinator)
    unit_id, client = employer_client(app)
    response = client.post(f"/portal/events/{event_id}/signup",
                           data=attendee(unit_id=str(known["unit_out"])))
    assert response.status_code == 200
    assert "只能为本单位人员报名" in text_of(response)
    assert signups(app, event_id) == []


def test_same_attendee_cannot_sign_up_twice(app, coordinator):
    event_id = create_event(coordinator)
    _, client = employer_client(app)
    data = attendee()
    client.post(f"/portal/events/{event_id}/signup", data=data)
    response = client.post(f"/portal/events/{event_id}/signup", data=data)
    assert "不能重复报名" in text_of(response)
    assert len(signups(app, event_id)) == 1


def test_bad_phone_and_missing_name_are_shown_on_their_fields(app, coordinator):
    event_id = create_event(coordinator)
    _, client = employer_client(app)
    response = client.post(f"/portal/events/{event_id}/signup",
                           data=attendee(attendee_phone="0510-8888888"))
    assert "手机号码格式不正确" in text_of(response)
    response = client.post(f"/portal/events/{event_id}/signup", data=attendee(attendee_name=""))
    assert "请填写参加人员姓名" in text_of(response)
    assert signups(app, event_id) == []


def test_employer_cannot_cancel_another_units_signup(app, coordinator):
    event_id = create_event(coordinator)
    u1, c1 = employer_client(app)
    _, c2 = employer_client(app)
    c1.post(f"/portal/events/{event_id}/signup", data=attendee())
    from app.extensions import db
    from app.models.outreach import EventSignup

    with app.app_context():
        signup_id = db.session.scalar(select(EventSignup.id).where(
            EventSignup.event_id == event_id))
    assert c2.post(f"/portal/events/signups/{signup_id}/cancel").status_code == 404
    assert [s for _, s, _ in signups(app, event_id)] == ["CONFIRMED"]


def test_event_values_are_checked(app, coordinator):
    response = coordinator.post("/outreach/events/new", data=event_form(capacity="0"))
    assert "名额应为 1 到" in text_of(response)
    start = NOW + datetime.timedelta(days=3)
    response = coordinator.post("/outreach/events/new", data=event_form(
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        signup_deadline=(start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")))
    assert "报名截止时间不能晚于活动开始时间" in text_of(response)
    response = coordinator.post("/outreach/events/new", data=event_form(starts_at="明天下午"))
    assert "时间格式不正确" in text_of(response)


# -- check-in and feedback ----------------------------------------------------------------------

def test_coordinator_checks_in_and_records_feedback(app, coordinator):
    from app.extensions import db
    from app.models.outreach import EventSignup

    event_id = create_event(coordinator)
    _, client = employer_client(app)
    client.post(f"/portal/events/{event_id}/signup", data=attendee())
    with app.app_context():
        signup_id = db.session.scalar(select(EventSignup.id).where(
            EventSignup.event_id == event_id))
    early = coordinator.post(f"/outreach/events/signups/{signup_id}/feedback",
                             data={"rating": "5"}, follow_redirects=True)
    assert "未签到，不能登记反馈" in text_of(early)
    coordinator.post(f"/outreach/events/signups/{signup_id}/check-in")
    bad = coordinator.post(f"/outreach/events/signups/{signup_id}/feedback",
                           data={"rating": "9"}, follow_redirects=True)
    assert "评分应为 1 到 5 分" in text_of(bad)
    coordinator.post(f"/outreach/events/signups/{signup_id}/feedback",
                     data={"rating": "4", "comment": "内容实用"})
    with app.app_context():
        signup = db.session.get(EventSignup, signup_id)
        assert signup.checked_in_at is not None
        assert (signup.feedback_rating, signup.feedback_comment) == (4, "内容实用")


def test_public_calendar_lists_events_without_login(app, coordinator):
    event_id = create_event(coordinator, topic=f"公开日历测试{token()}")
    anonymous = app.test_client()
    page = text_of(anonymous.get("/events/"))
    with app.app_context():
        from app.extensions import db
        from app.models.outreach import OutreachEvent

        topic = db.session.get(OutreachEvent, event_id).topic
        month = db.session.get(OutreachEvent, event_id).starts_at.strftime("%Y-%m")
    assert topic in page
    assert topic in text_of(anonymous.get(f"/events/?month={month}"))
    detail = anonymous.get(f"/events/{event_id}")
    assert detail.status_code == 200 and topic in text_of(detail)
    assert "人事经理" not in text_of(detail)


def test_cancelled_event_notifies_the_signed_up_units(app, coordinator):
    event_id = create_event(coordinator)
    unit_id, client = employer_client(app)
    client.post(f"/portal/events/{event_id}/signup", data=attendee())
    coordinator.post(f"/outreach/events/{event_id}/cancel", data={"reason": "场地调整"})
    assert [s for _, s, _ in signups(app, event_id)] == ["CANCELLED"]
    assert any("活动取消通知" in b for b in notices_of(app, unit_id))
    response = client.post(f"/portal/events/{event_id}/signup", data=attendee())
    assert "该活动已取消" in text_of(response)


def test_reminder_job_notifies_once_the_day_before(app):
    from app.extensions import appbuilder
    from app.services.outreach import events

    with app.app_context():
        coordinator = Actor.of(appbuilder.sm.find_user(username="coordinator"))
        event = events.save_event(events.EventInput(
            kind="POLICY_TRAINING", topic=f"提醒测试{token()}", speakers="", venue="报告厅",
            starts_at=NOW + datetime.timedelta(hours=20), ends_at=None, capacity=5,
            signup_deadline=NOW + datetime.timedelta(hours=10)), coordinator)
        event_id = event.id
    unit_id = make.unit_row()
    with app.app_context():
        events.sign_up(event_id, unit_id, events.Attendee("提醒人", f"136{token(8)}"),
                       Actor.of(appbuilder.sm.find_user(username="coordinator")))
        assert events.send_reminders()["reminders"] >= 1
        events.send_reminders()
    assert sum("活动提醒" in b for b in notices_of(app, unit_id)) == 1


# -- invitations of new online units -------------------------------------------------------------

def test_unit_approved_online_is_invited_to_the_next_new_unit_training(app, coordinator,
                                                                        client_for):
    from app.extensions import db
    from app.models.outreach import EventInvitation
    from app.models.units import Unit, UnitStatus

    start = NOW + datetime.timedelta(days=3)
    event_id = create_event(coordinator, kind="NEW_UNIT_TRAINING", capacity="50",
                            topic=f"新网报单位培训{token()}",
                            starts_at=start.strftime("%Y-%m-%dT%H:%M"),
                            signup_deadline=(start - datetime.timedelta(hours=2))
                            .strftime("%Y-%m-%dT%H:%M"))
    unit_id = make.unit_row(street="320213002")
    with app.app_context():
        db.session.get(Unit, unit_id).status = UnitStatus.PENDING
        db.session.commit()
    response = client_for("district").post("/unitview/action_post",
                                           data={"action": "approve", "rowid": str(unit_id)})
    assert response.status_code == 302
    with app.app_context():
        invitation = db.session.scalar(select(EventInvitation).where(
            EventInvitation.unit_id == unit_id))
        assert invitation is not None and invitation.event_id is not None
        event = invitation.event
        assert event.kind.name == "NEW_UNIT_TRAINING"
        assert event.signup_deadline >= NOW
        assert event_id is not None
    assert any("培训邀请" in b for b in notices_of(app, unit_id))
    _, client = employer_client(app, unit_id)
    assert "培训邀请" in text_of(client.get("/portal/events/"))


def test_unit_approved_signal_invites_the_unit_through_the_outreach_listener(app):
    from app.extensions import db
    from app.models.outreach import EventInvitation
    from app.models.units import Unit
    from app.services.actor import Actor
    from app.services.outreach import listeners
    from app.services.signals import unit_approved
    from app.services.transaction import transaction

    unit_id = make.unit_row()
    connected = dict(unit_approved.receivers)
    assert id(listeners._invite_approved_unit) in connected  # by create_app
    listeners.connect()
    assert dict(unit_approved.receivers) == connected  # connecting again adds nothing
    with app.app_context():
        with transaction():
            unit_approved.send(db.session.get(Unit, unit_id), actor=Actor.system())
        invitations = db.session.scalars(select(EventInvitation).where(
            EventInvitation.unit_id == unit_id)).all()
        assert len(invitations) == 1


def test_invitation_waits_for_the_next_training_when_none_is_scheduled(app):
    from app.extensions import appbuilder, db
    from app.models.outreach import EventInvitation
    from app.models.units import Unit
    from app.services.outreach import events

    unit_id = make.unit_row()
    far = datetime.datetime(2099, 1, 1)
    with app.app_context():
        events.invite_new_unit(db.session.get(Unit, unit_id), at=far)
        db.session.commit()
        invitation = db.session.scalar(select(EventInvitation).where(
            EventInvitation.unit_id == unit_id))
        assert invitation.event_id is None
        events.save_event(events.EventInput(
            kind="NEW_UNIT_TRAINING", topic=f"远期新单位培训{token()}", speakers="",
            venue="培训室", starts_at=far + datetime.timedelta(days=10), ends_at=None,
            capacity=30, signup_deadline=far + datetime.timedelta(days=9)),
            Actor.of(appbuilder.sm.find_user(username="coordinator")), at=far)
        db.session.expire_all()
        assert db.session.get(EventInvitation, invitation.id).event_id is not None
    assert any("培训邀请" in b for b in notices_of(app, unit_id))


# --------------------------------------------------------------------------------------------
# Done when (2): a citizen reads the hire guide and finds an FAQ by keyword without logging in
# --------------------------------------------------------------------------------------------

def test_citizen_reads_the_hire_guide_and_finds_an_faq_without_logging_in(app):
    anonymous = app.test_client()
    index = text_of(anonymous.get("/kb/"))
    assert "录用备案办事指南" in index and "常见问答" in index
    guide = anonymous.get("/kb/hire-guide")
    assert guide.status_code == 200
    text = text_of(guide)
    assert "30 日内" in text and "就业服务与就业管理规定" in text and "办理步骤" in text
    found = text_of(anonymous.get("/kb/faq", query_string={"q": "逾期"}))
    assert "员工入职超过 30 天才办理录用备案，还能办吗？" in found
    assert text_of(anonymous.get("/kb/faq-overdue-hire")).count("逾期") >= 1


def test_every_filing_type_has_a_published_guide_and_there_are_15_faqs(app):
    from app.domain.outreach import ArticleKind, ArticleStatus
    from app.extensions import db
    from app.models.outreach import KnowledgeArticle

    with app.app_context():
        guides = set(db.session.scalars(select(KnowledgeArticle.filing_type).where(
            KnowledgeArticle.kind == ArticleKind.GUIDE,
            KnowledgeArticle.status == ArticleStatus.PUBLISHED)))
        faqs = db.session.scalar(select(func.count(KnowledgeArticle.id)).where(
            KnowledgeArticle.kind == ArticleKind.FAQ,
            KnowledgeArticle.status == ArticleStatus.PUBLISHED))
    assert {"HIRE", "RENEWAL", "TRANSFER", "TERMINATION"} <= guides
    assert faqs >= 15


def test_manual_images_are_local_static_files(app):
    anonymous = app.test_client()
    page = text_of(anonymous.get("/kb/user-manual"))
    page = page[page.index('id="kb-article"'):page.index("</article>")]
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) >= 4
    for src in images:
        assert src.startswith("/static/outreach/manual/")
        assert anonymous.get(src).status_code == 200


def test_faq_search_matches_case_and_width_insensitively_and_needs_every_word(app):
    anonymous = app.test_client()
    assert "身份证号变成了" in text_of(anonymous.get("/kb/faq", query_string={"q": "Ｅ+17"}))
    both = text_of(anonymous.get("/kb/faq", query_string={"q": "非全日制 试用期"}))
    assert "非全日制用工怎么办理备案" in both
    none = text_of(anonymous.get("/kb/faq", query_string={"q": "非全日制 不存在的词语"}))
    assert "共找到 0 条" in none
    # LIKE wildcards typed by a user are plain characters.
    assert "共找到 0 条" in text_of(anonymous.get("/kb/faq", query_string={"q": "%_%"}))


def test_staff_article_is_a_draft_invisible_publicly_until_published(app, city):
    slug = f"notice-{token()}"
    response = city.post("/outreach/kb/new", data={
        "kind": "ANNOUNCEMENT", "title": "测试公告草稿", "slug": slug, "filing_type": "",
        "sort_order": "5", "body_md": "# 标题\n\n关于**测试**的公告。", "action": "save"})
    assert response.status_code == 302
    article_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    anonymous = app.test_client()
    assert anonymous.get(f"/kb/{slug}").status_code == 404
    city.post(f"/outreach/kb/{article_id}/publish", data={"publish": "1"})
    page = anonymous.get(f"/kb/{slug}")
    assert page.status_code == 200 and "<strong>测试</strong>" in text_of(page)
    city.post(f"/outreach/kb/{article_id}/publish", data={"publish": "0"})
    assert anonymous.get(f"/kb/{slug}").status_code == 404


def test_draft_faq_is_not_found_by_search(app, city):
    slug = f"faq-draft-{token()}"
    city.post("/outreach/kb/new", data={
        "kind": "FAQ", "title": "草稿问答独有词汇甲乙丙", "slug": slug, "body_md": "内容",
        "action": "save"})
    found = text_of(app.test_client().get("/kb/faq", query_string={"q": "独有词汇甲乙丙"}))
    assert "共找到 0 条" in found


# -- bad input: Markdown -----------------------------------------------------------------------

HOSTILE = ("<script>alert('x')</script>\n\n[点我](javascript:alert(1)) "
           "[数据](data:text/html;base64,PHNjcmlwdD4=) <img src=x onerror=alert(2)>\n\n"
           "![外链](https://evil.example/track.png) ![本站](/static/outreach/manual/step1-login.svg)"
           "\n\n<iframe src=\"https://evil.example\"></iframe> [官网](https://www.gov.cn)")


def _assert_inert(html: str) -> None:
    """No live script, handler, javascript:/data: link, iframe or remote image (text is fine)."""
    assert "<script" not in html and "<iframe" not in html
    assert not re.search(r"<[^>]+\son\w+\s*=", html)
    assert not re.search(r"(href|src)=\"(javascript|data):", html)
    assert "evil.example/track.png" not in html
    assert '<img src="/static/outreach/manual/step1-login.svg"' in html
    assert 'href="https://www.gov.cn" rel="nofollow noopener"' in html


def test_markdown_with_script_and_javascript_links_is_rendered_inert(app, city):
    slug = f"hostile-{token()}"
    response = city.post("/outreach/kb/new", data={
        "kind": "ANNOUNCEMENT", "title": "恶意内容测试", "slug": slug, "body_md": HOSTILE,
        "action": "save"})
    article_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    from app.extensions import db
    from app.models.outreach import KnowledgeArticle

    with app.app_context():
        _assert_inert(db.session.get(KnowledgeArticle, article_id).body_html)
    city.post(f"/outreach/kb/{article_id}/publish", data={"publish": "1"})
    page = text_of(app.test_client().get(f"/kb/{slug}"))
    body = page[page.index('id="kb-article"'):page.index("</article>")]
    _assert_inert(body)


def test_preview_renders_sanitised_html_without_saving(app, city):
    from app.extensions import db
    from app.models.outreach import KnowledgeArticle

    slug = f"preview-{token()}"
    response = city.post("/outreach/kb/new", data={
        "kind": "FAQ", "title": "预览测试", "slug": slug, "body_md": HOSTILE,
        "action": "preview"})
    assert response.status_code == 200
    text = text_of(response)
    pane = text[text.index('id="preview-pane"'):]
    pane = pane[:pane.index("</div>")]
    _assert_inert(pane)
    with app.app_context():
        assert db.session.scalar(select(KnowledgeArticle.id).where(
            KnowledgeArticle.slug == slug)) is None


def test_article_input_is_checked(app, city):
    bad_slug = city.post("/outreach/kb/new", data={"kind": "FAQ", "title": "x", "slug": "不合法",
                                                   "body_md": "x", "action": "save"})
    assert "网址标识只能由小写字母" in text_of(bad_slug)
    guide = city.post("/outreach/kb/new", data={"kind": "GUIDE", "title": "x",
                                                "slug": f"g-{token()}", "body_md": "x",
                                                "action": "save"})
    assert "办事指南须选择对应的备案类型" in text_of(guide)
    taken = city.post("/outreach/kb/new", data={"kind": "FAQ", "title": "x", "slug": "hire-guide",
                                                "body_md": "x", "action": "save"})
    assert "已被另一篇文章使用" in text_of(taken)


# -- the knowledge loader (seed) ----------------------------------------------------------------

def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_loader_is_idempotent_and_never_overwrites_a_staff_edit(app, tmp_path, city):
    from app.extensions import db
    from app.models.outreach import KnowledgeArticle
    from app.services.outreach.knowledge import load_knowledge

    slug_a, slug_b = f"faq-load-a-{token()}", f"faq-load-b-{token()}"
    _write(tmp_path, "a.md", f"---\nkind: faq\nslug: {slug_a}\ntitle: 甲\n---\n第一版\n")
    _write(tmp_path, "b.md", f"---\nkind: faq\nslug: {slug_b}\ntitle: 乙\n---\n第一版\n")
    with app.app_context():
        assert load_knowledge(tmp_path)["created"] == 2
        again = load_knowledge(tmp_path)
        assert again["created"] == 0 and again["updated"] == 0 and again["unchanged"] == 2
        b_id = db.session.scalar(select(KnowledgeArticle.id).where(
            KnowledgeArticle.slug == slug_b))
    # Staff edit article b through the editor.
    city.post(f"/outreach/kb/{b_id}", data={"kind": "FAQ", "title": "乙（工作人员修改）",
                                            "slug": slug_b, "body_md": "工作人员改过的内容",
                                            "action": "save"})
    _write(tmp_path, "a.md", f"---\nkind: faq\nslug: {slug_a}\ntitle: 甲\n---\n第二版\n")
    _write(tmp_path, "b.md", f"---\nkind: faq\nslug: {slug_b}\ntitle: 乙\n---\n第二版\n")
    with app.app_context():
        counts = load_knowledge(tmp_path)
        assert counts["updated"] == 1 and counts["kept_staff_edits"] == 1
        a = db.session.scalar(select(KnowledgeArticle).where(KnowledgeArticle.slug == slug_a))
        b = db.session.scalar(select(KnowledgeArticle).where(KnowledgeArticle.slug == slug_b))
        assert "第二版" in a.body_html
        assert "工作人员改过的内容" in b.body_html and b.title == "乙（工作人员修改）"


def test_loader_takes_an_integration_file_and_shows_it_under_its_section(app, tmp_path):
    from app.services.outreach.knowledge import load_knowledge

    slug = f"api-integration-{token()}"
    _write(tmp_path, "api-integration.md",
           f"---\nkind: integration   # REST API\nslug: {slug}\ntitle: 系统对接指南{slug}\n"
           "order: 5\n---\n## 认证\n\n使用 API 密钥。\n")
    with app.app_context():
        assert load_knowledge(tmp_path)["created"] == 1
    anonymous = app.test_client()
    assert "使用 API 密钥" in text_of(anonymous.get(f"/kb/{slug}"))
    index = text_of(anonymous.get("/kb/"))
    assert "对接指南" in index and f"系统对接指南{slug}" in index


def test_seed_of_the_shipped_content_is_idempotent(app):
    from app.services.outreach.seed import seed

    with app.app_context():
        assert seed().get("created", 0) == 0 and seed().get("updated", 0) == 0


# --------------------------------------------------------------------------------------------
# Done when (3): a district officer raises a case, the city answers it, and it appears on the
# next joint meeting's agenda
# --------------------------------------------------------------------------------------------

def desk_form(**overrides) -> dict:
    data = {"category": "HARD_CASE", "title": f"疑难问题测试{token()}",
            "description": "某单位批量退工材料不全，请市级明确口径。", "unit_credit_code": ""}
    data.update(overrides)
    return data


def raise_case(client, **overrides) -> tuple[int, str]:
    data = desk_form(**overrides)
    response = client.post("/outreach/desk/new", data=data)
    assert response.status_code == 302, text_of(response)[:3000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]), data["title"]


def test_district_raises_city_answers_and_case_is_on_the_next_joint_meeting(app, client_for,
                                                                           city):
    district = client_for("district")
    case_id, title = raise_case(district)
    assert title in text_of(district.get("/outreach/desk/"))
    city.post(f"/outreach/desk/{case_id}/post", data={"body": "按第四十一条口径办理，附件补齐后受理。"})
    page = text_of(district.get(f"/outreach/desk/{case_id}"))
    assert "已答复" in page and "按第四十一条口径办理" in page
    meets = (NOW + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    response = city.post("/outreach/meetings/new", data={"title": "", "meets_at": meets,
                                                         "venue": "市人力资源市场 5 楼"})
    assert response.status_code == 302
    meeting_page = text_of(city.get(response.headers["Location"]))
    assert title in meeting_page and "季度市区用工备案联席会议" in meeting_page
    # District staff read the meeting and its agenda too.
    assert title in text_of(district.get(response.headers["Location"]))


def test_case_raised_after_scheduling_joins_the_next_meeting(app, client_for, city):
    meets = (NOW + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    city.post("/outreach/meetings/new", data={"title": f"临时会议{token()}", "meets_at": meets,
                                              "venue": "会议室"})
    case_id, title = raise_case(client_for("street"))
    from app.extensions import db
    from app.models.outreach import AgendaItem
    from app.services.outreach.desk import next_meeting

    with app.app_context():
        meeting = next_meeting()
        assert db.session.scalar(select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.case_id == case_id))


def test_closed_cases_are_not_proposed_for_a_new_meeting(app, client_for, city):
    case_id, title = raise_case(client_for("district"))
    city.post(f"/outreach/desk/{case_id}/post", data={"body": "已答复"})
    city.post(f"/outreach/desk/{case_id}/close")
    meets = (NOW + datetime.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")
    response = city.post("/outreach/meetings/new", data={"title": "", "meets_at": meets,
                                                         "venue": "会议室"})
    assert title not in text_of(city.get(response.headers["Location"]))


def test_case_cannot_be_closed_before_it_is_answered(app, client_for, city):
    case_id, _ = raise_case(client_for("district"))
    page = text_of(city.post(f"/outreach/desk/{case_id}/close", follow_redirects=True))
    assert "尚未答复：请先答复，再关闭" in page


def test_district_follow_up_reopens_an_answered_case(app, client_for, city):
    district = client_for("district")
    case_id, _ = raise_case(district)
    city.post(f"/outreach/desk/{case_id}/post", data={"body": "答复"})
    district.post(f"/outreach/desk/{case_id}/post", data={"body": "还有一个情况需要说明"})
    assert "待答复" in text_of(city.get(f"/outreach/desk/{case_id}"))


def test_desk_case_about_a_unit_outside_the_district_is_refused(app, client_for, known):
    district = client_for("district")
    response = district.post("/outreach/desk/new",
                             data=desk_form(unit_credit_code=known["code_unit_out"]))
    assert response.status_code == 200
    text = text_of(response)
    assert "不在您的管辖范围（梁溪区）内" in text and "OUT_OF_JURISDICTION" in text


def test_desk_case_input_is_checked(app, client_for):
    district = client_for("district")
    text = text_of(district.post("/outreach/desk/new", data=desk_form(description="")))
    assert "请填写问题描述" in text
    past = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    text = text_of(district.post("/outreach/desk/new", data=desk_form(due_date=past)))
    assert "答复期限不能早于今天" in text


def test_city_assigns_an_owner_and_due_date(app, client_for, city):
    from app.extensions import appbuilder, db
    from app.models.outreach import DeskCase

    case_id, _ = raise_case(client_for("district"))
    with app.app_context():
        city_id = appbuilder.sm.find_user(username="city").id
    due = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    city.post(f"/outreach/desk/{case_id}/assign", data={"owner_id": str(city_id),
                                                        "due_date": due})
    with app.app_context():
        case = db.session.get(DeskCase, case_id)
        assert case.owner_id == city_id and case.due_date.isoformat() == due


def test_open_cases_by_district_and_age(app, client_for, city):
    from app.extensions import db
    from app.models.outreach import DeskCase

    case_id, _ = raise_case(client_for("district2"))
    with app.app_context():
        db.session.get(DeskCase, case_id).created_at = NOW - datetime.timedelta(days=45)
        db.session.commit()
    page = text_of(city.get("/outreach/desk/overview"))
    row = page[page.index('data-district="滨湖区"'):]
    row = row[:row.index("</tr>")]
    assert int(re.search(r'bucket-d90">(\d+)<', row).group(1)) >= 1
    # District staff see their own district only.
    own = text_of(client_for("district").get("/outreach/desk/overview"))
    assert 'data-district="滨湖区"' not in own


def test_minutes_and_outcomes_are_saved_and_the_meeting_marked_held(app, city):
    meets = (NOW + datetime.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M")
    response = city.post("/outreach/meetings/new", data={"title": f"纪要测试{token()}",
                                                         "meets_at": meets, "venue": "会议室"})
    url = response.headers["Location"]
    meeting_id = int(url.rstrip("/").rsplit("/", 1)[1])
    city.post(f"/outreach/meetings/{meeting_id}/agenda", data={"title": "其他事项：培训安排"})
    refused = city.post(f"/outreach/meetings/{meeting_id}/minutes",
                        data={"minutes": "", "held": "1"}, follow_redirects=True)
    assert "请填写会议纪要" in text_of(refused)
    city.post(f"/outreach/meetings/{meeting_id}/minutes",
              data={"minutes": "会议明确了批量退工材料口径。", "held": "1"})
    page = text_of(city.get(url))
    assert "已召开" in page and "批量退工材料口径" in page and "其他事项：培训安排" in page


# --------------------------------------------------------------------------------------------
# Key-enterprise designated service
# --------------------------------------------------------------------------------------------

def designate(coordinator, credit_code) -> int:
    response = coordinator.post("/outreach/key-enterprises/new",
                                data={"credit_code": credit_code, "reason": "测试认定"})
    assert response.status_code == 302, text_of(response)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def unit_code(app, unit_id) -> str:
    from app.extensions import db
    from app.models.units import Unit

    with app.app_context():
        return db.session.get(Unit, unit_id).credit_code


def visit_form(code, **overrides) -> dict:
    data = {"credit_code": code, "visit_date": datetime.date.today().isoformat(),
            "people_met": "人事经理 王某", "problems": "希望简化批量退工材料。", "notes": ""}
    data.update(overrides)
    return data


def test_coordinator_designates_assigns_staff_and_records_a_visit_with_follow_up(
        app, coordinator):
    from app.extensions import appbuilder, db
    from app.models.outreach import EnterpriseVisit, KeyEnterprise, VisitFollowUp
    from app.models.units import Unit

    unit_id = make.unit_row()
    ke_id = designate(coordinator, unit_code(app, unit_id))
    assert designate(coordinator, unit_code(app, unit_id)) == ke_id  # idempotent
    with app.app_context():
        assert db.session.get(Unit, unit_id).is_key_enterprise is True
        district_id = appbuilder.sm.find_user(username="district").id
        district2_id = appbuilder.sm.find_user(username="district2").id
    coordinator.post(f"/outreach/key-enterprises/{ke_id}/staff",
                     data={"staff": [str(district_id)]})
    refused = coordinator.post(f"/outreach/key-enterprises/{ke_id}/staff",
                               data={"staff": [str(district2_id)]}, follow_redirects=True)
    assert "管辖范围不包括该企业" in text_of(refused)
    with app.app_context():
        assert [u.id for u in db.session.get(KeyEnterprise, ke_id).staff] == [district_id]

    response = coordinator.post("/outreach/key-enterprises/visits/new",
                                data=visit_form(unit_code(app, unit_id)))
    assert response.status_code == 302
    visit_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    due = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    coordinator.post(f"/outreach/key-enterprises/visits/{visit_id}/follow-ups",
                     data={"action": "协调区经办机构上门指导", "owner": str(district_id),
                           "due_date": due})
    with app.app_context():
        visit = db.session.get(EnterpriseVisit, visit_id)
        assert visit.unit_id == unit_id and len(visit.follow_ups) == 1
        follow_up = visit.follow_ups[0]
        assert follow_up.owner_id == district_id and follow_up.status.name == "OPEN"
        follow_up_id = follow_up.id
    coordinator.post(f"/outreach/key-enterprises/follow-ups/{follow_up_id}/status",
                     data={"done": "1"})
    with app.app_context():
        assert db.session.get(VisitFollowUp, follow_up_id).status.name == "DONE"
    assert "希望简化批量退工材料" in text_of(coordinator.get(f"/outreach/key-enterprises/{ke_id}"))


def test_visit_for_a_unit_outside_the_jurisdiction_is_refused_in_chinese(app, client_for, known):
    from app.extensions import db
    from app.models.outreach import EnterpriseVisit

    for role, scope in (("street", "崇安寺街道"), ("district", "梁溪区")):
        response = client_for(role).post("/outreach/key-enterprises/visits/new",
                                         data=visit_form(known["code_unit_out"]))
        assert response.status_code == 200
        text = text_of(response)
        assert f"不在您的管辖范围（{scope}）内，不能为其登记走访记录" in text
    with app.app_context():
        assert db.session.scalar(select(func.count(EnterpriseVisit.id)).where(
            EnterpriseVisit.unit_id == known["unit_out"])) == 0


def test_street_and_district_record_visits_inside_their_area(app, client_for, known):
    for role in ("street", "district"):
        response = client_for(role).post("/outreach/key-enterprises/visits/new",
                                         data=visit_form(known["code_unit_in"]))
        assert response.status_code == 302, role


def test_visit_input_is_checked(app, coordinator, known):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    text = text_of(coordinator.post("/outreach/key-enterprises/visits/new",
                                    data=visit_form(known["code_unit_in"], visit_date=future)))
    assert "走访日期不能晚于今天" in text
    text = text_of(coordinator.post("/outreach/key-enterprises/visits/new",
                                    data=visit_form(known["code_unit_in"], problems="")))
    assert "请填写企业反映的问题和建议" in text
    text = text_of(coordinator.post("/outreach/key-enterprises/visits/new",
                                    data=visit_form("91320213MA1XXXXX0Z")))
    assert "USCC" in text or "统一社会信用代码" in text


def test_service_case_links_filings_idempotently_and_lists_them_masked(app, coordinator):
    from app.extensions import appbuilder, db
    from app.models.filings import Filing
    from app.services.outreach import link_filings

    unit_id = make.unit_row()
    ke_id = designate(coordinator, unit_code(app, unit_id))
    response = coordinator.post(f"/outreach/key-enterprises/{ke_id}/cases", data={
        "kind": "PLANT_CLOSURE", "title": "整厂关停退工专项", "expected_people": "2000",
        "description": "测试"})
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        filing_ids = [make.hire(unit_id, job_title="操作工").id for _ in range(2)]
    with app.app_context():
        coordinator_user = appbuilder.sm.find_user(username="coordinator")
        assert link_filings(case_id, filing_ids, Actor.of(coordinator_user)) == 2
        assert link_filings(case_id, filing_ids, Actor.of(coordinator_user)) == 0  # idempotent
        receipts = [db.session.get(Filing, i).receipt_number for i in filing_ids]
        citizen = db.session.get(Filing, filing_ids[0]).person_citizen_id
        # district2 (滨湖区) may not see a 梁溪区 case.
        with pytest.raises(Exception) as refused:
            link_filings(case_id, filing_ids,
                         Actor.of(appbuilder.sm.find_user(username="district2")))
        assert getattr(refused.value, "code", "") == "NOT_FOUND"
    page = text_of(coordinator.get(f"/outreach/key-enterprises/cases/{case_id}"))
    for receipt in receipts:
        assert receipt in page
    assert citizen not in page and citizen[:6] in page
    # Link by receipt number from the page: already linked → nothing new.
    linked = coordinator.post(f"/outreach/key-enterprises/cases/{case_id}/link",
                              data={"receipts": "\n".join(receipts) + "\nBA-NOT-A-RECEIPT"},
                              follow_redirects=True)
    assert "已关联 0 条备案" in text_of(linked) and "BA-NOT-A-RECEIPT" in text_of(linked)
    # The documents as one ZIP: a batch of the linked filings.
    response = coordinator.post(f"/outreach/key-enterprises/cases/{case_id}/documents")
    assert response.status_code == 302 and "/documents/" in response.headers["Location"]
    progress = coordinator.get(response.headers["Location"])
    assert progress.status_code == 200 and "批量下载（共 2 份）" in text_of(progress)
    status = coordinator.get(response.headers["Location"] + "/status")
    assert status.get_json()["total"] == 2


def test_link_filings_refuses_filings_outside_the_actors_jurisdiction(app, coordinator,
                                                                      known):
    from app.extensions import appbuilder
    from app.services.outreach import link_filings

    ke_id = designate(coordinator, known["code_unit_in"])
    response = coordinator.post(f"/outreach/key-enterprises/{ke_id}/cases", data={
        "kind": "GROUP_RESTRUCTURING", "title": f"集团重组{token()}"})
    case_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        outside = make.hire(known["unit_out"], job_title="操作工").id
        with pytest.raises(Exception) as refused:
            link_filings(case_id, [outside], Actor.of(appbuilder.sm.find_user(username="district")))
        assert getattr(refused.value, "code", "") == "FILING_NOT_FOUND"


# --------------------------------------------------------------------------------------------
# Demo data
# --------------------------------------------------------------------------------------------

def test_seed_demo_is_idempotent_and_has_a_two_seat_salon(app):
    from app.demo.outreach import DEMO_MARK, seed_demo
    from app.extensions import db
    from app.models.outreach import DeskCase, JointMeeting, KeyEnterprise, OutreachEvent

    with app.app_context():
        seed_demo()
        assert seed_demo() == {}
        salon = db.session.scalar(select(OutreachEvent).where(
            OutreachEvent.topic.like(DEMO_MARK + "HR%")))
        assert salon is not None and salon.capacity == 2
        assert db.session.scalar(select(func.count(KeyEnterprise.id))) >= 2
        assert db.session.scalar(select(DeskCase.id).where(DeskCase.title.like(DEMO_MARK + "%")))
        assert db.session.scalar(select(func.count(JointMeeting.id))) >= 1


def test_event_names_its_organising_office_and_coordinator(app, coordinator):
    from app.extensions import appbuilder, db
    from app.models.org import Office
    from app.models.outreach import OutreachEvent

    with app.app_context():
        city_user = appbuilder.sm.find_user(username="city")
        district_user = appbuilder.sm.find_user(username="district")
        office_id = db.session.scalar(select(Office.id).where(
            Office.id == district_user.office_id))
        city_id, district_id = city_user.id, district_user.id
    event_id = create_event(coordinator, office_id=str(office_id), coordinator_id=str(city_id))
    with app.app_context():
        event = db.session.get(OutreachEvent, event_id)
        assert (event.office_id, event.coordinator_id) == (office_id, city_id)
    refused = coordinator.post("/outreach/events/new",
                               data=event_form(coordinator_id=str(district_id)))
    assert refused.status_code == 200 and "活动协调人应为" in text_of(refused)
    # Defaults: the creator and the creator's office.
    default_id = create_event(coordinator)
    with app.app_context():
        event = db.session.get(OutreachEvent, default_id)
        me = appbuilder.sm.find_user(username="coordinator")
        assert (event.office_id, event.coordinator_id) == (me.office_id, me.id)


def test_kb_load_command_and_reminder_job_are_registered(app):
    from app.jobs import jobs
    from app.jobs.outreach import REMINDER_JOB

    result = app.test_cli_runner().invoke(args=["beian", "kb-load"])
    assert result.exit_code == 0, result.output
    assert "knowledge base" in result.output and "'created': 0" in result.output
    assert REMINDER_JOB in {job.name for job in jobs(app)}
