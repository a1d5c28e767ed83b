"""Beian (备案): the online employment-registration filing platform of a city's HR market."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

import config as settings
from app.extensions import appbuilder, csrf, db, migrate


def create_app(config: object | str = "config.Config") -> Flask:
    """Build the web application. Starts no scheduler and syncs no permissions (see cli.py)."""
    app = Flask(__name__, instance_relative_config=False)
    _load_settings(app, config)

    db.init_app(app)
    _configure_sqlite(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)  # before AppBuilder, so its views are protected

    with app.app_context():
        from app import models  # noqa: F401  (register every model on Model.metadata)

        appbuilder.init_app(app, db.session)
        from app.views import register_views

        register_views(appbuilder)
        appbuilder.post_init()

    from app.cli import register_cli
    from app.web import register_web_hooks

    register_cli(app)
    register_web_hooks(app)
    _register_ops(app)
    _connect_listeners()
    return app


def _connect_listeners() -> None:
    """Features listening to the core's signals (app.services.signals); idempotent."""
    from app.services.outreach import listeners as outreach_listeners

    outreach_listeners.connect()


def _load_settings(app: Flask, config: object | str) -> None:
    """Defaults (config.py), then the optional settings file (BEIAN_CONFIG), then the
    environment. A malformed value, or in production a missing secret, key, public address,
    PostgreSQL or shared rate-limit store, stops the start with one line per problem."""
    from app.ops.checks import refuse_to_start_unless_ready

    app.config.from_object(config)
    malformed = list(settings.MALFORMED)
    path = settings.config_file()
    if path:
        try:
            app.config.from_pyfile(path)
        except (OSError, SyntaxError) as exc:
            malformed.append(f"BEIAN_CONFIG={path}: {exc}")
    malformed += settings.apply_environment(app.config)
    refuse_to_start_unless_ready(app.config, malformed)


def _register_ops(app: Flask) -> None:
    """Behind the proxy, health and readiness, metrics, request ids and structured logs."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from app.ops.health import register_health
    from app.ops.logs import configure_logging, register_request_ids
    from app.ops.metrics import register_metrics

    hops = int(app.config["BEIAN_PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops)
    register_request_ids(app)
    register_health(app)
    register_metrics(app)
    if app.config["BEIAN_LOG_FORMAT"] == "json":
        configure_logging(app.config["BEIAN_LOG_LEVEL"], "json")


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


_sqlite_listener_installed = False


def _configure_sqlite(app: Flask) -> None:
    """WAL, foreign keys and a busy timeout for SQLite. We emit BEGIN ourselves so that a write
    use case can ask for BEGIN IMMEDIATE (services.transaction): a write transaction that reads
    first then cannot fail with 'database is locked' when it upgrades to a writer."""
    global _sqlite_listener_installed
    if _sqlite_listener_installed:
        return
    _sqlite_listener_installed = True

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial wiring
        import sqlite3

        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(Engine, "begin")
    def _on_begin(conn):  # pragma: no cover - trivial wiring
        if conn.dialect.name == "sqlite":
            immediate = conn.get_execution_options().get("sqlite_immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
