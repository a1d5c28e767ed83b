"""The scheduler process: every job added to APScheduler, each run claimed once per window."""

from __future__ import annotations

import datetime
import logging

from flask import Flask

from app import clock
from app.domain.clock import zone as city_zone
from app.jobs import JOB_DEFAULTS, Job, jobs, run_key

log = logging.getLogger(__name__)


def run_claimed(app: Flask, job: Job, at: datetime.datetime | None = None) -> dict | None:
    """Run one job once, if this process wins the claim of the current window."""
    from app.services.claims import claim_run
    from app.services.transaction import discard

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
            discard()
            return None


def build_scheduler(app: Flask, scheduler_class=None):
    """A scheduler with every job added, not started."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    # Cron times (the nightly 02:30) are the city's, whatever the server's zone.
    zone = city_zone(app.config["BEIAN_TIMEZONE"])
    scheduler = (scheduler_class or BlockingScheduler)(job_defaults=dict(JOB_DEFAULTS),
                                                       timezone=zone)
    for job in jobs(app):
        if job.cron:
            trigger, first_run = CronTrigger(**job.cron, timezone=zone), {}
        else:
            trigger = IntervalTrigger(seconds=job.every_seconds, timezone=zone)
            first_run = {"next_run_time": clock.instant()}
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
