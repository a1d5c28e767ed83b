"""Reference data of the outreach capability (`flask beian init`): the knowledge-base articles."""

from __future__ import annotations

from app.services.outreach.knowledge import load_knowledge


def seed() -> dict:
    """Load the knowledge-base articles of app/content/knowledge (idempotent)."""
    counts = load_knowledge()
    return {k: v for k, v in counts.items() if v}
