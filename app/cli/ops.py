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
        checks += _directory_checks()
        for check in checks:
            click.echo(check.line())
        if not all(check.ok for check in checks):
            raise SystemExit(1)


def _directory_checks() -> list:
    """The directory answers the service account (only when BEIAN_LDAP_SERVER is set)."""
    from app.ops.checks import Check
    from app.services.accounts.ldap_directory import DirectorySettings, probe

    try:
        directory = DirectorySettings.from_config(current_app.config)
    except ValueError:
        return []  # the static check has said what is wrong
    if directory is None:
        return []
    return [Check("directory", *probe(directory))]
