"""The review queues (待审核, 属地审批): filings waiting in a status under a jurisdiction clause,
oldest first, paged; the district queue shows a bulk batch's filings as one row per batch."""

from __future__ import annotations

import math

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.filings import FilingStatus
from app.extensions import appbuilder, db
from app.models.bulk import BulkBatch, BulkRow
from app.models.filings import Filing

BATCHES_SHOWN = 200


def _paged(where: tuple, page: int, size: int) -> dict:
    count = db.session.scalar(select(func.count(Filing.id)).where(*where)) or 0
    pages = max(1, math.ceil(count / size))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(select(Filing).where(*where).options(joinedload(Filing.unit))
                              .order_by(Filing.submitted_at, Filing.id)
                              .offset((page - 1) * size).limit(size)).all()
    return {"count": count, "page": page, "pages": pages, "rows": list(rows)}


def pending(status: FilingStatus, clause, *, page: int, size: int) -> dict:
    """{count, page, pages, rows}: the filings in ``status`` under ``clause``, oldest first."""
    return _paged((Filing.status == status, clause), page, size)


def pending_by_batch(status: FilingStatus, clause, *, page: int, size: int) -> dict:
    """The queue with the filings of a bulk batch (a plant closure's 2,000 terminations) as one
    row per batch — (batch, count, first submitted, by whom) — and the other filings one by one
    (paged). "count" stays the number of filings waiting."""
    user = appbuilder.sm.user_model
    in_batch = select(BulkRow.filing_id).where(BulkRow.filing_id.is_not(None))
    batches = db.session.execute(
        select(BulkBatch, func.count(Filing.id), func.min(Filing.submitted_at), user.username)
        .join(BulkRow, BulkRow.batch_id == BulkBatch.id)
        .join(Filing, Filing.id == BulkRow.filing_id)
        .outerjoin(user, user.id == BulkBatch.created_by_id)
        .where(Filing.status == status, clause)
        .group_by(BulkBatch.id, user.username)
        .order_by(func.min(Filing.submitted_at), BulkBatch.id)
        .options(selectinload(BulkBatch.unit)).limit(BATCHES_SHOWN)).all()
    queue = _paged((Filing.status == status, clause, Filing.id.not_in(in_batch)), page, size)
    queue["singles"] = queue["count"]
    queue["batches"] = batches
    queue["in_batches"] = db.session.scalar(select(func.count(Filing.id)).where(
        Filing.status == status, clause, Filing.id.in_(in_batch))) or 0
    queue["count"] += queue["in_batches"]
    return queue
