"""Use cases of the stats capability.

Hooks the app calls (see app/features.py): scheduled_jobs, register_commands, seed, seed_demo."""

from __future__ import annotations


def scheduled_jobs(app) -> tuple:
    """Jobs for the scheduler process (app.jobs.Job instances)."""
    return ()


def register_commands(beian_group) -> None:
    """Add `flask beian ...` subcommands."""


def seed() -> dict:
    """Reference data, idempotent (run by `flask beian init`)."""
    return {}


def seed_demo() -> dict:
    """Demo data for the demo city, idempotent (run by `flask beian demo`)."""
    return {}


def generate_demo_filings(count: int) -> int:
    """`flask beian demo --filings N`: N historical filings with realistic seasonality."""
    raise NotImplementedError("statistics demo generator: issue 'Statistics'")
