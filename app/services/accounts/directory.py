"""Signing a directory user in: their local account is created at the first sign-in and brought
up to date at every one (name, e-mail, role from their groups, office from their attribute).
A directory user without a mapped office or role, or whose local account is deactivated, is
refused: nothing is written but the audited attempt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain import accounts as account_errors
from app.domain.directory import (
    DIRECTORY_INACTIVE,
    DirectoryEntry,
    OfficeRef,
    fallback_email,
    placement,
)
from app.domain.errors import DomainError
from app.extensions import appbuilder, db
from app.models.org import Office
from app.services.actor import Actor
from app.services.audit import record
from app.services.transaction import transaction

NAME_LENGTH = 64


def sign_in(entry: DirectoryEntry, role_groups: Sequence[tuple[str, str]], *, ip: str = ""):
    """The local user of a directory user whose password the directory accepted."""
    actor = replace(Actor.system(), ip=ip or "")
    sm = appbuilder.sm
    try:
        place = placement(entry, role_groups, _office_refs())
        user = sm.find_user(username=entry.username)
        if user is not None and not user.active:
            raise DIRECTORY_INACTIVE()
    except DomainError as refusal:
        with transaction():
            record(actor, "user", entry.username, "directory-refused", reason=refusal.code,
                   after={"username": entry.username, "dn": entry.dn,
                          "office": list(entry.office_values), "groups": list(entry.groups)})
        raise
    with transaction():
        role = sm.find_role(place.role)
        if role is None:
            raise account_errors.ROLE_UNKNOWN(role=place.role)
        office = db.session.get(Office, place.office_id)
        if user is None:
            user = _create(sm, entry, role, office)
            record(actor, "user", user.id, "directory-create",
                   after={"username": user.username, "role": role.name, "office": office.name,
                          "dn": entry.dn})
        else:
            before, after = _update(user, entry, role, office)
            if after:
                record(actor, "user", user.id, "directory-update", before=before, after=after)
    return user


def _office_refs() -> list[OfficeRef]:
    offices = db.session.scalars(select(Office).options(joinedload(Office.region)))
    return [OfficeRef(o.id, o.name, o.region.code if o.region else "") for o in offices]


def _email(sm, entry: DirectoryEntry, user=None) -> str:
    """The entry's e-mail, unless another account has it (FAB keeps e-mails unique)."""
    if entry.email:
        other = sm.find_user(email=entry.email)
        if other is None or other is user:
            return entry.email
    if user is not None and user.email:
        return user.email
    return fallback_email(entry.username)


def _create(sm, entry: DirectoryEntry, role, office):
    """A new local account; its password is a random secret (FAB's default when none is
    given), so the directory stays its only way in."""
    user = sm.add_user(username=entry.username,
                       first_name=(entry.name or entry.username)[:NAME_LENGTH], last_name="",
                       email=_email(sm, entry), role=role, commit=False)
    if not user:
        raise account_errors.USER_EXISTS(username=entry.username)
    user.office = office
    db.session.flush()
    return user


def _update(user, entry: DirectoryEntry, role, office) -> tuple[dict, dict]:
    """Bring a local account in line with the directory; (before, after) of what changed."""
    wanted = {
        "first_name": (entry.name or user.first_name or entry.username)[:NAME_LENGTH],
        "email": _email(appbuilder.sm, entry, user),
        "roles": [role.name],
        "office": office.name,
    }
    current = {
        "first_name": user.first_name,
        "email": user.email,
        "roles": sorted(r.name for r in user.roles),
        "office": user.office.name if user.office else None,
    }
    changed = [k for k in wanted if wanted[k] != current[k]]
    if "first_name" in changed:
        user.first_name = wanted["first_name"]
    if "email" in changed:
        user.email = wanted["email"]
    if "roles" in changed:
        user.roles = [role]
    if "office" in changed:
        user.office = office
    db.session.flush()
    return {k: current[k] for k in changed}, {k: wanted[k] for k in changed}
