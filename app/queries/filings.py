"""The filing lists and look-ups (备案查询) the portal, the counter, the staff queues and the API
share: the filters written once, the jurisdiction applied in one place (:func:`filings_in`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import Select, false, select, true
from sqlalchemy.orm import selectinload

from app.domain.filings import FilingStatus, FilingType
from app.extensions import appbuilder, db
from app.models.audit import AuditLog
from app.models.filings import Filing
from app.models.units import Unit
from app.queries.jurisdiction import Jurisdiction
from app.queries.page import Page, keyset_page, offset_page

PENDING = "PENDING"  # either queue: staff review or district approval
PENDING_STATUSES = (FilingStatus.PENDING_REVIEW, FilingStatus.PENDING_DISTRICT_APPROVAL)


def filings_in(jurisdiction: Jurisdiction):
    """SQL clause: filings of units in the jurisdiction (an IN over the indexed unit columns)."""
    if jurisdiction.is_city_wide:
        return true()
    if jurisdiction.scope == "unit":
        return Filing.unit_id == jurisdiction.unit_id
    if jurisdiction.scope in ("district", "street"):
        return Filing.unit_id.in_(select(Unit.id).where(jurisdiction.unit_clause()))
    return false()


@dataclass(frozen=True)
class FilingFilter:
    """What a filing list may be narrowed by; unknown type/status names are ignored."""

    unit_id: int | None = None
    filing_type: str | None = None      # a FilingType name
    status: str | None = None           # a FilingStatus name, or PENDING
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None   # inclusive
    receipt_number: str | None = None

    @property
    def type_name(self) -> str:
        return self.filing_type if self.filing_type in FilingType.__members__ else ""

    @property
    def status_name(self) -> str:
        return self.status if self.status == PENDING or self.status in FilingStatus.__members__ \
            else ""


def filings_query(jurisdiction: Jurisdiction, flt: FilingFilter = FilingFilter()) -> Select:
    """The filings of the jurisdiction matching the filter (unordered)."""
    stmt = select(Filing).where(filings_in(jurisdiction))
    if flt.unit_id is not None:
        stmt = stmt.where(Filing.unit_id == flt.unit_id)
    if flt.type_name:
        stmt = stmt.where(Filing.filing_type == FilingType[flt.type_name])
    if flt.status_name == PENDING:
        stmt = stmt.where(Filing.status.in_(PENDING_STATUSES))
    elif flt.status_name:
        stmt = stmt.where(Filing.status == FilingStatus[flt.status_name])
    if flt.submitted_from:
        stmt = stmt.where(Filing.submitted_at >= datetime.datetime.combine(
            flt.submitted_from, datetime.time.min))
    if flt.submitted_to:
        stmt = stmt.where(Filing.submitted_at < datetime.datetime.combine(
            flt.submitted_to + datetime.timedelta(days=1), datetime.time.min))
    if flt.receipt_number:
        stmt = stmt.where(Filing.receipt_number == flt.receipt_number.strip().upper())
    return stmt


def list_filings(jurisdiction: Jurisdiction, flt: FilingFilter = FilingFilter(), *,
                 page: int = 1, size: int = 30, cursor: str | None = None,
                 count_cap: int | None = None) -> Page:
    """Newest first: by page number, or after a keyset ``cursor`` (deep lists)."""
    stmt = filings_query(jurisdiction, flt).options(selectinload(Filing.unit))
    if cursor is not None:
        return keyset_page(stmt, (Filing.id,), size=size, cursor=cursor or None,
                           count_cap=count_cap)
    return offset_page(stmt, (Filing.id.desc(),), page=page, size=size, count_cap=count_cap)


def filings_of_district(region_id: int):
    """SQL clause: filings of units in one district (the district office's approvals)."""
    return Filing.unit_id.in_(select(Unit.id).where(Unit.district_id == region_id))


def history(filing: Filing) -> list[Filing]:
    """Every version of a filing, oldest first."""
    root = filing.root_id or filing.id
    return list(db.session.scalars(select(Filing).where(
        (Filing.id == root) | (Filing.root_id == root)).order_by(Filing.version)))


def audit_entries(filing_ids) -> list[AuditLog]:
    """The audit entries of these filings (the versions of one filing), oldest first."""
    return list(db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "filing",
                               AuditLog.object_id.in_([str(i) for i in filing_ids]))
        .order_by(AuditLog.id)))


def user_names(ids) -> dict[int, str]:
    """User id → "name（username）" of the users who submitted, decided or cancelled."""
    model = appbuilder.sm.user_model
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = db.session.execute(select(model.id, model.username, model.first_name)
                              .where(model.id.in_(ids)))
    return {uid: f"{first}（{username}）" if first else username
            for uid, username, first in rows}
