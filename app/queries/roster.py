"""An employer's employees (在职人员名单): a unit's employments, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain.filings import EmploymentStatus
from app.extensions import db
from app.models.filings import Employment


def roster(unit_id: int, *, active=True, limit: int | None = None, offset: int = 0):
    """A unit's employees (current by default), newest first, persons loaded in the same query."""
    stmt = (select(Employment).options(joinedload(Employment.person))
            .where(Employment.unit_id == unit_id))
    if active:
        stmt = stmt.where(Employment.status == EmploymentStatus.ACTIVE)
    stmt = stmt.order_by(Employment.start_date.desc(), Employment.id.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt)
