"""`flask beian demo`: the demo city, its "1+3" services and barometer, and generated history
(demo mode only)."""

from __future__ import annotations

import time

import click
from flask import current_app


def register(beian_group) -> None:
    @beian_group.command("demo")
    @click.option("--units", default=300, show_default=True)
    @click.option("--persons", default=5000, show_default=True)
    @click.option("--hires", default=200, show_default=True,
                  help="Recent hires filed through the service (only on a city without filings)")
    @click.option("--filings", default=0, show_default=True,
                  help="Add this many historical filings over several years (statistics volume)")
    @click.option("--history-once", is_flag=True,
                  help="Add the --filings only to a city that has no generated history yet")
    def demo_command(units: int, persons: int, hires: int, filings: int,
                     history_once: bool) -> None:
        """Build the demo city (idempotent). Refused outside demo mode."""
        if not current_app.config.get("DEMO_MODE"):
            raise click.ClickException("演示数据只能在演示模式下生成（BEIAN_DEMO_MODE=1）。")
        from app.demo import build_demo
        from app.demo.city import DEMO_PASSWORD, DEMO_USERS
        from app.demo.stats import generate_demo_filings, has_demo_history

        started = time.perf_counter()
        result = build_demo(units=units, persons=persons, hires=hires)
        click.echo(f"demo city: {result} in {time.perf_counter() - started:.1f}s")
        if filings and history_once and has_demo_history():
            click.echo("historical filings: already generated")
        elif filings:
            started = time.perf_counter()
            added = generate_demo_filings(filings)
            click.echo(f"historical filings: {added} in {time.perf_counter() - started:.1f}s")
        if result["users"]:
            click.echo("demo logins (password " + DEMO_PASSWORD + "): "
                       + ", ".join(u[0] for u in DEMO_USERS))
