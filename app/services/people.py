"""Use cases on workers (劳动者): register, validate, reveal a full ID number (audited)."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.errors import DomainError
from app.domain.identifiers import validate_citizen_id, validate_mobile
from app.domain.organisation import check_street_in_district
from app.extensions import db
from app.models.org import Region
from app.models.people import Person
from app.services.audit import record
from app.services.units import related


def prepare_person(person: Person, *, known_new: bool = False) -> Person:
    """Normalise and check a person before saving; sex and birth date follow from the ID.
    `known_new`: the caller has just looked the number up (a bulk batch looks up all its rows
    in a few queries), so the duplicate check's own query is skipped; the unique constraint
    still holds."""
    person.name = (person.name or "").strip()
    if not person.name:
        raise DomainError("PERSON_NAME_EMPTY", "请填写劳动者姓名。", "Name is required.",
                          field="name")
    try:
        cid = validate_citizen_id(person.citizen_id)
    except DomainError as exc:
        raise exc.for_field("citizen_id") from exc
    person.citizen_id = cid.number
    person.sex = cid.sex
    person.birth_date = cid.birth_date
    if not person.household_region_code:
        person.household_region_code = cid.region_code
    if person.phone:
        try:
            person.phone = validate_mobile(person.phone)
        except DomainError as exc:
            raise exc.for_field("phone") from exc
    duplicate = not known_new and db.session.scalar(
        select(Person.id).where(Person.citizen_id == person.citizen_id,
                                Person.id != (person.id or 0)))
    if duplicate:
        raise DomainError("PERSON_DUPLICATE",
                          "该身份证号码已登记，不能重复登记。请用“按身份证号查找”找到该劳动者。",
                          "A person with this ID number is already registered.",
                          field="citizen_id")
    street = related(person, "street", Region)
    if street is not None:
        district = related(person, "district", Region)
        if district is None:
            person.district_id = street.parent_id
        else:
            check_street_in_district(street.parent_id, district.id)
    return person


def register_person(data: dict, *, commit: bool = True) -> Person:
    special_groups = data.pop("special_groups", [])
    person = Person(**data)
    person.special_groups = list(special_groups)
    prepare_person(person)
    db.session.add(person)
    db.session.flush()
    record("person", person.id, "create", after={"name": person.name})
    if commit:
        db.session.commit()
    return person


def find_person_by_citizen_id(value: str, jurisdiction) -> Person | None:
    """Look a person up by ID number within a jurisdiction. A malformed number, an unknown one and
    one outside the jurisdiction all give None: callers answer the same in every case."""
    try:
        number = validate_citizen_id(value).number
    except DomainError:
        return None
    return db.session.scalar(
        select(Person).where(Person.citizen_id == number, jurisdiction.person_clause()))


def reveal_citizen_id(person: Person, reason: str | None = None) -> str:
    """The full ID number, for a role that needs it; every full view is audited."""
    record("person", person.id, "reveal_citizen_id", reason=reason)
    db.session.commit()
    return person.citizen_id
