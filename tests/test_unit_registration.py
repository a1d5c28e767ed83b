"""Online account opening (单位开户注册): a pending unit and its Employer user, approved by the
unit's district office, after which the new user can file."""

from __future__ import annotations

import datetime
import itertools
import uuid

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import make_citizen_id, make_credit_code
from tests.conftest import login

_seq = itertools.count(900)
PASSWORD = "Kaihu#2026new"


def region_id(app, code):
    from app.extensions import db
    from app.models.org import Region

    with app.app_context():
        return db.session.scalar(select(Region.id).where(Region.code == code))


def registration_form(app, **overrides) -> dict:
    n = next(_seq)
    data = {
        "name": f"无锡开户测试{n}有限公司",
        "credit_code": make_credit_code(f"91320213MAKH{n:05d}"),
        "employer_type": "10", "industry_division": "39", "ownership_type": "173",
        "district": str(region_id(app, "320213")), "street": str(region_id(app, "320213002")),
        "address": "开户路9号", "contact_name": "赵六", "contact_phone": "13611112222",
        "headcount": "30", "username": f"kaihu{n}", "email": f"kaihu{n}@test.local",
        "password": PASSWORD, "conf_password": PASSWORD,
    }
    data.update(overrides)
    return data


def unit_with_code(app, code):
    from app.extensions import db
    from app.models.units import Unit

    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.credit_code == code))
        if unit is not None:
            db.session.expunge(unit)
        return unit


def user_named(app, username):
    from app.extensions import appbuilder, db

    with app.app_context():
        user = appbuilder.sm.find_user(username=username)
        if user is None:
            return None
        result = {"unit_id": user.unit_id, "roles": sorted(r.name for r in user.roles)}
        db.session.remove()
        return result


def field_row(html: str, name: str) -> str:
    start = html.index(f'id="row-{name}"')
    end = html.find('<div class="form-group', start + 1)
    return html[start:end if end > 0 else len(html)]


def register(app, **overrides):
    data = registration_form(app, **overrides)
    return app.test_client().post("/register/unit/", data=data), data


def test_registration_page_is_public(app):
    response = app.test_client().get("/register/unit/")
    assert response.status_code == 200
    assert "开户" in response.get_data(as_text=True)


def test_self_registration_creates_a_pending_unit_and_an_employer_user(app):
    from app.models.units import UnitStatus

    response, data = register(app)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "等待" in text or "审核通过后" in text
    assert "梁溪区人力资源服务中心" in text
    unit = unit_with_code(app, data["credit_code"])
    assert unit is not None and unit.status == UnitStatus.PENDING
    assert user_named(app, data["username"]) == {"unit_id": unit.id, "roles": ["Employer"]}


def test_district_approval_lets_the_new_user_file(app, client_for):
    from app.models.units import UnitStatus

    _, data = register(app)
    unit = unit_with_code(app, data["credit_code"])
    new_user = login(app.test_client(), data["username"], PASSWORD)
    hire = {
        "citizen_id": make_citizen_id("320213", datetime.date(1988, 8, 8), next(_seq) % 1000),
        "name": "开户后录用", "employment_form": "FT", "contract_type": "OPEN",
        "start_date": datetime.date.today().isoformat(), "idempotency_key": uuid.uuid4().hex,
    }
    refused = new_user.post("/portal/hire", data=hire)
    assert refused.status_code == 200 and "UNIT_NOT_ACTIVE" in refused.get_data(as_text=True)

    approved = client_for("district").post("/unitview/action_post",
                                           data={"action": "approve", "rowid": str(unit.id)})
    assert approved.status_code == 302
    assert unit_with_code(app, data["credit_code"]).status == UnitStatus.ACTIVE

    hire["idempotency_key"] = uuid.uuid4().hex
    filed = new_user.post("/portal/hire", data=hire)
    assert filed.status_code == 302 and "/portal/filings/" in filed.headers["Location"]


@pytest.mark.parametrize("code, expected", [
    ("91320213MA1KNWN015", "USCC_CHECKSUM"),
    ("91320213MA1KNWNO14", "USCC_ALPHABET"),
    ("9132021", "USCC_LENGTH"),
])
def test_bad_credit_code_is_shown_on_the_field_and_nothing_saved(app, code, expected):
    response, data = register(app, credit_code=code)
    assert response.status_code == 200
    assert expected in field_row(response.get_data(as_text=True), "credit_code")
    assert user_named(app, data["username"]) is None


def test_credit_code_already_registered_is_refused(app, known):
    response, data = register(app, credit_code=known["code_unit_in"])
    assert "UNIT_DUPLICATE" in field_row(response.get_data(as_text=True), "credit_code")
    assert user_named(app, data["username"]) is None


def test_street_of_another_district_is_refused(app):
    response, data = register(app, street=str(region_id(app, "320211001")))
    assert "STREET_NOT_IN_DISTRICT" in field_row(response.get_data(as_text=True), "street")
    assert unit_with_code(app, data["credit_code"]) is None


def test_taken_username_is_refused_and_no_unit_is_left_behind(app):
    response, data = register(app, username="employer")
    assert response.status_code == 200
    assert "USERNAME_TAKEN" in field_row(response.get_data(as_text=True), "username")
    assert unit_with_code(app, data["credit_code"]) is None


def test_weak_password_is_refused(app):
    response, data = register(app, password="abc12345", conf_password="abc12345")
    assert "PASSWORD_COMPLEXITY" in field_row(response.get_data(as_text=True), "password")
    assert unit_with_code(app, data["credit_code"]) is None


def test_mismatched_password_confirmation_is_refused(app):
    response, data = register(app, conf_password=PASSWORD + "x")
    assert "不一致" in field_row(response.get_data(as_text=True), "conf_password")
    assert unit_with_code(app, data["credit_code"]) is None


def test_failed_user_creation_leaves_no_unit(app, monkeypatch):
    """Unit and user commit together: when FAB cannot create the user, the unit goes too."""
    from app.extensions import appbuilder, db
    from app.models.units import Unit

    def failing_add_user(*args, **kwargs):
        db.session.rollback()  # what FAB's add_user does on an error
        return False

    monkeypatch.setattr(appbuilder.sm, "add_user", failing_add_user)
    with app.app_context():
        before = db.session.scalar(select(func.count(Unit.id)))
    response, data = register(app)
    assert "USER_NOT_CREATED" in response.get_data(as_text=True)
    assert unit_with_code(app, data["credit_code"]) is None
    with app.app_context():
        assert db.session.scalar(select(func.count(Unit.id))) == before
