"""Bulk filing's job: check and file queued batches, and carry out district decisions."""

from __future__ import annotations

from flask import Flask

from app.jobs import Job

JOB_NAME = "bulk_batches"


def process_queued() -> dict:
    """Process queued batches (each claimed by one worker)."""
    from app.services.bulk.processing import process_queued as run

    return run()


def jobs(app: Flask) -> tuple[Job, ...]:
    return (Job(JOB_NAME, process_queued, int(app.config["BEIAN_BULK_EVERY_SECONDS"])),)
