"""Review queues (待审核, 属地审批): the filings waiting for staff in the user's jurisdiction,
oldest first; a bulk batch's filings shown as one row."""

from __future__ import annotations

from flask import request
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import true

from app.domain.filings import FilingStatus
from app.models.org import OfficeLevel
from app.queries import review_queue
from app.queries.filings import filings_in, filings_of_district
from app.views.filings.records import age_in_days, flag_badges, flag_labels
from app.web import current_actor

PAGE_SIZE = 50


def _shown(queue: dict) -> dict:
    """The queue with each row's age in days and flag labels, each batch as the page shows it."""
    queue["rows"] = [(f, age_in_days(f.submitted_at), flag_labels(f)) for f in queue["rows"]]
    if "batches" in queue:
        queue["batches"] = [{"batch": batch, "count": count, "first": first, "by": username,
                             "age": age_in_days(first)}
                            for batch, count, first, username in queue["batches"]]
    return queue


def _page_asked() -> int:
    return request.args.get("page", 1, type=int)


class ReviewQueueView(BaseView):  # 待审核 / 属地审批
    route_base = "/review"
    default_view = "index"
    base_permissions = ["can_read"]
    method_permission_name = {"index": "read", "district": "read"}

    @expose("/")
    @has_access
    def index(self):
        """Filings waiting for a staff review in the user's jurisdiction, oldest first."""
        queue = _shown(review_queue.pending(
            FilingStatus.PENDING_REVIEW, filings_in(current_actor().jurisdiction),
            page=_page_asked(), size=PAGE_SIZE))
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
            mode, clause = "decide", filings_of_district(office.region_id)
        elif actor.jurisdiction.is_city_wide:
            mode, clause = "read_only", true()
        if mode != "explain":
            queue = _shown(review_queue.pending_by_batch(
                FilingStatus.PENDING_DISTRICT_APPROVAL, clause, page=_page_asked(),
                size=PAGE_SIZE))
        return self.render_template("review/queue.html", title="属地审批（批量退工）",
                                    queue=queue, endpoint=".district", mode=mode,
                                    district=office.region.name if mode == "decide" and office
                                    else "", badge=flag_badges)
