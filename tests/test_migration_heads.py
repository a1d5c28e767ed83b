"""The migrations form one line: exactly one Alembic head (two heads mean two branches that
were merged without a merge migration, and `flask db upgrade` would refuse to run)."""

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_there_is_exactly_one_alembic_head():
    heads = _script().get_heads()
    assert len(heads) == 1, f"several Alembic heads {heads}: add a merge migration"

