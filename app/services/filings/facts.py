"""The facts the filing checks ask the database (one query each), the clock and the policy.

A bulk batch answers the same questions from data it loaded for all its rows at once
(app.services.bulk_engine.BatchFacts, installed with :func:`using_facts`), so both run the very
same rules."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.domain.codelists import FORM_FULL_TIME
from app.domain.filings import EmploymentStatus, FilingPolicy, FilingStatus, FilingType
from app.extensions import db
from app.models.codes import TerminationReason
from app.models.filings import Employment, Filing
from app.models.org import Office, Region, RegionLevel
from app.models.people import Person
from app.models.units import Unit
from app.services.actor import Actor
from app.services.persons.prepare import prepare_person

# Filings that count as "there" for duplicates and the mass-termination window.
LIVE_STATUSES = (FilingStatus.SUBMITTED, FilingStatus.PENDING_REVIEW,
                 FilingStatus.PENDING_DISTRICT_APPROVAL, FilingStatus.FILED)
PENDING_STATUSES = (FilingStatus.PENDING_REVIEW, FilingStatus.PENDING_DISTRICT_APPROVAL)


def policy() -> FilingPolicy:
    return FilingPolicy.from_mapping(current_app.config)


def today() -> datetime.date:
    return clock.today()


def now() -> datetime.datetime:
    return clock.now()


def handling_office(unit: Unit, actor: Actor) -> Office | None:
    """The office that handled it: the counter's office, or for online filings the unit's street
    office (else its district office)."""
    if actor.office is not None and not actor.is_employer:
        return actor.office
    for region_id in (unit.street_id, unit.district_id):
        office = db.session.scalar(select(Office).where(Office.region_id == region_id))
        if office is not None:
            return office
    return None


class Facts:
    """The questions the builders and checks ask the database, one query each (what a single
    filing uses). A bulk batch answers the same questions from data it loaded for all its rows
    at once (app.services.bulk_engine.BatchFacts), so both run the very same rules."""

    def unit(self, unit_id) -> Unit | None:
        return db.session.get(Unit, unit_id)

    def employment(self, employment_id) -> Employment | None:
        return db.session.get(Employment, employment_id)

    def unit_by_credit_code(self, code: str) -> Unit | None:
        return db.session.scalar(select(Unit).where(Unit.credit_code == code))

    def person_by_citizen_id(self, number: str) -> Person | None:
        return db.session.scalar(select(Person).where(Person.citizen_id == number))

    def district_by_code(self, code: str) -> Region | None:
        return db.session.scalar(select(Region).where(Region.code == code,
                                                      Region.level == RegionLevel.DISTRICT))

    def prepare_new_person(self, person: Person) -> None:
        """Normalise and check a person a hire registers (app.services.persons)."""
        prepare_person(person)

    def person_created(self, person: Person) -> bool:
        """A hire registered the person: True when its audit entry is written now (a batch
        audits its new persons after the chunk is flushed)."""
        db.session.flush()
        return True

    def handling_office(self, unit: Unit, actor: Actor) -> Office | None:
        return handling_office(unit, actor)

    def city_prefix(self) -> str:
        city = db.session.scalar(select(Region.code).where(Region.level == RegionLevel.CITY))
        return (city or "")[:4]

    def termination_reason(self, code) -> TerminationReason | None:
        return db.session.get(TerminationReason, code) if code else None

    def active_at(self, person_id, unit_id) -> bool:
        return bool(db.session.scalar(select(func.count(Employment.id)).where(
            Employment.person_id == person_id, Employment.unit_id == unit_id,
            Employment.status == EmploymentStatus.ACTIVE)))

    def active_full_time_count(self, person_id, exclude_unit_id=None) -> int:
        stmt = select(func.count(Employment.id)).where(
            Employment.person_id == person_id, Employment.status == EmploymentStatus.ACTIVE,
            Employment.employment_form_code == FORM_FULL_TIME)
        if exclude_unit_id is not None:
            stmt = stmt.where(Employment.unit_id != exclude_unit_id)
        return db.session.scalar(stmt) or 0

    def duplicate_hire(self, filing: Filing) -> str | None:
        """The receipt number of a live hire of the same person, unit and start date."""
        return db.session.scalar(select(Filing.receipt_number).where(
            Filing.filing_type == FilingType.HIRE, Filing.person_id == filing.person_id,
            Filing.unit_id == filing.unit_id, Filing.start_date == filing.start_date,
            Filing.status.in_(LIVE_STATUSES), Filing.id != (filing.id or 0)))

    def pending_termination(self, filing: Filing) -> str | None:
        """The receipt number of another termination of the same employment under review."""
        return db.session.scalar(select(Filing.receipt_number).where(
            Filing.filing_type == FilingType.TERMINATION,
            Filing.employment_id == filing.employment_id,
            Filing.status.in_(PENDING_STATUSES), Filing.id != (filing.id or 0)))

    def employer_terminations_in_window(self, filing: Filing, first, last) -> tuple[int, int]:
        """(live, filed) employer-initiated terminations of the unit in the window."""
        in_window = (select(func.count(Filing.id)).join(TerminationReason)
                     .where(Filing.unit_id == filing.unit_id,
                            Filing.filing_type == FilingType.TERMINATION,
                            TerminationReason.counts_as_employer_initiated.is_(True),
                            Filing.end_date.between(first, last),
                            Filing.id != (filing.id or 0)))
        before = db.session.scalar(in_window.where(Filing.status.in_(LIVE_STATUSES))) or 0
        ended = db.session.scalar(in_window.where(Filing.status == FilingStatus.FILED)) or 0
        return before, ended

    def active_count(self, unit_id) -> int:
        return db.session.scalar(select(func.count(Employment.id)).where(
            Employment.unit_id == unit_id, Employment.status == EmploymentStatus.ACTIVE)) or 0


_DB_FACTS = Facts()
_FACTS: ContextVar[Facts | None] = ContextVar("filing_facts", default=None)


def facts() -> Facts:
    """The facts in use: the database's, unless a batch installed its own (using_facts)."""
    return _FACTS.get() or _DB_FACTS


@contextmanager
def using_facts(batch_facts: Facts):
    """Answer the checks' questions from ``batch_facts`` inside the block."""
    token = _FACTS.set(batch_facts)
    try:
        yield batch_facts
    finally:
        _FACTS.reset(token)
