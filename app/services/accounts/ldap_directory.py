"""The city's LDAP directory, asked the way FAB's AUTH_LDAP asks it (search as the service
account, then bind as the user): whether a username and password are a directory user's, and
what the directory says of them. python-ldap (requirements-ldap.txt) is imported only here, and
only when a directory is configured."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.directory import DirectoryEntry, parse_role_groups, role_for

log = logging.getLogger(__name__)

MISSING_LIBRARY = ("BEIAN_LDAP_SERVER is set but python-ldap is not installed: "
                   "pip install -r requirements-ldap.txt (needs libldap2-dev and libsasl2-dev)")


class DirectoryUnavailable(RuntimeError):
    """The directory cannot answer (python-ldap missing, server down, service account refused)."""


@dataclass(frozen=True)
class DirectorySettings:
    server: str
    use_tls: bool = False
    ca_cert_file: str = ""
    bind_user: str = ""
    bind_password: str = ""
    search: str = ""
    search_filter: str = ""
    uid_field: str = "uid"
    name_field: str = "cn"
    email_field: str = "mail"
    office_field: str = "departmentNumber"
    group_field: str = "memberOf"
    role_groups: tuple[tuple[str, str], ...] = ()
    staff_pattern: str = ""
    timeout: int = 5

    @classmethod
    def from_config(cls, config: Mapping) -> DirectorySettings | None:
        """The directory's settings, or None when BEIAN_LDAP_SERVER is empty."""
        if not config.get("BEIAN_LDAP_SERVER"):
            return None
        text = {name: str(config.get(f"BEIAN_LDAP_{name.upper()}") or "") for name in (
            "search", "search_filter", "uid_field", "name_field", "email_field",
            "office_field", "group_field", "staff_pattern", "bind_user", "bind_password")}
        return cls(server=config["BEIAN_LDAP_SERVER"],
                   use_tls=bool(config.get("BEIAN_LDAP_USE_TLS")),
                   ca_cert_file=str(config.get("BEIAN_LDAP_TLS_CACERTFILE") or ""),
                   role_groups=parse_role_groups(config.get("BEIAN_LDAP_ROLE_GROUPS") or ""),
                   timeout=int(config.get("BEIAN_LDAP_TIMEOUT") or 5), **text)


def ldap_module():
    try:
        import ldap
    except ImportError:
        raise DirectoryUnavailable(MISSING_LIBRARY) from None
    return ldap


def library_installed() -> bool:
    try:
        ldap_module()
    except DirectoryUnavailable:
        return False
    return True


@dataclass(frozen=True)
class Answer:
    """known: the directory has this user; entry: set when the password was also right."""

    known: bool
    entry: DirectoryEntry | None = None


def authenticate(settings: DirectorySettings, username: str, password: str) -> Answer:
    """Ask the directory. An empty password is refused before any bind (an LDAP bind with an
    empty password is an anonymous bind, which succeeds)."""
    ldap = ldap_module()
    con = _connect(ldap, settings)
    try:
        if settings.bind_user:
            con.simple_bind_s(settings.bind_user, settings.bind_password)
        found = _search(ldap, con, settings, username)
        if found is None:
            return Answer(known=False)
        dn, attrs = found
        groups = _groups(ldap, con, settings, dn, username, attrs)
        if not password or not _bind(ldap, con, dn, password):
            return Answer(known=True)
        return Answer(known=True, entry=DirectoryEntry(
            dn=dn, username=_first(attrs, settings.uid_field) or username,
            name=_first(attrs, settings.name_field),
            email=_first(attrs, settings.email_field),
            office_values=tuple(_values(attrs, settings.office_field)), groups=groups))
    except ldap.LDAPError as exc:
        log.error("directory %s: %s", settings.server, _describe(exc))
        raise DirectoryUnavailable(_describe(exc)) from None
    finally:
        try:
            con.unbind_s()
        except ldap.LDAPError:
            pass


def probe(settings: DirectorySettings) -> tuple[bool, str]:
    """(reachable, detail): connect, bind as the service account and read the search base
    (`flask beian check-config`)."""
    try:
        ldap = ldap_module()
        con = _connect(ldap, settings)
        try:
            if settings.bind_user:
                con.simple_bind_s(settings.bind_user, settings.bind_password)
            con.search_s(settings.search, ldap.SCOPE_BASE, "(objectClass=*)", ["1.1"])
        finally:
            con.unbind_s()
    except DirectoryUnavailable as exc:
        return False, str(exc)
    except ldap.LDAPError as exc:
        return False, f"{settings.server}: {_describe(exc)}"
    return True, f"{settings.server}: bound, {settings.search} found"


def _connect(ldap, settings: DirectorySettings):
    con = ldap.initialize(settings.server)
    con.set_option(ldap.OPT_REFERRALS, 0)
    con.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    con.set_option(ldap.OPT_NETWORK_TIMEOUT, settings.timeout)
    con.set_option(ldap.OPT_TIMEOUT, settings.timeout)
    if settings.ca_cert_file:
        con.set_option(ldap.OPT_X_TLS_CACERTFILE, settings.ca_cert_file)
        con.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        con.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    if settings.use_tls:
        con.start_tls_s()
    return con


def _search(ldap, con, settings: DirectorySettings, username: str):
    """(dn, attributes) of the one entry with this username, or None."""
    from ldap.filter import escape_filter_chars

    match = f"({settings.uid_field}={escape_filter_chars(username)})"
    query = f"(&{settings.search_filter}{match})" if settings.search_filter else match
    fields = [f for f in (settings.uid_field, settings.name_field, settings.email_field,
                          settings.office_field, settings.group_field) if f]
    found = [(dn, attrs) for dn, attrs in con.search_s(settings.search, ldap.SCOPE_SUBTREE,
                                                        query, fields)
             if dn is not None and isinstance(attrs, dict)]
    if len(found) != 1:
        if found:
            log.error("directory search %s under %s found %d entries", query, settings.search,
                      len(found))
        return None
    return found[0]


def _groups(ldap, con, settings: DirectorySettings, dn: str, username: str,
            attrs: dict) -> tuple[str, ...]:
    """The user's groups: the group attribute (memberOf) when it names a mapped group, else the
    mapped groups (groupOfNames, groupOfUniqueNames, posixGroup) that list the user."""
    from ldap.filter import escape_filter_chars

    listed = tuple(_values(attrs, settings.group_field)) if settings.group_field else ()
    if role_for(listed, settings.role_groups) is not None:
        return listed
    member = escape_filter_chars(dn)
    query = (f"(|(member={member})(uniqueMember={member})"
             f"(memberUid={escape_filter_chars(username)}))")
    found = []
    for group_dn, _role in settings.role_groups:
        try:
            if con.search_s(group_dn, ldap.SCOPE_BASE, query, ["1.1"]):
                found.append(group_dn)
        except ldap.NO_SUCH_OBJECT:
            log.warning("directory group %s (BEIAN_LDAP_ROLE_GROUPS) does not exist", group_dn)
    return listed + tuple(found)


def _bind(ldap, con, dn: str, password: str) -> bool:
    try:
        con.simple_bind_s(dn, password)
        return True
    except ldap.INVALID_CREDENTIALS:
        return False


def _values(attrs: dict, field: str) -> list[str]:
    """An attribute's values as text (attribute names compare without case, as in LDAP)."""
    raw = next((v for k, v in attrs.items() if k.lower() == field.lower()), None) or []
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in raw if v]


def _first(attrs: dict, field: str) -> str:
    values = _values(attrs, field)
    return values[0].strip() if values else ""


def _describe(exc) -> str:
    info = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    return " ".join(str(info.get(k, "")) for k in ("desc", "info") if info.get(k)) or repr(exc)
