"""The barometer of the demo city: aggregates built once, and the historical filings of
`flask beian demo --filings N` (app.demo.history) with a rebuild after them."""

from __future__ import annotations

from sqlalchemy import select

from app.demo.history import MARKER, generate
from app.extensions import db
from app.models.filings import Filing
from app.services.stats import build


def seed_demo() -> dict:
    """The aggregates of the demo city, so the dashboards are not empty (only when none were
    built yet). Idempotent."""
    if build.last_run() is not None:
        return {}
    result = build.rebuild()
    return {"stats_rows": result["rows"]}


def has_demo_history() -> bool:
    """Has `demo --filings` run on this database already?"""
    return db.session.scalar(select(Filing.id).where(
        Filing.idempotency_key.like(f"{MARKER}%")).limit(1)) is not None


def generate_demo_filings(count: int, *, rebuild: bool = True) -> int:
    """`flask beian demo --filings N`: N historical filings with realistic seasonality, then a
    full rebuild of the aggregates (the dashboards show them at once)."""
    added = generate(count)
    if rebuild and added:
        build.rebuild()
    return added
