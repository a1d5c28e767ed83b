"""The document queue's jobs: render what is queued, enqueue what is missing."""

from __future__ import annotations

from flask import Flask

from app.jobs import Job

RENDER_BATCH = 500  # documents per render run: the next run picks up the rest


def render_documents(limit: int = RENDER_BATCH) -> dict:
    """Render queued documents (claimed one by one)."""
    from app.services.documents.render import render_pending

    return render_pending(limit=limit)


def enqueue_documents() -> dict:
    """Enqueue a document for every FILED filing without one, and forget old claim rows."""
    from app.services.claims import prune_claims
    from app.services.documents.queue import enqueue_missing

    return {"enqueued": enqueue_missing(), "claims_pruned": prune_claims()}


def jobs(app: Flask) -> tuple[Job, ...]:
    from app.services.documents.queue import ENQUEUE_JOB, RENDER_JOB

    config = app.config
    return (Job(RENDER_JOB, render_documents, int(config["BEIAN_RENDER_EVERY_SECONDS"])),
            Job(ENQUEUE_JOB, enqueue_documents, int(config["BEIAN_ENQUEUE_EVERY_SECONDS"])))
