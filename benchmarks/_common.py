"""Shared set-up for benchmarks: a throwaway database (SQLite file by default, or a fresh
PostgreSQL database next to --database-url), migrated, seeded, with a small demo city."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parser(description: str, default_size: int) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--size", type=int, default=default_size)
    p.add_argument("--database-url", default=None,
                   help="postgresql://user@host/db — a fresh database is created beside it")
    return p


@contextmanager
def throwaway_app(database_url: str | None, *, units=60, persons=500):
    tmp = tempfile.mkdtemp(prefix="beian-bench-")
    os.environ.setdefault("BEIAN_INSTANCE_DIR", tmp)
    drop = None
    if database_url:
        from tests.conftest import _postgres_database

        url, drop = _postgres_database(database_url)
    else:
        url = f"sqlite:///{tmp}/bench-{uuid.uuid4().hex[:6]}.db"
    from app import create_app
    from config import TestConfig

    app = create_app(type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    try:
        with app.app_context():
            from flask_migrate import upgrade

            from app.demo.city import build_demo_city
            from app.extensions import appbuilder
            from app.services.seed import seed_code_lists

            upgrade()
            seed_code_lists()
            appbuilder.sm.sync_roles()
            build_demo_city(units=units, persons=persons)
        yield app
    finally:
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
        if drop:
            drop()


def percentile(values, pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(name: str, values_ms) -> tuple[float, float]:
    median, p95 = statistics.median(values_ms), percentile(values_ms, 95)
    print(f"{name}_median: {median:.2f} ms")
    print(f"{name}_p95: {p95:.2f} ms")
    return median, p95
