"""Liveness and readiness for load balancers and operators: /healthz says the process answers;
/readyz says it can serve (database reachable, migrations at head, Redis reachable when the
rate limits use it). Neither needs a login; neither says more than ok or what is failing."""

from __future__ import annotations

import functools
import time
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from app.extensions import csrf, db

health = Blueprint("health", __name__)
MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


@functools.lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def check_database() -> tuple[bool, str]:
    """The database answers and its schema is at the migrations' head."""
    from alembic.runtime.migration import MigrationContext

    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:  # any driver error means "not ready"
        return False, f"unreachable ({type(exc).__name__})"
    heads = migration_heads()
    if current != heads:
        return False, f"schema at {sorted(current) or 'nothing'}, migrations at {sorted(heads)}"
    return True, "ok"


def check_redis(url: str) -> tuple[bool, str]:
    if not url.startswith(("redis://", "rediss://")):
        return True, "not used"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # any client error means "not ready"
        return False, f"unreachable ({type(exc).__name__})"
    return True, "ok"


def readiness() -> dict[str, tuple[bool, str]]:
    return {"database": check_database(),
            "redis": check_redis(str(current_app.config.get("RATELIMIT_STORAGE_URI") or ""))}


@health.get("/healthz")
def healthz():
    return jsonify(status="ok")


@health.get("/readyz")
def readyz():
    started = time.perf_counter()
    checks = readiness()
    ready = all(ok for ok, _ in checks.values())
    body = {"status": "ok" if ready else "unavailable",
            "checks": {name: detail for name, (_, detail) in checks.items()},
            "ms": round((time.perf_counter() - started) * 1000, 1)}
    return jsonify(body), 200 if ready else 503


def register_health(app: Flask) -> None:
    csrf.exempt(health)
    app.register_blueprint(health)
