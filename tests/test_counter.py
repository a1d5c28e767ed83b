"""Counter filing (窗口代办): staff file for a unit of their jurisdiction, nowhere else."""

from __future__ import annotations

import datetime
import itertools
import re
import uuid

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import make_citizen_id

_seq = itertools.count(700)
TODAY = datetime.date.today()


def hire_form(**overrides) -> dict:
    n = next(_seq)
    birth = datetime.date(1972, 3, 1) + datetime.timedelta(days=n * 5)
    data = {
        "citizen_id": make_citizen_id("320213", birth, n % 1000), "name": f"窗口测试{n}",
        "phone": "13712345678", "education": "31", "employment_form": "PT",
        "hours_per_day": "4", "hours_per_week": "20", "contract_type": "TASK",
        "start_date": TODAY.isoformat(), "job_title": "保洁",
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def filing_count(app) -> int:
    from app.extensions import db
    from app.models.filings import Filing

    with app.app_context():
        return db.session.scalar(select(func.count(Filing.id)))


def test_street_staff_file_a_hire_at_the_counter_for_a_unit_in_their_street(app, client_for,
                                                                          known):
    from app.domain.filings import FilingStatus
    from app.extensions import db
    from app.models.filings import Channel, Filing
    from app.models.org import Office, Region

    street = client_for("street")
    response = street.post(f"/counter/unit/{known['unit_in']}/hire", data=hire_form())
    assert response.status_code == 302
    match = re.search(rf"/counter/unit/{known['unit_in']}/filings/(\d+)$",
                      response.headers["Location"])
    assert match
    with app.app_context():
        filing = db.session.get(Filing, int(match.group(1)))
        street_office = db.session.scalar(select(Office).join(Region).where(
            Region.code == "320213001"))
        assert filing.status == FilingStatus.FILED
        assert filing.channel == Channel.COUNTER
        assert filing.office_id == street_office.id
        assert filing.unit_id == known["unit_in"]


def test_counter_refusal_is_shown_on_the_field(app, client_for, known):
    before = filing_count(app)
    response = client_for("street").post(f"/counter/unit/{known['unit_in']}/hire",
                                         data=hire_form(hours_per_day="6"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    row = html[html.index('id="row-hours_per_day"'):]
    assert "PT_HOURS_DAY" in row[:row.index('<div class="form-group', 1)]
    assert filing_count(app) == before


@pytest.mark.parametrize("record", ["unit_out", "unit_pending_in"])
@pytest.mark.parametrize("page", ["", "roster", "filings", "hire"])
def test_street_staff_get_404_for_a_unit_outside_their_street(client_for, known, record,
                                                              page):
    status = client_for("street").get(f"/counter/unit/{known[record]}/{page}").status_code
    assert status == 404


def test_counter_post_for_a_unit_outside_the_jurisdiction_is_404_and_saves_nothing(
        app, client_for, known):
    before = filing_count(app)
    response = client_for("street").post(f"/counter/unit/{known['unit_out']}/hire",
                                         data=hire_form())
    assert response.status_code == 404
    assert filing_count(app) == before


def test_district_staff_reach_every_unit_of_their_district(client_for, known):
    district = client_for("district")
    assert district.get(f"/counter/unit/{known['unit_pending_in']}/roster").status_code == 200
    assert district.get(f"/counter/unit/{known['unit_out']}/roster").status_code == 404


def test_counter_search_finds_units_only_in_the_jurisdiction(client_for, known):
    text = client_for("district").get("/counter/?q=无锡测试").get_data(as_text=True)
    assert known["code_unit_in"] in text and known["code_unit_pending_in"] in text
    assert known["code_unit_out"] not in text


def test_counter_search_by_credit_code(client_for, known):
    text = client_for("street").get(f"/counter/?q={known['code_unit_in'].lower()}")
    assert f"/counter/unit/{known['unit_in']}/" in text.get_data(as_text=True)


def test_employment_of_another_unit_under_an_allowed_unit_url_is_404(app, client_for, known):
    """The employment must belong to the unit in the URL, not merely to the jurisdiction."""
    city = client_for("city")
    response = city.post(f"/counter/unit/{known['unit_out']}/hire", data=hire_form())
    filing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    from app.extensions import db
    from app.models.filings import Filing

    with app.app_context():
        employment_id = db.session.get(Filing, filing_id).employment_id
    url = f"/counter/unit/{known['unit_in']}/employments/{employment_id}/terminate"
    assert city.get(url).status_code == 404


def test_counter_pending_unit_cannot_file(app, client_for, known):
    before = filing_count(app)
    response = client_for("district").post(f"/counter/unit/{known['unit_pending_in']}/hire",
                                           data=hire_form())
    assert response.status_code == 200
    assert "UNIT_NOT_ACTIVE" in response.get_data(as_text=True)
    assert filing_count(app) == before


@pytest.mark.parametrize("user, url", [
    ("employer", "/counter/"),
    ("worker", "/counter/"),
    ("coordinator", "/counter/"),
    ("worker", "/portal/"),
])
def test_users_without_the_permission_get_403(client_for, user, url):
    assert client_for(user).get(url).status_code == 403
