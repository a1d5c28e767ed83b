"""Register a person from plain data (demo, tests, commands)."""

from __future__ import annotations

from app.extensions import db
from app.models.people import Person
from app.services.actor import Actor
from app.services.audit import record
from app.services.persons.prepare import prepare_person
from app.services.transaction import transaction


def register_person(data: dict, *, actor: Actor | None = None) -> Person:
    actor = actor or Actor.system()
    data = dict(data)
    special_groups = data.pop("special_groups", [])
    with transaction():
        person = Person(**data)
        person.special_groups = list(special_groups)
        prepare_person(person)
        db.session.add(person)
        db.session.flush()
        record(actor, "person", person.id, "create", after={"name": person.name})
    return person
