"""APScheduler job definitions. Run by the scheduler process only (`flask beian scheduler`):
never by create_app() or a web worker.

Every run of a job first claims a row in `job_claim` (job name + run key; an INSERT that fails on
conflict), so a second scheduler process or a restart inside the same window cannot run it twice.
Rendering additionally claims each document with an atomic UPDATE, so schedulers running side by
side share the queue without rendering a document twice."""

from __future__ import annotations

import datetime
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from app import clock

log = logging.getLogger(__name__)

# Generous misfire grace (a scheduler that was down for a while still runs what it missed, once),
# coalesced, never two runs of one job at a time in a process.
JOB_DEFAULTS = {"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1}


def run_key(every_seconds: int, at: datetime.datetime | None = None) -> str:
    """The window a run belongs to: the time floored to the job's interval. Two schedulers
    firing in the same window compute the same key, and only one claim succeeds.

    >>> run_key(60, datetime.datetime(2026, 1, 2, 3, 4, 59))
    '2026-01-02T03:04:00'
    >>> run_key(86400, datetime.datetime(2026, 1, 2, 3, 4, 5))
    '2026-01-02T00:00:00'
    """
    at = at or clock.now()
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = int((at - midnight).total_seconds()) // every_seconds * every_seconds
    return (midnight + datetime.timedelta(seconds=seconds)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Job:
    """A scheduled job: every `every_seconds`, or at a cron time (e.g. {"hour": 2} nightly);
    `every_seconds` is also the claim window (86400 for a nightly job: one run per day)."""

    name: str
    func: Callable[[], dict]
    every_seconds: int
    cron: dict | None = None
    misfire_grace_time: int | None = None  # None: JOB_DEFAULTS' hour


# Each capability's jobs: a module of this package with `jobs(app) -> tuple[Job, ...]`.
JOB_MODULES = ("app.jobs.documents", "app.jobs.bulk", "app.jobs.outreach", "app.jobs.stats",
               "app.jobs.api", "app.jobs.notices")


def jobs(app: Flask) -> tuple[Job, ...]:
    """Every scheduled job: the document queue's, then each capability's."""
    with app.app_context():
        return tuple(job for name in JOB_MODULES
                     for job in importlib.import_module(name).jobs(app))
