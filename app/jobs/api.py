"""The api capability's job: forget old Idempotency-Key records."""

from __future__ import annotations

from flask import Flask

from app.jobs import Job


def prune_idempotency() -> dict:
    from app.services.api.idempotency import prune

    return prune()


def jobs(app: Flask) -> tuple[Job, ...]:
    return (Job("api-prune-idempotency", prune_idempotency, 3600),)
