"""Alembic owns every table: a fresh `flask db upgrade` builds exactly what the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_fresh_upgrade_matches_the_models(app):
    from flask_appbuilder import Model

    from app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Model.metadata)
    assert diff == []


def test_fab_tables_are_created_by_the_migration_not_by_fab(app):
    from sqlalchemy import inspect

    from app.extensions import db

    assert app.config["FAB_CREATE_DB"] is False
    assert app.config["FAB_UPDATE_PERMS"] is False
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"ab_user", "ab_role", "ab_permission_view", "alembic_version", "unit",
            "person", "audit_log"} <= tables
