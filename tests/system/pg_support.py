"""Helpers of the system tests that run the real commands against real databases: PostgreSQL
databases of a test's own (created and always dropped), `flask --app run …` in a subprocess, a
started app checked through its test client, and row counts of every table."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get("BEIAN_DRILL_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "Beian@2026demo"


def postgres_or_skip(*tools: str) -> None:
    """Skip the test, saying why, when a client tool or the server is missing."""
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install postgresql-client)")
    try:
        import psycopg

        with psycopg.connect(ADMIN_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "no server to drill on"
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL}: {type(exc).__name__}")


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@contextmanager
def postgres_databases(prefix: str, count: int):
    """``count`` new empty databases (their names), dropped at the end whatever happens."""
    names = [f"{prefix}_{uuid.uuid4().hex[:8]}_{i}" for i in range(count)]
    try:
        for name in names:
            _admin(f'CREATE DATABASE "{name}"')
        yield names
    finally:
        for name in names:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(tmp_path: Path, url: str, **extra: str) -> dict:
    """The process environment of a command: this machine's, without Beian settings, plus ours."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BEIAN_", "SECRET_KEY", "DATABASE_URL"))}
    (tmp_path / "instance").mkdir(exist_ok=True)
    env.update({"BEIAN_INSTANCE_DIR": str(tmp_path / "instance"), "DATABASE_URL": url}, **extra)
    return env


def flask(env: dict, *args: str, cwd: Path = ROOT, timeout: int = 600) -> str:
    """Run `flask --app run ARGS` and return its output; fail the test with it on an error."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "run", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def run(command: list[str], timeout: int = 600) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


_STARTED = """
import json, re
from app import create_app
app = create_app()
client = app.test_client()
ready = client.get("/readyz")
page = client.get("/login/").get_data(as_text=True)
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
login = client.post("/login/", data={"username": USERNAME, "password": PASSWORD,
                                     "csrf_token": token.group(1) if token else ""})
after = client.get(login.headers.get("Location") or "/")
print("STARTED" + json.dumps({"readyz": ready.status_code, "ready": ready.get_json(),
                              "login": login.status_code,
                              "location": login.headers.get("Location"),
                              "after": after.status_code}))
"""


def start_app(env: dict, username: str = "admin", password: str = DEMO_PASSWORD) -> dict:
    """Start the app (the real configuration) in a fresh process: /readyz, then a login."""
    code = _STARTED.replace("USERNAME", repr(username)).replace("PASSWORD", repr(password))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert "STARTED" in done.stdout, done.stderr[-4000:]
    return json.loads(done.stdout.split("STARTED", 1)[1])


def row_counts(url: str) -> dict[str, int]:
    """Rows of every table of the database (SQLite or PostgreSQL URL)."""
    from sqlalchemy import create_engine, func, inspect, select, table

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            return {name: conn.scalar(select(func.count()).select_from(table(name)))
                    for name in sorted(names)}
    finally:
        engine.dispose()
