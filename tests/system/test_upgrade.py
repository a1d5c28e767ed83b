"""An upgrade from the previous release (docs/upgrade.md): a database built and seeded by the
previous release's code (its migrations, `beian init`, its demo) is upgraded with this code's
migrations; every row is still there, and the app on it is ready and lets a user log in.
On SQLite and on PostgreSQL (skipped when no server answers)."""

from __future__ import annotations

import io
import subprocess
import tarfile

import pytest

from tests.system.pg_support import (
    ROOT,
    database_url,
    environment,
    flask,
    postgres_databases,
    postgres_or_skip,
    row_counts,
    start_app,
)

pytestmark = pytest.mark.slow

# The release this one upgrades from, and its last migration. Move both on at each release.
PREVIOUS_RELEASE = "96ba005"
PREVIOUS_HEAD = "0010_bulk_approval"
# Their rows must come through the upgrade unchanged, column by column.
KEPT = ("region", "office", "unit", "person", "filing", "ab_user")


def _previous_release(into):
    """The previous release's files (git archive of its commit), or skip saying why."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE],
                                 capture_output=True, timeout=120, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"the previous release {PREVIOUS_RELEASE} is not in this clone's history "
                    f"(a shallow clone? fetch it): {exc}")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: refuse odd members
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)
    return into


def _rows(url: str) -> dict[str, list]:
    """Every row of the kept tables, ordered by id."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            columns = {t: [c["name"] for c in inspect(conn).get_columns(t)] for t in KEPT}
            return {t: [tuple(r) for r in conn.execute(text(
                f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY id"))] for t in KEPT}
    finally:
        engine.dispose()


def _version(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()


def _current_heads() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return set(ScriptDirectory.from_config(config).get_heads())


def _upgrade_from_the_previous_release(tmp_path, url: str) -> None:
    previous = _previous_release(tmp_path / "previous")
    env = environment(tmp_path, url, BEIAN_DEMO_MODE="1")
    flask(env, "db", "upgrade", cwd=previous)
    flask(env, "beian", "init", cwd=previous)
    flask(env, "beian", "demo", "--units", "10", "--persons", "60", "--hires", "10",
          cwd=previous)
    before_counts, before_rows = row_counts(url), _rows(url)
    assert _version(url) == PREVIOUS_HEAD
    assert all(before_rows[t] for t in KEPT), "the previous release's demo made no data"

    env = environment(tmp_path, url)
    flask(env, "db", "upgrade")
    flask(env, "beian", "init")
    after_counts = row_counts(url)
    assert _rows(url) == before_rows
    lost = {t: (n, after_counts.get(t)) for t, n in before_counts.items()
            if t not in {"alembic_version"} and after_counts.get(t, -1) < n}
    assert lost == {}, f"rows lost in the upgrade: {lost}"
    assert {_version(url)} == _current_heads()
    started = start_app(env, username="district")
    assert started["readyz"] == 200, started["ready"]
    assert started["login"] == 302 and started["after"] == 200


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_upgrade_from_the_previous_release(tmp_path, engine):
    if engine == "sqlite":
        _upgrade_from_the_previous_release(tmp_path, f"sqlite:///{tmp_path / 'beian.db'}")
        return
    postgres_or_skip()
    with postgres_databases("beian_upgrade", 1) as (name,):
        _upgrade_from_the_previous_release(tmp_path, database_url(name))


def test_the_previous_release_ends_at_its_known_migration():
    """PREVIOUS_HEAD is a migration this code still has, on the path to head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    script = ScriptDirectory.from_config(config)
    path = {rev.revision for rev in script.iterate_revisions("heads", "base")}
    assert PREVIOUS_HEAD in path
