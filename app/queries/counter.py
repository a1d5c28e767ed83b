"""The units a counter clerk may pick (窗口代办): by credit code or part of the name, inside the
clerk's jurisdiction."""

from __future__ import annotations

from sqlalchemy import or_, select

from app.extensions import db
from app.models.units import Unit
from app.queries.jurisdiction import Jurisdiction


def units_matching(jurisdiction: Jurisdiction, text: str, *, limit: int) -> list[Unit]:
    """Units of the jurisdiction whose credit code is ``text`` or whose name contains it."""
    stmt = select(Unit).where(jurisdiction.unit_clause())
    if text:
        stmt = stmt.where(or_(Unit.credit_code == text.upper(),
                              Unit.name.contains(text, autoescape=True)))
    return list(db.session.scalars(stmt.order_by(Unit.name).limit(limit)))
