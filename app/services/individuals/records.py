"""The verified person's own records behind an individual login: nothing personal before
verification."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.individuals import NOT_VERIFIED
from app.domain.shared_errors import FILING_NOT_FOUND
from app.extensions import db
from app.models.filings import Employment, Filing
from app.models.people import Person


def my_person(user) -> Person:
    """The verified person behind an individual login, or NOT_VERIFIED."""
    if not getattr(user, "person_id", None):
        raise NOT_VERIFIED()
    return db.session.get(Person, user.person_id)


def my_employments(person: Person):
    return list(db.session.scalars(select(Employment).where(
        Employment.person_id == person.id).order_by(Employment.start_date.desc())))


def my_filings(person: Person):
    return list(db.session.scalars(select(Filing).where(
        Filing.person_id == person.id).order_by(Filing.id.desc())))


def my_filing(person: Person, filing_id) -> Filing:
    filing = db.session.get(Filing, filing_id) if filing_id else None
    if filing is None or filing.person_id != person.id:
        raise FILING_NOT_FOUND()
    return filing
