"""Check and normalise a person's record before it is saved, and audit staff edits of it."""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.domain.identifiers import validate_citizen_id, validate_mobile
from app.domain.organisation import PERSON_DUPLICATE, PERSON_NAME_EMPTY, check_street_in_district
from app.extensions import db
from app.models.org import Region
from app.models.people import Person
from app.services.actor import Actor
from app.services.audit import pending_changes, plain, record
from app.services.units.prepare import related

PERSON_AUDIT_FIELDS = ("name", "citizen_id", "phone", "education_code", "district_id",
                       "street_id", "household_region_code")


def _from_citizen_id(person: Person) -> None:
    """Number normalised; sex, birth date and (unless given) household region follow from it."""
    try:
        cid = validate_citizen_id(person.citizen_id, today=clock.today())
    except DomainError as exc:
        raise exc.for_field("citizen_id") from exc
    person.citizen_id = cid.number
    person.sex = cid.sex
    person.birth_date = cid.birth_date
    if not person.household_region_code:
        person.household_region_code = cid.region_code


def prepare_person(person: Person, *, known_new: bool = False) -> Person:
    """Normalise and check a person before saving; sex and birth date follow from the ID.
    `known_new`: the caller has just looked the number up (a bulk batch looks up all its rows
    in a few queries), so the duplicate check's own query is skipped; the unique constraint
    still holds."""
    person.name = (person.name or "").strip()
    if not person.name:
        raise PERSON_NAME_EMPTY()
    _from_citizen_id(person)
    if person.phone:
        try:
            person.phone = validate_mobile(person.phone)
        except DomainError as exc:
            raise exc.for_field("phone") from exc
    duplicate = not known_new and db.session.scalar(
        select(Person.id).where(Person.citizen_id == person.citizen_id,
                                Person.id != (person.id or 0)))
    if duplicate:
        raise PERSON_DUPLICATE()
    street = related(person, "street", Region)
    if street is not None:
        district = related(person, "district", Region)
        if district is None:
            person.district_id = street.parent_id
        else:
            check_street_in_district(street.parent_id, district.id)
    return person


def add_person(actor: Actor, person: Person) -> Person:
    """A person staff entered in the admin form: checked, added and audited in the form's
    transaction (Flask-AppBuilder commits it)."""
    prepare_person(person)
    db.session.add(person)
    db.session.flush()
    record(actor, "person", person.id, "create", after={"name": person.name})
    return person


def person_changes(person: Person) -> tuple[dict, dict]:
    """(before, after) of a person changed in a form: read before any query (building the actor
    included) autoflushes the history away."""
    return pending_changes(person, PERSON_AUDIT_FIELDS)


def update_person(actor: Actor, person: Person, changes: tuple[dict, dict]) -> Person:
    """A person staff changed in the admin form (``changes``: person_changes(person)): checked
    and audited."""
    before, after = changes
    prepare_person(person)
    after = {name: plain(getattr(person, name)) for name in after}
    record(actor, "person", person.id, "update", before=before, after=after)
    return person
