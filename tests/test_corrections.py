"""Corrections (更正, 数据修改操作口径) and cancellations (撤销) of filed records, through the
staff detail page: a correction is a new version that supersedes the old one, with a reason and
an audit entry of before and after; a cancellation undoes the filing's effect and says why."""

from __future__ import annotations

import datetime
import itertools
import re
from html.parser import HTMLParser

from sqlalchemy import select

from app.domain.identifiers import make_citizen_id
from tests.factories import actor

_serial = itertools.count(700)  # ID sequence numbers; other modules use other ranges
BIRTH = datetime.date(1987, 9, 9)  # test_review.py uses 1986: no shared numbers
TODAY = datetime.date.today()


def next_citizen_id() -> tuple[str, str]:
    n = next(_serial) - 700
    number = make_citizen_id("320213", BIRTH + datetime.timedelta(days=n // 300), 700 + n % 300)
    return number, "更正" + "甲乙丙丁戊己庚辛壬癸"[n % 10] + "子丑寅卯辰巳午未申酉"[n // 10 % 10]


def filed_hire(app, known) -> dict:
    """The employer files a full-time hire at its unit (梁溪区 崇安寺街道): filed at once."""
    from app.services import filings as fs

    citizen_id, name = next_citizen_id()
    with app.app_context():
        filing = fs.submit(fs.HireInput(
            unit_id=known["unit_in"], citizen_id=citizen_id, name=name,
            start_date=TODAY - datetime.timedelta(days=5),
            contract_end=TODAY + datetime.timedelta(days=730)), actor("employer")).filing
        assert filing.status.name == "FILED"
        return {"id": filing.id, "employment": filing.employment_id, "person": filing.person_id,
                "citizen_id": citizen_id, "receipt": filing.receipt_number,
                "row_version": filing.row_version}


def filed_resignation(app, known) -> dict:
    """The employer files that the worker resigned (Art. 37): filed at once, employment ended."""
    from app.services import filings as fs

    hire = filed_hire(app, known)
    with app.app_context():
        filing = fs.submit(fs.TerminationInput(hire["employment"], TODAY, "A37"),
                           actor("employer")).filing
        assert filing.status.name == "FILED"
        return {"id": filing.id, "employment": hire["employment"],
                "row_version": filing.row_version, "receipt": filing.receipt_number}


def snapshot(app, filing_id) -> dict:
    from app.extensions import db
    from app.models.filings import Filing

    with app.app_context():
        filing = db.session.get(Filing, filing_id)
        return {"status": filing.status.name, "row_version": filing.row_version,
                "citizen_id": filing.person_citizen_id, "person": filing.person.citizen_id,
                "contract_end": filing.contract_end, "successors": db.session.scalars(
                    select(Filing.id).where(Filing.supersedes_id == filing_id)).all()}


def text(response) -> str:
    return response.get_data(as_text=True)


class _FormFields(HTMLParser):
    """What a browser would submit from the form posting to ``action``: enabled inputs with
    their values, textareas (empty here) and each select's selected option."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.select = action, False, None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif not self.inside or "disabled" in a or "name" not in a and tag != "option":
            return
        elif tag == "input":
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self.fields[a["name"]] = ""
        elif tag == "select":
            self.select = a["name"]
            self.fields[self.select] = ""
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_as_rendered(page: str, action: str) -> dict[str, str]:
    parser = _FormFields(action)
    parser.feed(page)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


# --------------------------------------------------------------------------------------------
# Corrections
# --------------------------------------------------------------------------------------------

def test_city_reviewer_corrects_the_id_number_of_a_filed_hire_as_a_new_version(
        app, client_for, known):
    from app.extensions import db
    from app.models.audit import AuditLog
    from app.models.filings import Filing
    from app.models.people import Person

    old = filed_hire(app, known)
    new_number, _ = next_citizen_id()
    client = client_for("city")

    response = client.post(f"/filingview/correct/{old['id']}", data={
        "row_version": old["row_version"], "citizen_id": new_number,
        "reason": "劳动者持身份证原件到窗口核对，原登记号码有误"})

    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(select(Filing).where(Filing.supersedes_id == old["id"]))
        assert new is not None
        assert response.headers["Location"].endswith(f"/filingview/show/{new.id}")
        assert (new.status.name, new.version) == ("FILED", 2)
        assert new.person_citizen_id == new_number
        assert new.correction_reason.startswith("劳动者持身份证原件")
        assert db.session.get(Filing, old["id"]).status.name == "SUPERSEDED"
        assert db.session.get(Person, old["person"]).citizen_id == new_number
        entry = db.session.scalar(select(AuditLog).where(
            AuditLog.object_type == "filing", AuditLog.object_id == str(new.id),
            AuditLog.action == "correct"))
        assert entry.before == {"citizen_id": old["citizen_id"]}
        assert entry.after == {"citizen_id": new_number}
        new_id, new_receipt = new.id, new.receipt_number

    page = text(client.get(f"/filingview/show/{new_id}"))
    history = page[page.index('id="history"'):page.index('id="audit"')]
    assert old["receipt"] in history and new_receipt in history
    assert "第 1 版" in history and "第 2 版" in history
    assert "已被更正" in history and "已备案" in history
    assert "劳动者持身份证原件" in history
    assert new_number not in page and old["citizen_id"] not in page  # masked everywhere


def test_the_correction_form_as_rendered_changes_only_the_edited_field(app, client_for, known):
    """A browser sends every enabled field (the ID number empty, as it is never pre-filled):
    only what the reviewer edited may change."""
    from app.extensions import db
    from app.models.audit import AuditLog
    from app.models.filings import Filing

    old = filed_hire(app, known)
    client = client_for("city")
    action = f"/filingview/correct/{old['id']}"
    form = form_as_rendered(text(client.get(f"/filingview/show/{old['id']}")), action)
    assert form["citizen_id"] == "" and form["contract_type"] == "FIXED"
    form.update(job_title="仓库管理员", reason="岗位名称登记有误")

    assert client.post(action, data=form).status_code == 302

    successor = snapshot(app, old["id"])["successors"][0]
    with app.app_context():
        new = db.session.get(Filing, successor)
        assert new.job_title == "仓库管理员"
        assert new.person_citizen_id == old["citizen_id"]
        entry = db.session.scalar(select(AuditLog).where(
            AuditLog.object_type == "filing", AuditLog.object_id == str(successor),
            AuditLog.action == "correct"))
        assert entry.before == {"job_title": ""} and entry.after == {"job_title": "仓库管理员"}


def test_district_staff_submit_the_rendered_form_without_the_fields_they_may_not_change(
        app, client_for, known):
    old = filed_hire(app, known)
    client = client_for("district")
    action = f"/filingview/correct/{old['id']}"
    form = form_as_rendered(text(client.get(f"/filingview/show/{old['id']}")), action)
    assert "citizen_id" not in form and "contract_type" not in form  # disabled for 区级
    new_end = TODAY + datetime.timedelta(days=900)
    form.update(contract_end=new_end.isoformat(), reason="合同终止日期录入错误")

    assert client.post(action, data=form).status_code == 302
    successor = snapshot(app, old["id"])["successors"][0]
    assert snapshot(app, successor)["contract_end"] == new_end


def test_superseded_version_points_to_the_current_one_and_offers_no_forms(
        app, client_for, known):
    old = filed_hire(app, known)
    client = client_for("district")
    client.post(f"/filingview/correct/{old['id']}", data={
        "row_version": old["row_version"],
        "contract_end": (TODAY + datetime.timedelta(days=400)).isoformat(),
        "reason": "合同文本核对"})
    successor = snapshot(app, old["id"])["successors"][0]
    page = text(client.get(f"/filingview/show/{old['id']}"))
    assert "本版本已被更正" in page
    assert f"/filingview/show/{successor}" in page
    for action in ("correct", "cancel", "approve"):
        assert f"/filingview/{action}/{old['id']}" not in page


def test_district_corrects_a_contract_end_and_the_employment_follows(app, client_for, known):
    from app.extensions import db
    from app.models.filings import Employment

    old = filed_hire(app, known)
    new_end = TODAY + datetime.timedelta(days=1000)
    response = client_for("district").post(f"/filingview/correct/{old['id']}", data={
        "row_version": old["row_version"], "contract_end": new_end.isoformat(),
        "reason": "合同终止日期录入错误"})
    assert response.status_code == 302
    successor = snapshot(app, old["id"])["successors"][0]
    assert snapshot(app, successor)["contract_end"] == new_end
    with app.app_context():
        assert db.session.get(Employment, old["employment"]).contract_end == new_end


def test_street_staff_may_not_correct_an_id_number(app, client_for, known):
    old = filed_hire(app, known)
    before = snapshot(app, old["id"])
    new_number, _ = next_citizen_id()
    response = client_for("street").post(f"/filingview/correct/{old['id']}", data={
        "row_version": old["row_version"], "citizen_id": new_number, "reason": "核对证件"},
        follow_redirects=True)
    page = text(response)
    assert "CORRECTION_FIELD_NOT_ALLOWED" in page
    assert "市级" in page  # the message names who may
    assert snapshot(app, old["id"]) == before


def test_a_correction_without_a_reason_is_refused(app, client_for, known):
    old = filed_hire(app, known)
    before = snapshot(app, old["id"])
    response = client_for("district").post(f"/filingview/correct/{old['id']}", data={
        "row_version": old["row_version"],
        "contract_end": (TODAY + datetime.timedelta(days=500)).isoformat(), "reason": " "},
        follow_redirects=True)
    assert "CORRECTION_REASON_REQUIRED" in text(response)
    assert snapshot(app, old["id"]) == before


def test_a_correction_that_changes_nothing_is_refused(app, client_for, known):
    old = filed_hire(app, known)
    before = snapshot(app, old["id"])
    response = client_for("city").post(f"/filingview/correct/{old['id']}", data={
        "row_version": old["row_version"], "reason": "无"}, follow_redirects=True)
    assert "CORRECTION_NOTHING_CHANGED" in text(response)
    assert snapshot(app, old["id"]) == before


def test_a_correction_with_a_malformed_date_is_refused_with_a_message(app, client_for, known):
    old = filed_hire(app, known)
    before = snapshot(app, old["id"])
    response = client_for("district").post(f"/filingview/correct/{old['id']}", data={
        "row_version": old["row_version"], "contract_end": "2026-13-45", "reason": "核对"},
        follow_redirects=True)
    page = text(response)
    assert "FIELD_FORMAT" in page and "合同终止日期" in page
    assert snapshot(app, old["id"]) == before


def test_a_correction_on_a_stale_page_is_refused(app, client_for, known):
    old = filed_hire(app, known)
    before = snapshot(app, old["id"])
    response = client_for("city").post(f"/filingview/correct/{old['id']}", data={
        "row_version": old["row_version"] - 1, "job_title": "更正岗位", "reason": "核对"},
        follow_redirects=True)
    assert "FILING_ALREADY_DECIDED" in text(response)
    assert snapshot(app, old["id"]) == before


def test_correction_form_says_which_office_levels_may_change_each_field(app, client_for, known):
    old = filed_hire(app, known)
    city_page = text(client_for("city").get(f"/filingview/show/{old['id']}"))
    street_page = text(client_for("street").get(f"/filingview/show/{old['id']}"))
    form = city_page[city_page.index('id="correct"'):city_page.index('id="history"')]
    assert re.search(r"身份证号码.*?可由市级经办机构修改", form, re.S)
    assert re.search(r"合同终止日期.*?可由区级、市级经办机构修改", form, re.S)
    assert old["citizen_id"] not in city_page  # never pre-filled: type the corrected number
    # Street staff see the form, with what they may not change disabled and marked.
    assert re.search(r'name="citizen_id"[^>]*disabled', street_page)
    assert "您无权修改" in street_page


# --------------------------------------------------------------------------------------------
# Cancellation
# --------------------------------------------------------------------------------------------

def test_cancelling_a_filed_termination_restores_the_employment(app, client_for, known):
    from app.extensions import db
    from app.models.filings import Employment, Filing, Notice

    filing = filed_resignation(app, known)
    with app.app_context():
        assert db.session.get(Employment, filing["employment"]).status.name == "ENDED"

    response = client_for("district").post(f"/filingview/cancel/{filing['id']}", data={
        "row_version": filing["row_version"], "reason": "单位误报，劳动者仍在职"})

    assert response.status_code == 302
    with app.app_context():
        employment = db.session.get(Employment, filing["employment"])
        assert employment.status.name == "ACTIVE" and employment.end_date is None
        cancelled = db.session.get(Filing, filing["id"])
        assert cancelled.status.name == "CANCELLED"
        assert cancelled.cancel_reason == "单位误报，劳动者仍在职"
        assert cancelled.cancelled_by_id is not None and cancelled.cancelled_at is not None
        assert db.session.scalar(select(Notice.id).where(
            Notice.filing_id == filing["id"], Notice.channel == "sms",
            Notice.body.contains("已撤销")))
    page = text(client_for("district").get(f"/filingview/show/{filing['id']}"))
    assert "本备案已撤销" in page and "单位误报" in page


def test_a_cancellation_without_a_reason_is_refused(app, client_for, known):
    filing = filed_resignation(app, known)
    before = snapshot(app, filing["id"])
    response = client_for("city").post(f"/filingview/cancel/{filing['id']}", data={
        "row_version": filing["row_version"], "reason": ""}, follow_redirects=True)
    assert "CANCELLATION_REASON_REQUIRED" in text(response)
    assert snapshot(app, filing["id"]) == before


def test_street_staff_may_not_cancel_a_filing(app, client_for, known):
    filing = filed_resignation(app, known)
    before = snapshot(app, filing["id"])
    response = client_for("street").post(f"/filingview/cancel/{filing['id']}", data={
        "row_version": filing["row_version"], "reason": "试图撤销"})
    assert response.status_code == 403
    assert snapshot(app, filing["id"]) == before
    page = text(client_for("street").get(f"/filingview/show/{filing['id']}"))
    assert f"/filingview/cancel/{filing['id']}" not in page
