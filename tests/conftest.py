"""Test fixtures: a real database (a SQLite file, or a throwaway PostgreSQL database when
TEST_DATABASE_URL is set) built by the Alembic migrations, the code lists, the roles, a small
demo city and known records inside and outside each demo user's jurisdiction.

The database is built once per session and kept as a template; every test that uses the app
starts from a fresh copy of it (`_fresh_database`), so no test sees another's leftovers. A
module whose tests share costly records builds them once with `snapshot(name, build)`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
import uuid
from pathlib import Path

import pytest

from app.domain.identifiers import make_citizen_id, make_credit_code

# The tests' own "today" (datetime.date.today()) is the city's, as the app's is (BEIAN_TIMEZONE,
# Asia/Shanghai by default): the process runs in the city's zone. tests/test_timezone.py moves it.
os.environ["TZ"] = "Asia/Shanghai"
time.tzset()

PASSWORD = "Beian@2026demo"
TEMPLATE = "template"
RESTORE_TIMINGS: list[float] = []  # seconds per restore, reported at the end


class SqliteDatabase:
    """The test database as a SQLite file; snapshots are checkpointed copies beside it."""

    def __init__(self, folder: Path):
        self.path = folder / "beian-test.db"
        self.url = f"sqlite:///{self.path}"

    def _snapshot(self, name: str) -> Path:
        return self.path.with_name(f"{self.path.stem}.{name}.snapshot")

    def has(self, name: str) -> bool:
        return self._snapshot(name).exists()

    def save(self, name: str) -> None:
        with sqlite3.connect(self.path) as conn:  # fold the WAL into the file
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        shutil.copyfile(self.path, self._snapshot(name))

    def restore(self, name: str) -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        scratch = self.path.with_suffix(".restoring")
        shutil.copyfile(self._snapshot(name), scratch)
        os.replace(scratch, self.path)  # a new file: a stray old connection cannot corrupt it

    def drop(self) -> None:
        pass  # tmp_path_factory cleans up


class PostgresDatabase:
    """A throwaway PostgreSQL database next to TEST_DATABASE_URL's; snapshots are template
    databases (CREATE DATABASE … TEMPLATE …)."""

    def __init__(self, base_url: str):
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1)
                       if base_url.startswith("postgresql://") else base_url)
        self.name = f"beian_test_{uuid.uuid4().hex[:10]}"
        self.url = url.set(database=self.name).render_as_string(hide_password=False)
        admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.admin = psycopg.connect(admin_dsn, autocommit=True)
        self.snapshots: set[str] = set()
        self._sql(f'CREATE DATABASE "{self.name}"')

    def _sql(self, statement: str) -> None:
        self.admin.execute(statement)

    def _snapshot(self, name: str) -> str:
        return f"{self.name}_{name}"

    def _disconnect_others(self) -> None:
        self.admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (self.name,))

    def has(self, name: str) -> bool:
        return name in self.snapshots

    def save(self, name: str) -> None:
        self._disconnect_others()
        self._sql(f'DROP DATABASE IF EXISTS "{self._snapshot(name)}"')
        self._sql(f'CREATE DATABASE "{self._snapshot(name)}" TEMPLATE "{self.name}"')
        self.snapshots.add(name)

    def restore(self, name: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._sql(f'CREATE DATABASE "{self.name}" TEMPLATE "{self._snapshot(name)}"')

    def drop(self) -> None:
        for name in [self.name, *map(self._snapshot, self.snapshots)]:
            self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.close()


@pytest.fixture(scope="session")
def test_database(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    database = PostgresDatabase(base) if base else SqliteDatabase(tmp_path_factory.mktemp("db"))
    yield database
    database.drop()


@pytest.fixture(scope="session")
def database_url(test_database):
    return test_database.url


class Restorer:
    """Puts the test database back to a saved state: the engine's connections are closed first
    (they would point at the replaced database), then the snapshot is copied over it."""

    def __init__(self, app, database):
        self.app, self.database = app, database
        self.values: dict[str, object] = {}

    def _release(self) -> None:
        from app.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def save(self, name: str) -> None:
        self._release()
        self.database.save(name)

    def restore(self, name: str = TEMPLATE) -> None:
        started = time.perf_counter()
        self._release()
        self.database.restore(name)
        RESTORE_TIMINGS.append(time.perf_counter() - started)

    def snapshot(self, name: str, build):
        """The value of `build()` run once on a fresh database; later calls restore the database
        as `build` left it and return the same value (keep it plain data: ids, strings)."""
        if self.database.has(name):
            self.restore(name)
            return self.values[name]
        value = self.values[name] = build()
        self.save(name)
        return value


@pytest.fixture(scope="session")
def app(test_database, tmp_path_factory):
    os.environ.setdefault("BEIAN_INSTANCE_DIR", str(tmp_path_factory.mktemp("instance")))
    from app import create_app
    from config import TestConfig

    config = type("SessionTestConfig", (TestConfig,),
                  {"SQLALCHEMY_DATABASE_URI": test_database.url})
    application = create_app(config)
    with application.app_context():
        from flask_migrate import upgrade

        from app.cli.admin import seed_reference_data
        from app.demo.city import build_demo_city
        from app.extensions import db

        upgrade()
        seed_reference_data()  # what `flask beian init` seeds
        build_demo_city(units=40, persons=200)
        _known_records()
        db.session.remove()
    application.extensions["beian_test_restorer"] = restorer = Restorer(application,
                                                                        test_database)
    restorer.save(TEMPLATE)
    from tests import factories

    factories.app = application
    yield application
    restorer._release()


def _restorer(app) -> Restorer:
    return app.extensions["beian_test_restorer"]


@pytest.fixture(autouse=True)
def _fresh_database(request):
    """Every test that uses the app starts from the session's template database."""
    if "app" in request.fixturenames:
        _restorer(request.getfixturevalue("app")).restore()


@pytest.fixture
def snapshot(app):
    """snapshot("name", build) → build()'s value; the database as build left it (built once)."""
    return _restorer(app).snapshot


def pytest_terminal_summary(terminalreporter, config):
    timings = RESTORE_TIMINGS
    if timings:
        terminalreporter.write_line(
            f"database restores: {len(timings)}, "
            f"mean {1000 * sum(timings) / len(timings):.1f} ms, "
            f"total {sum(timings):.1f} s")


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
