"""`flask beian ...` commands: init (code lists + roles), demo, create-user."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

beian = AppGroup("beian", help="Beian administration commands.")


@beian.command("init")
def init_command() -> None:
    """Seed code lists and sync roles/permissions (idempotent; run once per deploy)."""
    from app.extensions import appbuilder
    from app.features import features
    from app.services.seed import seed_code_lists

    added = seed_code_lists()
    counts = appbuilder.sm.sync_roles()
    click.echo(f"code lists: {added} new codes; roles synced: "
               + ", ".join(f"{k}={v}" for k, v in counts.items()))
    for feature in features():
        seeded = feature.seed()
        if seeded:
            click.echo(f"{feature.__name__.rsplit('.', 1)[-1]}: {seeded}")


@beian.command("demo")
@click.option("--units", default=300, show_default=True)
@click.option("--persons", default=5000, show_default=True)
@click.option("--hires", default=200, show_default=True,
              help="Recent hires filed through the service (only on a city without filings)")
@click.option("--filings", default=0, show_default=True,
              help="Add this many historical filings over several years (statistics volume)")
@click.option("--history-once", is_flag=True,
              help="Add the --filings only to a city that has no generated history yet")
def demo_command(units: int, persons: int, hires: int, filings: int, history_once: bool) -> None:
    """Build the demo city (idempotent). Refused outside demo mode."""
    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("演示数据只能在演示模式下生成（BEIAN_DEMO_MODE=1）。")
    from app.demo.city import DEMO_PASSWORD, DEMO_USERS, build_demo_city
    from app.demo.stats import generate_demo_filings, has_demo_history
    from app.features import features

    started = time.perf_counter()
    result = build_demo_city(units=units, persons=persons, hires=hires)
    click.echo(f"demo city: {result} in {time.perf_counter() - started:.1f}s")
    for feature in features():
        seeded = feature.seed_demo()
        if seeded:
            click.echo(f"{feature.__name__.rsplit('.', 1)[-1]}: {seeded}")
    if filings and history_once and has_demo_history():
        click.echo("historical filings: already generated")
    elif filings:
        started = time.perf_counter()
        added = generate_demo_filings(filings)
        click.echo(f"historical filings: {added} in {time.perf_counter() - started:.1f}s")
    if result["users"]:
        click.echo("demo logins (password " + DEMO_PASSWORD + "): "
                   + ", ".join(u[0] for u in DEMO_USERS))


@beian.command("create-user")
@click.option("--username", required=True)
@click.option("--name", required=True, help="Display name")
@click.option("--email", required=True)
@click.option("--role", required=True)
@click.option("--office", "office_name", default=None, help="Office name (staff)")
@click.option("--unit-credit-code", default=None, help="Unit credit code (employer users)")
@click.password_option()
def create_user_command(username, name, email, role, office_name, unit_credit_code, password):
    """Create a staff or employer user linked to its office or unit."""
    from sqlalchemy import select

    from app.extensions import appbuilder, db
    from app.models.org import Office
    from app.models.units import Unit
    from app.security import password_complexity

    password_complexity(password)
    sm = appbuilder.sm
    role_obj = sm.find_role(role)
    if role_obj is None:
        raise click.ClickException(f"没有角色 {role}；请先运行 flask beian init。")
    user = sm.add_user(username=username, first_name=name, last_name="", email=email,
                       role=role_obj, password=password, commit=False)
    if not user:
        raise click.ClickException("用户未创建（用户名或邮箱已存在？）")
    if office_name:
        user.office = db.session.scalar(select(Office).where(Office.name == office_name))
        if user.office is None:
            db.session.rollback()
            raise click.ClickException(f"没有名为 {office_name} 的经办机构。")
    if unit_credit_code:
        user.unit = db.session.scalar(select(Unit).where(Unit.credit_code == unit_credit_code))
        if user.unit is None:
            db.session.rollback()
            raise click.ClickException("没有该统一社会信用代码的单位。")
    db.session.commit()
    click.echo(f"user {username} created with role {role}")


# Each capability's commands: a module of this package with `register(beian_group)`.
COMMAND_MODULES = ("app.cli.scheduler", "app.cli.documents", "app.cli.ops", "app.cli.bulk",
                   "app.cli.outreach", "app.cli.stats", "app.cli.api", "app.cli.org")


def register_cli(app: Flask) -> None:
    import importlib

    from app.features import features

    app.cli.add_command(beian)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(beian)
    for feature in features():
        feature.register_commands(beian)
