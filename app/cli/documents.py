"""`flask beian documents ...`: render the queue, run render workers, print the certificate."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup


def register(beian_group) -> None:
    beian_group.add_command(_documents())


def _documents() -> AppGroup:
    documents = AppGroup("documents", help="Printed forms and receipts (备案表 / 回执).")

    @documents.command("render-pending")
    @click.option("--limit", type=int, default=None, help="Stop after this many documents.")
    def render_pending_command(limit) -> None:
        """Render the queued documents once, then exit (tests, CI, catching up by hand)."""
        from app.services.documents.render import render_pending

        result = render_pending(limit=limit)
        click.echo(f"rendered: {result['rendered']}, failed: {result['failed']}")

    @documents.command("work")
    @click.option("--processes", type=int, default=2, show_default=True,
                  help="Render worker processes, forked from one warm parent.")
    @click.option("--once", is_flag=True, help="Stop when the queue is empty.")
    @click.option("--limit", type=int, default=None,
                  help="Each worker stops after this many documents.")
    def work_command(processes, once, limit) -> None:
        """Render worker processes for volume (a plant closure's 2,000 forms): they share the
        loaded libraries, font and key with their parent, and the queue with the scheduler."""
        from app.services.documents.workers import run_pool

        if processes < 1:
            raise click.BadParameter("至少需要 1 个进程。", param_hint="--processes")
        result = run_pool(current_app._get_current_object(), processes, once=once,
                          limit=limit)
        for figures in result["workers"]:
            click.echo(f"{figures['name']}: rendered {figures['rendered']}, "
                       f"failed {figures['failed']}, peak PSS "
                       f"{figures.get('peak_pss_mb', 0):.0f} MB")

    @documents.command("enqueue-missing")
    def enqueue_missing_command() -> None:
        """Enqueue a document for every filed filing that has none."""
        from app.services.documents.queue import enqueue_missing

        click.echo(f"enqueued: {enqueue_missing(limit=1_000_000)}")

    @documents.command("signing-cert")
    def signing_cert_command() -> None:
        """Print the signing certificate (PEM): the trust root for validating documents."""
        from app.services.documents.signing import signing_material

        click.echo(signing_material()[1].decode("ascii"), nl=False)

    return documents
