"""Employer portal (单位网上办事): roster, filings, the four filings online. (Being built.)"""

from flask_appbuilder import BaseView


class EmployerPortalView(BaseView):
    route_base = "/portal"
    default_view = "index"
    method_permission_name = {}


def register(appbuilder) -> None:
    """Add this module's views and menu entries (filled in with the views)."""
