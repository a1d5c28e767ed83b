"""Beian settings. Every value can be overridden by an environment variable of the same name
(or, for the database, DATABASE_URL). Secrets never live in this file."""

from __future__ import annotations

import datetime
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
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
    """SECRET_KEY from the environment, else (outside production) generated once into
    instance/secret_key. In production a missing key stays empty and the app refuses to start:
    a key generated per host would make every other host reject the sessions."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if os.environ.get("BEIAN_ENV") == "production":
        return ""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class _InstanceDir:
    """Config.BEIAN_INSTANCE_DIR, read from the environment when the app is created (Flask's
    from_object), not when this module is imported: tests and benchmarks set
    BEIAN_INSTANCE_DIR just before they create their app."""

    def __get__(self, obj, owner=None) -> str:
        return os.environ.get("BEIAN_INSTANCE_DIR") or str(BASE_DIR / "instance")


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
    BEIAN_INSTANCE_DIR = _InstanceDir()  # keys, generated secrets, stored files
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


    # Paging defaults for big tables.
    FAB_API_MAX_PAGE_SIZE = 100
    PAGE_SIZE = 20



# --------------------------------------------------------------------------------------------
# Beian's own settings: each declared once, with its type, default and meaning. Services read
# them from current_app.config only; the environment variable of the same name overrides.
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: object
    meaning: str
    valid: Callable[[object], bool] | None = None  # a further check of a parsed value

    def from_environment(self):
        raw = os.environ.get(self.name)
        if raw is None or raw == "":
            return self.default
        return self.parse(raw)

    def parse(self, raw: str):
        """The value of a text (environment) setting; MalformedSetting says what is wrong."""
        text = raw.strip()
        if self.type is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off"}:
                return False
            raise MalformedSetting(f"{self.name}={raw!r}: expected true/false (1/0, yes/no)")
        try:
            value = self.type(text)
        except ValueError:
            value = None
        if value is None or (self.valid is not None and not self.valid(value)):
            raise MalformedSetting(
                f"{self.name}={raw!r}: expected {self.type.__name__} ({self.meaning})")
        return value


def is_time_zone(name) -> bool:
    """An IANA time-zone name this machine knows (Asia/Shanghai, Europe/Berlin…)."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class MalformedSetting(ValueError):
    """A setting's text cannot be read as its type."""


# Settings whose environment variable could not be read: reported at start-up, one line each.
MALFORMED: list[str] = []


def _from_environment(setting: Setting):
    try:
        return setting.from_environment()
    except MalformedSetting as exc:
        MALFORMED.append(str(exc))
        return setting.default


MiB = 1024 * 1024
SETTINGS: tuple[Setting, ...] = (
    # Documents (printed forms and receipts).
    Setting("BEIAN_PUBLIC_URL", str, "", "the platform's public address, used in QR codes and links"),
    Setting("BEIAN_AGENCY_NAME", str, "", "the agency's name on forms (default: the handling office's)"),
    Setting("BEIAN_SIGN_DOCUMENTS", bool, True, "sign every PDF (PAdES)"),
    Setting("BEIAN_SIGNING_KEY", str, "", "path of the signing key (PEM); a development key is made when empty"),
    Setting("BEIAN_SIGNING_CERT", str, "", "path of the signing certificate (PEM)"),
    Setting("BEIAN_SIGNING_KEY_PASSWORD", str, "", "password of the signing key, if any"),
    Setting("BEIAN_SIGNATURE_BYTES", int, 8192, "bytes reserved in a PDF for its signature"),
    Setting("BEIAN_DOCUMENT_FULL_ID", bool, False, "print the full ID number on forms (masked otherwise)"),
    Setting("BEIAN_DOCUMENT_BACKFILL_DAYS", int, 30, "the safety net renders missing forms of this many days back"),
    Setting("BEIAN_RENDER_EVERY_SECONDS", int, 3, "how often the scheduler renders the document queue"),
    Setting("BEIAN_ENQUEUE_EVERY_SECONDS", int, 60, "how often the scheduler enqueues missing documents"),
    Setting("BEIAN_VERIFY_RATE_LIMIT", str, "30 per minute", "requests per client on the public verify page"),
    # Individuals and notices.
    Setting("BEIAN_IDENTITY_VERIFIER", str, "app.services.individuals.verification.BuiltInVerifier",
            "class that verifies a person's identity"),
    Setting("BEIAN_NOTICE_SENDER", str, "app.services.notices.senders.OutboxOnlySender",
            "class that sends SMS/WeChat notices"),
    Setting("BEIAN_NOTICE_EVERY_SECONDS", int, 10, "how often the scheduler delivers the notice outbox"),
    Setting("BEIAN_NOTICE_RETRY_BASE_SECONDS", int, 30, "wait after a failed notice: this × 2^(attempts-1)"),
    Setting("BEIAN_NOTICE_MAX_ATTEMPTS", int, 6, "attempts before a notice is marked failed"),
    Setting("BEIAN_NOTICE_LEASE_SECONDS", int, 120, "a notice sending longer than this is taken over"),
    Setting("BEIAN_SMS_URL", str, "", "the SMS gateway's address (HttpSmsSender)"),
    Setting("BEIAN_SMS_KEY_ID", str, "", "the SMS gateway key id (X-Beian-Key-Id header)"),
    Setting("BEIAN_SMS_SECRET", str, "", "the SMS gateway secret: HMAC-SHA256 key of each request"),
    Setting("BEIAN_SMS_SIGN_NAME", str, "", "the SMS signature text, e.g. 【无锡人社】"),
    Setting("BEIAN_SMS_TIMEOUT_SECONDS", float, 5.0, "how long a request to the SMS gateway may take"),
    Setting("BEIAN_ATTACHMENT_MAX_BYTES", int, 5 * MiB, "largest attachment or proof accepted"),
    # REST API.
    Setting("BEIAN_API_MAX_BODY_BYTES", int, 4 * MiB, "largest API request body"),
    Setting("BEIAN_API_RATE_LIMITED", bool, True, "limit API requests per key"),
    Setting("BEIAN_API_RATE_LIMIT", str, "600 per minute", "API requests allowed per key"),
    # Bulk filing (spreadsheet uploads and API batches).
    Setting("BEIAN_BULK_MAX_ROWS", int, 20_000, "most rows in one bulk batch"),
    Setting("BEIAN_BULK_MAX_BYTES", int, 10 * MiB, "largest bulk upload"),
    Setting("BEIAN_BULK_EVERY_SECONDS", int, 2, "how often the scheduler processes queued batches"),
    # Outreach and statistics.
    Setting("BEIAN_EVENT_REMINDER_EVERY_SECONDS", int, 3600, "how often event reminders are sent"),
    Setting("BEIAN_STATS_FULL_EVERY_DAYS", int, 7, "days between full rebuilds of the statistics"),
    Setting("BEIAN_PUSH_MIN_EVENTS", int, 5, "service push: fewest filings in a quarter for a surge"),
    Setting("BEIAN_PUSH_SURGE_FACTOR", float, 2.0, "service push: a surge is this many times the usual quarter"),
    Setting("BEIAN_PUSH_TURNOVER_RATIO", float, 0.5, "service push: high turnover share of the workforce"),
    Setting("BEIAN_PUSH_SHRINK_QUARTERS", int, 2, "service push: consecutive shrinking quarters"),
    Setting("BEIAN_PUSH_SHRINK_RATIO", float, 0.2, "service push: total shrink share of the workforce"),
    Setting("BEIAN_PUSH_EMPLOYER_SHARE", float, 0.5, "service push: employer-decided terminations share"),
    Setting("BEIAN_PUSH_GRADUATE_SHARE", float, 0.3, "service push: graduate hires share"),
    # Operations.
    Setting("BEIAN_PROXY_HOPS", int, 0, "reverse proxies in front of the app (nginx: 1); their X-Forwarded-* headers are trusted"),
    Setting("BEIAN_LOG_FORMAT", str, "text", "log lines as text or json"),
    Setting("BEIAN_LOG_LEVEL", str, "INFO", "the least severe log level written"),
    Setting("BEIAN_METRICS_ALLOW", str, "127.0.0.1/32,::1/128", "networks whose clients may read /metrics"),
    Setting("BEIAN_METRICS_CACHE_SECONDS", int, 30, "how long /metrics reuses the platform's figures"),
    Setting("PROMETHEUS_MULTIPROC_DIR", str, "", "a directory the gunicorn workers share their metrics through"),
    Setting("BEIAN_TIMEZONE", str, "Asia/Shanghai",
            "the city's time zone (IANA name): every today, deadline, period and scheduled time",
            is_time_zone),
    Setting("BEIAN_LEASE_SECONDS", int, 60,
            "a worker's lease on a batch, render or job run; a dead worker's work is taken over after it"),
    # Staff directory sign-in (LDAP, docs/directory.md; needs requirements-ldap.txt).
    Setting("BEIAN_LDAP_SERVER", str, "", "the directory staff sign in with (ldap://host:389 or ldaps://…); empty: local passwords only"),
    Setting("BEIAN_LDAP_USE_TLS", bool, False, "StartTLS on an ldap:// connection"),
    Setting("BEIAN_LDAP_TLS_CACERTFILE", str, "", "CA certificate (PEM) the directory's certificate is checked against"),
    Setting("BEIAN_LDAP_BIND_USER", str, "", "DN of the service account that searches the directory (empty: anonymous)"),
    Setting("BEIAN_LDAP_BIND_PASSWORD", str, "", "password of the service account"),
    Setting("BEIAN_LDAP_SEARCH", str, "", "base DN under which staff entries are searched"),
    Setting("BEIAN_LDAP_SEARCH_FILTER", str, "", "extra LDAP filter a staff entry must match, e.g. (objectClass=inetOrgPerson)"),
    Setting("BEIAN_LDAP_UID_FIELD", str, "uid", "attribute holding the login name"),
    Setting("BEIAN_LDAP_NAME_FIELD", str, "cn", "attribute holding the display name"),
    Setting("BEIAN_LDAP_EMAIL_FIELD", str, "mail", "attribute holding the e-mail address"),
    Setting("BEIAN_LDAP_OFFICE_FIELD", str, "departmentNumber", "attribute naming the office: its name or its region code"),
    Setting("BEIAN_LDAP_GROUP_FIELD", str, "memberOf", "attribute listing the user's groups (else the mapped groups are searched)"),
    Setting("BEIAN_LDAP_ROLE_GROUPS", str, "", "group DN=role pairs, ';'-separated; the first group a user is in decides"),
    Setting("BEIAN_LDAP_STAFF_PATTERN", str, "", "regular expression: only matching usernames ask the directory (empty: all but local accounts)"),
    Setting("BEIAN_LDAP_TIMEOUT", int, 5, "seconds to wait for the directory"),
    # Filing rules (RULES.md policy choices of the city).
    Setting("BEIAN_MIN_WORKING_AGE", int, 16, "minimum age at the start of a hire"),
    Setting("BEIAN_HIRE_DEADLINE_DAYS", int, 30, "days after the start date to file a hire"),
    Setting("BEIAN_TERMINATION_DEADLINE_DAYS", int, 15, "days after the end date to file a termination"),
    Setting("BEIAN_MASS_TERMINATION_WINDOW_DAYS", int, 30, "window of the mass-termination rule"),
    Setting("BEIAN_MASS_TERMINATION_PERCENT", int, 10, "share of the workforce that makes a mass termination"),
    Setting("BEIAN_MASS_TERMINATION_PEOPLE", int, 20, "people that make a mass termination in any unit"),
    Setting("BEIAN_PT_MAX_HOURS_DAY", int, 4, "part-time: most hours a day"),
    Setting("BEIAN_PT_MAX_HOURS_WEEK", int, 24, "part-time: most hours a week"),
)

for _setting in SETTINGS:
    setattr(Config, _setting.name, _from_environment(_setting))

# Settings whose environment variable is read again when an app is created (not only when this
# module is imported), so a process can set them before create_app().
LATE_ENVIRONMENT = ("RATELIMIT_STORAGE_URI",)


def apply_environment(mapping) -> list[str]:
    """Apply the environment to an app's config (every declared setting, and LATE_ENVIRONMENT);
    returns one line per malformed value (the default is kept for it)."""
    problems = []
    for setting in SETTINGS:
        if os.environ.get(setting.name) not in (None, ""):
            try:
                mapping[setting.name] = setting.from_environment()
            except MalformedSetting as exc:
                problems.append(str(exc))
    for name in LATE_ENVIRONMENT:
        if os.environ.get(name):
            mapping[name] = os.environ[name]
    return problems


def config_file() -> str | None:
    """An optional Python file of settings (like superset_config.py): BEIAN_CONFIG=/etc/beian/config.py.
    Its UPPER-CASE names override the defaults; the environment overrides the file."""
    return os.environ.get("BEIAN_CONFIG") or None


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    AUTH_RATE_LIMITED = False
    DEMO_MODE = True
