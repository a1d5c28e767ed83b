"""`flask beian bulk-process [BATCH_ID]`: process one bulk batch, or the queue, now."""

from __future__ import annotations

import click


def register(beian_group) -> None:
    @beian_group.command("bulk-process")
    @click.argument("batch_id", required=False, type=int)
    def bulk_process(batch_id):
        """Validate and file queued bulk batches now (the scheduler does it every 2 s)."""
        from app.services.bulk.processing import process_batch, process_queued

        if batch_id:
            batch = process_batch(batch_id)
            click.echo(f"batch {batch.id}: {batch.status.name} total={batch.total} "
                       f"valid={batch.valid} invalid={batch.invalid} filed={batch.filed}")
        else:
            click.echo(process_queued(limit=1000))
