"""APScheduler job definitions. Run by the scheduler process only (`flask beian scheduler`):
never by create_app() or a web worker.

Every run of a job first claims a row in `job_claim` (job name + run key; an INSERT that fails on
conflict), so a second scheduler process or a restart inside the same window cannot run it twice.
Rendering additionally claims each document with an atomic UPDATE, so schedulers running side by
side share the queue without rendering a document twice."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

log = logging.getLogger(__name__)

# Generous misfire grace (a scheduler that was down for a while still runs what it missed, once),
# coalesced, never two runs of one job at a time in a process.
JOB_DEFAULTS = {"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1}
RENDER_BATCH = 500  # documents per render run: the next run picks up the rest


def run_key(every_seconds: int, at: datetime.datetime | None = None) -> str:
    """The window a run belongs to: the time floored to the job's interval. Two schedulers
    firing in the same window compute the same key, and only one claim succeeds.

    >>> run_key(60, datetime.datetime(2026, 1, 2, 3, 4, 59))
    '2026-01-02T03:04:00'
    >>> run_key(86400, datetime.datetime(2026, 1, 2, 3, 4, 5))
    '2026-01-02T00:00:00'
    """
    at = at or datetime.datetime.now()
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = int((at - midnight).total_seconds()) // every_seconds * every_seconds
    return (midnight + datetime.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def render_documents(limit: int = RENDER_BATCH) -> dict:
    """Render queued documents (claimed one by one)."""
    from app.services.documents import render_pending

    return render_pending(limit=limit)


def enqueue_documents() -> dict:
    """Enqueue a document for every FILED filing without one, and forget old claim rows."""
    from app.services.documents import enqueue_missing, prune_claims

    return {"enqueued": enqueue_missing(), "claims_pruned": prune_claims()}


@dataclass(frozen=True)
class Job:
    """A scheduled job: every `every_seconds`, or at a cron time (e.g. {"hour": 2} nightly);
    `every_seconds` is also the claim window (86400 for a nightly job: one run per day)."""

    name: str
    func: Callable[[], dict]
    every_seconds: int
    cron: dict | None = None
    misfire_grace_time: int | None = None  # None: JOB_DEFAULTS' hour


def jobs(app: Flask) -> tuple[Job, ...]:
    """Every scheduled job: the document queue's, then each capability's (app.features)."""
    from app.features import features
    from app.services.documents import ENQUEUE_JOB, RENDER_JOB, setting

    with app.app_context():
        render_every = int(setting("BEIAN_RENDER_EVERY_SECONDS", 3))
        enqueue_every = int(setting("BEIAN_ENQUEUE_EVERY_SECONDS", 60))
        extra = tuple(job for feature in features() for job in feature.scheduled_jobs(app))
    return (
        Job(RENDER_JOB, render_documents, render_every),
        Job(ENQUEUE_JOB, enqueue_documents, enqueue_every),
    ) + extra


def run_claimed(app: Flask, job: Job, at: datetime.datetime | None = None) -> dict | None:
    """Run one job once, if this process wins the claim of the current window."""
    from app.extensions import db
    from app.services.documents import claim_run

    with app.app_context():
        try:
            if not claim_run(job.name, run_key(job.every_seconds, at)):
                return None
            result = job.func()
            if any(result.values()):
                log.info("job %s: %s", job.name, result)
            return result
        except Exception:  # a failed run must not kill the scheduler
            log.exception("job %s failed", job.name)
            db.session.rollback()
            return None


def build_scheduler(app: Flask, scheduler_class=None):
    """A scheduler with every job added, not started."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = (scheduler_class or BlockingScheduler)(job_defaults=dict(JOB_DEFAULTS))
    for job in jobs(app):
        if job.cron:
            trigger, first_run = CronTrigger(**job.cron), {}
        else:
            trigger = IntervalTrigger(seconds=job.every_seconds)
            first_run = {"next_run_time": datetime.datetime.now()}
        options = dict(JOB_DEFAULTS)
        if job.misfire_grace_time is not None:
            options["misfire_grace_time"] = job.misfire_grace_time
        scheduler.add_job(run_claimed, trigger, args=(app, job), id=job.name, name=job.name,
                          replace_existing=True, **first_run, **options)
    return scheduler


def run_scheduler(app: Flask) -> None:
    """The scheduler process's main loop (blocks until interrupted)."""
    scheduler = build_scheduler(app)
    log.info("scheduler started with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


# --------------------------------------------------------------------------------------------
# CLI: `flask beian scheduler`, `flask beian documents ...` (registered by app.cli)
# --------------------------------------------------------------------------------------------

def register_commands(beian_group) -> None:
    import click
    from flask import current_app
    from flask.cli import AppGroup

    @beian_group.command("scheduler")
    def scheduler_command() -> None:
        """Run the scheduler process (documents queue; one per deployment is enough, two are
        safe). Blocks until interrupted."""
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # APScheduler logs every run (every few seconds); our jobs log what they did.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
        # A long run (a render backlog) makes APScheduler skip the next firings of that job:
        # expected with max_instances=1, not worth a warning every few seconds.
        scheduler_log = logging.getLogger("apscheduler.scheduler")
        scheduler_log.setLevel(logging.WARNING)
        scheduler_log.addFilter(
            lambda record: "maximum number of running instances" not in record.getMessage())
        app = current_app._get_current_object()
        click.echo("scheduler: jobs " + ", ".join(
            f"{j.name} every {j.every_seconds}s" for j in jobs(app)))
        run_scheduler(app)

    documents = AppGroup("documents", help="Printed forms and receipts (备案表 / 回执).")

    @documents.command("render-pending")
    @click.option("--limit", type=int, default=None, help="Stop after this many documents.")
    def render_pending_command(limit) -> None:
        """Render the queued documents once, then exit (tests, CI, catching up by hand)."""
        from app.services.documents import render_pending

        result = render_pending(limit=limit)
        click.echo(f"rendered: {result['rendered']}, failed: {result['failed']}")

    @documents.command("work")
    @click.option("--processes", type=int, default=2, show_default=True,
                  help="Render worker processes, forked from one warm parent.")
    @click.option("--once", is_flag=True, help="Stop when the queue is empty.")
    @click.option("--limit", type=int, default=None,
                  help="Each worker stops after this many documents.")
    def work_command(processes, once, limit) -> None:
        """Render worker processes for volume (a plant closure's 2,000 forms): they share the
        loaded libraries, font and key with their parent, and the queue with the scheduler."""
        from app.services.document_workers import run_pool

        if processes < 1:
            raise click.BadParameter("至少需要 1 个进程。", param_hint="--processes")
        result = run_pool(current_app._get_current_object(), processes, once=once,
                          limit=limit)
        for figures in result["workers"]:
            click.echo(f"{figures['name']}: rendered {figures['rendered']}, "
                       f"failed {figures['failed']}, peak PSS "
                       f"{figures.get('peak_pss_mb', 0):.0f} MB")

    @documents.command("enqueue-missing")
    def enqueue_missing_command() -> None:
        """Enqueue a document for every filed filing that has none."""
        from app.services.documents import enqueue_missing

        click.echo(f"enqueued: {enqueue_missing(limit=1_000_000)}")

    @documents.command("signing-cert")
    def signing_cert_command() -> None:
        """Print the signing certificate (PEM): the trust root for validating documents."""
        from app.services.documents import signing_material

        click.echo(signing_material()[1].decode("ascii"), nl=False)

    beian_group.add_command(documents)
