"""Staff directory sign-in (目录登录): who signs in through the city's LDAP directory, and with
which role and office a directory user works on the platform. Pure: the directory's answer and
the offices come in as plain values.

>>> mapping = parse_role_groups("cn=beian-city,ou=groups,dc=wuxi,dc=gov=CityStaff")
>>> role_for(["CN=Beian-City, OU=groups, DC=wuxi, DC=gov"], mapping)
'CityStaff'
>>> office_for(["320213"], [OfficeRef(7, "梁溪区人力资源服务中心", "320213")])
7
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.errors import Forbidden, define
from app.domain.roles import ROLE_ADMIN, ROLE_EMPLOYER, ROLE_INDIVIDUAL, STAFF_ROLES

# Roles a directory group may give. Administrators stay local accounts: a directory outage
# never locks them out, and the directory cannot make one.
DIRECTORY_ROLES = STAFF_ROLES

DIRECTORY_NO_OFFICE = define(
    "DIRECTORY_NO_OFFICE", Forbidden, "您的目录账户未关联经办机构，请联系管理员。",
    "Your directory account is not linked to an office; ask the administrator.")
DIRECTORY_NO_ROLE = define(
    "DIRECTORY_NO_ROLE", Forbidden, "您的目录账户未加入本平台的任何角色组，请联系管理员。",
    "Your directory account is in none of the platform's role groups; ask the administrator.")
DIRECTORY_INACTIVE = define(
    "DIRECTORY_INACTIVE", Forbidden, "您的账户已被停用，请联系管理员。",
    "Your account is deactivated; ask the administrator.")
DIRECTORY_UNAVAILABLE = define(
    "DIRECTORY_UNAVAILABLE", Forbidden, "暂时无法连接统一身份目录，请稍后再试或联系管理员。",
    "The directory cannot be reached; try again later or ask the administrator.")

# Local accounts by kind: employers and individuals keep their own passwords; administrators
# are local too.
KIND_EMPLOYER, KIND_INDIVIDUAL, KIND_ADMIN, KIND_STAFF = "employer", "individual", "admin", "staff"
LOCAL_KINDS = (KIND_EMPLOYER, KIND_INDIVIDUAL, KIND_ADMIN)


@dataclass(frozen=True)
class DirectoryEntry:
    """What the directory says of a user who gave the right password."""

    dn: str
    username: str
    name: str = ""
    email: str = ""
    office_values: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfficeRef:
    """An office as the mapping sees it: its name, and the code of the region it serves."""

    id: int
    name: str
    region_code: str


@dataclass(frozen=True)
class Placement:
    role: str
    office_id: int


# -- which accounts ask the directory ----------------------------------------------------------

def account_kind(role_names: Iterable[str], *, has_unit: bool, has_person: bool) -> str:
    """The kind of a local account: employer, individual, admin or staff."""
    roles = set(role_names)
    if has_unit or ROLE_EMPLOYER in roles:
        return KIND_EMPLOYER
    if has_person or ROLE_INDIVIDUAL in roles:
        return KIND_INDIVIDUAL
    if ROLE_ADMIN in roles:
        return KIND_ADMIN
    return KIND_STAFF


def asks_directory(username: str, local_kind: str | None, staff_pattern: str = "") -> bool:
    """Whether a sign-in is checked against the directory: never for a local employer,
    individual or administrator account; otherwise for every username, or (with a staff
    pattern) for the usernames that match it.

    >>> asks_directory("zhangsan", None), asks_directory("employer", KIND_EMPLOYER)
    (True, False)
    >>> asks_directory("91320213MA1", None, r"[a-z][a-z0-9.]*")
    False
    """
    if not username or local_kind in LOCAL_KINDS:
        return False
    if staff_pattern:
        return re.fullmatch(staff_pattern, username) is not None
    return True


# -- group → role ------------------------------------------------------------------------------

def normalise_dn(dn: str) -> str:
    """A DN compared the way directories compare them: case and spaces around , and = ignored.

    >>> normalise_dn(" CN=Beian-City , OU=Groups,dc=wuxi ")
    'cn=beian-city,ou=groups,dc=wuxi'
    """
    parts = []
    for rdn in dn.split(","):
        attr, _, value = rdn.partition("=")
        parts.append(f"{attr.strip().lower()}={value.strip().lower()}")
    return ",".join(parts)


def parse_role_groups(text: str) -> tuple[tuple[str, str], ...]:
    """BEIAN_LDAP_ROLE_GROUPS ("group DN=Role;group DN=Role;…") as (normalised DN, role) pairs,
    in the order given (the first group a user is in decides). ValueError says what is wrong.

    >>> parse_role_groups("cn=a,dc=x=CityStaff; cn=b,dc=x = StreetStaff")
    (('cn=a,dc=x', 'CityStaff'), ('cn=b,dc=x', 'StreetStaff'))
    """
    pairs = []
    for item in (part.strip() for part in (text or "").split(";")):
        if not item:
            continue
        dn, sep, role = item.rpartition("=")
        dn, role = dn.strip(), role.strip()
        if not sep or "=" not in dn:
            raise ValueError(f"BEIAN_LDAP_ROLE_GROUPS: {item!r} is not 'group DN=Role'")
        if role not in DIRECTORY_ROLES:
            raise ValueError(f"BEIAN_LDAP_ROLE_GROUPS: {role!r} is not one of "
                             f"{', '.join(DIRECTORY_ROLES)}")
        pairs.append((normalise_dn(dn), role))
    return tuple(pairs)


def role_for(groups: Iterable[str], mapping: Sequence[tuple[str, str]]) -> str | None:
    """The role of the first mapped group the user is in (None: in no mapped group)."""
    mine = {normalise_dn(g) for g in groups if g}
    return next((role for dn, role in mapping if dn in mine), None)


# -- attribute → office ------------------------------------------------------------------------

def office_for(values: Iterable[str], offices: Sequence[OfficeRef]) -> int | None:
    """The office a directory attribute names: an office's exact name, or the region code of
    the one office serving that region (a code two offices share names neither). The first
    value that names an office decides.

    >>> offices = [OfficeRef(1, "无锡市公共就业服务中心", "320200"),
    ...            OfficeRef(2, "梁溪区人力资源服务中心", "320213")]
    >>> office_for(["研发部", " 梁溪区人力资源服务中心 "], offices), office_for(["320200"], offices)
    (2, 1)
    """
    by_name = {o.name.strip(): o.id for o in offices}
    by_code: dict[str, list[int]] = {}
    for office in offices:
        by_code.setdefault(office.region_code.strip(), []).append(office.id)
    for value in (v.strip() for v in values if v):
        if value in by_name:
            return by_name[value]
        if len(by_code.get(value, ())) == 1:
            return by_code[value][0]
    return None


def placement(entry: DirectoryEntry, mapping: Sequence[tuple[str, str]],
              offices: Sequence[OfficeRef]) -> Placement:
    """The role and office a directory user works with; refused without either."""
    office_id = office_for(entry.office_values, offices)
    if office_id is None:
        raise DIRECTORY_NO_OFFICE()
    role = role_for(entry.groups, mapping)
    if role is None:
        raise DIRECTORY_NO_ROLE()
    return Placement(role=role, office_id=office_id)


def fallback_email(username: str) -> str:
    """The e-mail of a directory user whose entry has none (FAB needs a unique one)."""
    return f"{username}@directory.invalid"
