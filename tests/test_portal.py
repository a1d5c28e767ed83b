"""The employer portal (单位网上办事): the four filings online, scoped to the employer's unit."""

from __future__ import annotations

import datetime
import itertools
import re
import uuid

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import make_citizen_id, make_credit_code

# Fresh persons and units for this module (other modules use other ranges).
_seq = itertools.count(500)
TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n% test attachment\n"


def fresh_citizen_id(birth: datetime.date | None = None) -> str:
    n = next(_seq)
    birth = birth or datetime.date(1971, 1, 1) + datetime.timedelta(days=n * 7)
    return make_citizen_id("320213", birth, n % 1000)


def hire_form(**overrides) -> dict:
    n = next(_seq)
    data = {
        "citizen_id": fresh_citizen_id(), "name": f"门户测试{n}", "phone": "13912345678",
        "education": "21", "employment_form": "FT", "contract_type": "FIXED",
        "start_date": TODAY.isoformat(),
        "contract_end": (TODAY + datetime.timedelta(days=3 * 365)).isoformat(),
        "job_title": "操作工", "note": "", "idempotency_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def filing_id_from(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.search(r"/filings/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def field_row(html: str, name: str) -> str:
    """The HTML of one form row (label, input, its errors)."""
    start = html.index(f'id="row-{name}"')
    end = html.find('<div class="form-group', start + 1)
    return html[start:end if end > 0 else len(html)]


def table(client, url, table_id) -> str:
    """One table of a page (flash messages above it may name the same people)."""
    html = client.get(url).get_data(as_text=True)
    start = html.index(f'id="{table_id}"')
    return html[start:html.index("</table>", start)]


def roster_table(client, url="/portal/roster") -> str:
    return table(client, url, "roster")


def count(app, model, **where) -> int:
    from app.extensions import db

    with app.app_context():
        stmt = select(func.count(model.id))
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return db.session.scalar(stmt)


def get(app, model, pk):
    from app.extensions import db

    with app.app_context():
        obj = db.session.get(model, pk)
        db.session.expunge_all()
        return obj


@pytest.fixture
def employer(client_for):
    return client_for("employer")


def hire(client, **overrides):
    """File a hire through the portal; (filing id, form data)."""
    data = hire_form(**overrides)
    return filing_id_from(client.post("/portal/hire", data=data)), data


def employment_of(app, filing_id):
    from app.extensions import db
    from app.models.filings import Filing

    with app.app_context():
        return db.session.get(Filing, filing_id).employment_id


# -- hire -------------------------------------------------------------------------------------

def test_employer_hire_is_filed_at_once_and_the_receipt_is_shown(app, employer):
    from app.domain.filings import FilingStatus
    from app.models.filings import Channel, Filing

    data = hire_form()
    response = employer.post("/portal/hire", data=data)
    filing_id = filing_id_from(response)
    assert data["citizen_id"] not in response.headers["Location"]
    filing = get(app, Filing, filing_id)
    assert filing.status == FilingStatus.FILED
    assert filing.channel == Channel.ONLINE
    page = employer.get(f"/portal/filings/{filing_id}", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "已备案" in text and filing.receipt_number in text


def test_hired_employee_appears_in_the_roster_with_a_masked_id(app, employer):
    from app.domain.identifiers import mask_citizen_id

    _, data = hire(employer)
    text = roster_table(employer)
    assert data["name"] in text
    assert mask_citizen_id(data["citizen_id"]) in text
    assert data["citizen_id"] not in text


def test_worker_is_notified_of_the_hire(app, employer):
    from app.models.filings import Filing, Notice

    filing_id, _ = hire(employer)
    person_id = get(app, Filing, filing_id).person_id
    assert count(app, Notice, person_id=person_id, filing_id=filing_id) == 1


def test_double_submitted_hire_form_creates_one_filing(app, employer):
    from app.models.filings import Filing

    data = hire_form()
    first = filing_id_from(employer.post("/portal/hire", data=data))
    second = filing_id_from(employer.post("/portal/hire", data=data))
    assert first == second
    assert count(app, Filing, idempotency_key=data["idempotency_key"]) == 1
    assert "没有重复办理" in employer.get(f"/portal/filings/{first}").get_data(as_text=True)


def test_hire_with_a_wrong_id_checksum_is_refused_on_the_field_and_nothing_saved(app, employer):
    from app.models.filings import Filing
    from app.models.people import Person

    good = fresh_citizen_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    before = count(app, Filing)
    response = employer.post("/portal/hire", data=hire_form(citizen_id=bad))
    assert response.status_code == 200
    row = field_row(response.get_data(as_text=True), "citizen_id")
    assert "ID_CHECKSUM" in row and "校验" in row
    assert count(app, Filing) == before
    assert count(app, Person, citizen_id=bad) == 0


def test_hire_of_a_worker_under_16_is_refused_on_the_start_date(app, employer):
    from app.models.filings import Filing

    birth = TODAY.replace(year=TODAY.year - 15) - datetime.timedelta(days=30)
    before = count(app, Filing)
    response = employer.post("/portal/hire",
                             data=hire_form(citizen_id=fresh_citizen_id(birth)))
    assert response.status_code == 200
    assert "HIRE_UNDER_AGE" in field_row(response.get_data(as_text=True), "start_date")
    assert count(app, Filing) == before


def test_hire_form_carries_a_fresh_submission_key_and_the_csrf_field(employer):
    first = employer.get("/portal/hire").get_data(as_text=True)
    second = employer.get("/portal/hire").get_data(as_text=True)
    key = re.compile(r'name="idempotency_key"[^>]*value="([0-9a-f]{32})"')
    assert key.search(first) and key.search(second)
    assert key.search(first).group(1) != key.search(second).group(1)
    assert 'name="csrf_token"' in first


# -- renewal, transfer, termination ------------------------------------------------------------

def test_renewal_extends_the_contract(app, employer):
    from app.domain.filings import FilingStatus
    from app.models.filings import Employment, Filing

    filing_id, _ = hire(employer)
    employment_id = employment_of(app, filing_id)
    new_end = TODAY + datetime.timedelta(days=6 * 365)
    response = employer.post(f"/portal/employments/{employment_id}/renew", data={
        "contract_type": "FIXED", "contract_end": new_end.isoformat(),
        "idempotency_key": uuid.uuid4().hex})
    renewal = get(app, Filing, filing_id_from(response))
    assert renewal.status == FilingStatus.FILED
    assert get(app, Employment, employment_id).contract_end == new_end


def test_renewal_ending_before_the_current_contract_is_refused(app, employer):
    from app.models.filings import Employment

    filing_id, data = hire(employer)
    employment_id = employment_of(app, filing_id)
    response = employer.post(f"/portal/employments/{employment_id}/renew", data={
        "contract_type": "FIXED", "contract_end": TODAY.isoformat(),
        "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 200
    assert "RENEWAL_END_NOT_LATER" in field_row(response.get_data(as_text=True), "contract_end")
    assert get(app, Employment, employment_id).contract_end.isoformat() == data["contract_end"]


def sister_unit(app, status_name="ACTIVE"):
    """A second unit of the city, registered for the test."""
    from app.extensions import db
    from app.models.org import Region
    from app.models.units import UnitStatus
    from app.services.units import register_unit

    n = next(_seq)
    with app.app_context():
        district = db.session.scalar(select(Region).where(Region.code == "320213"))
        street = db.session.scalar(select(Region).where(Region.code == "320213002"))
        unit = register_unit({
            "name": f"无锡门户测试姊妹单位{n}有限公司",
            "credit_code": make_credit_code(f"91320213MAPT{n:05d}"),
            "employer_type_code": "10", "industry_division_code": "39",
            "ownership_type_code": "173", "district_id": district.id, "street_id": street.id,
            "address": "测试路2号", "contact_name": "王五", "contact_phone": "13800000001",
            "headcount": 10}, status=UnitStatus[status_name])
        return unit.id, unit.credit_code


def test_transfer_to_a_sister_unit_moves_the_employee(app, employer):
    from app.domain.filings import EmploymentStatus, FilingStatus
    from app.models.filings import Employment, Filing

    sister_id, sister_code = sister_unit(app)
    filing_id, data = hire(employer)
    employment_id = employment_of(app, filing_id)
    response = employer.post(f"/portal/employments/{employment_id}/transfer", data={
        "to_unit_credit_code": sister_code, "transfer_date": TODAY.isoformat(),
        "contract_type": "OPEN", "contract_end": "", "job_title": "",
        "idempotency_key": uuid.uuid4().hex})
    transfer = get(app, Filing, filing_id_from(response))
    assert transfer.status == FilingStatus.FILED
    assert get(app, Employment, employment_id).status == EmploymentStatus.ENDED
    moved = get(app, Employment, transfer.new_employment_id)
    assert moved.unit_id == sister_id and moved.status == EmploymentStatus.ACTIVE
    assert data["name"] not in roster_table(employer)


def test_transfer_to_an_unknown_unit_is_refused_on_the_credit_code(app, employer):
    from app.domain.filings import EmploymentStatus
    from app.models.filings import Employment

    filing_id, _ = hire(employer)
    employment_id = employment_of(app, filing_id)
    response = employer.post(f"/portal/employments/{employment_id}/transfer", data={
        "to_unit_credit_code": make_credit_code("91320213MA9999998"),
        "transfer_date": TODAY.isoformat(), "contract_type": "OPEN",
        "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 200
    row = field_row(response.get_data(as_text=True), "to_unit_credit_code")
    assert "TRANSFER_UNIT_UNKNOWN" in row
    assert get(app, Employment, employment_id).status == EmploymentStatus.ACTIVE


def terminate(client, employment_id, reason, files=None, **extra):
    data = {"end_date": TODAY.isoformat(), "termination_reason": reason,
            "idempotency_key": uuid.uuid4().hex, **extra}
    if files is not None:
        data["attachments"] = files
    return client.post(f"/portal/employments/{employment_id}/terminate", data=data,
                       content_type="multipart/form-data")


def pdf(name="依据材料.pdf", data=PDF):
    import io

    return (io.BytesIO(data), name, "application/pdf")


def test_economic_layoff_without_an_attachment_is_refused(app, employer):
    from app.models.filings import Filing

    filing_id, _ = hire(employer)
    employment_id = employment_of(app, filing_id)
    before = count(app, Filing)
    response = terminate(employer, employment_id, "A41")
    assert response.status_code == 200
    row = field_row(response.get_data(as_text=True), "attachments")
    assert "TERMINATION_ATTACHMENT_REQUIRED" in row
    assert count(app, Filing) == before


def test_economic_layoff_with_a_pdf_waits_for_attachment_review(app, employer):
    from app.domain.filings import EmploymentStatus, FilingStatus
    from app.models.filings import Employment, Filing

    filing_id, _ = hire(employer)
    employment_id = employment_of(app, filing_id)
    response = terminate(employer, employment_id, "A41", files=[pdf()])
    termination = get(app, Filing, filing_id_from(response))
    assert termination.status in (FilingStatus.PENDING_REVIEW,
                                  FilingStatus.PENDING_DISTRICT_APPROVAL)
    assert termination.needs_attachment_review
    assert get(app, Employment, employment_id).status == EmploymentStatus.ACTIVE
    text = employer.get(f"/portal/filings/{termination.id}").get_data(as_text=True)
    assert "等待" in text and "依据材料.pdf" in text and "需审核附件" in text
    assert termination.receipt_number in table(employer, "/portal/filings?status=PENDING",
                                               "filings")
    # The employer downloads its own attachment back: audited like every personal-data read.
    from sqlalchemy import select

    from app.extensions import db
    from app.models.audit import AuditLog

    with app.app_context():
        attachment_id = db.session.get(Filing, termination.id).attachments[0].id
    download = employer.get(f"/portal/filings/{termination.id}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    with app.app_context():
        assert db.session.scalar(select(AuditLog.action).where(
            AuditLog.object_type == "filing_attachment",
            AuditLog.object_id == str(attachment_id))) == "download"


def test_mutual_termination_is_filed_and_ends_the_employment(app, employer):
    from app.domain.filings import EmploymentStatus, FilingStatus
    from app.models.filings import Employment, Filing

    filing_id, _ = hire(employer)
    employment_id = employment_of(app, filing_id)
    termination = get(app, Filing, filing_id_from(terminate(employer, employment_id, "A36")))
    assert termination.status == FilingStatus.FILED
    assert get(app, Employment, employment_id).status == EmploymentStatus.ENDED


@pytest.mark.parametrize("name, data, code", [
    ("说明.txt", b"plain text, not a PDF", "ATTACHMENT_TYPE"),
    ("大文件.pdf", PDF + b"0" * (5 * 1024 * 1024), "ATTACHMENT_TOO_LARGE"),
])
def test_bad_attachment_is_refused_and_nothing_saved(app, employer, name, data, code):
    from app.domain.filings import EmploymentStatus
    from app.models.filings import Employment, Filing, FilingAttachment

    filing_id, _ = hire(employer)
    employment_id = employment_of(app, filing_id)
    before = (count(app, Filing), count(app, FilingAttachment))
    response = terminate(employer, employment_id, "A36", files=[pdf(name, data)])
    assert response.status_code == 200
    assert code in field_row(response.get_data(as_text=True), "attachments")
    assert (count(app, Filing), count(app, FilingAttachment)) == before
    assert get(app, Employment, employment_id).status == EmploymentStatus.ACTIVE


# -- scope ------------------------------------------------------------------------------------

@pytest.fixture
def foreign_hire(app, known):
    """A filed hire at unit_out (滨湖区), made by city staff through the service."""
    from app.extensions import appbuilder, db
    from app.services.filings import Actor, HireInput, submit

    with app.test_request_context():
        from flask import g

        g.user = appbuilder.sm.find_user(username="city")
        outcome = submit(HireInput(
            unit_id=known["unit_out"], citizen_id=fresh_citizen_id(),
            name=f"外单位职工{next(_seq)}", start_date=TODAY, contract_type_code="OPEN"),
            Actor.of(g.user))
        result = outcome.filing.id, outcome.filing.employment_id
        db.session.remove()
    return result


@pytest.mark.parametrize("action", ["renew", "transfer", "terminate"])
def test_employment_of_another_unit_is_404(app, employer, foreign_hire, action):
    from app.domain.filings import EmploymentStatus
    from app.models.filings import Employment

    _, employment_id = foreign_hire
    assert employer.get(f"/portal/employments/{employment_id}/{action}").status_code == 404
    response = employer.post(f"/portal/employments/{employment_id}/{action}", data={
        "end_date": TODAY.isoformat(), "termination_reason": "A36", "contract_type": "OPEN",
        "to_unit_credit_code": "x", "transfer_date": TODAY.isoformat(),
        "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 404
    assert get(app, Employment, employment_id).status == EmploymentStatus.ACTIVE


def test_filing_of_another_unit_is_404(employer, foreign_hire):
    filing_id, _ = foreign_hire
    assert employer.get(f"/portal/filings/{filing_id}").status_code == 404
    assert employer.get(f"/portal/filings/{filing_id}/resubmit").status_code == 404


def test_filings_list_shows_only_the_units_own_filings(employer, foreign_hire):
    filing_id, _ = foreign_hire
    assert f"/portal/filings/{filing_id}\"" not in table(employer, "/portal/filings", "filings")


def test_filings_list_filters_by_type_and_status(app, employer):
    from app.models.filings import Filing

    filing_id, _ = hire(employer)
    employment_id = employment_of(app, filing_id)
    termination_id = filing_id_from(terminate(employer, employment_id, "A36"))
    hires = table(employer, "/portal/filings?type=HIRE&status=FILED", "filings")
    terminations = table(employer, "/portal/filings?type=TERMINATION", "filings")
    receipt = get(app, Filing, termination_id).receipt_number
    assert receipt not in hires and receipt in terminations


@pytest.fixture
def pending_unit_employer(app, known):
    """An Employer user of the pending unit unit_pending_in."""
    from app.extensions import appbuilder, db
    from tests.conftest import PASSWORD, login

    username = f"pending_employer_{next(_seq)}"
    with app.app_context():
        sm = appbuilder.sm
        user = sm.add_user(username=username, first_name="待审", last_name="单位",
                           email=f"{username}@test.local", role=sm.find_role("Employer"),
                           password=PASSWORD, commit=False)
        user.unit_id = known["unit_pending_in"]
        db.session.commit()
    return login(app.test_client(), username)


def test_pending_units_user_cannot_file(app, pending_unit_employer):
    from app.models.filings import Filing

    before = count(app, Filing)
    response = pending_unit_employer.post("/portal/hire", data=hire_form())
    assert response.status_code == 200
    assert "UNIT_NOT_ACTIVE" in response.get_data(as_text=True)
    assert count(app, Filing) == before


def test_portal_home_says_plainly_that_a_pending_unit_awaits_district_approval(
        pending_unit_employer):
    text = pending_unit_employer.get("/portal/").get_data(as_text=True)
    assert "等待审核" in text and "不可办理" in text


def test_portal_home_counts_active_employees(app, employer, known):
    from app.domain.filings import EmploymentStatus
    from app.models.filings import Employment

    hire(employer)
    active = count(app, Employment, unit_id=known["unit_in"], status=EmploymentStatus.ACTIVE)
    text = employer.get("/portal/").get_data(as_text=True)
    assert re.search(rf'id="count-active">{active}<', text)


# -- returned filings ---------------------------------------------------------------------------

@pytest.fixture
def returned_termination(app, employer):
    """A termination for serious misconduct, returned by district staff."""
    from app.extensions import appbuilder, db
    from app.services.filings import Actor, return_filing

    filing_id, _ = hire(employer)
    employment_id = employment_of(app, filing_id)
    termination_id = filing_id_from(
        terminate(employer, employment_id, "A39_MISCONDUCT", files=[pdf()]))
    with app.test_request_context():
        from flask import g

        g.user = appbuilder.sm.find_user(username="district")
        return_filing(termination_id, Actor.of(g.user), "R04", "材料不能证明严重违纪，请核实退工原因。")
        db.session.remove()
    return termination_id, employment_id


def test_returned_filing_shows_the_reason_and_can_be_resubmitted(app, employer,
                                                                 returned_termination):
    from app.domain.filings import EmploymentStatus, FilingStatus
    from app.models.filings import Employment, Filing

    termination_id, employment_id = returned_termination
    detail = employer.get(f"/portal/filings/{termination_id}").get_data(as_text=True)
    assert "退工原因与材料不符" in detail and "请核实退工原因" in detail
    form = employer.get(f"/portal/filings/{termination_id}/resubmit").get_data(as_text=True)
    assert re.search(r'<option selected value="A39_MISCONDUCT">', form)
    response = employer.post(f"/portal/filings/{termination_id}/resubmit", data={
        "end_date": TODAY.isoformat(), "termination_reason": "A36", "note": "协商一致"})
    assert filing_id_from(response) == termination_id
    filing = get(app, Filing, termination_id)
    assert filing.status == FilingStatus.FILED
    assert filing.termination_reason_code == "A36"
    assert get(app, Employment, employment_id).status == EmploymentStatus.ENDED


def test_resubmission_cannot_change_fields_outside_the_resubmit_list(app, employer,
                                                                    returned_termination):
    """A hand-made POST with the person's name is ignored: only RESUBMIT_FIELDS change."""
    from app.models.filings import Filing

    termination_id, _ = returned_termination
    name = get(app, Filing, termination_id).person_name
    employer.post(f"/portal/filings/{termination_id}/resubmit", data={
        "end_date": TODAY.isoformat(), "termination_reason": "A36", "name": "被改掉的姓名",
        "person_name": "被改掉的姓名"})
    assert get(app, Filing, termination_id).person_name == name


def test_employer_cancels_a_returned_filing_with_a_reason(app, employer, returned_termination):
    from app.domain.filings import FilingStatus
    from app.models.filings import Filing

    termination_id, _ = returned_termination
    employer.post(f"/portal/filings/{termination_id}/cancel",
                  data={"cancel_reason": "职工继续留用"})
    filing = get(app, Filing, termination_id)
    assert filing.status == FilingStatus.CANCELLED and filing.cancel_reason == "职工继续留用"


def test_employer_cannot_cancel_a_filed_filing(app, employer):
    from app.domain.filings import FilingStatus
    from app.models.filings import Filing

    filing_id, _ = hire(employer)
    response = employer.post(f"/portal/filings/{filing_id}/cancel",
                             data={"cancel_reason": "不想要了"}, follow_redirects=True)
    assert "CANCEL_NOT_ALLOWED" in response.get_data(as_text=True)
    assert get(app, Filing, filing_id).status == FilingStatus.FILED


def test_notices_page_lists_the_units_portal_notices(employer, returned_termination):
    text = employer.get("/portal/notices").get_data(as_text=True)
    assert "被退回" in text and "请核实退工原因" in text


def test_staff_cannot_open_the_employer_portal(client_for):
    assert client_for("street").get("/portal/").status_code == 403
