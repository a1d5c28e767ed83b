"""Registering and changing employers through the staff form: rules and bad input."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import make_credit_code

_serial = itertools.count(1)


def fresh_code(region="320213"):
    return make_credit_code(f"91{region}MA{next(_serial):07d}")


def region_id(app, code):
    from app.extensions import db
    from app.models.org import Region

    with app.app_context():
        return db.session.scalar(select(Region.id).where(Region.code == code))


def unit_form(app, **overrides):
    data = {
        "name": f"无锡表单测试{next(_serial)}有限公司", "credit_code": fresh_code(),
        "credit_code_override_reason": "", "employer_type": "10", "industry_division": "39",
        "ownership_type": "173", "district": region_id(app, "320213"),
        "street": region_id(app, "320213001"), "address": "中山路1号",
        "contact_name": "李四", "contact_phone": "13812345678", "headcount": "25",
    }
    data.update(overrides)
    return data


def count_units(app, **where):
    from app.extensions import db
    from app.models.units import Unit

    with app.app_context():
        stmt = select(func.count(Unit.id))
        for key, value in where.items():
            stmt = stmt.where(getattr(Unit, key) == value)
        return db.session.scalar(stmt)


def test_staff_registers_a_unit_and_the_audit_log_records_it(app, client_for):
    from app.extensions import db
    from app.models.audit import AuditLog
    from app.models.units import Unit

    data = unit_form(app)
    response = client_for("district").post("/unitview/add", data=data)
    assert response.status_code == 302
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.credit_code == data["credit_code"]))
        assert unit.industry_section_code == "C"  # derived from division 39
        entry = db.session.scalar(select(AuditLog).where(
            AuditLog.object_type == "unit", AuditLog.object_id == str(unit.id),
            AuditLog.action == "create"))
        assert entry is not None and entry.username == "district"


@pytest.mark.parametrize("code, expected_code, expected_text", [
    ("91320213MA1KNWN015", "USCC_CHECKSUM", "校验"),
    ("91320213MA1KNWNO14", "USCC_ALPHABET", "O"),
    ("9132021", "USCC_LENGTH", "18"),
    ("9.13202E+17", "USCC_EXCEL_DAMAGED", "文本"),
])
def test_bad_credit_code_is_refused_on_the_field_and_nothing_saved(app, client_for,
                                                                   code, expected_code,
                                                                   expected_text):
    before = count_units(app)
    response = client_for("district").post("/unitview/add", data=unit_form(app, credit_code=code))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert expected_code in text and expected_text in text
    assert count_units(app) == before


def test_duplicate_unit_is_refused(app, client_for, known):
    before = count_units(app)
    response = client_for("district").post(
        "/unitview/add", data=unit_form(app, credit_code=known["code_unit_in"]))
    assert response.status_code == 200
    assert "已" in response.get_data(as_text=True)
    assert count_units(app) == before


def test_street_not_in_the_chosen_district_is_refused(app, client_for):
    before = count_units(app)
    data = unit_form(app, street=region_id(app, "320211001"))  # 滨湖区 street, 梁溪区 district
    response = client_for("city").post("/unitview/add", data=data)
    assert response.status_code == 200
    assert "街道不属于" in response.get_data(as_text=True) or "Not a valid choice" in \
        response.get_data(as_text=True)
    assert count_units(app) == before


def test_street_not_in_district_is_refused_by_the_service_too(app):
    from app.domain.errors import DomainError
    from app.extensions import db
    from app.services.units import register_unit

    with app.app_context():
        with pytest.raises(DomainError) as info:
            register_unit({
                "name": "服务层测试有限公司", "credit_code": fresh_code(),
                "employer_type_code": "10", "industry_division_code": "39",
                "ownership_type_code": "173", "district_id": region_id(app, "320213"),
                "street_id": region_id(app, "320211001")})
        db.session.rollback()
    assert info.value.code == "STREET_NOT_IN_DISTRICT" and info.value.field == "street"


def test_district_staff_cannot_register_a_unit_in_another_district(app, client_for):
    before = count_units(app)
    data = unit_form(app, district=region_id(app, "320211"), street=region_id(app, "320211001"))
    response = client_for("district").post("/unitview/add", data=data)
    assert response.status_code == 200  # the form refuses a choice outside the dropdown
    assert count_units(app) == before


def test_city_staff_may_accept_a_failing_historic_checksum_with_a_reason(app, client_for):
    bad = fresh_code()[:-1]
    bad += "0" if not fresh_code().endswith("0") else "1"
    from app.domain.identifiers import is_valid_credit_code

    while is_valid_credit_code(bad):
        bad = bad[:-1] + ("1" if bad[-1] != "1" else "2")
    reason = "登记机关历史代码，经核实营业执照原件"
    refused = client_for("district").post(
        "/unitview/add", data=unit_form(app, credit_code=bad, credit_code_override_reason=reason))
    assert refused.status_code == 200 and count_units(app, credit_code=bad) == 0
    accepted = client_for("city").post(
        "/unitview/add", data=unit_form(app, credit_code=bad, credit_code_override_reason=reason))
    assert accepted.status_code == 302
    assert count_units(app, credit_code=bad) == 1
    without_reason = client_for("city").post(
        "/unitview/add", data=unit_form(app, credit_code=bad[:-1] + "Y"))
    assert without_reason.status_code == 200


def test_district_staff_approve_a_pending_unit_in_their_district(app, client_for):
    from app.extensions import db
    from app.models.units import Unit, UnitStatus
    from app.services.units import register_unit

    with app.app_context():
        unit = register_unit({
            "name": "待审核测试有限公司", "credit_code": fresh_code(),
            "employer_type_code": "10", "industry_division_code": "39",
            "ownership_type_code": "173", "district_id": region_id(app, "320213"),
            "street_id": region_id(app, "320213002")})
        pk = unit.id
    response = client_for("district").post("/unitview/action_post",
                                           data={"action": "approve", "rowid": [pk]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Unit, pk).status == UnitStatus.ACTIVE


def test_editing_a_unit_writes_before_and_after_to_the_audit_log(app, client_for, known):
    from app.extensions import db
    from app.models.audit import AuditLog
    from app.models.units import Unit

    with app.app_context():
        unit = db.session.get(Unit, known["unit_in"])
        data = unit_form(app, name=unit.name, credit_code=unit.credit_code,
                         contact_phone="13900001111")
    response = client_for("street").post(f"/unitview/edit/{known['unit_in']}", data=data)
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(
            AuditLog.object_type == "unit", AuditLog.object_id == str(known["unit_in"]),
            AuditLog.action == "update").order_by(AuditLog.id.desc()))
        assert entry.after["contact_phone"] == "13900001111"
        assert entry.before["contact_phone"] != "13900001111"
