"""Use cases of the api capability: API keys (create, shown once, revoke, authenticate) and the
unit's API service account the keys act as.

Hooks the app calls (see app/features.py): scheduled_jobs, register_commands, seed, seed_demo.

A key belongs to one unit and acts as that unit's API service account — an Employer user of the
unit (username ``api.<credit code>``, no usable password), created with the unit's first key. So
``Actor.of(user)`` and ``jurisdiction_of(user)`` work unchanged: a key sees exactly what the unit's
employer sees in the portal, and filings it submits show that account as their submitter."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from flask import current_app
from sqlalchemy import delete, select, update

from app.domain.errors import DomainError
from app.domain.roles import ROLE_EMPLOYER
from app.extensions import appbuilder, db
from app.models.api import ApiKey, IdempotencyRecord
from app.models.units import Unit
from app.models.users import BeianUser
from app.queries.jurisdiction import Jurisdiction
from app.services.audit import record
from app.services.transaction import begin_write

KEY_PREFIX = "bk_"
# A key is "bk_" + 43 URL-safe characters (32 random bytes).
KEY_LENGTH = len(KEY_PREFIX) + 43
SHOWN_PREFIX = 11  # "bk_" + 8 characters
MAX_NAME = 100
# last_used_at is written at most this often per key: a read must not cost a write each time.
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)
IDEMPOTENCY_KEEP = datetime.timedelta(days=7)


def now() -> datetime.datetime:
    return datetime.datetime.now()


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def looks_like_key(token: str | None) -> bool:
    return bool(token) and token.startswith(KEY_PREFIX)


def _error(code: str, zh: str, en: str, field: str | None = None) -> DomainError:
    return DomainError(code, zh, en, field=field)


# --------------------------------------------------------------------------------------------
# The unit's API service account
# --------------------------------------------------------------------------------------------

def service_username(unit: Unit) -> str:
    return f"api.{unit.credit_code.lower()}"


def service_user(unit: Unit) -> BeianUser:
    """The unit's API service account, created on first use (inside the caller's transaction)."""
    username = service_username(unit)
    user = db.session.scalar(select(BeianUser).where(BeianUser.username == username))
    if user is not None:
        return user
    from werkzeug.security import generate_password_hash

    role = appbuilder.sm.find_role(ROLE_EMPLOYER)
    user = BeianUser(
        username=username, first_name="系统对接", last_name=unit.name[:64],
        email=f"{username}@api.beian.invalid", active=True, unit_id=unit.id,
        # Nobody knows this password: the account is reached only through the unit's keys.
        password=generate_password_hash(secrets.token_urlsafe(32)),
        roles=[role] if role is not None else [])
    db.session.add(user)
    db.session.flush()
    record("user", user.id, "create", after={"username": username, "unit_id": unit.id},
           reason="单位接口服务账户")
    return user


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------

def _unit_for_keys(actor_user, unit_id) -> Unit:
    """An employer manages its own unit's keys; an administrator any unit's."""
    from app.services.filings import Actor

    unit = db.session.get(Unit, unit_id) if unit_id else None
    actor = Actor.of(actor_user)
    if unit is None or not (actor.is_admin or (actor.jurisdiction.scope == "unit"
                                               and actor.jurisdiction.unit_id == unit.id)):
        raise _error("UNIT_OUT_OF_JURISDICTION", "只能为本单位创建或撤销接口密钥。",
                     "You may manage API keys of your own unit only.", "unit")
    return unit


def create_key(actor_user, unit_id: int, name: str,
               expires_at: datetime.datetime | None = None) -> tuple[ApiKey, str]:
    """Create a key for a unit; returns (key record, the key itself — shown once, never
    stored). Commits."""
    name = (name or "").strip()
    if not name:
        raise _error("FIELD_REQUIRED", "请填写密钥名称（例如对接的系统名称“工资系统”）。",
                     "A name is required.", "name")
    if len(name) > MAX_NAME:
        raise _error("FIELD_TOO_LONG", f"密钥名称不能超过 {MAX_NAME} 个字。",
                     f"The name is longer than {MAX_NAME} characters.", "name")
    if expires_at is not None and expires_at <= now():
        raise _error("EXPIRY_IN_PAST", "有效期须晚于当前时间。请选择一个将来的日期，或留空表示长期有效。",
                     "The expiry must be in the future.", "expires_at")
    begin_write()
    try:
        unit = _unit_for_keys(actor_user, unit_id)
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(unit_id=unit.id, user_id=service_user(unit).id, name=name,
                     prefix=raw[:SHOWN_PREFIX], key_hash=hash_key(raw),
                     created_by_id=getattr(actor_user, "id", None), created_at=now(),
                     expires_at=expires_at)
        db.session.add(key)
        db.session.flush()
        record("api_key", key.id, "create", user=actor_user,
               after={"unit_id": unit.id, "name": name, "prefix": key.prefix,
                      "expires_at": expires_at.isoformat() if expires_at else None})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return key, raw


def revoke_key(actor_user, key_id: int) -> ApiKey:
    """Revoke a key (at once: the next request with it gets 401). Commits."""
    begin_write()
    try:
        key = db.session.get(ApiKey, key_id) if key_id else None
        if key is None:
            raise _error("API_KEY_NOT_FOUND", "未找到该接口密钥。", "API key not found.", "key")
        _unit_for_keys(actor_user, key.unit_id)
        if key.revoked_at is None:
            key.revoked_at = now()
            key.revoked_by_id = getattr(actor_user, "id", None)
            record("api_key", key.id, "revoke", user=actor_user,
                   after={"unit_id": key.unit_id, "prefix": key.prefix})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
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
    db.session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=at))
    db.session.commit()


def key_jurisdiction(key: ApiKey) -> Jurisdiction:
    return Jurisdiction("unit", unit_id=key.unit_id)


def settings_max_body() -> int:
    return int(current_app.config.get("BEIAN_API_MAX_BODY_BYTES", 4 * 1024 * 1024))


# --------------------------------------------------------------------------------------------
# Hooks
# --------------------------------------------------------------------------------------------

def prune_idempotency(keep: datetime.timedelta = IDEMPOTENCY_KEEP) -> dict:
    """Forget Idempotency-Key records older than a week (a client retries within minutes)."""
    begin_write()
    result = db.session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.created_at < now() - keep))
    db.session.commit()
    return {"idempotency_pruned": result.rowcount or 0}


def scheduled_jobs(app) -> tuple:
    """Jobs for the scheduler process (app.jobs.Job instances)."""
    from app.jobs import Job

    return (Job("api-prune-idempotency", prune_idempotency, 3600),)


def register_commands(beian_group) -> None:
    """Add `flask beian ...` subcommands: `flask beian api-key create|revoke|list`."""
    import click
    from flask.cli import AppGroup

    group = AppGroup("api-key", help="REST API keys of units (接口密钥).")

    def admin():
        user = appbuilder.sm.find_user(username="admin")
        if user is None:
            raise click.ClickException("no admin user")
        return user

    @group.command("create")
    @click.option("--unit", "credit_code", required=True, help="The unit's credit code.")
    @click.option("--name", required=True, help="What the key is for (e.g. 工资系统).")
    @click.option("--admin", "admin_name", default="admin", help="Acting administrator.")
    def create_command(credit_code, name, admin_name) -> None:
        """Create a key for a unit and print it (shown once)."""
        unit = db.session.scalar(select(Unit).where(Unit.credit_code == credit_code.upper()))
        if unit is None:
            raise click.ClickException(f"no unit with credit code {credit_code}")
        actor = appbuilder.sm.find_user(username=admin_name) or admin()
        _, raw = create_key(actor, unit.id, name)
        click.echo(raw)

    @group.command("revoke")
    @click.argument("key_id", type=int)
    def revoke_command(key_id) -> None:
        """Revoke a key by its id."""
        revoke_key(admin(), key_id)
        click.echo(f"revoked {key_id}")

    @group.command("list")
    @click.option("--unit", "credit_code", required=True)
    def list_command(credit_code) -> None:
        unit = db.session.scalar(select(Unit).where(Unit.credit_code == credit_code.upper()))
        if unit is None:
            raise click.ClickException(f"no unit with credit code {credit_code}")
        for key in keys_of_unit(unit.id):
            click.echo(f"{key.id}\t{key.prefix}…\t{key.name}\t{key.state}\t"
                       f"last used {key.last_used_at or '-'}")

    beian_group.add_command(group)


def seed() -> dict:
    """Reference data, idempotent (run by `flask beian init`): none."""
    return {}


def seed_demo() -> dict:
    """Demo data for the demo city, idempotent (run by `flask beian demo`): none — keys are
    created by the employer in the portal and shown once."""
    return {}
