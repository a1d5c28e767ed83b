"""The restore drill (docs/backup.md): a seeded PostgreSQL database is dumped with
`pg_dump -Fc`, restored with `pg_restore` into a new database, and the app started on the copy
is ready, lets a user log in and sees every row the original had."""

from __future__ import annotations

import pytest

from tests.system.pg_support import (
    database_url,
    environment,
    flask,
    postgres_databases,
    postgres_or_skip,
    row_counts,
    run,
    start_app,
)

pytestmark = pytest.mark.slow

MAIN_TABLES = ("region", "office", "unit", "person", "filing", "ab_user", "ab_role",
               "audit_log", "alembic_version")


def test_a_dump_restores_into_a_new_database_the_app_can_serve(tmp_path):
    postgres_or_skip("pg_dump", "pg_restore")
    with postgres_databases("beian_drill", 2) as (original, restored):
        env = environment(tmp_path, database_url(original), BEIAN_DEMO_MODE="1")
        flask(env, "db", "upgrade")
        flask(env, "beian", "init")
        flask(env, "beian", "demo", "--units", "10", "--persons", "100", "--hires", "20")
        before = row_counts(database_url(original))
        assert all(before[name] > 0 for name in MAIN_TABLES), before

        dump = tmp_path / "beian.dump"
        run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), "-d", database_url(original)])
        run(["pg_restore", "--no-owner", "--exit-on-error", "-d", database_url(restored),
             str(dump)])

        assert row_counts(database_url(restored)) == before  # every row came back

        env = environment(tmp_path, database_url(restored))
        started = start_app(env, username="district")
        assert started["readyz"] == 200, started["ready"]
        assert started["login"] == 302 and "/login" not in (started["location"] or "")
        assert started["after"] == 200
        after_login = row_counts(database_url(restored))
        # Serving it changed nothing but the login's own audit entry (and the user's last login).
        assert {k: v for k, v in after_login.items() if v != before[k]} == {
            "audit_log": before["audit_log"] + 1}
