"""Test fixtures: a real database (a SQLite file, or a throwaway PostgreSQL database when
TEST_DATABASE_URL is set) built by the Alembic migrations, the code lists, the roles, a small
demo city and known records inside and outside each demo user's jurisdiction."""

from __future__ import annotations

import os
import uuid

import pytest

from app.domain.identifiers import make_citizen_id, make_credit_code

PASSWORD = "Beian@2026demo"


def _postgres_database(base_url: str):
    """Create a fresh database next to TEST_DATABASE_URL's; return (url, drop)."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1)
                   if base_url.startswith("postgresql://") else base_url)
    name = f"beian_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url, drop = _postgres_database(base)
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'beian-test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ.setdefault("BEIAN_INSTANCE_DIR", str(tmp_path_factory.mktemp("instance")))
    from app import create_app
    from config import TestConfig

    config = type("SessionTestConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url})
    application = create_app(config)
    with application.app_context():
        from flask_migrate import upgrade

        from app.demo.city import build_demo_city
        from app.extensions import appbuilder, db
        from app.features import features
        from app.services.seed import seed_code_lists

        upgrade()
        seed_code_lists()
        appbuilder.sm.sync_roles()
        for feature in features():  # what `flask beian init` seeds
            feature.seed()
        build_demo_city(units=40, persons=200)
        _known_records()
        db.session.remove()
    yield application
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def _region(code):
    from sqlalchemy import select

    from app.extensions import db
    from app.models.org import Region

    return db.session.scalar(select(Region).where(Region.code == code))


KNOWN = {
    # The employer demo user's unit, in 梁溪区 崇安寺街道 (inside district/street jurisdiction).
    "unit_in": make_credit_code("91320213" + "MA1KNWN01"),
    # A unit in 滨湖区 (outside 梁溪区 and its streets, and not the employer's).
    "unit_out": make_credit_code("91320211" + "MA1KNWN02"),
    # A pending unit in 梁溪区 广益街道: inside the district, outside the 崇安寺 street office.
    "unit_pending_in": make_credit_code("91320213" + "MA1KNWN03"),
    "unit_pending_out": make_credit_code("91320211" + "MA1KNWN04"),
}


def _known_records():
    from sqlalchemy import select

    from app.extensions import appbuilder, db
    from app.models.people import Person
    from app.models.units import Unit, UnitStatus

    lx, bh = _region("320213"), _region("320211")
    caj, gy, ly = _region("320213001"), _region("320213002"), _region("320211001")

    def unit(code, name, district, street, status):
        u = Unit(name=name, credit_code=code, employer_type_code="10",
                 industry_division_code="39", industry_section_code="C",
                 ownership_type_code="173", district_id=district.id, street_id=street.id,
                 address="测试路1号", contact_name="张三", contact_phone="13800000000",
                 headcount=100, status=status)
        db.session.add(u)
        return u

    unit_in = unit(KNOWN["unit_in"], "无锡测试内单位有限公司", lx, caj, UnitStatus.ACTIVE)
    unit(KNOWN["unit_out"], "无锡测试外单位有限公司", bh, ly, UnitStatus.ACTIVE)
    unit(KNOWN["unit_pending_in"], "无锡测试待审内单位有限公司", lx, gy, UnitStatus.PENDING)
    unit(KNOWN["unit_pending_out"], "无锡测试待审外单位有限公司", bh, ly, UnitStatus.PENDING)
    import datetime

    def person(number, name, district, street):
        db.session.add(Person(name=name, citizen_id=number, sex="M",
                              birth_date=datetime.date(1990, 1, 1), phone="13900000000",
                              household_region_code="320213", district_id=district.id,
                              street_id=street.id))

    KNOWN["person_in"] = make_citizen_id("320213", datetime.date(1990, 1, 1), 11)
    KNOWN["person_out"] = make_citizen_id("320211", datetime.date(1990, 1, 1), 13)
    person(KNOWN["person_in"], "测试内", lx, caj)
    person(KNOWN["person_out"], "测试外", bh, ly)
    db.session.flush()
    employer = appbuilder.sm.find_user(username="employer")
    employer.unit_id = unit_in.id
    worker = appbuilder.sm.find_user(username="worker")
    worker.person_id = db.session.scalar(
        select(Person.id).where(Person.citizen_id == KNOWN["person_in"]))
    db.session.commit()


@pytest.fixture
def db_session(app):
    from app.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()


def pk_of(model, **where):
    from sqlalchemy import select

    from app.extensions import db

    stmt = select(model.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


@pytest.fixture
def known(app):
    from app.models.people import Person
    from app.models.units import Unit

    with app.app_context():
        return {
            "unit_in": pk_of(Unit, credit_code=KNOWN["unit_in"]),
            "unit_out": pk_of(Unit, credit_code=KNOWN["unit_out"]),
            "unit_pending_in": pk_of(Unit, credit_code=KNOWN["unit_pending_in"]),
            "unit_pending_out": pk_of(Unit, credit_code=KNOWN["unit_pending_out"]),
            "person_in": pk_of(Person, citizen_id=KNOWN["person_in"]),
            "person_out": pk_of(Person, citizen_id=KNOWN["person_out"]),
            **{f"code_{k}": v for k, v in KNOWN.items()},
        }


def login(client, username, password=PASSWORD):
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, f"login of {username} failed"
    return client


@pytest.fixture
def client_for(app):
    """client_for("district") → a test client logged in as that demo user."""
    def make(username):
        return login(app.test_client(), username)

    return make
