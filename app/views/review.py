"""Filings for staff: list and detail with history, review queues, decisions. (Being built.)"""

from flask_appbuilder import BaseView


class ReviewQueueView(BaseView):
    route_base = "/review"
    default_view = "index"
    method_permission_name = {}


def register(appbuilder) -> None:
    """Add this module's views and menu entries (filled in with the views)."""
