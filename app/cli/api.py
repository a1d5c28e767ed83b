"""`flask beian api-key create|revoke|list`: REST API keys of units (接口密钥)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import appbuilder, db
from app.models.units import Unit
from app.services.actor import Actor


def register(beian_group) -> None:
    beian_group.add_command(_api_keys())


def _admin(username: str = "admin") -> Actor:
    user = appbuilder.sm.find_user(username=username) or appbuilder.sm.find_user(
        username="admin")
    if user is None:
        raise click.ClickException("no admin user")
    return Actor.of(user)


def _unit(credit_code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.credit_code == credit_code.upper()))
    if unit is None:
        raise click.ClickException(f"no unit with credit code {credit_code}")
    return unit


def _api_keys() -> AppGroup:
    from app.services.api.keys import create_key, keys_of_unit, revoke_key

    group = AppGroup("api-key", help="REST API keys of units (接口密钥).")

    @group.command("create")
    @click.option("--unit", "credit_code", required=True, help="The unit's credit code.")
    @click.option("--name", required=True, help="What the key is for (e.g. 工资系统).")
    @click.option("--admin", "admin_name", default="admin", help="Acting administrator.")
    def create_command(credit_code, name, admin_name) -> None:
        """Create a key for a unit and print it (shown once)."""
        _, raw = create_key(_admin(admin_name), _unit(credit_code).id, name)
        click.echo(raw)

    @group.command("revoke")
    @click.argument("key_id", type=int)
    def revoke_command(key_id) -> None:
        """Revoke a key by its id."""
        revoke_key(_admin(), key_id)
        click.echo(f"revoked {key_id}")

    @group.command("list")
    @click.option("--unit", "credit_code", required=True)
    def list_command(credit_code) -> None:
        for key in keys_of_unit(_unit(credit_code).id):
            click.echo(f"{key.id}\t{key.prefix}…\t{key.name}\t{key.state}\t"
                       f"last used {key.last_used_at or '-'}")

    return group
