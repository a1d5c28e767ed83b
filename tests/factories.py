"""Test data made in one place: units, persons, users, employments and filings. Units and
filings go through the real services (register_unit, the filing service) as a user would make
them; `unit_row` and `user` write rows where tests inserted rows. Call inside an app context;
`unit_row` and `user` (which return plain values) push the session app's context if none is."""

from __future__ import annotations

import datetime
import functools
import itertools

from sqlalchemy import select

from app.domain.identifiers import make_citizen_id, make_credit_code

TODAY = datetime.date.today()
FAR = TODAY + datetime.timedelta(days=3 * 365)
PASSWORD = "Beian@2026demo"
# One counter per kind of number for the whole session: a number is never made twice, even
# in a database restored from a snapshot taken earlier.
_units = itertools.count(1)
_people = itertools.count(1)
_users = itertools.count(1)
app = None  # the session's app (tests/conftest.py sets it)


def _in_app_context(make):
    @functools.wraps(make)
    def run(*args, **kwargs):
        from flask import has_app_context

        if has_app_context():
            return make(*args, **kwargs)
        with app.app_context():
            return make(*args, **kwargs)

    return run


def region_id(code: str) -> int:
    from app.extensions import db
    from app.models.org import Region

    return db.session.scalar(select(Region.id).where(Region.code == code))


def actor(username: str, *, via=None):
    """The demo user `username` as the Actor of a use case (via: the channel, e.g. BULK)."""
    from app.extensions import appbuilder
    from app.services.actor import Actor

    return Actor.of(appbuilder.sm.find_user(username=username), via=via)


def credit_code(district: str = "320213") -> str:
    """A fresh, valid unified social credit code registered in `district`."""
    return make_credit_code(f"91{district}FT{next(_units):07d}")


def citizen_id(region: str = "320213", birth: datetime.date | None = None) -> str:
    """A fresh, valid ID number of an adult of working age born in `region` (birth dates
    spread over 1975–1999 unless given; unique for 9,000 numbers)."""
    n = next(_people)
    birth = birth or datetime.date(1975, 1, 1) + datetime.timedelta(days=(n * 37) % 9_000)
    return make_citizen_id(region, birth, n % 1000)


def _unit_fields(district, street, name, headcount, fields) -> dict:
    district = district or street[:6]  # a street's code starts with its district's
    return {"name": name or f"测试单位{next(_units)}有限公司",
            "credit_code": credit_code(district), "employer_type_code": "10",
            "industry_division_code": "39", "ownership_type_code": "173",
            "district_id": region_id(district), "street_id": region_id(street),
            "headcount": headcount, **fields}


def unit(district: str | None = None, street: str = "320213001", *, name: str | None = None,
         headcount: int = 100, **fields):
    """An active unit registered through the unit service (in `street`'s district unless
    said otherwise); the Unit."""
    from app.models.units import UnitStatus
    from app.services.units import register_unit

    return register_unit(_unit_fields(district, street, name, headcount, fields),
                         status=UnitStatus.ACTIVE)


@_in_app_context
def unit_row(district: str | None = None, street: str = "320213001", *,
             name: str | None = None, headcount: int = 50, **fields) -> int:
    """An active unit written as a plain row (no service, no audit) and committed; its id."""
    from app.extensions import db
    from app.models.units import Unit, UnitStatus
    from app.services.transaction import transaction

    data = {"industry_section_code": "C", "address": "测试路1号", "contact_name": "李四",
            "contact_phone": "13800000001", "status": UnitStatus.ACTIVE,
            **_unit_fields(district, street, name, headcount, fields)}
    with transaction():
        row = Unit(**data)
        db.session.add(row)
        db.session.flush()
    return row.id


@_in_app_context
def user(role: str, *, unit_id: int | None = None, person_id: int | None = None,
         office_id: int | None = None, username: str | None = None,
         password: str = PASSWORD) -> str:
    """A login with one role (and its unit, person or office); its username."""
    from app.extensions import appbuilder
    from app.services.transaction import transaction

    sm = appbuilder.sm
    username = username or f"t_{role.lower()}_{next(_users)}"
    with transaction():
        made = sm.add_user(username=username, first_name="测试", last_name="",
                           email=f"{username}@example.cn", role=sm.find_role(role),
                           password=password)
        made.unit_id, made.person_id = unit_id, person_id
        if office_id is not None:
            made.office_id = office_id
    return username


def submit_hire(unit, by: str = "city", **fields):
    """A hire filed through the filing service by the demo user `by`; the Outcome.
    `unit` is a Unit or its id; a fixed-term contract runs to FAR unless said otherwise."""
    from app.services import filings as fs

    data = {"unit_id": getattr(unit, "id", unit), "name": "张三", "start_date": TODAY,
            **fields}
    data.setdefault("citizen_id", citizen_id())
    if data.get("contract_type_code", "FIXED") == "FIXED":
        data.setdefault("contract_end", FAR)
    return fs.submit(fs.HireInput(**data), actor(by))


def hire(unit, by: str = "city", **fields):
    """submit_hire(...)'s filing."""
    return submit_hire(unit, by, **fields).filing
