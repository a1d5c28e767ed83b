"""The capabilities built beside the filing core, each a service module with the same hooks:

- ``scheduled_jobs(app)`` → app.jobs.Job instances for the scheduler process;
- ``register_commands(beian_group)`` → its ``flask beian ...`` subcommands;
- ``seed()`` → reference data, run by ``flask beian init`` (idempotent);
- ``seed_demo()`` → demo data, run by ``flask beian demo`` (idempotent)."""

from __future__ import annotations

import importlib
from types import ModuleType

FEATURE_MODULES = ("app.cli.outreach", "app.cli.stats", "app.services.bulk.seed")


def features() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(name) for name in FEATURE_MODULES)
