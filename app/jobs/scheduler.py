"""The scheduler process: every job added to APScheduler, each run claimed once per window."""

from __future__ import annotations

import datetime
import logging

from flask import Flask

from app import clock
from app.domain.clock import zone as city_zone
from app.jobs import JOB_DEFAULTS, Job, jobs, run_key

log = logging.getLogger(__name__)

RECOVER_JOB = "jobs.recover"


def run_claimed(app: Flask, job: Job, at: datetime.datetime | None = None) -> dict | None:
    """Run one job once, if this process wins the claim of the current window."""
    from app.services.claims import claim_run, worker_name
    from app.services.transaction import discard

    with app.app_context():
        me, key = worker_name(), run_key(job.every_seconds, at)
        try:
            if not claim_run(job.name, key, me):
                return None
        except Exception:  # a failed claim must not kill the scheduler
            log.exception("job %s: claim failed", job.name)
            discard()
            return None
        return run_held(job, key, me)


def run_held(job: Job, key: str, me: str) -> dict | None:
    """Run a job whose run this scheduler holds: its lease renewed by a heartbeat thread while
    it runs, finished afterwards (a failed run too: logged, and the next window runs again)."""
    from app.services.claims import finish_run, run_heartbeat
    from app.services.transaction import discard

    result = None
    try:
        with run_heartbeat(job.name, key, me).running():
            result = job.func()
        if any(result.values()):
            log.info("job %s: %s", job.name, result)
    except Exception:  # a failed run must not kill the scheduler
        log.exception("job %s failed", job.name)
        discard()
    try:
        finish_run(job.name, key, me)
    except Exception:  # noqa: BLE001 - unfinished: taken over once the lease runs out
        log.exception("job %s: run not marked finished", job.name)
        discard()
    return result


def recover_runs(app: Flask, by_name: dict[str, Job] | None = None) -> int:
    """Run again, once, every run whose scheduler died before finishing it (its lease ran out):
    each is taken over by one scheduler only. Returns how many were taken over."""
    from app.services.claims import finish_run, take_over, worker_name

    by_name = by_name if by_name is not None else {job.name: job for job in jobs(app)}
    count = 0
    with app.app_context():
        me = worker_name()
        while (run := take_over(claimed_by=me)) is not None:
            name, key = run.job_name, run.run_key
            if name in by_name:
                log.warning("job %s: run %s taken over from a dead scheduler", name, key)
                run_held(by_name[name], key, me)
            else:  # a job no longer scheduled: close its run
                finish_run(name, key, me)
            count += 1
    return count


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
    # Runs of a scheduler that died are taken over once their lease has run out.
    scheduler.add_job(recover_runs, IntervalTrigger(seconds=app.config["BEIAN_LEASE_SECONDS"],
                                                    timezone=zone),
                      args=(app,), id=RECOVER_JOB, name=RECOVER_JOB, replace_existing=True,
                      **dict(JOB_DEFAULTS))
    return scheduler


def run_scheduler(app: Flask) -> None:
    """The scheduler process's main loop (blocks until interrupted)."""
    scheduler = build_scheduler(app)
    log.info("scheduler started with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
