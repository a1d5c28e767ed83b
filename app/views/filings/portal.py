"""Employer portal (单位网上办事): the logged-in employer's own unit, through the shared
UnitFilingPages (app.views.filings.pages)."""

from __future__ import annotations

from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app.extensions import db
from app.models.units import Unit
from app.views.base import found_or_404
from app.views.filings.pages import UnitFilingPages
from app.web import current_actor


class EmployerPortalView(UnitFilingPages, BaseView):
    """单位网上办事: the logged-in employer's own unit."""

    route_base = "/portal"
    default_view = "index"
    home_endpoint = "index"
    may_cancel_returned = True
    shows_notices = True
    method_permission_name = {
        "index": "read", "roster": "read", "filings": "read", "filing": "read",
        "attachment": "read", "notices": "read",
        "hire": "write", "renew": "write", "transfer": "write", "terminate": "write",
        "resubmit": "write", "cancel": "write",
    }

    def scoped_unit(self, unit_id=None) -> Unit:
        unit_id = getattr(current_actor().user, "unit_id", None)
        return found_or_404(db.session.get(Unit, unit_id) if unit_id else None)

    def unit_url_args(self, unit: Unit) -> dict:
        return {}

    @expose("/")
    @has_access
    def index(self):
        return self.home_page(self.scoped_unit())

    @expose("/roster")
    @has_access
    def roster(self):
        return self.roster_page(self.scoped_unit())

    @expose("/filings")
    @has_access
    def filings(self):
        return self.filings_page(self.scoped_unit())

    @expose("/filings/<int:filing_id>")
    @has_access
    def filing(self, filing_id: int):
        return self.filing_page(self.scoped_unit(), filing_id)

    @expose("/filings/<int:filing_id>/attachments/<int:attachment_id>")
    @has_access
    def attachment(self, filing_id: int, attachment_id: int):
        return self.attachment_file(self.scoped_unit(), filing_id, attachment_id)

    @expose("/notices")
    @has_access
    def notices(self):
        return self.notices_page(self.scoped_unit())

    @expose("/hire", methods=["GET", "POST"])
    @has_access
    def hire(self):
        return self.hire_page(self.scoped_unit())

    @expose("/employments/<int:employment_id>/renew", methods=["GET", "POST"])
    @has_access
    def renew(self, employment_id: int):
        return self.renewal_page(self.scoped_unit(), employment_id)

    @expose("/employments/<int:employment_id>/transfer", methods=["GET", "POST"])
    @has_access
    def transfer(self, employment_id: int):
        return self.transfer_page(self.scoped_unit(), employment_id)

    @expose("/employments/<int:employment_id>/terminate", methods=["GET", "POST"])
    @has_access
    def terminate(self, employment_id: int):
        return self.termination_page(self.scoped_unit(), employment_id)

    @expose("/filings/<int:filing_id>/resubmit", methods=["GET", "POST"])
    @has_access
    def resubmit(self, filing_id: int):
        return self.resubmit_page(self.scoped_unit(), filing_id)

    @expose("/filings/<int:filing_id>/cancel", methods=["POST"])
    @has_access
    def cancel(self, filing_id: int):
        return self.cancel_action(self.scoped_unit(), filing_id)


def register(appbuilder) -> None:
    """The "Employer portal" menu: home (the view), then links to its pages."""
    appbuilder.add_view(EmployerPortalView, "Portal home", icon="fa-home",
                        category="Employer portal", category_icon="fa-briefcase")
    appbuilder.add_link("Roster", href="EmployerPortalView.roster", icon="fa-users",
                        category="Employer portal")
    appbuilder.add_link("My filings", href="EmployerPortalView.filings", icon="fa-list-alt",
                        category="Employer portal")
    appbuilder.add_link("File a hire", href="EmployerPortalView.hire", icon="fa-user-plus",
                        category="Employer portal")
    appbuilder.add_link("Notices", href="EmployerPortalView.notices", icon="fa-bell",
                        category="Employer portal")
