"""Bulk batches a user may see (their unit's, or their jurisdiction's), newest first."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.bulk import BulkBatch
from app.models.units import Unit
from app.queries.jurisdiction import Jurisdiction


def batches_in(jurisdiction: Jurisdiction, unit_id: int | None = None,
               limit: int = 50) -> list[BulkBatch]:
    stmt = (select(BulkBatch).join(Unit, Unit.id == BulkBatch.unit_id)
            .where(jurisdiction.unit_clause()))
    if unit_id:
        stmt = stmt.where(BulkBatch.unit_id == unit_id)
    return list(db.session.scalars(stmt.order_by(BulkBatch.id.desc()).limit(limit)))
