"""The barometer's job: the nightly aggregation at 02:30."""

from __future__ import annotations

from flask import Flask

from app.jobs import Job

NIGHTLY_JOB = "stats.nightly"
# A scheduler that was down at 02:30 still runs the night's aggregation when it comes back
# during the following day (once: coalesced, and claimed per day in job_claim).
NIGHTLY_MISFIRE_GRACE = 86400


def nightly_job() -> dict:
    from app.services.stats.build import nightly

    return nightly()


def jobs(app: Flask) -> tuple[Job, ...]:
    return (Job(NIGHTLY_JOB, nightly_job, 86400, cron={"hour": 2, "minute": 30},
                misfire_grace_time=NIGHTLY_MISFIRE_GRACE),)
