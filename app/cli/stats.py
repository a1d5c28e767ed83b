"""`flask beian stats rebuild|nightly`: the barometer's aggregates by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup


def register(beian_group) -> None:
    beian_group.add_command(_stats())


def _stats() -> AppGroup:
    stats = AppGroup("stats", help="Employment barometer aggregates (就业晴雨表统计).")

    @stats.command("rebuild")
    def rebuild_command() -> None:
        """Rebuild every aggregate table from the filings (one transaction)."""
        from app.services.stats.build import period_counts, rebuild

        result = rebuild()
        click.echo(f"stats rebuild: {result['rows']} rows, {result['suggestions']} service-push "
                   f"suggestions in {result['seconds']:.1f}s; fact rows by period {period_counts()}")

    @stats.command("nightly")
    def nightly_command() -> None:
        """Recompute the periods touched since the last run (what the scheduler runs at 02:30)."""
        from app.services.stats.build import nightly

        result = nightly()
        click.echo(f"stats {result['kind']}: {result['days']} days recomputed, {result['rows']} "
                   f"rows, {result['suggestions']} suggestions in {result['seconds']:.1f}s")

    return stats
