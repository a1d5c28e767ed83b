"""The notices' job: deliver the outbox (every BEIAN_NOTICE_EVERY_SECONDS)."""

from __future__ import annotations

from flask import Flask

from app.jobs import Job

DELIVER_JOB = "notices.deliver"
DELIVER_BATCH = 200  # notices per run: the next run sends the rest


def deliver_notices(limit: int = DELIVER_BATCH) -> dict:
    from app.services.notices.delivery import deliver_due

    return deliver_due(limit)


def jobs(app: Flask) -> tuple[Job, ...]:
    return (Job(DELIVER_JOB, deliver_notices, int(app.config["BEIAN_NOTICE_EVERY_SECONDS"])),)
