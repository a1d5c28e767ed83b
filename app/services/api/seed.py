"""Seed data of the api capability: none — keys are created by the employer in the portal and
shown once, never seeded."""

from __future__ import annotations


def seed() -> dict:
    """Reference data (`flask beian init`): none."""
    return {}


def seed_demo() -> dict:
    """Demo data (`flask beian demo`): none."""
    return {}
