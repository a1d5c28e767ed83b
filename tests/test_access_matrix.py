"""Access control as a matrix: every role × every view, action and custom endpoint × a record
inside and one outside the user's jurisdiction → the expected HTTP status.

Expectations are written out by hand (not derived from the role definitions), so a change to
roles, filters or endpoints that widens access fails here."""

from __future__ import annotations

import pytest

ROLES = ("admin", "city", "district", "street", "coordinator", "employer", "worker")

# What each demo user may reach at all: None → 403 for every endpoint of that kind.
#   district = 梁溪区 office; street = 崇安寺街道 office; coordinator = city-level office;
#   employer = the unit "unit_in"; worker = an individual.
# Records: unit_in (梁溪区 崇安寺街道, the employer's unit), unit_out (滨湖区),
#          unit_pending_in (梁溪区 广益街道: inside the district, outside the street),
#          person_in (梁溪区 崇安寺街道), person_out (滨湖区).
UNIT_READ = {
    "admin": {"unit_in", "unit_out", "unit_pending_in"},
    "city": {"unit_in", "unit_out", "unit_pending_in"},
    "district": {"unit_in", "unit_pending_in"},
    "street": {"unit_in"},
    "coordinator": {"unit_in", "unit_out", "unit_pending_in"},
    "employer": {"unit_in"},
    "worker": None,
}
UNIT_EDIT = {
    "admin": {"unit_in", "unit_out", "unit_pending_in"},
    "city": {"unit_in", "unit_out", "unit_pending_in"},
    "district": {"unit_in", "unit_pending_in"},
    "street": {"unit_in"},
    "coordinator": None,
    "employer": None,
    "worker": None,
}
PERSON_READ = {
    "admin": {"person_in", "person_out"},
    "city": {"person_in", "person_out"},
    "district": {"person_in"},
    "street": {"person_in"},
    "coordinator": None,
    "employer": None,
    "worker": None,
}
APPROVE = {  # may approve pending unit accounts (action), and where
    "admin": {"unit_pending_in", "unit_pending_out"},
    "city": {"unit_pending_in", "unit_pending_out"},
    "district": {"unit_pending_in"},
    "street": None,
    "coordinator": None,
    "employer": None,
    "worker": None,
}
PLAIN_LISTS = {  # list endpoints without jurisdiction-specific rows → status per role
    "/regionview/list/": {"admin": 200, "city": 200, "district": 200, "street": 200,
                          "coordinator": 200, "employer": 403, "worker": 403},
    "/officeview/list/": {"admin": 200, "city": 200, "district": 200, "street": 200,
                          "coordinator": 200, "employer": 403, "worker": 403},
    "/industrysectionview/list/": {"admin": 200, "city": 200, "district": 200, "street": 200,
                                   "coordinator": 403, "employer": 403, "worker": 403},
    "/auditlogview/list/": {"admin": 200, "city": 200, "district": 403, "street": 403,
                            "coordinator": 403, "employer": 403, "worker": 403},
    "/users/list/": {"admin": 200, "city": 403, "district": 403, "street": 403,
                     "coordinator": 403, "employer": 403, "worker": 403},
    "/unitview/add": {"admin": 200, "city": 200, "district": 200, "street": 200,
                      "coordinator": 403, "employer": 403, "worker": 403},
    "/personview/add": {"admin": 200, "city": 200, "district": 200, "street": 200,
                        "coordinator": 403, "employer": 403, "worker": 403},
    "/person-lookup/": {"admin": 200, "city": 200, "district": 200, "street": 200,
                        "coordinator": 403, "employer": 403, "worker": 403},
    # Requests of individuals (change of record, dispute): office staff read them.
    "/changerequestview/list/": {"admin": 200, "city": 200, "district": 200, "street": 200,
                                 "coordinator": 403, "employer": 403, "worker": 403},
    "/disputeview/list/": {"admin": 200, "city": 200, "district": 200, "street": 200,
                           "coordinator": 403, "employer": 403, "worker": 403},
    "/noticeview/list/": {"admin": 200, "city": 200, "district": 403, "street": 403,
                          "coordinator": 403, "employer": 403, "worker": 403},
    "/apikeyadminview/list/": {"admin": 200, "city": 403, "district": 403, "street": 403,
                               "coordinator": 403, "employer": 403, "worker": 403},
    # Records nobody adds through a form: the audit log is written by the app, notices by the
    # filings, keys by employers in their portal, requests and disputes by individuals.
    **dict.fromkeys(("/auditlogview/add", "/noticeview/add", "/apikeyadminview/add",
                     "/changerequestview/add", "/disputeview/add"), dict.fromkeys(ROLES, 403)),
    # The organisation tree is the administrator's.
    **dict.fromkeys(("/officeview/add", "/regionview/add"),
                    {"admin": 200, "city": 403, "district": 403, "street": 403,
                     "coordinator": 403, "employer": 403, "worker": 403}),
}


# FAB record pages of the reference and back-office views: (method, url) → status per role.
# Office, region and correction rule 1 exist in every test database. The audit log, notices,
# API keys, change requests and disputes grant nobody edit or delete: FAB refuses (403) before
# it looks the key up, so a key that does not exist shows the refusal. Deleting is
# the administrator's (302 back to the list); each test starts from a fresh database.
_STAFF = {"admin": 200, "city": 200, "district": 200, "street": 200, "coordinator": 200,
          "employer": 403, "worker": 403}
_OFFICES = {"admin": 200, "city": 200, "district": 200, "street": 200, "coordinator": 403,
            "employer": 403, "worker": 403}
_ADMIN = {**dict.fromkeys(ROLES, 403), "admin": 200}
_ADMIN_DELETES = {**dict.fromkeys(ROLES, 403), "admin": 302}
_NOBODY = dict.fromkeys(ROLES, 403)
RECORD_PAGES = {
    ("GET", "/officeview/show/1"): _STAFF, ("GET", "/officeview/edit/1"): _ADMIN,
    ("GET", "/officeview/delete/1"): _ADMIN_DELETES,
    ("POST", "/officeview/delete/1"): _ADMIN_DELETES,
    ("GET", "/regionview/show/1"): _STAFF, ("GET", "/regionview/edit/1"): _ADMIN,
    ("GET", "/regionview/delete/1"): _ADMIN_DELETES,
    ("POST", "/regionview/delete/1"): _ADMIN_DELETES,
    ("GET", "/correctionruleview/show/1"): _OFFICES, ("GET", "/correctionruleview/edit/1"): _ADMIN,
    ("GET", "/personview/delete/1"): _ADMIN_DELETES,
    ("POST", "/personview/delete/1"): _ADMIN_DELETES,
    ("GET", "/auditlogview/edit/999999"): _NOBODY, ("POST", "/auditlogview/edit/999999"): _NOBODY,
    ("GET", "/auditlogview/delete/999999"): _NOBODY,
    ("POST", "/auditlogview/delete/999999"): _NOBODY, ("POST", "/auditlogview/add"): _NOBODY,
    ("GET", "/noticeview/edit/999999"): _NOBODY, ("POST", "/noticeview/edit/999999"): _NOBODY,
    ("GET", "/noticeview/delete/999999"): _NOBODY, ("POST", "/noticeview/delete/999999"): _NOBODY,
    ("POST", "/noticeview/add"): _NOBODY,
    ("GET", "/apikeyadminview/edit/999999"): _NOBODY,
    ("POST", "/apikeyadminview/edit/999999"): _NOBODY,
    ("GET", "/apikeyadminview/delete/999999"): _NOBODY,
    ("POST", "/apikeyadminview/delete/999999"): _NOBODY, ("POST", "/apikeyadminview/add"): _NOBODY,
    ("GET", "/changerequestview/edit/999999"): _NOBODY,
    ("POST", "/changerequestview/edit/999999"): _NOBODY,
    ("GET", "/changerequestview/delete/999999"): _NOBODY,
    ("POST", "/changerequestview/delete/999999"): _NOBODY,
    ("POST", "/changerequestview/add"): _NOBODY,
    ("GET", "/disputeview/edit/999999"): _NOBODY, ("POST", "/disputeview/edit/999999"): _NOBODY,
    ("GET", "/disputeview/delete/999999"): _NOBODY,
    ("POST", "/disputeview/delete/999999"): _NOBODY, ("POST", "/disputeview/add"): _NOBODY,
}


def expected(table, role, record, ok=200):
    allowed = table[role]
    if allowed is None:
        return 403
    return ok if record in allowed else 404


@pytest.fixture(scope="module")
def clients(app):
    from tests.conftest import login

    return {role: login(app.test_client(), role) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", sorted(PLAIN_LISTS))
def test_plain_endpoint_status(clients, role, url):
    assert clients[role].get(url).status_code == PLAIN_LISTS[url][role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url"), sorted(RECORD_PAGES))
def test_record_page_status(clients, role, method, url):
    assert clients[role].open(url, method=method).status_code == RECORD_PAGES[method, url][role]


@pytest.mark.parametrize("role", ROLES)
def test_unit_list_shows_only_units_in_jurisdiction(clients, known, role):
    response = clients[role].get("/unitview/list/?psize_UnitView=100&_flt_2_name=测试")
    if UNIT_READ[role] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for record in ("unit_in", "unit_out", "unit_pending_in"):
        assert (known[f"code_{record}"] in text) == (record in UNIT_READ[role]), record


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["unit_in", "unit_out", "unit_pending_in"])
def test_unit_show(clients, known, role, record):
    status = clients[role].get(f"/unitview/show/{known[record]}").status_code
    assert status == expected(UNIT_READ, role, record)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["unit_in", "unit_out", "unit_pending_in"])
def test_unit_edit_form(clients, known, role, record):
    status = clients[role].get(f"/unitview/edit/{known[record]}").status_code
    assert status == expected(UNIT_EDIT, role, record)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_unit_delete_is_refused_for_everyone_but_admin(clients, known, role):
    response = clients[role].post(f"/unitview/delete/{known['unit_out']}")
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_unit_edit_post_outside_jurisdiction_changes_nothing(app, clients, known, role):
    from app.extensions import db
    from app.models.units import Unit

    if UNIT_EDIT[role] is not None and "unit_out" in UNIT_EDIT[role]:
        pytest.skip("role may edit the whole city")
    response = clients[role].post(f"/unitview/edit/{known['unit_out']}",
                                  data={"name": "被篡改的名称"})
    assert response.status_code == expected(UNIT_EDIT, role, "unit_out")
    with app.app_context():
        assert db.session.get(Unit, known["unit_out"]).name != "被篡改的名称"


@pytest.mark.parametrize("role", ROLES)
def test_bulk_action_with_foreign_primary_key_is_404_and_does_nothing(app, clients, known,
                                                                     role):
    """action_post with one pk inside and one outside: FAB would act on both; we refuse all."""
    from app.extensions import db
    from app.models.units import Unit, UnitStatus

    if APPROVE[role] is not None and "unit_pending_out" in APPROVE[role]:
        pytest.skip("role may approve anywhere in the city")
    response = clients[role].post("/unitview/action_post", data={
        "action": "approve", "rowid": [known["unit_pending_in"], known["unit_pending_out"]]})
    assert response.status_code == (403 if APPROVE[role] is None else 404)
    with app.app_context():
        assert db.session.get(Unit, known["unit_pending_out"]).status == UnitStatus.PENDING
        assert db.session.get(Unit, known["unit_pending_in"]).status == UnitStatus.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_single_action_with_foreign_primary_key(app, clients, known, role):
    from app.extensions import db
    from app.models.units import Unit, UnitStatus

    if APPROVE[role] is not None and "unit_pending_out" in APPROVE[role]:
        pytest.skip("role may approve anywhere in the city")
    response = clients[role].post(f"/unitview/action/approve/{known['unit_pending_out']}")
    assert response.status_code == (403 if APPROVE[role] is None else 404)
    with app.app_context():
        assert db.session.get(Unit, known["unit_pending_out"]).status == UnitStatus.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_actions_cannot_be_triggered_by_get(clients, known, role):
    assert clients[role].get(f"/unitview/action/approve/{known['unit_pending_in']}"
                             ).status_code == 405


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["person_in", "person_out"])
def test_person_show(clients, known, role, record):
    status = clients[role].get(f"/personview/show/{known[record]}").status_code
    assert status == expected(PERSON_READ, role, record)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["person_in", "person_out"])
def test_person_edit_form(clients, known, role, record):
    status = clients[role].get(f"/personview/edit/{known[record]}").status_code
    assert status == expected(PERSON_READ, role, record)


@pytest.mark.parametrize("role", ROLES)
def test_person_list_shows_only_persons_in_jurisdiction(clients, known, role):
    response = clients[role].get("/personview/list/?_flt_2_name=测试&psize_PersonView=100")
    if PERSON_READ[role] is None:
        assert response.status_code == 403
        return
    text = response.get_data(as_text=True)
    assert ("测试内" in text) == ("person_in" in PERSON_READ[role])
    assert ("测试外" in text) == ("person_out" in PERSON_READ[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["person_in", "person_out"])
def test_person_lookup_by_id_number(clients, known, role, record):
    response = clients[role].post("/person-lookup/",
                                  data={"citizen_id": known[f"code_{record}"]})
    allowed = PERSON_READ[role]
    if allowed is None:
        assert response.status_code == 403
    elif record in allowed:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/personview/show/{known[record]}")
    else:  # the same answer as for an unknown number
        assert response.status_code == 200
        assert "未找到" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", ["person_in", "person_out"])
def test_reveal_full_id_number(clients, known, role, record):
    response = clients[role].post(f"/person-lookup/reveal/{known[record]}",
                                  data={"reason": "核对"})
    assert response.status_code == expected(PERSON_READ, role, record)


@pytest.mark.parametrize("role", ROLES)
def test_related_dropdowns_offer_only_regions_in_jurisdiction(clients, role):
    response = clients[role].get("/unitview/add")
    if response.status_code != 200:
        return
    text = response.get_data(as_text=True)
    in_city = role in ("admin", "city")
    assert ("滨湖区" in text) == in_city
    assert "梁溪区" in text


def test_anonymous_user_is_sent_to_login_everywhere(app, known):
    client = app.test_client()
    for url in ("/unitview/list/", f"/unitview/show/{known['unit_in']}", "/personview/list/",
                "/person-lookup/", "/auditlogview/list/", "/users/list/"):
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
