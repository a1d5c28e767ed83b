"""Use cases of the stats capability (the employment barometer, 就业晴雨表).

Hooks the app calls (see app/features.py): scheduled_jobs, register_commands, seed, seed_demo.
The aggregation itself lives in app.services.stats_build, the dashboard queries in
app.services.stats_queries, service push in app.services.stats_push and the demo generator in
app.services.stats_demo."""

from __future__ import annotations

NIGHTLY_JOB = "stats.nightly"
# A scheduler that was down at 02:30 still runs the night's aggregation when it comes back
# during the following day (once: coalesced, and claimed per day in job_claim).
NIGHTLY_MISFIRE_GRACE = 86400


def nightly_job() -> dict:
    from app.services.stats_build import nightly

    return nightly()


def scheduled_jobs(app) -> tuple:
    """Jobs for the scheduler process (app.jobs.Job instances)."""
    from app.jobs import Job

    return (Job(NIGHTLY_JOB, nightly_job, 86400, cron={"hour": 2, "minute": 30},
                misfire_grace_time=NIGHTLY_MISFIRE_GRACE),)


def register_commands(beian_group) -> None:
    """Add `flask beian stats rebuild|nightly`."""
    import click
    from flask.cli import AppGroup

    stats = AppGroup("stats", help="Employment barometer aggregates (就业晴雨表统计).")

    @stats.command("rebuild")
    def rebuild_command() -> None:
        """Rebuild every aggregate table from the filings (one transaction)."""
        from app.services.stats_build import period_counts, rebuild

        result = rebuild()
        click.echo(f"stats rebuild: {result['rows']} rows, {result['suggestions']} service-push "
                   f"suggestions in {result['seconds']:.1f}s; fact rows by period {period_counts()}")

    @stats.command("nightly")
    def nightly_command() -> None:
        """Recompute the periods touched since the last run (what the scheduler runs at 02:30)."""
        from app.services.stats_build import nightly

        result = nightly()
        click.echo(f"stats {result['kind']}: {result['days']} days recomputed, {result['rows']} "
                   f"rows, {result['suggestions']} suggestions in {result['seconds']:.1f}s")

    beian_group.add_command(stats)


def seed() -> dict:
    """Reference data, idempotent (run by `flask beian init`): none — code lists suffice."""
    return {}


def seed_demo() -> dict:
    """Demo data, idempotent: the aggregates of the demo city, so the dashboards are not empty
    (only when none were built yet)."""
    from app.services.stats_build import last_run, rebuild

    if last_run() is not None:
        return {}
    result = rebuild()
    return {"stats_rows": result["rows"]}


def has_demo_history() -> bool:
    """Has `demo --filings` run on this database already?"""
    from sqlalchemy import select

    from app.extensions import db
    from app.models.filings import Filing
    from app.services.stats_demo import MARKER

    return db.session.scalar(select(Filing.id).where(
        Filing.idempotency_key.like(f"{MARKER}%")).limit(1)) is not None


def generate_demo_filings(count: int, *, rebuild: bool = True) -> int:
    """`flask beian demo --filings N`: N historical filings with realistic seasonality, then a
    full rebuild of the aggregates (the dashboards show them at once)."""
    from app.services import stats_build
    from app.services.stats_demo import generate

    added = generate(count)
    if rebuild and added:
        stats_build.rebuild()
    return added
