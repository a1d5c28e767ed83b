"""Counter entry (窗口代办): staff file on behalf of a unit in their jurisdiction.

The same pages as the employer portal (app.views.filings.pages.UnitFilingPages) with the unit named in
the URL and checked against the staff member's jurisdiction on every request. The service takes
the channel (窗口) and the handling office from the staff user."""

from __future__ import annotations

from flask import abort, request
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app.extensions import db
from app.models.units import Unit
from app.queries.counter import units_matching
from app.views.filings.pages import UNIT_STATUS_CLASSES, UnitFilingPages
from app.web import current_actor

SEARCH_LIMIT = 50


class CounterView(UnitFilingPages, BaseView):
    route_base = "/counter"
    default_view = "index"
    home_endpoint = "unit_home"
    channel_hint = "窗口代办"
    method_permission_name = {
        "index": "read", "unit_home": "read", "roster": "read", "filings": "read",
        "filing": "read", "attachment": "read",
        "hire": "write", "renew": "write", "transfer": "write", "terminate": "write",
        "resubmit": "write",
    }

    def scoped_unit(self, unit_id=None) -> Unit:
        """The unit in the URL, if it lies in the staff member's jurisdiction; else 404."""
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None or not current_actor().jurisdiction.covers_unit(unit):
            abort(404)
        return unit

    def unit_url_args(self, unit: Unit) -> dict:
        return {"unit_id": unit.id}

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        """Pick a unit of the jurisdiction by name or credit code (credit codes are not
        personal data: a GET query string is fine)."""
        query = (request.values.get("q") or "").strip()
        units = units_matching(current_actor().jurisdiction, query, limit=SEARCH_LIMIT)
        return self.render_template("portal/counter_index.html", query=query, units=units,
                                    limit=SEARCH_LIMIT, unit_status_class=UNIT_STATUS_CLASSES,
                                    office=current_actor().office)

    @expose("/unit/<int:unit_id>/")
    @has_access
    def unit_home(self, unit_id: int):
        return self.home_page(self.scoped_unit(unit_id))

    @expose("/unit/<int:unit_id>/roster")
    @has_access
    def roster(self, unit_id: int):
        return self.roster_page(self.scoped_unit(unit_id))

    @expose("/unit/<int:unit_id>/filings")
    @has_access
    def filings(self, unit_id: int):
        return self.filings_page(self.scoped_unit(unit_id))

    @expose("/unit/<int:unit_id>/filings/<int:filing_id>")
    @has_access
    def filing(self, unit_id: int, filing_id: int):
        return self.filing_page(self.scoped_unit(unit_id), filing_id)

    @expose("/unit/<int:unit_id>/filings/<int:filing_id>/attachments/<int:attachment_id>")
    @has_access
    def attachment(self, unit_id: int, filing_id: int, attachment_id: int):
        return self.attachment_file(self.scoped_unit(unit_id), filing_id, attachment_id)

    @expose("/unit/<int:unit_id>/hire", methods=["GET", "POST"])
    @has_access
    def hire(self, unit_id: int):
        return self.hire_page(self.scoped_unit(unit_id))

    @expose("/unit/<int:unit_id>/employments/<int:employment_id>/renew",
            methods=["GET", "POST"])
    @has_access
    def renew(self, unit_id: int, employment_id: int):
        return self.renewal_page(self.scoped_unit(unit_id), employment_id)

    @expose("/unit/<int:unit_id>/employments/<int:employment_id>/transfer",
            methods=["GET", "POST"])
    @has_access
    def transfer(self, unit_id: int, employment_id: int):
        return self.transfer_page(self.scoped_unit(unit_id), employment_id)

    @expose("/unit/<int:unit_id>/employments/<int:employment_id>/terminate",
            methods=["GET", "POST"])
    @has_access
    def terminate(self, unit_id: int, employment_id: int):
        return self.termination_page(self.scoped_unit(unit_id), employment_id)

    @expose("/unit/<int:unit_id>/filings/<int:filing_id>/resubmit", methods=["GET", "POST"])
    @has_access
    def resubmit(self, unit_id: int, filing_id: int):
        return self.resubmit_page(self.scoped_unit(unit_id), filing_id)


def register(appbuilder) -> None:
    appbuilder.add_view(CounterView, "Counter filing", icon="fa-keyboard-o", category="Filings",
                        category_icon="fa-folder-open")
