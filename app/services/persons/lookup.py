"""Looking a person up by ID number, and the full number for a role that needs it: personal
data, so every look-up that finds someone and every full view is audited."""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.domain.identifiers import validate_citizen_id
from app.extensions import db
from app.models.people import Person
from app.queries.jurisdiction import Jurisdiction
from app.services.actor import Actor
from app.services.audit import record
from app.services.transaction import transaction


def find_person_by_citizen_id(value: str, jurisdiction: Jurisdiction) -> Person | None:
    """Look a person up by ID number within a jurisdiction. A malformed number, an unknown one and
    one outside the jurisdiction all give None: callers answer the same in every case."""
    try:
        number = validate_citizen_id(value, today=clock.today()).number
    except DomainError:
        return None
    return db.session.scalar(
        select(Person).where(Person.citizen_id == number, jurisdiction.person_clause()))


def record_lookup(actor: Actor, person: Person, reason: str) -> None:
    """Audit a look-up by ID number that found someone (the API's person search)."""
    with transaction():
        record(actor, "person", person.id, "api_lookup", reason=reason)


def reveal_citizen_id(actor: Actor, person: Person, reason: str | None = None) -> str:
    """The full ID number, for a role that needs it; every full view is audited."""
    with transaction():
        record(actor, "person", person.id, "reveal_citizen_id", reason=reason)
    return person.citizen_id
