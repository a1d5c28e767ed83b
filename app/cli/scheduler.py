"""`flask beian scheduler`: the scheduler process (the only place APScheduler runs)."""

from __future__ import annotations

import logging

import click
from flask import current_app

from app.jobs import jobs
from app.jobs.scheduler import run_scheduler


def register(beian_group) -> None:
    @beian_group.command("scheduler")
    def scheduler_command() -> None:
        """Run the scheduler process (documents queue; one per deployment is enough, two are
        safe). Blocks until interrupted."""
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # APScheduler logs every run (every few seconds); our jobs log what they did.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
        # A long run (a render backlog) makes APScheduler skip the next firings of that job:
        # expected with max_instances=1, not worth a warning every few seconds.
        scheduler_log = logging.getLogger("apscheduler.scheduler")
        scheduler_log.setLevel(logging.WARNING)
        scheduler_log.addFilter(
            lambda record: "maximum number of running instances" not in record.getMessage())
        app = current_app._get_current_object()
        click.echo("scheduler: jobs " + ", ".join(
            f"{j.name} every {j.every_seconds}s" for j in jobs(app)))
        run_scheduler(app)
