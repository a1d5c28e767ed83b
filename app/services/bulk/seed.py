"""Bulk filing's hooks for app.features (TRANSITIONAL): no reference or demo data; its job is
in app.jobs.bulk and its command in app.cli.bulk."""

from __future__ import annotations


def seed() -> dict:
    """Reference data, idempotent (run by `flask beian init`): none."""
    return {}


def seed_demo() -> dict:
    """Demo data, idempotent (run by `flask beian demo`): none."""
    return {}


def scheduled_jobs(app) -> tuple:
    return ()  # app.jobs.bulk


def register_commands(beian_group) -> None:
    return None  # app.cli.bulk
