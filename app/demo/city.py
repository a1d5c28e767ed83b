"""The demo city: a Wuxi-like city with its districts, streets, offices, ~300 units, ~5,000
persons and one login per role. Deterministic (seeded) and idempotent: running it again adds
nothing that is already there."""

from __future__ import annotations

import datetime
import random

from sqlalchemy import func, select

from app import clock
from app.demo import data as dd
from app.domain import codelists as cl
from app.domain.identifiers import CREDIT_CODE_ALPHABET, make_citizen_id, make_credit_code
from app.domain.roles import (
    ROLE_ADMIN,
    ROLE_CITY,
    ROLE_COORDINATOR,
    ROLE_DISTRICT,
    ROLE_EMPLOYER,
    ROLE_INDIVIDUAL,
    ROLE_STREET,
)
from app.extensions import appbuilder, db
from app.models.org import Office, OfficeLevel, Region, RegionLevel
from app.models.people import Person
from app.models.units import Unit, UnitStatus
from app.services.transaction import transaction

# Demo logins (README lists them). Demo mode only.
DEMO_PASSWORD = "Beian@2026demo"
DEMO_USERS = (
    # username, role, display name, office region code / "unit" / "person"
    ("admin", ROLE_ADMIN, "系统管理员", None),
    ("city", ROLE_CITY, "市级经办员", "320200"),
    ("district", ROLE_DISTRICT, "梁溪区经办员", "320213"),
    ("district2", ROLE_DISTRICT, "滨湖区经办员", "320211"),
    ("street", ROLE_STREET, "崇安寺街道经办员", "320213001"),
    ("coordinator", ROLE_COORDINATOR, "活动协调员", "320200"),
    ("employer", ROLE_EMPLOYER, "单位经办人", "unit"),
    ("worker", ROLE_INDIVIDUAL, "劳动者", "person"),
)


def build_demo_city(units: int = 300, persons: int = 5000, seed: int = 2026,
                    hires: int = 0) -> dict:
    rng = random.Random(seed)
    with transaction():
        regions = _regions()
        offices = _offices(regions)
        made_units = _units(rng, regions, units)
        made_persons = _persons(rng, regions, persons)
        users = _users(offices)
    made_hires = _hires(rng, hires) if hires else 0
    return {"regions": len(regions), "offices": len(offices), "units": made_units,
            "persons": made_persons, "users": users, "hires": made_hires}


def _hires(rng: random.Random, count: int) -> int:
    """Recent hires through the filing service (so rosters are not empty): a third of them at the
    demo employer's unit, filed online; the rest at the counter of the units' offices. Only on a
    city without filings yet (idempotent)."""
    from app.models.filings import Filing
    from app.services import filings as fs

    if db.session.scalar(select(func.count(Filing.id))):
        return 0
    employer = appbuilder.sm.find_user(username="employer")
    city = fs.Actor.of(appbuilder.sm.find_user(username="city"))
    online = fs.Actor.of(employer) if employer is not None and employer.unit_id else city
    units = list(db.session.scalars(select(Unit.id).where(Unit.status == UnitStatus.ACTIVE)))
    employed = set()
    # Plain rows, not ORM objects: every commit would expire thousands of loaded persons.
    people = db.session.execute(select(Person.id, Person.citizen_id, Person.name,
                                       Person.birth_date).where(Person.phone != "")
                                .order_by(Person.id)).all()
    db.session.expunge_all()
    today = clock.today()
    made = 0
    for person in people:
        if made >= count:
            break
        if person.id in employed or (today - person.birth_date).days < 17 * 365:
            continue
        at_employer = online is not city and made % 3 == 0
        unit_id = employer.unit_id if at_employer else rng.choice(units)
        start = today - datetime.timedelta(days=rng.randint(0, 25))
        fixed = rng.random() < 0.8
        fs.submit(fs.HireInput(
            unit_id=unit_id, citizen_id=person.citizen_id, name=person.name, start_date=start,
            contract_type_code="FIXED" if fixed else "OPEN",
            contract_end=start.replace(year=start.year + 3) - datetime.timedelta(days=1)
            if fixed else None, job_title=rng.choice(("操作工", "技术员", "会计", "销售", "文员"))),
            online if at_employer else city)
        employed.add(person.id)
        made += 1
    return made


def _get_or_create_region(code, name, level, parent) -> Region:
    region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None:
        region = Region(code=code, name=name, level=level, parent=parent)
        db.session.add(region)
        db.session.flush()
    return region


def _regions() -> dict[str, Region]:
    city = _get_or_create_region(dd.CITY[0], dd.CITY[1], RegionLevel.CITY, None)
    regions = {city.code: city}
    for code, name in dd.DISTRICTS:
        district = _get_or_create_region(code, name, RegionLevel.DISTRICT, city)
        regions[code] = district
        for street_code, street_name in dd.STREETS[code]:
            regions[street_code] = _get_or_create_region(street_code, street_name,
                                                         RegionLevel.STREET, district)
    return regions


def _offices(regions: dict[str, Region]) -> dict[str, Office]:
    offices = {}
    for code, region in regions.items():
        if region.level == RegionLevel.CITY:
            name, level = f"{region.name}公共就业服务中心", OfficeLevel.CITY
        elif region.level == RegionLevel.DISTRICT:
            name, level = f"{region.name}人力资源服务中心", OfficeLevel.DISTRICT
        else:
            parent = region.parent.name
            name, level = f"{parent}{region.name}劳动保障所", OfficeLevel.STREET
        office = db.session.scalar(select(Office).where(Office.name == name))
        if office is None:
            office = Office(name=name, level=level, region=region,
                            address=f"{region.name}政务服务中心", phone="0510-8" + code[-7:],
                            seal_name=f"{name}用工备案专用章")
            db.session.add(office)
        offices[code] = office
    db.session.flush()
    return offices


def _credit_code(rng: random.Random, employer_type: str, region6: str) -> str:
    authority, category = {
        cl.EMPLOYER_TYPE_ENTERPRISE: ("9", "1"), cl.EMPLOYER_TYPE_INDIVIDUAL_BUSINESS: ("9", "2"),
        cl.EMPLOYER_TYPE_ORGAN: ("1", "1"), cl.EMPLOYER_TYPE_PUBLIC_INSTITUTION: ("1", "2"),
        cl.EMPLOYER_TYPE_SOCIAL_ORGANISATION: ("5", "1"),
        cl.EMPLOYER_TYPE_PRIVATE_NON_ENTERPRISE: ("5", "2"),
        cl.EMPLOYER_TYPE_VILLAGE_COMMITTEE: ("5", "4"),
        cl.EMPLOYER_TYPE_RESIDENTS_COMMITTEE: ("5", "4"),
    }.get(employer_type, ("Y", "1"))
    body = "".join(rng.choice(CREDIT_CODE_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY")
                   for _ in range(9))
    return make_credit_code(authority + category + region6 + body)


_EMPLOYER_TYPE_WEIGHTS = (
    (cl.EMPLOYER_TYPE_ENTERPRISE, 70), (cl.EMPLOYER_TYPE_INDIVIDUAL_BUSINESS, 8),
    (cl.EMPLOYER_TYPE_PUBLIC_INSTITUTION, 6), (cl.EMPLOYER_TYPE_ORGAN, 2),
    (cl.EMPLOYER_TYPE_SOCIAL_ORGANISATION, 3), (cl.EMPLOYER_TYPE_PRIVATE_NON_ENTERPRISE, 4),
    (cl.EMPLOYER_TYPE_VILLAGE_COMMITTEE, 3), (cl.EMPLOYER_TYPE_RESIDENTS_COMMITTEE, 3),
    (cl.EMPLOYER_TYPE_OTHER, 1),
)
_ENTERPRISE_OWNERSHIP = (("173", 45), ("159", 20), ("160", 8), ("110", 5), ("120", 3),
                         ("210", 5), ("310", 8), ("171", 3), ("190", 3))
# Manufacturing-heavy like Wuxi.
_SECTION_WEIGHTS = {"C": 40, "F": 6, "G": 12, "H": 6, "I": 6, "K": 2, "L": 3, "M": 4, "N": 5,
                    "O": 3, "P": 3, "Q": 3, "E": 1, "D": 1, "A": 1, "R": 1, "S": 2, "J": 1}


def _pick(rng, weighted):
    items, weights = zip(*weighted, strict=False)
    return rng.choices(items, weights=weights)[0]


def _units(rng: random.Random, regions: dict[str, Region], count: int) -> int:
    existing = db.session.scalar(select(func.count(Unit.id))) or 0
    if existing >= count:
        return 0
    divisions_by_section: dict[str, list[str]] = {}
    for division in cl.INDUSTRY_DIVISIONS:
        divisions_by_section.setdefault(division.parent, []).append(division.code)
    taken = set(db.session.scalars(select(Unit.credit_code)))
    taken_names = set(db.session.scalars(select(Unit.name)))
    made = 0
    index = existing
    while existing + made < count:
        index += 1
        employer_type = _pick(rng, _EMPLOYER_TYPE_WEIGHTS)
        if employer_type in (cl.EMPLOYER_TYPE_VILLAGE_COMMITTEE,
                             cl.EMPLOYER_TYPE_RESIDENTS_COMMITTEE):
            section = "S"
            division = "96"
        elif employer_type == cl.EMPLOYER_TYPE_ORGAN:
            section, division = "S", "92"
        else:
            section = _pick(rng, list(_SECTION_WEIGHTS.items()))
            division = rng.choice(divisions_by_section[section])
        district_code, district_name = dd.DISTRICTS[index % len(dd.DISTRICTS)]
        street_code, street_name = rng.choice(dd.STREETS[district_code])
        trade = rng.choice(dd.UNIT_NAME_TRADES[section])
        suffix = rng.choice(dd.UNIT_NAME_SUFFIXES_BY_EMPLOYER_TYPE[employer_type])
        prefix = rng.choice(dd.UNIT_NAME_PREFIXES)
        if employer_type == cl.EMPLOYER_TYPE_VILLAGE_COMMITTEE:
            name = f"{district_name}{street_name}{prefix}村{suffix}"
        elif employer_type == cl.EMPLOYER_TYPE_RESIDENTS_COMMITTEE:
            name = f"{district_name}{street_name}{prefix}{suffix}"
        else:
            name = f"无锡{prefix}{trade}{suffix}"
        code = _credit_code(rng, employer_type, district_code)
        if code in taken or name in taken_names:
            continue
        taken.add(code)
        taken_names.add(name)
        ownership = (_pick(rng, _ENTERPRISE_OWNERSHIP)
                     if employer_type == cl.EMPLOYER_TYPE_ENTERPRISE else "190")
        headcount = int(rng.lognormvariate(3.5, 1.2)) + 1
        db.session.add(Unit(
            name=name, credit_code=code, employer_type_code=employer_type,
            industry_division_code=division, industry_section_code=section,
            ownership_type_code=ownership,
            district_id=regions[district_code].id, street_id=regions[street_code].id,
            address=f"{district_name}{rng.choice(dd.STREET_ADDRESS_ROADS)}{rng.randint(1, 999)}号",
            contact_name=_name(rng), contact_phone=_mobile(rng), headcount=headcount,
            is_key_enterprise=headcount > 300 and rng.random() < 0.5,
            status=UnitStatus.ACTIVE if rng.random() < 0.95 else UnitStatus.PENDING,
        ))
        made += 1
    db.session.flush()
    return made


def _name(rng: random.Random, sex: str | None = None) -> str:
    surname = rng.choice(dd.SURNAMES[:60] if rng.random() < 0.9 else dd.SURNAMES)
    pool = {"M": dd.GIVEN_NAME_CHARS_MALE, "F": dd.GIVEN_NAME_CHARS_FEMALE}.get(
        sex or rng.choice("MF"))
    chars = pool + dd.GIVEN_NAME_CHARS_NEUTRAL
    length = 2 if rng.random() < 0.75 else 1
    return surname + "".join(rng.choice(chars) for _ in range(length))


def _mobile(rng: random.Random) -> str:
    return rng.choice(["13", "15", "17", "18", "19"]) + "".join(
        str(rng.randint(0, 9)) for _ in range(9))


def _persons(rng: random.Random, regions: dict[str, Region], count: int) -> int:
    existing = db.session.scalar(select(func.count(Person.id))) or 0
    if existing >= count:
        return 0
    taken = set(db.session.scalars(select(Person.citizen_id)))
    education = [e.code for e in cl.EDUCATION_LEVELS if e.parent]
    groups = {g.code: g for g in db.session.scalars(select(_special_group_model()))}
    local_districts = {code: regions[code] for code, _ in dd.DISTRICTS}
    today = clock.today()
    made = 0
    rows = []
    while made < count - existing:
        region6 = _pick(rng, dd.HOUSEHOLD_REGION_CODES)
        age_days = rng.randint(17 * 365, 60 * 365)
        birth = today - datetime.timedelta(days=age_days)
        sequence = rng.randint(0, 999)
        number = make_citizen_id(region6, birth, sequence)
        if number in taken:
            continue
        taken.add(number)
        sex = "M" if sequence % 2 else "F"
        district = _household_district(region6, local_districts, rng)
        street = rng.choice(district.children) if district is not None else None
        person = Person(
            name=_name(rng, sex), citizen_id=number, sex=sex, birth_date=birth,
            phone=_mobile(rng), education_code=rng.choice(education),
            household_region_code=region6,
            district_id=district.id if district else None,
            street_id=street.id if street else None,
        )
        if rng.random() < 0.08 and groups:
            person.special_groups = [groups[rng.choice(sorted(groups))]]
        rows.append(person)
        made += 1
    db.session.add_all(rows)
    db.session.flush()
    return made


def _special_group_model():
    from app.models.codes import SpecialGroup

    return SpecialGroup


def _household_district(region6, local_districts, rng):
    if region6 in local_districts:
        return local_districts[region6]
    if region6 in ("320202", "320203", "320204"):  # merged into 梁溪区 in 2015
        return local_districts["320213"]
    if region6 == "320200":
        return rng.choice(list(local_districts.values()))
    return None  # household registered outside the city


def _users(offices: dict[str, Office]) -> int:
    sm = appbuilder.sm
    made = 0
    for username, role_name, display, link in DEMO_USERS:
        if sm.find_user(username=username):
            continue
        role = sm.find_role(role_name)
        user = sm.add_user(username=username, first_name=display, last_name="(演示)",
                           email=f"{username}@demo.beian.local", role=role,
                           password=DEMO_PASSWORD, commit=False)
        if link == "unit":
            district = offices["320213"].region
            user.unit = db.session.scalar(
                select(Unit).where(Unit.district_id == district.id,
                                   Unit.status == UnitStatus.ACTIVE).order_by(Unit.id))
        elif link == "person":
            user.person = db.session.scalar(
                select(Person).where(Person.district_id.is_not(None)).order_by(Person.id))
        elif link:
            user.office = offices[link]
        made += 1
    db.session.flush()
    return made
