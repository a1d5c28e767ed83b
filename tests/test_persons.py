"""Registering workers through the staff form; ID numbers masked, never in URLs, reveals audited."""

from __future__ import annotations

import datetime
import itertools

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import make_citizen_id, mask_citizen_id

_serial = itertools.count(100)


def fresh_id(birth=datetime.date(1995, 6, 15)):
    return make_citizen_id("320213", birth, next(_serial))


def person_form(app, **overrides):
    from app.extensions import db
    from app.models.org import Region

    with app.app_context():
        district = db.session.scalar(select(Region.id).where(Region.code == "320213"))
        street = db.session.scalar(select(Region.id).where(Region.code == "320213001"))
    data = {"name": "王小明", "citizen_id": fresh_id(), "phone": "13700001234",
            "education": "21", "household_region_code": "", "district": district,
            "street": street}
    data.update(overrides)
    return data


def person_count(app):
    from app.extensions import db
    from app.models.people import Person

    with app.app_context():
        return db.session.scalar(select(func.count(Person.id)))


def test_sex_and_birth_date_follow_from_the_id_number(app, client_for):
    from app.extensions import db
    from app.models.people import Person

    number = make_citizen_id("320213", datetime.date(2003, 2, 28), 222)  # even → female
    response = client_for("street").post("/personview/add",
                                         data=person_form(app, citizen_id=number.lower()))
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.citizen_id == number.upper()))
        assert person.sex == "F" and person.birth_date == datetime.date(2003, 2, 28)
        assert person.household_region_code == "320213"


@pytest.mark.parametrize("value, code", [
    ("11010519491231002Y", "ID_FORMAT"),
    ("110105194912310021", "ID_CHECKSUM"),
    ("3.20213199506151E+17", "ID_EXCEL_DAMAGED"),
    ("320213199506151000", "ID_EXCEL_DAMAGED"),
    ("1101051949123100", "ID_LENGTH"),
])
def test_bad_id_number_is_refused_on_the_field_and_nothing_saved(app, client_for, value, code):
    before = person_count(app)
    response = client_for("street").post("/personview/add",
                                         data=person_form(app, citizen_id=value))
    assert response.status_code == 200
    assert code in response.get_data(as_text=True)
    assert person_count(app) == before


def test_impossible_birth_date_is_refused(app, client_for):
    from app.domain.identifiers import citizen_id_check_char

    body = "32021319000229123"  # 1900 was not a leap year
    before = person_count(app)
    response = client_for("street").post(
        "/personview/add", data=person_form(app, citizen_id=body + citizen_id_check_char(body)))
    assert "ID_BIRTH_DATE" in response.get_data(as_text=True)
    assert person_count(app) == before


def test_duplicate_person_is_refused(app, client_for, known):
    before = person_count(app)
    response = client_for("city").post("/personview/add",
                                       data=person_form(app, citizen_id=known["code_person_in"]))
    assert response.status_code == 200
    assert "已登记" in response.get_data(as_text=True)
    assert person_count(app) == before


def test_wrong_mobile_number_is_refused(app, client_for):
    before = person_count(app)
    response = client_for("street").post("/personview/add",
                                         data=person_form(app, phone="0510123"))
    assert "PHONE_FORMAT" in response.get_data(as_text=True)
    assert person_count(app) == before


def test_id_numbers_are_masked_in_list_and_show(app, client_for, known):
    client = client_for("district")
    full, masked = known["code_person_in"], mask_citizen_id(known["code_person_in"])
    listing = client.get("/personview/list/?_flt_2_name=测试内").get_data(as_text=True)
    shown = client.get(f"/personview/show/{known['person_in']}").get_data(as_text=True)
    for page in (listing, shown):
        assert masked in page
        assert full not in page


def test_the_list_search_offers_no_id_number_filter(client_for):
    page = client_for("city").get("/personview/list/").get_data(as_text=True)
    assert "_flt_0_citizen_id" not in page and "citizen_id" not in page.split("search")[-1]


def test_revealing_a_full_id_number_is_audited(app, client_for, known):
    from app.extensions import db
    from app.models.audit import AuditLog

    response = client_for("district").post(f"/person-lookup/reveal/{known['person_in']}",
                                           data={"reason": "核对档案"})
    assert known["code_person_in"] in response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(
            AuditLog.action == "reveal_citizen_id",
            AuditLog.object_id == str(known["person_in"])).order_by(AuditLog.id.desc()))
    assert entry.username == "district" and entry.reason == "核对档案"


def test_lookup_gives_the_same_answer_for_unknown_malformed_and_foreign_numbers(client_for,
                                                                                known):
    client = client_for("district")
    answers = {client.post("/person-lookup/", data={"citizen_id": value}).get_data(as_text=True)
               .count("未找到")
               for value in (fresh_id(), "123", known["code_person_out"])}
    assert answers == {1}


def test_lookup_refuses_get_with_an_id_number_in_the_url(client_for, known):
    response = client_for("district").get(f"/person-lookup/?citizen_id={known['code_person_in']}")
    assert response.status_code == 200
    assert "personview/show" not in response.headers.get("Location", "")
