"""Access to the "1+3" services as a matrix: every role × every page and action × a record inside
and one outside the user's jurisdiction → the expected HTTP status. Written out by hand (not
derived from the grants), so a change that widens access fails here.

Records: key enterprise / visit / service case at unit_in (梁溪区 崇安寺街道) and at unit_out
(滨湖区); desk cases raised by the 梁溪区 office (district level), by the 崇安寺街道 office, and by
the 滨湖区 office; the demo employer's own sign-up and another unit's sign-up."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import login

ROLES = ("admin", "city", "district", "street", "coordinator", "employer", "worker")
NOW = datetime.datetime.now().replace(second=0, microsecond=0)


@pytest.fixture
def records(app, snapshot):
    return snapshot("test_outreach_access.records", lambda: _records(app))


def _records(app):
    from app.extensions import appbuilder, db
    from app.models.units import Unit
    from app.services.actor import Actor
    from app.services.outreach import desk, events
    from app.services.outreach import enterprises as ke
    from app.services.outreach.knowledge import published_article
    from tests.conftest import KNOWN, pk_of

    with app.app_context():
        def user(username):
            return Actor.of(appbuilder.sm.find_user(username=username))

        coordinator, city = user(username="coordinator"), user(username="city")
        unit_in = db.session.get(Unit, pk_of(Unit, credit_code=KNOWN["unit_in"]))
        unit_out = db.session.get(Unit, pk_of(Unit, credit_code=KNOWN["unit_out"]))
        out = {"coordinator_id": coordinator.user_id}
        for key, unit in (("in", unit_in), ("out", unit_out)):
            item = ke.designate(unit, "矩阵测试", coordinator)
            out[f"ke_{key}"] = item.id
            out[f"visit_{key}"] = ke.record_visit(unit, ke.VisitInput(
                datetime.date.today(), "人事经理", "矩阵测试问题"), coordinator).id
            out[f"case_{key}"] = ke.open_case(item.id, "PLANT_CLOSURE", f"矩阵专项{key}", "",
                                              10, coordinator).id
        for key, username in (("lx", "district"), ("caj", "street"), ("bh", "district2")):
            out[f"desk_{key}"] = desk.raise_case(desk.DeskInput(
                "HARD_CASE", f"矩阵问题{key}", "矩阵测试描述"), user(username=username)).id
        out["meeting"] = desk.schedule_meeting(desk.MeetingInput(
            "矩阵测试会议", NOW + datetime.timedelta(days=200), "会议室"), city).id
        event = events.save_event(events.EventInput(
            "HR_SALON", "矩阵测试沙龙", "", NOW + datetime.timedelta(days=30), None, "沙龙室", 50,
            NOW + datetime.timedelta(days=29)), coordinator)
        out["event"] = event.id
        out["signup_in"] = events.sign_up(event.id, unit_in.id, events.Attendee(
            "本单位人员", "13912340001"), user(username="employer")).signup.id
        out["signup_out"] = events.sign_up(event.id, unit_out.id, events.Attendee(
            "外单位人员", "13912340002"), coordinator).signup.id
        out["article"] = published_article("hire-guide").id
        return out


@pytest.fixture(scope="module")
def clients(app):
    return {role: login(app.test_client(), role) for role in ROLES}


STAFF_EVENTS = {"admin": 200, "city": 200, "coordinator": 200, "district": 403, "street": 403,
                "employer": 403, "worker": 403}
KB_EDIT = {"admin": 200, "city": 200, "coordinator": 403, "district": 403, "street": 403,
           "employer": 403, "worker": 403}
KE_READ = {"admin": 200, "city": 200, "coordinator": 200, "district": 200, "street": 200,
           "employer": 403, "worker": 403}
KE_MANAGE = {"admin": 200, "city": 200, "coordinator": 200, "district": 403, "street": 403,
             "employer": 403, "worker": 403}
DESK_READ = {"admin": 200, "city": 200, "coordinator": 403, "district": 200, "street": 200,
             "employer": 403, "worker": 403}
CITY_ONLY = {"admin": 200, "city": 200, "coordinator": 403, "district": 403, "street": 403,
             "employer": 403, "worker": 403}
PORTAL = {"admin": 404, "city": 403, "coordinator": 403, "district": 403, "street": 403,
          "employer": 200, "worker": 403}
PUBLIC = dict.fromkeys(ROLES, 200)

PAGES = {  # GET pages without a record → status per role
    "/events/": PUBLIC, "/kb/": PUBLIC, "/kb/faq?q=退工": PUBLIC, "/kb/hire-guide": PUBLIC,
    "/outreach/events/": STAFF_EVENTS, "/outreach/events/new": STAFF_EVENTS,
    "/portal/events/": PORTAL,
    "/outreach/key-enterprises/": KE_READ, "/outreach/key-enterprises/new": KE_MANAGE,
    "/outreach/key-enterprises/visits/new": KE_READ,
    "/outreach/kb/": KB_EDIT, "/outreach/kb/new": KB_EDIT,
    "/outreach/desk/": DESK_READ, "/outreach/desk/new": DESK_READ,
    "/outreach/desk/overview": DESK_READ,
    "/outreach/meetings/": DESK_READ, "/outreach/meetings/new": CITY_ONLY,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", sorted(PAGES))
def test_page_status(clients, records, role, url):
    assert clients[role].get(url).status_code == PAGES[url][role]


# Records in jurisdiction: role → set of record keys it may open (None: 403 for all).
KE_SCOPE = {"admin": {"in", "out"}, "city": {"in", "out"}, "coordinator": {"in", "out"},
            "district": {"in"}, "street": {"in"}, "employer": None, "worker": None}


def expected(scope, role, record, ok=200):
    allowed = scope[role]
    if allowed is None:
        return 403
    return ok if record in allowed else 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["in", "out"])
@pytest.mark.parametrize("page", ["/outreach/key-enterprises/{ke}",
                                  "/outreach/key-enterprises/visits/{visit}",
                                  "/outreach/key-enterprises/cases/{case}"])
def test_key_enterprise_records(clients, records, role, record, page):
    url = page.format(ke=records[f"ke_{record}"], visit=records[f"visit_{record}"],
                      case=records[f"case_{record}"])
    assert clients[role].get(url).status_code == expected(KE_SCOPE, role, record)


KE_MANAGE_SCOPE = {"admin": {"in", "out"}, "city": {"in", "out"}, "coordinator": {"in", "out"},
                   "district": None, "street": None, "employer": None, "worker": None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["in", "out"])
def test_service_case_actions(app, clients, records, role, record):
    """Closing a case and opening one: managers only, in jurisdiction; nothing changes else."""
    from app.extensions import db
    from app.models.outreach import ServiceCase

    status = clients[role].post(f"/outreach/key-enterprises/{records[f'ke_{record}']}/cases",
                                data={"kind": "PLANT_CLOSURE", "title": f"矩阵新增{role}"})
    assert status.status_code == expected(KE_MANAGE_SCOPE, role, record, ok=302)
    if expected(KE_MANAGE_SCOPE, role, record) != 200:
        with app.app_context():
            assert db.session.scalar(select(func.count(ServiceCase.id)).where(
                ServiceCase.key_enterprise_id == records[f"ke_{record}"],
                ServiceCase.title == f"矩阵新增{role}")) == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["in", "out"])
def test_follow_up_on_a_visit(app, clients, records, role, record):
    from app.extensions import db
    from app.models.outreach import VisitFollowUp

    response = clients[role].post(
        f"/outreach/key-enterprises/visits/{records[f'visit_{record}']}/follow-ups",
        data={"action": f"矩阵跟进{role}{record}", "owner": str(records["coordinator_id"]),
              "due_date": (datetime.date.today() + datetime.timedelta(days=5)).isoformat()})
    assert response.status_code == expected(KE_SCOPE, role, record, ok=302)
    with app.app_context():
        written = db.session.scalar(select(func.count(VisitFollowUp.id)).where(
            VisitFollowUp.action == f"矩阵跟进{role}{record}"))
    assert written == (1 if expected(KE_SCOPE, role, record) == 200 else 0)


DESK_SCOPE = {"admin": {"lx", "caj", "bh"}, "city": {"lx", "caj", "bh"}, "coordinator": None,
              "district": {"lx", "caj"}, "street": {"caj"}, "employer": None, "worker": None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["lx", "caj", "bh"])
def test_desk_case_show(clients, records, role, record):
    status = clients[role].get(f"/outreach/desk/{records[f'desk_{record}']}").status_code
    assert status == expected(DESK_SCOPE, role, record)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["lx", "caj", "bh"])
def test_desk_reply_outside_the_area_is_404_and_writes_nothing(app, clients, records, role,
                                                                record):
    from app.extensions import db
    from app.models.outreach import DeskPost

    body = f"矩阵答复{role}{record}"
    response = clients[role].post(f"/outreach/desk/{records[f'desk_{record}']}/post",
                                  data={"body": body})
    assert response.status_code == expected(DESK_SCOPE, role, record, ok=302)
    with app.app_context():
        written = db.session.scalar(select(func.count(DeskPost.id)).where(DeskPost.body == body))
    assert written == (1 if expected(DESK_SCOPE, role, record) == 200 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_only_city_staff_assign_and_close_desk_cases(clients, records, role):
    case = records["desk_caj"]
    assign = clients[role].post(f"/outreach/desk/{case}/assign", data={"owner_id": ""})
    close = clients[role].post(f"/outreach/desk/{case}/close")
    wanted = 302 if role in ("admin", "city") else 403
    assert (assign.status_code, close.status_code) == (wanted, wanted)


@pytest.mark.parametrize("role", ROLES)
def test_meeting_pages(clients, records, role):
    meeting = records["meeting"]
    assert clients[role].get(f"/outreach/meetings/{meeting}").status_code == DESK_READ[role]
    agenda = clients[role].post(f"/outreach/meetings/{meeting}/agenda",
                                data={"title": f"矩阵议题{role}"})
    assert agenda.status_code == (302 if role in ("admin", "city") else 403)


@pytest.mark.parametrize("role", ROLES)
def test_event_admin_pages(clients, records, role):
    event = records["event"]
    assert clients[role].get(f"/outreach/events/{event}").status_code == STAFF_EVENTS[role]
    assert clients[role].get(f"/outreach/events/{event}/edit").status_code == STAFF_EVENTS[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["signup_in", "signup_out"])
def test_portal_cancel_of_a_signup(app, clients, records, role, record):
    """An employer cancels its own unit's sign-ups only; nobody else uses the portal."""
    from app.extensions import db
    from app.models.outreach import EventSignup

    if role == "employer" and record == "signup_in":
        pytest.skip("the employer's own cancellation is tested in test_outreach.py")
    response = clients[role].post(f"/portal/events/signups/{records[record]}/cancel")
    assert response.status_code == {"admin": 404, "employer": 404}.get(role, 403)
    with app.app_context():
        assert db.session.get(EventSignup, records[record]).status.name != "CANCELLED"


@pytest.mark.parametrize("role", ROLES)
def test_check_in_is_for_event_managers(clients, records, role):
    response = clients[role].post(f"/outreach/events/signups/{records['signup_out']}/check-in")
    assert response.status_code == (302 if STAFF_EVENTS[role] == 200 else 403)


@pytest.mark.parametrize("role", ROLES)
def test_knowledge_editor_pages(clients, records, role):
    url = f"/outreach/kb/{records['article']}"
    assert clients[role].get(url).status_code == KB_EDIT[role]


def test_anonymous_users_reach_the_public_pages_only(app, records):
    anonymous = app.test_client()
    for url in ("/events/", f"/events/{records['event']}", "/kb/", "/kb/faq?q=录用",
                "/kb/hire-guide", "/kb/user-manual"):
        assert anonymous.get(url).status_code == 200, url
    for url in ("/outreach/events/", "/portal/events/", "/outreach/key-enterprises/",
                f"/outreach/key-enterprises/{records['ke_in']}", "/outreach/desk/",
                f"/outreach/desk/{records['desk_lx']}", "/outreach/meetings/",
                "/outreach/kb/", "/outreach/desk/overview"):
        response = anonymous.get(url)
        assert response.status_code in (302, 401, 403), url
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def test_coordinator_menu_is_events_and_key_enterprises_only(app):
    from app.domain.roles import ROLE_COORDINATOR
    from app.extensions import appbuilder

    with app.app_context():
        role = appbuilder.sm.find_role(ROLE_COORDINATOR)
        views = {p.view_menu.name for p in role.permissions}
    assert {"EventAdminView", "KeyEnterpriseView", "Events", "Key enterprises"} <= views
    assert not views & {"IssueDeskView", "JointMeetingView", "KnowledgeEditorView",
                        "PortalEventsView", "Issue desk", "Joint meetings",
                        "Knowledge base editor"}
