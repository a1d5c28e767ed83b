"""Configuration checks: what production needs before it may start, and what
`flask beian check-config` prints (each check with pass or fail)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from app.domain.clock import is_zone


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


class ConfigError(RuntimeError):
    """The app refuses to start; the message is one line per problem."""


def is_production(config: Mapping) -> bool:
    return config.get("BEIAN_ENV") == "production"


def _pem(path: str, marker: str) -> tuple[bool, str]:
    if not path:
        return False, "not set"
    file = Path(path)
    if not file.is_file():
        return False, f"{path} does not exist"
    try:
        head = file.read_bytes()[:4096]
    except OSError as exc:
        return False, f"{path} cannot be read ({exc.strerror})"
    if marker.encode() not in head:
        return False, f"{path} is not a PEM file with {marker}"
    return True, path


def static_checks(config: Mapping, malformed: list[str] = ()) -> list[Check]:
    """Checks that need no server: settings that are set, well-formed and of the right kind."""
    checks = [Check("settings", not malformed, "; ".join(malformed) or "every value readable")]
    production = is_production(config)
    zone = config.get("BEIAN_TIMEZONE") or ""
    checks.append(Check("BEIAN_TIMEZONE", is_zone(zone),
                        zone if is_zone(zone) else f"{zone!r} is not a known time zone "
                        "(an IANA name, e.g. Asia/Shanghai)"))
    secret = config.get("SECRET_KEY") or ""
    checks.append(Check("SECRET_KEY", len(secret) >= 32 or not production,
                        "set" if len(secret) >= 32 else
                        "missing or shorter than 32 characters: set SECRET_KEY, the same on every host"))
    url = config.get("BEIAN_PUBLIC_URL") or ""
    parts = urlsplit(url)
    url_ok = parts.scheme in ("http", "https") and bool(parts.netloc)
    checks.append(Check("BEIAN_PUBLIC_URL", url_ok or not production,
                        url if url_ok else "not set: the address in QR codes and notice links, "
                        "e.g. https://beian.example.gov.cn"))
    for name, marker in (("BEIAN_SIGNING_KEY", "PRIVATE KEY"), ("BEIAN_SIGNING_CERT", "CERTIFICATE")):
        ok, detail = _pem(config.get(name) or "", marker)
        if not ok and not production and not config.get(name):
            ok, detail = True, "not set: a development key is generated into the instance folder"
        checks.append(Check(name, ok, detail))
    database = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    pg = database.startswith("postgresql")
    checks.append(Check("DATABASE_URL", pg or not production,
                        "PostgreSQL" if pg else "SQLite: production needs PostgreSQL "
                        "(DATABASE_URL=postgresql://user@host/beian)"))
    store = str(config.get("RATELIMIT_STORAGE_URI") or "")
    shared = store.startswith(("redis://", "rediss://", "redis+sentinel://"))
    checks.append(Check("RATELIMIT_STORAGE_URI", shared or not production,
                        store if shared else f"{store or 'memory://'}: production needs a shared "
                        "store for rate limits (RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0)"))
    checks.extend(_sms_checks(config))
    checks.append(directory_check(config))
    return checks


SMS_SETTINGS = ("BEIAN_SMS_URL", "BEIAN_SMS_KEY_ID", "BEIAN_SMS_SECRET", "BEIAN_SMS_SIGN_NAME")


def _sms_checks(config: Mapping) -> list[Check]:
    """The SMS gateway's settings, when notices go through it (HttpSmsSender)."""
    if not str(config.get("BEIAN_NOTICE_SENDER") or "").endswith(".HttpSmsSender"):
        return []
    missing = [name for name in SMS_SETTINGS if not config.get(name)]
    url = urlsplit(str(config.get("BEIAN_SMS_URL") or ""))
    if url.scheme not in ("http", "https") or not url.netloc:
        missing = sorted(set(missing) | {"BEIAN_SMS_URL"})
    return [Check("BEIAN_NOTICE_SENDER", not missing,
                  "the SMS gateway is configured" if not missing else
                  f"HttpSmsSender needs {', '.join(missing)} (the gateway's address, key id, "
                  "secret and SMS signature)")]


def directory_check(config: Mapping) -> Check:
    """Staff directory sign-in (docs/directory.md): when BEIAN_LDAP_SERVER is set, python-ldap
    is installed and the search base and role groups are usable. Fails in every environment:
    a half-configured directory would refuse every staff sign-in."""
    import re

    from app.domain.directory import parse_role_groups
    from app.services.accounts.ldap_directory import MISSING_LIBRARY, library_installed

    server = config.get("BEIAN_LDAP_SERVER") or ""
    if not server:
        return Check("BEIAN_LDAP_SERVER", True, "not set: staff sign in with local passwords")
    problems = [] if library_installed() else [MISSING_LIBRARY]
    if not config.get("BEIAN_LDAP_SEARCH"):
        problems.append("BEIAN_LDAP_SEARCH is not set (the base DN staff are searched under)")
    try:
        if not parse_role_groups(config.get("BEIAN_LDAP_ROLE_GROUPS") or ""):
            problems.append("BEIAN_LDAP_ROLE_GROUPS is empty: no directory group gives a role")
    except ValueError as exc:
        problems.append(str(exc))
    try:
        re.compile(config.get("BEIAN_LDAP_STAFF_PATTERN") or "")
    except re.error as exc:
        problems.append(f"BEIAN_LDAP_STAFF_PATTERN is not a regular expression ({exc})")
    return Check("BEIAN_LDAP_SERVER", not problems, "; ".join(problems) or server)


def refuse_to_start_unless_ready(config: Mapping, malformed: list[str]) -> None:
    """Raise ConfigError (one line per problem) when a setting is malformed, or when production
    lacks what it needs."""
    failed = [c for c in static_checks(config, malformed) if not c.ok]
    if failed:
        raise ConfigError("\n".join(c.line() for c in failed))
