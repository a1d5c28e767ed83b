"""`flask beian ...`: one module a capability, each with `register(beian_group)`."""

from __future__ import annotations

import importlib

from flask import Flask
from flask.cli import AppGroup

beian = AppGroup("beian", help="Beian administration commands.")

# Each capability's commands: a module of this package with `register(beian_group)`.
COMMAND_MODULES = ("app.cli.admin", "app.cli.demo", "app.cli.scheduler", "app.cli.documents",
                   "app.cli.ops", "app.cli.bulk", "app.cli.outreach", "app.cli.stats",
                   "app.cli.api", "app.cli.org")


def register_cli(app: Flask) -> None:
    app.cli.add_command(beian)
    for name in COMMAND_MODULES:  # registering again (another app) replaces by name
        importlib.import_module(name).register(beian)
