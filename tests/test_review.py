"""Staff review of filings (备案审核): the filing list and detail page, approve and return, the
review queues, attachments, the notice outbox and correction rules — and who may reach which.

Data is made through app.services (the same use cases the counter and the portal call); the
views are driven through the real app with logged-in test clients."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest
from sqlalchemy import select

from app.domain.identifiers import make_citizen_id
from tests import factories as make
from tests.factories import actor

_serial = itertools.count(700)  # ID sequence numbers; other modules use other ranges
BIRTH = datetime.date(1986, 5, 1)
TODAY = datetime.date.today()
PDF = b"%PDF-1.4 test"
HIRED = {"start_date": TODAY - datetime.timedelta(days=10),  # full time, a year's contract
         "contract_end": TODAY + datetime.timedelta(days=365)}


# --------------------------------------------------------------------------------------------
# Data through the service layer
# --------------------------------------------------------------------------------------------

def next_citizen_id() -> tuple[str, str]:
    n = next(_serial) - 700
    number = make_citizen_id("320213", BIRTH + datetime.timedelta(days=n // 300), 700 + n % 300)
    return number, "复核" + "甲乙丙丁戊己庚辛壬癸"[n % 10] + "子丑寅卯辰巳午未申酉"[n // 10 % 10]


def terminate(employment_id, reason, by="city", attachments=()):
    from app.services import filings as fs

    return fs.submit(fs.TerminationInput(employment_id, TODAY, reason), actor(by),
                     attachments=list(attachments)).filing


def pending_termination(app, street_code="320213001", workforce=11):
    """A serious-misconduct termination with its documents at a unit of ``workforce`` people:
    one employer-initiated termination stays under 10 %, so it waits for a plain review."""
    from app.services import filings as fs

    with app.app_context():
        unit_id = make.unit(street=street_code, headcount=20).id
        employments = [make.submit_hire(unit_id, **HIRED).filing.employment_id
                       for _ in range(workforce)]
        filing = terminate(employments[0], "A39_MISCONDUCT",
                           attachments=[fs.Upload("违纪材料.pdf", "application/pdf", PDF)])
        return {"id": filing.id, "status": filing.status.name, "unit": unit_id,
                "employment": employments[0], "receipt": filing.receipt_number,
                "attachment": filing.attachments[0].id}


def mass_termination(app):
    """A unit of 10 in 梁溪区 崇安寺街道 lays one off: 10 % reached → district approval."""
    with app.app_context():
        unit_id = make.unit(street="320213001", headcount=20).id
        employments = [make.submit_hire(unit_id, **HIRED).filing.employment_id
                       for _ in range(10)]
        filing = terminate(employments[0], "A40_3")
        return {"id": filing.id, "status": filing.status.name, "unit": unit_id,
                "employment": employments[0], "receipt": filing.receipt_number}


def multiple_employment_hire(app, known):
    """The employer hires someone already full-time elsewhere: 多重用工 → review, at unit_in."""
    with app.app_context():
        citizen_id, name = next_citizen_id()
        make.submit_hire(make.unit(street="320213002", headcount=20), citizen_id=citizen_id,
                         name=name, **HIRED)
        filing = make.submit_hire(known["unit_in"], "employer", citizen_id=citizen_id, name=name,
                                  **HIRED).filing
        return {"id": filing.id, "status": filing.status.name, "receipt": filing.receipt_number}


def state(app, filing_id):
    from app.extensions import db
    from app.models.filings import Filing

    with app.app_context():
        filing = db.session.get(Filing, filing_id)
        employment = filing.employment
        return {"status": filing.status.name, "row_version": filing.row_version,
                "decided_by": filing.decided_by_id,
                "employment": employment.status.name if employment else None,
                "return_reason": filing.return_reason_code}


def user_id(app, username):
    from app.extensions import appbuilder

    with app.app_context():
        return appbuilder.sm.find_user(username=username).id


def row_version_on_page(html: str) -> str:
    return re.search(r'name="row_version" value="(\d+)"', html).group(1)


def text(response) -> str:
    return response.get_data(as_text=True)


# --------------------------------------------------------------------------------------------
# Approve
# --------------------------------------------------------------------------------------------

def test_district_staff_approve_a_pending_termination_it_is_filed_and_the_employment_ends(
        app, client_for):
    filing = pending_termination(app)
    assert filing["status"] == "PENDING_REVIEW"
    client = client_for("district")
    version = row_version_on_page(text(client.get(f"/filingview/show/{filing['id']}")))

    response = client.post(f"/filingview/approve/{filing['id']}", data={"row_version": version})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/filingview/show/{filing['id']}")
    after = state(app, filing["id"])
    assert after["status"] == "FILED"
    assert after["employment"] == "ENDED"
    assert after["decided_by"] == user_id(app, "district")
    page = text(client.get(response.headers["Location"]))
    assert "已审核通过" in page and "已备案" in page


def test_street_staff_cannot_approve_a_mass_termination_that_needs_district_approval(
        app, client_for):
    filing = mass_termination(app)
    assert filing["status"] == "PENDING_DISTRICT_APPROVAL"
    before = state(app, filing["id"])

    response = client_for("street").post(f"/filingview/approve/{filing['id']}",
                                         data={"row_version": before["row_version"]},
                                         follow_redirects=True)

    assert response.status_code == 200
    assert "DISTRICT_APPROVAL_ONLY" in text(response)
    assert "梁溪区" in text(response)
    assert state(app, filing["id"]) == before


def test_street_staff_are_told_instead_of_offered_the_approve_form_on_a_mass_termination(
        app, client_for):
    filing = mass_termination(app)
    page = text(client_for("street").get(f"/filingview/show/{filing['id']}"))
    assert 'id="district-only"' in page
    assert f"/filingview/approve/{filing['id']}" not in page
    district_page = text(client_for("district").get(f"/filingview/show/{filing['id']}"))
    assert f"/filingview/approve/{filing['id']}" in district_page


def test_staff_of_the_units_own_district_approve_a_mass_termination(app, client_for):
    filing = mass_termination(app)
    version = state(app, filing["id"])["row_version"]
    response = client_for("district").post(f"/filingview/approve/{filing['id']}",
                                           data={"row_version": version})
    assert response.status_code == 302
    after = state(app, filing["id"])
    assert (after["status"], after["employment"]) == ("FILED", "ENDED")


def test_staff_of_another_district_get_404_and_nothing_changes(app, client_for):
    filing = mass_termination(app)
    before = state(app, filing["id"])
    client = client_for("district2")
    assert client.get(f"/filingview/show/{filing['id']}").status_code == 404
    response = client.post(f"/filingview/approve/{filing['id']}",
                           data={"row_version": before["row_version"]})
    assert response.status_code == 404
    assert state(app, filing["id"]) == before


def test_approving_with_a_stale_row_version_is_refused_and_changes_nothing(app, client_for):
    filing = pending_termination(app)
    before = state(app, filing["id"])

    response = client_for("district").post(
        f"/filingview/approve/{filing['id']}",
        data={"row_version": before["row_version"] - 1}, follow_redirects=True)

    page = text(response)
    assert "已由其他经办人处理" in page and "FILING_ALREADY_DECIDED" in page
    assert state(app, filing["id"]) == before


def test_two_reviewers_at_once_the_second_is_told_it_was_already_decided(app, client_for):
    filing = pending_termination(app)
    district, city = client_for("district"), client_for("city")
    seen_by_district = row_version_on_page(text(district.get(f"/filingview/show/{filing['id']}")))
    seen_by_city = row_version_on_page(text(city.get(f"/filingview/show/{filing['id']}")))
    assert seen_by_district == seen_by_city

    district.post(f"/filingview/approve/{filing['id']}", data={"row_version": seen_by_district})
    response = city.post(f"/filingview/return/{filing['id']}", follow_redirects=True, data={
        "row_version": seen_by_city, "reason_code": "R01", "message": "请补充材料"})

    page = text(response)
    assert "已由其他经办人处理" in page and "当前状态为“已备案”" in page
    after = state(app, filing["id"])
    assert after["status"] == "FILED" and after["return_reason"] is None
    assert after["decided_by"] == user_id(app, "district")


def test_a_decision_without_the_row_version_it_was_made_on_is_a_bad_request(app, client_for):
    filing = pending_termination(app)
    before = state(app, filing["id"])
    response = client_for("district").post(f"/filingview/approve/{filing['id']}")
    assert response.status_code == 400
    assert state(app, filing["id"]) == before


def test_decisions_cannot_be_made_by_get(app, client_for):
    filing = pending_termination(app)
    client = client_for("city")
    for action in ("approve", "return", "correct", "cancel"):
        assert client.get(f"/filingview/{action}/{filing['id']}").status_code == 405


# --------------------------------------------------------------------------------------------
# Return
# --------------------------------------------------------------------------------------------

def test_return_with_a_coded_reason_sends_it_back_and_the_employer_gets_a_portal_notice(
        app, client_for, known):
    from app.extensions import db
    from app.models.filings import Notice

    filing = multiple_employment_hire(app, known)
    assert filing["status"] == "PENDING_REVIEW"
    version = state(app, filing["id"])["row_version"]

    response = client_for("street").post(f"/filingview/return/{filing['id']}", data={
        "row_version": version, "reason_code": "R02", "message": "身份证号码与证件复印件不符，请核对"})

    assert response.status_code == 302
    after = state(app, filing["id"])
    assert (after["status"], after["return_reason"]) == ("RETURNED", "R02")
    with app.app_context():
        notices = db.session.scalars(select(Notice).where(
            Notice.filing_id == filing["id"], Notice.unit_id == known["unit_in"],
            Notice.channel == "portal")).all()
    assert len(notices) == 1
    assert "信息与证件不符" in notices[0].body and "请核对" in notices[0].body


def test_return_without_a_message_is_refused(app, client_for, known):
    filing = multiple_employment_hire(app, known)
    before = state(app, filing["id"])
    response = client_for("district").post(f"/filingview/return/{filing['id']}", data={
        "row_version": before["row_version"], "reason_code": "R01", "message": "  "},
        follow_redirects=True)
    assert "RETURN_MESSAGE_REQUIRED" in text(response)
    assert state(app, filing["id"]) == before


def test_return_without_a_reason_code_is_refused(app, client_for, known):
    filing = multiple_employment_hire(app, known)
    before = state(app, filing["id"])
    response = client_for("district").post(f"/filingview/return/{filing['id']}", data={
        "row_version": before["row_version"], "reason_code": "", "message": "请补充"},
        follow_redirects=True)
    assert "RETURN_REASON_REQUIRED" in text(response)
    assert state(app, filing["id"]) == before


# --------------------------------------------------------------------------------------------
# Detail page, list, attachments
# --------------------------------------------------------------------------------------------

def test_show_page_masks_the_id_number_and_lists_flags_attachments_and_audit(app, client_for):
    from app.domain.identifiers import mask_citizen_id
    from app.extensions import db
    from app.models.filings import Filing

    filing = pending_termination(app)
    with app.app_context():
        number = db.session.get(Filing, filing["id"]).person_citizen_id
    page = text(client_for("district").get(f"/filingview/show/{filing['id']}"))
    assert number not in page
    assert mask_citizen_id(number) in page
    assert "需审核附件" in page
    assert f"/filingview/attachment/{filing['attachment']}" in page
    assert 'id="audit"' in page and "提交" in page
    assert 'name="csrf_token"' in page


def test_filing_list_shows_the_review_flags_of_each_filing(app, client_for):
    filing = pending_termination(app)
    page = text(client_for("district").get(
        f"/filingview/list/?_flt_2_receipt_number={filing['receipt']}"))
    row = page[page.index(f"/filingview/show/{filing['id']}"):]
    assert "需审核附件" in row[:3000] and "待审核" in row[:3000]


def test_filing_list_search_offers_no_id_number_filter(app, client_for):
    page = text(client_for("city").get("/filingview/list/"))
    assert "person_citizen_id" not in page
    assert "receipt_number" in page


def test_attachment_downloads_as_an_attachment_with_its_stored_type(app, client_for):
    filing = pending_termination(app)
    response = client_for("street").get(f"/filingview/attachment/{filing['attachment']}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_attachment_download_is_audited(app, client_for):
    from sqlalchemy import select

    from app.extensions import db
    from app.models.audit import AuditLog

    filing = pending_termination(app)
    assert client_for("street").get(
        f"/filingview/attachment/{filing['attachment']}").status_code == 200
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(
            AuditLog.object_type == "filing_attachment",
            AuditLog.object_id == str(filing["attachment"])).order_by(AuditLog.id.desc()))
        assert entry is not None and entry.action == "download" and entry.username == "street"


def test_unknown_attachment_is_404(client_for):
    assert client_for("city").get("/filingview/attachment/99999999").status_code == 404


# --------------------------------------------------------------------------------------------
# Review queues
# --------------------------------------------------------------------------------------------

def queue_html(client, url) -> str:
    """Every page of a queue, concatenated (a busy session database may fill several)."""
    first = text(client.get(url))
    match = re.search(r"第 1 / (\d+) 页", first)
    pages = int(match.group(1)) if match else 1
    return first + "".join(text(client.get(f"{url}?page={n}")) for n in range(2, pages + 1))


def test_review_queue_lists_pending_filings_in_the_jurisdiction_oldest_first(app, client_for):
    older = pending_termination(app)
    newer = pending_termination(app)
    html = queue_html(client_for("street"), "/review/")
    assert older["receipt"] in html and newer["receipt"] in html
    assert html.index(older["receipt"]) < html.index(newer["receipt"])
    assert older["receipt"] not in queue_html(client_for("district2"), "/review/")


def test_review_queue_is_paged(app, client_for, monkeypatch):
    from app.views.filings import queues as review

    for _ in range(3):
        pending_termination(app)
    monkeypatch.setattr(review, "PAGE_SIZE", 2)
    client = client_for("street")
    first = text(client.get("/review/"))
    assert re.search(r"第 1 / \d+ 页", first)
    assert first.count("/filingview/show/") == 2
    assert "?page=2" in first
    assert text(client.get("/review/?page=2")).count("/filingview/show/") >= 1


def test_district_approvals_page_shows_the_units_own_district_only(app, client_for):
    filing = mass_termination(app)
    assert filing["receipt"] in queue_html(client_for("district"), "/review/district")
    assert filing["receipt"] not in queue_html(client_for("district2"), "/review/district")


def test_city_staff_see_district_approvals_read_only(app, client_for):
    filing = mass_termination(app)
    html = queue_html(client_for("city"), "/review/district")
    assert 'id="read-only"' in html
    assert filing["receipt"] in html


def test_street_staff_get_an_explanation_instead_of_the_district_list(app, client_for):
    filing = mass_termination(app)
    html = text(client_for("street").get("/review/district"))
    assert 'id="explain"' in html
    assert filing["receipt"] not in html


# --------------------------------------------------------------------------------------------
# Access matrix: role × endpoint × a filing inside / outside the jurisdiction
# --------------------------------------------------------------------------------------------

ROLES = ("admin", "city", "district", "street", "coordinator", "employer", "worker")
# Written out by hand. "inside": a filing of a unit in 梁溪区 崇安寺街道 (every staff office's
# jurisdiction); "outside": one in 滨湖区 (outside 梁溪区 and 崇安寺街道). Decisions (POST) are
# sent with a stale row_version, so a reachable endpoint answers 302 (flash) and changes nothing.
#                 list  show        approve     return      correct     cancel      attachment
ACCESS = {
    "admin":       (200, (200, 200), (302, 302), (302, 302), (302, 302), (302, 302), (200, 200)),
    "city":        (200, (200, 200), (302, 302), (302, 302), (302, 302), (302, 302), (200, 200)),
    "district":    (200, (200, 404), (302, 404), (302, 404), (302, 404), (302, 404), (200, 404)),
    "street":      (200, (200, 404), (302, 404), (302, 404), (302, 404), (403, 403), (200, 404)),
    "coordinator": (403, (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)),
    "employer":    (403, (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)),
    "worker":      (403, (403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)),
}
ENDPOINTS = ("show", "approve", "return", "correct", "cancel", "attachment")
OTHER_PAGES = {  # role → status of: review queue, district approvals, notice outbox,
    #              correction rules list, correction rule add form
    "admin":       (200, 200, 200, 200, 200),
    "city":        (200, 200, 200, 200, 403),
    "district":    (200, 200, 403, 200, 403),
    "street":      (200, 200, 403, 200, 403),
    "coordinator": (403, 403, 403, 403, 403),
    "employer":    (403, 403, 403, 403, 403),
    "worker":      (403, 403, 403, 403, 403),
}


@pytest.fixture
def records(app, snapshot):
    return snapshot("test_review.records", lambda: {
        "inside": pending_termination(app, "320213001"),
        "outside": pending_termination(app, "320211001")})


@pytest.fixture(scope="module")
def clients(app):
    from tests.conftest import login

    return {role: login(app.test_client(), role) for role in ROLES}


def _request(client, endpoint, filing, stale_version):
    if endpoint == "show":
        return client.get(f"/filingview/show/{filing['id']}")
    if endpoint == "attachment":
        return client.get(f"/filingview/attachment/{filing['attachment']}")
    path = "return" if endpoint == "return" else endpoint
    return client.post(f"/filingview/{path}/{filing['id']}", data={
        "row_version": stale_version, "reason_code": "R01", "message": "请补充材料",
        "reason": "矩阵测试", "job_title": "矩阵测试岗位"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", ["inside", "outside"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_access_matrix(app, clients, records, role, place, endpoint):
    filing = records[place]
    before = state(app, filing["id"])
    response = _request(clients[role], endpoint, filing, before["row_version"] - 1)
    expected = ACCESS[role][1 + ENDPOINTS.index(endpoint)][place == "outside"]
    assert response.status_code == expected
    assert state(app, filing["id"]) == before


@pytest.mark.parametrize("role", ROLES)
def test_filing_list_shows_only_filings_in_the_jurisdiction(clients, records, role):
    status = ACCESS[role][0]
    seen = {}
    for place, filing in records.items():
        response = clients[role].get(
            f"/filingview/list/?_flt_2_receipt_number={filing['receipt']}")
        assert response.status_code == status
        # The receipt is echoed in the search form: look for the row's link instead.
        seen[place] = f"/filingview/show/{filing['id']}\"" in text(response)
    if status == 200:
        assert seen == {"inside": True, "outside": ACCESS[role][1][1] == 200}


@pytest.mark.parametrize("role", ROLES)
def test_queue_outbox_and_rule_pages_by_role(clients, role):
    urls = ("/review/", "/review/district", "/noticeview/list/", "/correctionruleview/list/",
            "/correctionruleview/add")
    assert tuple(clients[role].get(url).status_code for url in urls) == OTHER_PAGES[role]


@pytest.mark.parametrize("role", ["city", "district", "street"])
def test_staff_may_not_add_edit_or_delete_filings(clients, records, role):
    pk = records["inside"]["id"]
    for url in ("/filingview/add", f"/filingview/edit/{pk}", f"/filingview/delete/{pk}"):
        assert clients[role].get(url).status_code in (403, 404), url


def test_anonymous_users_are_sent_to_login(app, records):
    client = app.test_client()
    pk = records["inside"]["id"]
    for url in ("/filingview/list/", f"/filingview/show/{pk}", "/review/", "/review/district"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    response = client.post(f"/filingview/approve/{pk}", data={"row_version": 1})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --------------------------------------------------------------------------------------------
# Correction rules (数据修改操作口径) and the notice outbox
# --------------------------------------------------------------------------------------------

def test_admin_adds_a_correction_rule_it_is_audited_and_a_duplicate_is_refused(app, client_for):
    from app.extensions import db
    from app.models.audit import AuditLog
    from app.models.filings import CorrectionRule

    client = client_for("admin")
    rule = {"office_level": "street", "field_name": "education", "note": "测试"}
    assert client.post("/correctionruleview/add", data=rule).status_code == 302
    page = text(client.post("/correctionruleview/add", data=rule, follow_redirects=True))
    assert "已存在" in page
    with app.app_context():
        rows = db.session.scalars(select(CorrectionRule).where(
            CorrectionRule.office_level == "street",
            CorrectionRule.field_name == "education")).all()
        assert len(rows) == 1
        pk = rows[0].id
        audit = db.session.scalar(select(AuditLog).where(
            AuditLog.object_type == "correction_rule", AuditLog.object_id == str(pk)))
        assert audit.action == "create" and audit.after["field_name"] == "education"
    client.post(f"/correctionruleview/delete/{pk}")
    with app.app_context():
        assert db.session.get(CorrectionRule, pk) is None


def test_correction_rule_form_offers_only_known_levels_and_fields(app, client_for):
    client = client_for("admin")
    page = text(client.get("/correctionruleview/add"))
    assert "街道级" in page and "身份证号码" in page
    response = client.post("/correctionruleview/add",
                           data={"office_level": "province", "field_name": "name"})
    assert response.status_code == 200  # the form again, with the error
    from app.extensions import db
    from app.models.filings import CorrectionRule

    with app.app_context():
        assert db.session.scalar(select(CorrectionRule.id).where(
            CorrectionRule.office_level == "province")) is None


def test_correction_rules_list_shows_chinese_labels(client_for):
    page = text(client_for("street").get("/correctionruleview/list/?psize_CorrectionRuleView=100"))
    assert "市级" in page and "身份证号码" in page


def test_notice_outbox_lists_the_notice_of_a_returned_filing(app, client_for, known):
    filing = multiple_employment_hire(app, known)
    version = state(app, filing["id"])["row_version"]
    client_for("district").post(f"/filingview/return/{filing['id']}", data={
        "row_version": version, "reason_code": "R05", "message": "已有相同备案"})
    page = text(client_for("city").get("/noticeview/list/"))
    assert filing["receipt"] in page and "单位门户" in page
