"""API keys (接口密钥): create (shown once), revoke, authenticate, and the unit's API service
account the keys act as.

A key belongs to one unit and acts as that unit's API service account — an Employer user of the
unit (username ``api.<credit code>``, no usable password), created with the unit's first key. So
``Actor.of(user)`` and ``jurisdiction_of(user)`` work unchanged: a key sees exactly what the unit's
employer sees in the portal, and filings it submits show that account as their submitter."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from app import clock
from app.domain.api import API_KEY_NOT_FOUND, EXPIRY_IN_PAST, FIELD_TOO_LONG
from app.domain.roles import ROLE_EMPLOYER
from app.domain.shared_errors import FIELD_REQUIRED, UNIT_OUT_OF_JURISDICTION
from app.extensions import appbuilder, db
from app.models.api import ApiKey
from app.models.units import Unit
from app.models.users import BeianUser
from app.queries.jurisdiction import Jurisdiction
from app.services.actor import Actor
from app.services.audit import record
from app.services.transaction import transaction

KEY_PREFIX = "bk_"
# A key is "bk_" + 43 URL-safe characters (32 random bytes).
KEY_LENGTH = len(KEY_PREFIX) + 43
SHOWN_PREFIX = 11  # "bk_" + 8 characters
MAX_NAME = 100
# last_used_at is written at most this often per key: a read must not cost a write each time.
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)


def now() -> datetime.datetime:
    return clock.now()


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def looks_like_key(token: str | None) -> bool:
    return bool(token) and token.startswith(KEY_PREFIX)


# --------------------------------------------------------------------------------------------
# The unit's API service account
# --------------------------------------------------------------------------------------------

def service_username(unit: Unit) -> str:
    return f"api.{unit.credit_code.lower()}"


def service_user(unit: Unit, actor: Actor) -> BeianUser:
    """The unit's API service account, created on first use (inside the caller's transaction)."""
    username = service_username(unit)
    user = db.session.scalar(select(BeianUser).where(BeianUser.username == username))
    if user is not None:
        return user
    role = appbuilder.sm.find_role(ROLE_EMPLOYER)
    user = BeianUser(
        username=username, first_name="系统对接", last_name=unit.name[:64],
        email=f"{username}@api.beian.invalid", active=True, unit_id=unit.id,
        # Nobody knows this password: the account is reached only through the unit's keys.
        password=generate_password_hash(secrets.token_urlsafe(32)),
        roles=[role] if role is not None else [])
    db.session.add(user)
    db.session.flush()
    record(actor, "user", user.id, "create", after={"username": username, "unit_id": unit.id},
           reason="单位接口服务账户")
    return user


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------

def _unit_for_keys(actor: Actor, unit_id) -> Unit:
    """An employer manages its own unit's keys; an administrator any unit's."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not (actor.is_admin or (actor.jurisdiction.scope == "unit"
                                               and actor.jurisdiction.unit_id == unit.id)):
        raise UNIT_OUT_OF_JURISDICTION()
    return unit


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise FIELD_REQUIRED(field="name", label="密钥名称", name="name")
    if len(name) > MAX_NAME:
        raise FIELD_TOO_LONG(field="name", label="密钥名称", name="name", limit=MAX_NAME)
    return name


def create_key(actor: Actor, unit_id: int, name: str,
               expires_at: datetime.datetime | None = None) -> tuple[ApiKey, str]:
    """Create a key for a unit; returns (key record, the key itself — shown once, never
    stored)."""
    name = _checked_name(name)
    if expires_at is not None and expires_at <= now():
        raise EXPIRY_IN_PAST()
    with transaction():
        unit = _unit_for_keys(actor, unit_id)
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(unit_id=unit.id, user_id=service_user(unit, actor).id, name=name,
                     prefix=raw[:SHOWN_PREFIX], key_hash=hash_key(raw),
                     created_by_id=actor.user_id, created_at=now(), expires_at=expires_at)
        db.session.add(key)
        db.session.flush()
        record(actor, "api_key", key.id, "create",
               after={"unit_id": unit.id, "name": name, "prefix": key.prefix,
                      "expires_at": expires_at.isoformat() if expires_at else None})
    return key, raw


def revoke_key(actor: Actor, key_id: int) -> ApiKey:
    """Revoke a key (at once: the next request with it gets 401)."""
    with transaction():
        key = db.session.get(ApiKey, key_id) if key_id else None
        if key is None:
            raise API_KEY_NOT_FOUND()
        _unit_for_keys(actor, key.unit_id)
        if key.revoked_at is None:
            key.revoked_at = now()
            key.revoked_by_id = actor.user_id
            record(actor, "api_key", key.id, "revoke",
                   after={"unit_id": key.unit_id, "prefix": key.prefix})
    return key


def keys_of_unit(unit_id: int) -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).where(ApiKey.unit_id == unit_id)
                                   .order_by(ApiKey.id.desc())))


def authenticate_key(raw: str) -> ApiKey | None:
    """The usable key for a presented key string, else None (unknown, revoked, expired, or its
    service account deactivated). Looks up by hash, so no timing leaks the stored value."""
    if not looks_like_key(raw) or len(raw) > 200:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(raw)))
    at = now()
    if key is None or not key.is_usable(at) or not key.user.is_active:
        return None
    return key


def touch(key: ApiKey) -> None:
    """Record the key's last use (at most once a minute; its own short transaction)."""
    at = now()
    if key.last_used_at is not None and at - key.last_used_at < LAST_USED_RESOLUTION:
        return
    with transaction():
        db.session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=at))


def key_jurisdiction(key: ApiKey) -> Jurisdiction:
    return Jurisdiction("unit", unit_id=key.unit_id)


def settings_max_body() -> int:
    return int(current_app.config["BEIAN_API_MAX_BODY_BYTES"])

