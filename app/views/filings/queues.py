"""Review queues (待审核, 属地审批): the filings waiting for staff in the user's jurisdiction,
oldest first; a bulk batch's filings shown as one row."""

from __future__ import annotations

import math

from flask import request
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload, selectinload

from app.domain.filings import FilingStatus
from app.extensions import db
from app.models.filings import Filing
from app.models.org import OfficeLevel
from app.models.units import Unit
from app.queries.filings import filings_in, pending_query
from app.views.filings.records import age_in_days, flag_badges, flag_labels
from app.web import current_actor

PAGE_SIZE = 50


def _page(stmt, count_stmt) -> dict:
    count = db.session.scalar(count_stmt) or 0
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    rows = db.session.scalars(stmt.options(joinedload(Filing.unit))
                              .order_by(Filing.submitted_at, Filing.id)
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return {"count": count, "page": page, "pages": pages,
            "rows": [(f, age_in_days(f.submitted_at), flag_labels(f)) for f in rows]}


def _pending(status: FilingStatus, clause) -> dict:
    where = (Filing.status == status, clause)
    return _page(pending_query(clause, status), select(func.count(Filing.id)).where(*where))


BATCHES_SHOWN = 200


def _pending_by_batch(status: FilingStatus, clause) -> dict:
    """The queue with the filings of a bulk batch (a plant closure's 2,000 terminations) as one
    row per batch, and the other filings one by one (paged). "count" stays the number of
    filings waiting."""
    from app.extensions import appbuilder
    from app.models.bulk import BulkBatch, BulkRow

    user = appbuilder.sm.user_model
    in_batch = select(BulkRow.filing_id).where(BulkRow.filing_id.is_not(None))
    batches = [
        {"batch": batch, "count": count, "first": first, "by": username,
         "age": age_in_days(first)}
        for batch, count, first, username in db.session.execute(
            select(BulkBatch, func.count(Filing.id), func.min(Filing.submitted_at),
                   user.username)
            .join(BulkRow, BulkRow.batch_id == BulkBatch.id)
            .join(Filing, Filing.id == BulkRow.filing_id)
            .outerjoin(user, user.id == BulkBatch.created_by_id)
            .where(Filing.status == status, clause)
            .group_by(BulkBatch.id, user.username)
            .order_by(func.min(Filing.submitted_at), BulkBatch.id)
            .options(selectinload(BulkBatch.unit)).limit(BATCHES_SHOWN))]
    where = (Filing.status == status, clause, Filing.id.not_in(in_batch))
    queue = _page(select(Filing).where(*where), select(func.count(Filing.id)).where(*where))
    queue["singles"] = queue["count"]
    queue["batches"] = batches
    queue["in_batches"] = db.session.scalar(select(func.count(Filing.id)).where(
        Filing.status == status, clause, Filing.id.in_(in_batch))) or 0
    queue["count"] += queue["in_batches"]
    return queue


class ReviewQueueView(BaseView):  # 待审核 / 属地审批
    route_base = "/review"
    default_view = "index"
    base_permissions = ["can_read"]
    method_permission_name = {"index": "read", "district": "read"}

    @expose("/")
    @has_access
    def index(self):
        """Filings waiting for a staff review in the user's jurisdiction, oldest first."""
        queue = _pending(FilingStatus.PENDING_REVIEW, filings_in(current_actor().jurisdiction))
        return self.render_template("review/queue.html", title="待审核备案", queue=queue,
                                    endpoint=".index", mode="decide", badge=flag_badges)

    @expose("/district")
    @has_access
    def district(self):
        """Mass terminations waiting for the approval of the unit's own district office."""
        actor = current_actor()
        office = actor.office
        queue, mode = None, "explain"
        if actor.is_admin:
            mode, clause = "decide", true()
        elif office is not None and office.level == OfficeLevel.DISTRICT:
            mode, clause = "decide", Filing.unit_id.in_(
                select(Unit.id).where(Unit.district_id == office.region_id))
        elif actor.jurisdiction.is_city_wide:
            mode, clause = "read_only", true()
        if mode != "explain":
            queue = _pending_by_batch(FilingStatus.PENDING_DISTRICT_APPROVAL, clause)
        return self.render_template("review/queue.html", title="属地审批（批量退工）",
                                    queue=queue, endpoint=".district", mode=mode,
                                    district=office.region.name if mode == "decide" and office
                                    else "", badge=flag_badges)
