"""Beian settings. Every value can be overridden by an environment variable of the same name
(or, for the database, DATABASE_URL). Secrets never live in this file."""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("BEIAN_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once into instance/secret_key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'beian.db'}"
    # psycopg 3 is the PostgreSQL driver; accept the bare scheme too.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    APP_NAME = "用工登记备案平台"
    APP_ICON = "/static/img/beian-logo.svg"
    APP_THEME = ""
    SECRET_KEY = _secret_key()
    BEIAN_ENV = os.environ.get("BEIAN_ENV", "development")
    DEMO_MODE = _env_bool("BEIAN_DEMO_MODE", BEIAN_ENV != "production")

    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)

    # Flask-AppBuilder: Alembic alone creates tables; roles/permissions synced by `flask beian init`.
    FAB_UPDATE_PERMS = False
    FAB_CREATE_DB = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.BeianSecurityManager"
    FAB_INDEX_VIEW = "app.views.home.BeianIndexView"
    FAB_ADD_SECURITY_API = False
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    AUTH_RATE_LIMITED = _env_bool("AUTH_RATE_LIMITED", True)
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 5 minute")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_VALIDATOR = "app.security.password_complexity"
    FAB_SAFE_REDIRECT_HOSTS = [h for h in os.environ.get("FAB_SAFE_REDIRECT_HOSTS",
                                                        "127.0.0.1,localhost").split(",") if h]
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", BEIAN_ENV == "production")

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")
    LANGUAGES = {
        "zh": {"flag": "cn", "name": "中文"},
        "en": {"flag": "gb", "name": "English"},
    }

    # REST API (/api/v1, app.api): API keys per unit or staff JWT, never the browser session.
    # FAB_ADD_SECURITY_API stays False (no user/role CRUD over the API); FAB's JWT login
    # /api/v1/security/login is registered regardless. app.api serves /api/v1/_openapi itself
    # (public, also in production); Swagger UI only outside production.
    FAB_ADD_OPENAPI_VIEWS = False
    FAB_ADD_MENU_API = False  # FAB's /api/v1/menu/ takes the browser session: not wanted here
    FAB_API_SWAGGER_UI = BEIAN_ENV != "production"
    JWT_TOKEN_LOCATION = ["headers"]
    JWT_ACCESS_TOKEN_EXPIRES = datetime.timedelta(minutes=_env_int("JWT_ACCESS_MINUTES", 30))
    BEIAN_API_MAX_BODY_BYTES = _env_int("BEIAN_API_MAX_BODY_BYTES", 4 * 1024 * 1024)
    BEIAN_API_RATE_LIMITED = _env_bool("BEIAN_API_RATE_LIMITED", True)
    BEIAN_API_RATE_LIMIT = os.environ.get("BEIAN_API_RATE_LIMIT", "600 per minute")

    # Bulk filing (spreadsheet uploads and API batches).
    BEIAN_BULK_MAX_ROWS = _env_int("BEIAN_BULK_MAX_ROWS", 20_000)
    BEIAN_BULK_MAX_BYTES = _env_int("BEIAN_BULK_MAX_BYTES", 10 * 1024 * 1024)

    # Paging defaults for big tables.
    FAB_API_MAX_PAGE_SIZE = 100
    PAGE_SIZE = 20

    # Domain settings (RULES.md policy choices of the city).
    BEIAN_MIN_WORKING_AGE = _env_int("BEIAN_MIN_WORKING_AGE", 16)
    BEIAN_HIRE_DEADLINE_DAYS = _env_int("BEIAN_HIRE_DEADLINE_DAYS", 30)
    BEIAN_TERMINATION_DEADLINE_DAYS = _env_int("BEIAN_TERMINATION_DEADLINE_DAYS", 15)
    BEIAN_MASS_TERMINATION_WINDOW_DAYS = _env_int("BEIAN_MASS_TERMINATION_WINDOW_DAYS", 30)
    BEIAN_MASS_TERMINATION_PERCENT = _env_int("BEIAN_MASS_TERMINATION_PERCENT", 10)
    BEIAN_MASS_TERMINATION_PEOPLE = _env_int("BEIAN_MASS_TERMINATION_PEOPLE", 20)
    BEIAN_PT_MAX_HOURS_DAY = _env_int("BEIAN_PT_MAX_HOURS_DAY", 4)
    BEIAN_PT_MAX_HOURS_WEEK = _env_int("BEIAN_PT_MAX_HOURS_WEEK", 24)


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    AUTH_RATE_LIMITED = False
    DEMO_MODE = True
