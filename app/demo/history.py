"""Historical filings for the demo city (`flask beian demo --filings N`): N filings spread over
the last few years with the seasons of a real city — terminations outnumber hires in Q1 (workers
leave around the Spring Festival), hires outnumber terminations in Q3 (graduates) — a rising
online share (about three in four), the industry and ownership mix of the demo units, termination
reasons by initiator, special groups, and some overdue, returned, pending, corrected and cancelled
filings.

Rows are consistent with what the filing service would have written: a hire creates an
employment, a termination or transfer ends it, a renewal changes its contract, a correction
supersedes the version it replaces. Persons are reused while they are free and created when the
city runs out. Rows go in through the driver in chunks (sqlite3 executemany / PostgreSQL COPY):
a million filings take a few minutes, not hours.

Generated filings carry the idempotency key "demo-history:<id>" (the document queue can skip
them: a printed form for each would flood the renderer)."""

from __future__ import annotations

import datetime
import random
from bisect import bisect
from itertools import accumulate

from sqlalchemy import func, select, text

from app import clock
from app.demo import data as dd
from app.demo.rows import Writer
from app.domain import codelists as cl
from app.domain.filings import EmploymentStatus, FilingStatus, FilingType, make_receipt_number
from app.domain.identifiers import make_citizen_id
from app.domain.stats import DEMO_CITY_MISSING
from app.extensions import db
from app.models.codes import SpecialGroup
from app.models.filings import Channel, Employment, Filing
from app.models.org import Office, Region
from app.models.people import Person
from app.models.units import Unit, UnitStatus
from app.services.transaction import transaction

MARKER = "demo-history:"
YEARS = 5
CHUNK = 20_000
# Calendar-month weights (Jan … Dec). Q1: terminations > hires; Q3: hires > terminations.
HIRE_SEASON = (0.70, 0.80, 1.30, 1.00, 0.95, 1.05, 1.55, 1.55, 1.20, 0.90, 0.85, 0.70)
TERMINATION_SEASON = (1.55, 1.45, 1.10, 0.90, 0.90, 1.00, 0.80, 0.80, 0.85, 0.95, 1.00, 1.30)
TYPE_SHARE = {FilingType.HIRE: 0.41, FilingType.TERMINATION: 0.37, FilingType.RENEWAL: 0.15,
              FilingType.TRANSFER: 0.07}
# Termination reasons: ordinary quarters, and units in a layoff quarter.
REASONS = (("A37", 34), ("A44_1_EXPIRY", 20), ("A36", 16), ("A38", 3), ("A39_1", 3),
           ("A39_MISCONDUCT", 2), ("A39_3", 1), ("A40_1", 1), ("A40_2", 2), ("A40_3", 2),
           ("A41", 1), ("A44_2_RETIREMENT", 8), ("A44_3_DEATH", 1), ("A44_5_CLOSURE", 1),
           ("A44_6_OTHER", 1))
LAYOFF_REASONS = (("A41", 40), ("A40_3", 25), ("A36", 20), ("A37", 15))
JOBS = ("操作工", "技术员", "会计", "销售", "文员", "仓管员", "司机", "厨师", "保安", "工程师",
        "质检员", "客服", "护理员", "教师", "设计师")
OTHER_GROUPS = ("DIBAO", "HARD", "VETERAN", "DISABLED", "UNEMPLOYED", "RURAL", "ZEROHH",
                "RELEASED")
CORRECTION_SHARE, CANCEL_SHARE, OVERDUE_SHARE = 0.006, 0.004, 0.04


def _chinese_name(rng: random.Random) -> str:
    from app.demo.city import _name

    return _name(rng)


def _mobile(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + f"{rng.randrange(10**9):09d}"


PERSON_COLS = ("id", "name", "citizen_id", "sex", "birth_date", "phone", "education_code",
               "household_region_code", "district_id", "street_id", "created_at")
EMPLOYMENT_COLS = ("id", "person_id", "unit_id", "employment_form_code", "hours_per_day",
                   "hours_per_week", "contract_type_code", "contract_start", "contract_end",
                   "job_title", "start_date", "status", "end_date", "termination_reason_code",
                   "created_at")
FILING_COLS = (
    "id", "receipt_number", "filing_type", "status", "channel", "unit_id", "to_unit_id",
    "person_id", "person_name", "person_citizen_id", "employment_id", "new_employment_id",
    "employment_form_code", "hours_per_day", "hours_per_week", "probation_months",
    "contract_type_code", "contract_start", "contract_end", "job_title", "start_date",
    "end_date", "termination_reason_code", "note", "previous_contract_type_code",
    "previous_contract_end", "is_overdue", "is_multiple_employment", "needs_attachment_review",
    "needs_district_approval", "office_id", "submitted_at", "decided_at", "filed_at",
    "return_reason_code", "return_message", "version", "root_id", "supersedes_id",
    "correction_reason", "cancelled_at", "cancel_reason", "idempotency_key", "row_version",
    "created_at")
_F = {name: i for i, name in enumerate(FILING_COLS)}


# --------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------

class _City:
    """Units, persons and employments as the simulation goes (ids allocated here)."""

    def __init__(self, rng: random.Random, today: datetime.date, unit_ids=None,
                 reuse_persons: bool = True):
        self.rng, self.today = rng, today
        s = db.session
        stmt = select(Unit.id, Unit.district_id, Unit.street_id, Unit.headcount).where(
            Unit.status == UnitStatus.ACTIVE)
        if unit_ids is not None:
            stmt = stmt.where(Unit.id.in_(list(unit_ids)))
        units = s.execute(stmt.order_by(Unit.id)).all()
        if not units:
            raise DEMO_CITY_MISSING()
        self.units = [u.id for u in units]
        self.unit_weights = [(max(u.headcount, 1) + 5) ** 0.8 for u in units]
        offices = dict(s.execute(select(Office.region_id, Office.id)).all())
        codes = dict(s.execute(select(Region.id, Region.code)).all())
        self.office = {}
        for u in units:
            region = u.street_id if u.street_id in offices else u.district_id
            office_id = offices.get(region)
            self.office[u.id] = (office_id, codes.get(region if office_id else u.district_id))
        self.streets = {}
        for district_id, street_id in s.execute(select(Region.parent_id, Region.id)
                                                .where(Region.parent_id.is_not(None))):
            self.streets.setdefault(district_id, []).append(street_id)
        self.districts = {code: rid for rid, code in codes.items()}
        self.groups = set(s.scalars(select(SpecialGroup.code)))
        self.education = [e.code for e in cl.EDUCATION_LEVELS if e.parent]
        self.taken_ids = set(s.scalars(select(Person.citizen_id)))
        self.receipts = set(s.scalars(select(Filing.receipt_number)
                                      .where(Filing.receipt_number.is_not(None))))
        self.next = {"person": (s.scalar(select(func.max(Person.id))) or 0) + 1,
                     "employment": (s.scalar(select(func.max(Employment.id))) or 0) + 1,
                     "filing": (s.scalar(select(func.max(Filing.id))) or 0) + 1}
        busy = select(Employment.person_id).where(Employment.status == EmploymentStatus.ACTIVE)
        self.free = [tuple(p) for p in s.execute(
            select(Person.id, Person.name, Person.citizen_id, Person.birth_date)
            .where(Person.id.not_in(busy)).order_by(Person.id))] if reuse_persons else []
        rng.shuffle(self.free)
        self.active: dict[int, list[list]] = {uid: [] for uid in self.units}
        self.changed: dict[int, tuple] = {}  # employment id → (status, end, reason, type, end)
        self.persons = Writer("person", PERSON_COLS)
        self.memberships = Writer("person_special_group", ("person_id", "special_group_code"))
        self.employments = Writer("employment", EMPLOYMENT_COLS)
        self.filings = Writer("filing", FILING_COLS)

    def load_active(self) -> None:
        """The employments of the units as they stand (a run adding recent days only)."""
        rows = db.session.execute(
            select(Employment.id, Person.id, Person.name, Person.citizen_id, Person.birth_date,
                   Employment.unit_id, Employment.employment_form_code,
                   Employment.contract_type_code, Employment.contract_end, Employment.job_title,
                   Employment.start_date)
            .join(Person, Person.id == Employment.person_id)
            .where(Employment.status == EmploymentStatus.ACTIVE,
                   Employment.unit_id.in_(self.units)))
        for eid, pid, name, number, birth, uid, form, ctype, cend, job, start in rows:
            self.active[uid].append([eid, (pid, name, number, birth), uid, form, ctype, cend,
                                     job, start])

    def take(self, kind: str) -> int:
        value = self.next[kind]
        self.next[kind] += 1
        return value

    # -- persons ---------------------------------------------------------------------------
    def new_person(self, on: datetime.date, graduate: bool) -> tuple:
        rng = self.rng
        age = rng.randint(21, 24) if graduate else rng.randint(18, 55)
        while True:
            birth = on - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
            region6 = rng.choices(*zip(*dd.HOUSEHOLD_REGION_CODES, strict=False))[0]
            number = make_citizen_id(region6, birth, rng.randint(0, 999))
            if number not in self.taken_ids:
                break
        self.taken_ids.add(number)
        pid, name = self.take("person"), _chinese_name(rng)
        district = self.districts.get(region6)
        street = rng.choice(self.streets[district]) if district in self.streets else None
        self.persons.add((pid, name, number, "M" if int(number[16]) % 2 else "F", birth,
                          _mobile(rng), rng.choice(self.education), region6, district, street,
                          datetime.datetime.combine(on, datetime.time(9))))
        if graduate and "GRAD" in self.groups:
            self.memberships.add((pid, "GRAD"))
        elif rng.random() < 0.07:
            self.memberships.add((pid, rng.choice(OTHER_GROUPS)))
        return pid, name, number, birth

    def person_for_hire(self, on: datetime.date, graduate: bool) -> tuple:
        if not graduate and self.free:
            i = self.rng.randrange(len(self.free))
            person = self.free[i]
            if (on - person[3]).days >= 16 * 366:
                self.free[i] = self.free[-1]
                self.free.pop()
                return person
        return self.new_person(on, graduate)

    # -- employments -----------------------------------------------------------------------
    def employ(self, person: tuple, unit_id: int, start: datetime.date, created) -> list:
        rng = self.rng
        part_time = rng.random() < 0.06
        fixed = rng.random() < 0.8
        eid = self.take("employment")
        end = _years_later(start, 3) if fixed else None
        emp = [eid, person, unit_id, cl.FORM_PART_TIME if part_time else cl.FORM_FULL_TIME,
               cl.CONTRACT_FIXED if fixed else cl.CONTRACT_OPEN, end, rng.choice(JOBS), start]
        self.employments.add((eid, person[0], unit_id, emp[3], 4.0 if part_time else None,
                              20.0 if part_time else None, emp[4], start, end, emp[6], start,
                              EmploymentStatus.ACTIVE, None, None, created))
        self.active[unit_id].append(emp)
        return emp

    def pick_active(self, unit_id: int) -> list | None:
        staff = self.active[unit_id]
        if not staff:
            for _ in range(20):
                unit_id = self.rng.choice(self.units)
                staff = self.active[unit_id]
                if staff:
                    break
            else:
                return None
        i = self.rng.randrange(len(staff))
        emp = staff[i]
        staff[i] = staff[-1]
        staff.pop()
        return emp

    def flush(self) -> None:
        for writer in (self.persons, self.memberships, self.employments, self.filings):
            writer.flush()

    def receipt(self, on: datetime.date, region_code: str, filing_id: int) -> str:
        serial = filing_id % 999_999 + 1
        while True:
            number = make_receipt_number(on, region_code or "320200", serial)
            if number not in self.receipts:
                self.receipts.add(number)
                return number
            serial = serial % 999_999 + 1


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _months(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=False)
    return rng.choices(items, weights=weights)[0]


def generate(count: int, *, seed: int = 2026, today: datetime.date | None = None,
             days: int | None = None, unit_ids=None, reuse_persons: bool = True) -> int:
    """Add `count` filings (see the module docstring). `days` limits them to the last so many
    days (e.g. 1: one day's filings for the nightly benchmark); `unit_ids` to some units, and
    `reuse_persons=False` creates every worker anew (tests keep their rows apart that way).
    Returns how many were added."""
    if count <= 0:
        return 0
    rng = random.Random(seed + count)
    today = today or clock.today()
    with transaction():
        city = _City(rng, today, unit_ids, reuse_persons)
        added = _simulate(city, rng, count, today, days)
        _finish(city)
    return added


def _month_plan(count: int, today: datetime.date, days: int | None):
    """(month start, first day, last day, filings) for each month of the window."""
    if days:
        first = today - datetime.timedelta(days=days - 1)
    else:
        first = datetime.date(today.year - YEARS + 1, 1, 1)
    plan = []
    for month in _months(first.replace(day=1), today):
        lo = max(month, first)
        hi = min(datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
                 - datetime.timedelta(days=1), today)
        years_in = (month.year - first.year) + month.month / 12
        weight = ((hi - lo).days + 1) * (1.0 + 0.06 * years_in) * (
            0.41 * HIRE_SEASON[month.month - 1] + 0.37 * TERMINATION_SEASON[month.month - 1]
            + 0.22)
        plan.append([month, lo, hi, weight])
    total = sum(p[3] for p in plan)
    assigned = 0
    for p in plan:
        p[3] = int(count * p[3] / total)
        assigned += p[3]
    plan[-1][3] += count - assigned
    return plan, first


def _events(rng: random.Random, city: _City, first: datetime.date, today: datetime.date):
    """Some units have a layoff quarter, some a hiring drive (what the push rules find)."""
    quarters = [q for q in _months(first.replace(day=1), today) if q.month in (1, 4, 7, 10)]
    layoffs, drives = {}, {}
    for uid in city.units:
        r = rng.random()
        if r < 0.08 and quarters:
            layoffs[uid] = rng.choice(quarters)
        elif r < 0.16 and quarters:
            drives[uid] = rng.choice(quarters)
    return layoffs, drives


def _simulate(city: _City, rng: random.Random, count: int, today: datetime.date,
              days: int | None) -> int:
    plan, first = _month_plan(count, today, days)
    layoffs, drives = _events(rng, city, first, today)
    # Employments that existed before the window (no filings of their own here).
    if days:
        city.load_active()
    else:
        for _ in range(max(count // 12, 50)):
            start = first - datetime.timedelta(days=rng.randint(30, 3000))
            person = city.person_for_hire(start, False)
            city.employ(person, rng.choices(city.units, weights=city.unit_weights)[0], start,
                        datetime.datetime.combine(start, datetime.time(9)))
    made = 0
    for month, lo, hi, n in plan:
        quarter = datetime.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
        m = month.month - 1
        hire_w = [w * (4.0 if drives.get(u) == quarter else 1.0)
                  for u, w in zip(city.units, city.unit_weights, strict=True)]
        term_w = [w * (4.0 if layoffs.get(u) == quarter else 1.0)
                  for u, w in zip(city.units, city.unit_weights, strict=True)]
        hire_cum, term_cum = list(accumulate(hire_w)), list(accumulate(term_w))
        type_pairs = ((FilingType.HIRE, TYPE_SHARE[FilingType.HIRE] * HIRE_SEASON[m] * 1.04),
                      (FilingType.TERMINATION,
                       TYPE_SHARE[FilingType.TERMINATION] * TERMINATION_SEASON[m]),
                      (FilingType.RENEWAL, TYPE_SHARE[FilingType.RENEWAL]),
                      (FilingType.TRANSFER, TYPE_SHARE[FilingType.TRANSFER]))
        types, type_w = zip(*type_pairs, strict=True)
        type_cum = list(accumulate(type_w))
        span = (hi - lo).days + 1
        year_index = month.year - (today.year - YEARS + 1)
        for _ in range(n):
            kind = types[bisect(type_cum, rng.random() * type_cum[-1])]
            day = lo + datetime.timedelta(days=rng.randrange(span))
            if day.weekday() >= 5 and rng.random() < 0.85:
                day -= datetime.timedelta(days=day.weekday() - 4)
                if day < lo:
                    day = lo
            made += _one(city, rng, kind, day, today, year_index, quarter, layoffs,
                         hire_cum, term_cum)
            if len(city.filings.rows) >= CHUNK:
                city.flush()
    city.flush()
    return made


def _channel(rng: random.Random, year_index: int) -> Channel:
    counter = max(0.34 - 0.04 * year_index, 0.15)
    r = rng.random()
    if r < counter:
        return Channel.COUNTER
    if year_index >= 2 and r < counter + 0.08:
        return Channel.BULK
    if year_index >= 3 and r < counter + 0.12:
        return Channel.API
    return Channel.ONLINE


def _one(city: _City, rng: random.Random, kind: FilingType, day: datetime.date,
         today: datetime.date, year_index: int, quarter: datetime.date, layoffs,
         hire_cum, term_cum) -> int:
    """One filing (plus its correction, sometimes). Returns the number of filings added."""
    overdue, event, submitted, status = _timing(rng, kind, day, today)
    fid = city.take("filing")
    row = [None] * len(FILING_COLS)
    if kind == FilingType.HIRE:
        unit_id = city.units[bisect(hire_cum, rng.random() * hire_cum[-1])]
        person = _hire(city, rng, row, unit_id, event, submitted, status, quarter)
    else:
        unit_id = city.units[bisect(term_cum, rng.random() * term_cum[-1])]
        emp = city.pick_active(unit_id)
        if emp is None:  # nobody employed yet: a hire instead
            city.next["filing"] -= 1
            return _one(city, rng, FilingType.HIRE, day, today, year_index, quarter, layoffs,
                        hire_cum, term_cum)
        person, unit_id = emp[1], emp[2]
        event = max(event, emp[7])
        row[_F["employment_id"]] = emp[0]
        row[_F["employment_form_code"]] = emp[3]
        row[_F["job_title"]] = emp[6]
        status = _change(city, rng, row, kind, emp, event, submitted, status,
                         layoffs.get(unit_id) == quarter, hire_cum)
    decided = submitted + datetime.timedelta(minutes=rng.randint(1, 60 * 24 * 3))
    if decided.date() > today:
        decided = submitted
    _fill(city, rng, row, fid=fid, kind=kind, status=status, unit_id=unit_id, person=person,
          year_index=year_index, overdue=overdue, submitted=submitted, decided=decided)
    row[_F["receipt_number"]] = city.receipt(day, city.office[unit_id][1], fid)
    if status == FilingStatus.FILED and rng.random() < CORRECTION_SHARE:
        return _with_correction(city, rng, row, decided, today)
    city.filings.add(tuple(row))
    return 1


def _timing(rng: random.Random, kind: FilingType, day: datetime.date, today: datetime.date):
    """(overdue?, the event's day, submission time, status) of a filing submitted on `day`."""
    overdue = kind in (FilingType.HIRE, FilingType.TERMINATION) and rng.random() < OVERDUE_SHARE
    lag = rng.randint(35, 80) if overdue else rng.choice((0, 0, 1, 2, 3, 5, 7, 10, 14))
    event = day - datetime.timedelta(days=lag)
    submitted = datetime.datetime.combine(day, datetime.time(8, 30)) + datetime.timedelta(
        seconds=rng.randrange(9 * 3600))
    recent = (today - day).days
    status = FilingStatus.FILED
    if recent <= 20 and kind in (FilingType.HIRE, FilingType.TERMINATION):
        r = rng.random()
        if r < 0.06 + (0.06 if recent <= 5 else 0):
            status = FilingStatus.PENDING_REVIEW
        elif r < 0.12:
            status = FilingStatus.RETURNED
    return overdue, event, submitted, status


def _hire(city: _City, rng: random.Random, row: list, unit_id: int, event: datetime.date,
          submitted: datetime.datetime, status: FilingStatus, quarter: datetime.date):
    """The columns of a hire (and its employment when filed); returns the person hired."""
    graduate = quarter.month == 7 and rng.random() < 0.35
    person = city.person_for_hire(event, graduate)
    if status == FilingStatus.FILED:
        emp = city.employ(person, unit_id, event, submitted)
        row[_F["employment_id"]] = emp[0]
        form, ctype, cend, job = emp[3], emp[4], emp[5], emp[6]
    else:
        form, ctype, cend, job = (cl.FORM_FULL_TIME, cl.CONTRACT_FIXED,
                                  _years_later(event, 3), rng.choice(JOBS))
    row[_F["start_date"]] = row[_F["contract_start"]] = event
    row[_F["contract_type_code"]], row[_F["contract_end"]] = ctype, cend
    row[_F["employment_form_code"]], row[_F["job_title"]] = form, job
    row[_F["probation_months"]] = 0 if form == cl.FORM_PART_TIME else rng.choice((0, 1, 3, 6))
    if form == cl.FORM_PART_TIME:
        row[_F["hours_per_day"]], row[_F["hours_per_week"]] = 4.0, 20.0
    return person


def _change(city: _City, rng: random.Random, row: list, kind: FilingType, emp,
            event: datetime.date, submitted: datetime.datetime, status: FilingStatus,
            layoff_quarter: bool, hire_cum) -> FilingStatus:
    """The columns of a termination, renewal or transfer of `emp`; returns the status (a
    renewal is sometimes cancelled)."""
    person, unit_id = emp[1], emp[2]
    if kind == FilingType.TERMINATION:
        reason = _weighted(rng, LAYOFF_REASONS if layoff_quarter else REASONS)
        row[_F["end_date"]], row[_F["termination_reason_code"]] = event, reason
        row[_F["needs_attachment_review"]] = reason in (cl.TERMINATION_SERIOUS_MISCONDUCT,
                                                       cl.TERMINATION_ECONOMIC_LAYOFF)
        if status == FilingStatus.FILED:
            city.changed[emp[0]] = (EmploymentStatus.ENDED, event, reason, emp[4], emp[5])
            city.free.append(person)
        else:
            city.active[unit_id].append(emp)  # still employed while the filing waits
    elif kind == FilingType.RENEWAL:
        cend = _years_later(max(event, emp[5] or event), 3)
        row[_F["previous_contract_type_code"]], row[_F["previous_contract_end"]] = (
            emp[4], emp[5])
        row[_F["contract_type_code"]], row[_F["contract_start"]] = cl.CONTRACT_FIXED, event
        row[_F["contract_end"]] = cend
        city.active[unit_id].append(emp)
        if rng.random() >= CANCEL_SHARE:
            emp[4], emp[5] = cl.CONTRACT_FIXED, cend
            city.changed[emp[0]] = (EmploymentStatus.ACTIVE, None, None, emp[4], emp[5])
        else:
            status = FilingStatus.CANCELLED
    else:  # transfer to another unit of the city
        to_unit = city.units[bisect(hire_cum, rng.random() * hire_cum[-1])]
        if to_unit == unit_id:
            to_unit = rng.choice(city.units)
        city.changed[emp[0]] = (EmploymentStatus.ENDED, event, None, emp[4], emp[5])
        new = city.employ(person, to_unit, event, submitted)
        row[_F["to_unit_id"]], row[_F["new_employment_id"]] = to_unit, new[0]
        row[_F["start_date"]] = row[_F["contract_start"]] = event
        row[_F["contract_type_code"]], row[_F["contract_end"]] = new[4], new[5]
    return status


def _fill(city: _City, rng: random.Random, row: list, *, fid, kind, status, unit_id, person,
          year_index, overdue, submitted, decided) -> None:
    """The columns every filing has: who, where, when, and its state's own columns."""
    row[_F["id"]], row[_F["filing_type"]], row[_F["status"]] = fid, kind, status
    row[_F["channel"]] = _channel(rng, year_index)
    row[_F["unit_id"]], row[_F["person_id"]] = unit_id, person[0]
    row[_F["person_name"]], row[_F["person_citizen_id"]] = person[1], person[2]
    row[_F["note"]] = ""
    row[_F["job_title"]] = row[_F["job_title"]] or ""
    row[_F["is_overdue"]] = overdue
    row[_F["is_multiple_employment"]] = False
    row[_F["needs_attachment_review"]] = bool(row[_F["needs_attachment_review"]])
    row[_F["needs_district_approval"]] = False
    row[_F["office_id"]], row[_F["submitted_at"]] = city.office[unit_id][0], submitted
    if status == FilingStatus.FILED:
        row[_F["decided_at"]] = decided if overdue or row[_F["needs_attachment_review"]] else None
        row[_F["filed_at"]] = row[_F["decided_at"]] or submitted
    elif status == FilingStatus.RETURNED:
        code, message = _weighted(rng, (("R01", 5), ("R02", 3), ("R03", 2), ("R04", 2),
                                        ("R05", 1), ("R99", 1))), "请按退回原因补正后重新提交。"
        row[_F["decided_at"]] = decided
        row[_F["return_reason_code"]], row[_F["return_message"]] = code, message
    elif status == FilingStatus.CANCELLED:
        row[_F["filed_at"]] = submitted
        row[_F["cancelled_at"]] = decided
        row[_F["cancel_reason"]] = "单位申请撤销：续订信息填报有误"
    row[_F["version"]], row[_F["row_version"]] = 1, 1
    row[_F["idempotency_key"]] = f"{MARKER}{fid}"
    row[_F["created_at"]] = submitted


def _with_correction(city: _City, rng: random.Random, row: list, decided, today) -> int:
    """The filing as first filed (now superseded) and its corrected version."""
    old = list(row)
    old[_F["status"]] = FilingStatus.SUPERSEDED
    city.filings.add(tuple(old))
    new = list(row)
    fid = city.take("filing")
    corrected_at = min(decided + datetime.timedelta(days=rng.randint(1, 20)),
                       datetime.datetime.combine(today, datetime.time(8)))
    new[_F["id"]], new[_F["version"]] = fid, 2
    new[_F["root_id"]] = new[_F["supersedes_id"]] = old[_F["id"]]
    new[_F["correction_reason"]] = "单位申请更正岗位名称"
    new[_F["job_title"]] = rng.choice(JOBS)
    new[_F["decided_at"]] = new[_F["filed_at"]] = corrected_at
    new[_F["idempotency_key"]] = f"{MARKER}{fid}"
    new[_F["receipt_number"]] = city.receipt(corrected_at.date(), old[_F["receipt_number"]][10:16],
                                             fid)
    city.filings.add(tuple(new))
    return 2


def _finish(city: _City) -> None:
    """Apply the employments' final state (ended, renewed) in one UPDATE from a scratch table,
    and move PostgreSQL's id sequences past the ids used here."""
    city.flush()
    if city.changed:
        db.session.execute(text(
            "CREATE TEMPORARY TABLE stats_demo_change (id INTEGER PRIMARY KEY, status VARCHAR(32),"
            " end_date DATE, reason VARCHAR(32), contract_type VARCHAR(32), contract_end DATE)"))
        writer = Writer("stats_demo_change", ("id", "status", "end_date", "reason",
                                               "contract_type", "contract_end"))
        for eid, change in city.changed.items():
            writer.add((eid, *change))
            if len(writer.rows) >= CHUNK:
                writer.flush()
        writer.flush()
        db.session.execute(text(
            "UPDATE employment SET status = c.status, end_date = c.end_date, "
            "termination_reason_code = c.reason, contract_type_code = c.contract_type, "
            "contract_end = c.contract_end FROM stats_demo_change AS c WHERE employment.id = c.id"))
        db.session.execute(text("DROP TABLE stats_demo_change"))
    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("person", "employment", "filing"):
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
