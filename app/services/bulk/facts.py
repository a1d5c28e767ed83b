"""The facts the filing checks need (app.services.filings.Facts), loaded once for a whole
batch of one unit instead of a few queries per row: its workers, their employments and pending
filings, the target units of transfers, districts and termination reasons."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from itertools import islice

from sqlalchemy import select

from app.domain.codelists import FORM_FULL_TIME
from app.domain.filings import EmploymentStatus, FilingType
from app.extensions import db
from app.models.codes import TerminationReason
from app.models.filings import Employment, Filing
from app.models.org import Region, RegionLevel
from app.models.people import Person
from app.models.units import Unit
from app.services import filings as fs
from app.services.persons.prepare import prepare_person

IN_CHUNK = 500  # ids per IN (...) query


def chunks(items: Iterable, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class BatchFacts(fs.Facts):
    """The facts of app.services.filings.Facts for one batch of one unit, loaded up front for
    all its workers. Anything not loaded falls back to the database query."""

    def __init__(self, unit: Unit, citizen_ids: Iterable[str], credit_codes: Iterable[str] = ()):
        self.unit_id = unit.id
        self.units = {unit.id: unit}
        self.citizen_ids = set(citizen_ids)
        self.credit_codes = set(credit_codes)
        self._load_workers()
        self._load_pending(unit)
        self._load_units()
        self.districts = {r.code: r for r in db.session.scalars(
            select(Region).where(Region.level == RegionLevel.DISTRICT))}
        self.reasons = {r.code: r for r in db.session.scalars(select(TerminationReason))}
        self.new_persons: list[Person] = []
        self._offices: dict = {}
        self._windows: dict = {}
        self._active: dict = {}
        self._city: str | None = None

    def _load_workers(self) -> None:
        """The batch's workers known already, and all their employments."""
        self.persons: dict[str, Person] = {}
        for chunk in chunks(sorted(self.citizen_ids), IN_CHUNK):
            for person in db.session.scalars(select(Person).where(Person.citizen_id.in_(chunk))):
                self.persons[person.citizen_id] = person
        self.employments_of: dict[int, list[Employment]] = {}
        self.employments: dict[int, Employment] = {}
        for chunk in chunks(sorted(p.id for p in self.persons.values()), IN_CHUNK):
            for emp in db.session.scalars(select(Employment).where(
                    Employment.person_id.in_(chunk)).order_by(Employment.id)):
                self.employments_of.setdefault(emp.person_id, []).append(emp)
                self.employments[emp.id] = emp

    def _load_pending(self, unit: Unit) -> None:
        """Their live hires at the unit and pending terminations (duplicates of a row)."""
        self.hires: dict[tuple[int, datetime.date], str] = {}
        for chunk in chunks(sorted(p.id for p in self.persons.values()), IN_CHUNK):
            for pid, start, receipt in db.session.execute(
                    select(Filing.person_id, Filing.start_date, Filing.receipt_number).where(
                        Filing.filing_type == FilingType.HIRE, Filing.unit_id == unit.id,
                        Filing.person_id.in_(chunk), Filing.status.in_(fs.LIVE_STATUSES))):
                self.hires[(pid, start)] = receipt
        self.pending_terminations: dict[int, str] = {}
        for chunk in chunks(sorted(self.employments), IN_CHUNK):
            for emp_id, receipt in db.session.execute(
                    select(Filing.employment_id, Filing.receipt_number).where(
                        Filing.filing_type == FilingType.TERMINATION,
                        Filing.employment_id.in_(chunk),
                        Filing.status.in_(fs.PENDING_STATUSES))):
                self.pending_terminations[emp_id] = receipt

    def _load_units(self) -> None:
        """The units the rows transfer workers to."""
        self.units_by_code: dict[str, Unit] = {}
        for chunk in chunks(sorted(self.credit_codes), IN_CHUNK):
            for other in db.session.scalars(select(Unit).where(Unit.credit_code.in_(chunk))):
                self.units_by_code[other.credit_code] = other
                self.units[other.id] = other

    # -- lookups ---------------------------------------------------------------------------
    def unit(self, unit_id):
        return self.units.get(unit_id) or super().unit(unit_id)

    def employment(self, employment_id):
        return self.employments.get(employment_id) or super().employment(employment_id)

    def unit_by_credit_code(self, code):
        if code in self.credit_codes:
            return self.units_by_code.get(code)
        return super().unit_by_credit_code(code)

    def person_by_citizen_id(self, number):
        if number in self.citizen_ids:
            return self.persons.get(number)
        return super().person_by_citizen_id(number)

    def district_by_code(self, code):
        return self.districts.get(code)

    def prepare_new_person(self, person):
        # The batch has looked every number up already: one query less per row.
        prepare_person(person, known_new=person.citizen_id in self.citizen_ids)

    def person_created(self, person):
        # Audited after the chunk is flushed (the person has no id yet).
        self.new_persons.append(person)

    def handling_office(self, unit, actor):
        key = (unit.id, actor.user_id)
        if key not in self._offices:
            self._offices[key] = super().handling_office(unit, actor)
        return self._offices[key]

    def city_prefix(self):
        if self._city is None:
            self._city = super().city_prefix()
        return self._city

    def termination_reason(self, code):
        return self.reasons.get(code) if code else None

    def employment_at(self, person: Person | None, unit_id: int) -> Employment | None:
        """The worker's active employment at the unit, else the latest ended one (so the
        rules can say "already ended"), else None."""
        if person is None:
            return None
        here = [e for e in self.employments_of.get(person.id, ()) if e.unit_id == unit_id]
        active = [e for e in here if e.status == EmploymentStatus.ACTIVE]
        return (active or here or [None])[-1]

    # -- the checks' counts ------------------------------------------------------------------
    def _active_of(self, person_id):
        return [e for e in self.employments_of.get(person_id, ())
                if e.status == EmploymentStatus.ACTIVE]

    def active_at(self, person_id, unit_id):
        if person_id is None:
            return False
        return any(e.unit_id == unit_id for e in self._active_of(person_id))

    def active_full_time_count(self, person_id, exclude_unit_id=None):
        if person_id is None:
            return 0
        return sum(1 for e in self._active_of(person_id)
                   if e.employment_form_code == FORM_FULL_TIME
                   and (exclude_unit_id is None or e.unit_id != exclude_unit_id))

    def duplicate_hire(self, filing):
        if filing.person_id is None:
            return None
        if filing.unit_id != self.unit_id:
            return super().duplicate_hire(filing)
        return self.hires.get((filing.person_id, filing.start_date))

    def pending_termination(self, filing):
        if filing.employment_id in self.employments:
            return self.pending_terminations.get(filing.employment_id)
        return super().pending_termination(filing)

    def employer_terminations_in_window(self, filing, first, last):
        # Counted before the batch: the batch's own are added by extra_employer_initiated.
        key = (filing.unit_id, first, last)
        if key not in self._windows:
            self._windows[key] = super().employer_terminations_in_window(filing, first, last)
        return self._windows[key]

    def active_count(self, unit_id):
        if unit_id not in self._active:
            self._active[unit_id] = super().active_count(unit_id)
        return self._active[unit_id]
