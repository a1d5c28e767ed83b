"""An employer's employees (在职人员名单) and the other figures of a unit's home page."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.domain.filings import EmploymentStatus, FilingStatus
from app.extensions import db
from app.models.filings import Employment, Filing, Notice
from app.models.org import Office
from app.queries.filings import PENDING_STATUSES
from app.queries.page import Page, offset_page


def roster(unit_id: int, *, active=True, page: int = 1, size: int = 50) -> Page:
    """A unit's employees (current by default), newest first, persons loaded in the same query."""
    stmt = (select(Employment).options(joinedload(Employment.person))
            .where(Employment.unit_id == unit_id))
    if active:
        stmt = stmt.where(Employment.status == EmploymentStatus.ACTIVE)
    return offset_page(stmt, (Employment.start_date.desc(), Employment.id.desc()),
                       page=page, size=size)


def unit_counts(unit_id: int) -> dict[str, int]:
    """The figures of a unit's home page: its active employees, filings waiting for staff, and
    filings returned to it."""
    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    return {
        "active": count(select(func.count(Employment.id)).where(
            Employment.unit_id == unit_id, Employment.status == EmploymentStatus.ACTIVE)),
        "pending": count(select(func.count(Filing.id)).where(
            Filing.unit_id == unit_id, Filing.status.in_(PENDING_STATUSES))),
        "returned": count(select(func.count(Filing.id)).where(
            Filing.unit_id == unit_id, Filing.status == FilingStatus.RETURNED)),
    }


def unit_notices(unit_id: int, limit: int) -> list[Notice]:
    """The portal notices of a unit, newest first."""
    return list(db.session.scalars(select(Notice).where(
        Notice.unit_id == unit_id, Notice.channel == "portal")
        .order_by(Notice.id.desc()).limit(limit)))


def district_office(unit) -> Office | None:
    """The office of the unit's district (whom the employer contacts)."""
    return db.session.scalar(select(Office).where(Office.region_id == unit.district_id))
