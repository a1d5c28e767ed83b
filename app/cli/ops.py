"""`flask beian check-config`: every start-up check and every live check, each with pass or fail."""

from __future__ import annotations

import click
from flask import current_app

import config as settings


def register(beian_group) -> None:
    @beian_group.command("check-config")
    def check_config_command() -> None:
        """Check the settings, secrets, keys, database, migrations and Redis (exit 1 on a FAIL)."""
        from app.ops.checks import Check, static_checks
        from app.ops.health import readiness

        checks = static_checks(current_app.config, list(settings.MALFORMED))
        checks += [Check(name, ok, detail) for name, (ok, detail) in readiness().items()]
        for check in checks:
            click.echo(check.line())
        if not all(check.ok for check in checks):
            raise SystemExit(1)
