"""View registration: one place that lays out the menu."""

from flask_appbuilder import AppBuilder


def register_views(appbuilder: AppBuilder) -> None:
    from app.views.audit import AuditLogView
    from app.views.codes import CODE_VIEWS
    from app.views.org import OfficeView, RegionView
    from app.views.persons.admin import PersonView
    from app.views.persons.lookup import PersonLookupView
    from app.views.units.admin import UnitView

    appbuilder.add_view(UnitView, "Units", icon="fa-building", category="Organisation",
                        category_icon="fa-sitemap")
    appbuilder.add_view(PersonView, "Persons", icon="fa-user", category="Organisation")
    appbuilder.add_view(PersonLookupView, "Find person", icon="fa-search",
                        category="Organisation")
    appbuilder.add_separator("Organisation")
    appbuilder.add_view(RegionView, "Regions", icon="fa-map", category="Organisation")
    appbuilder.add_view(OfficeView, "Offices", icon="fa-university", category="Organisation")
    for view, name in CODE_VIEWS:
        appbuilder.add_view(view, name, icon="fa-list", category="Code lists",
                            category_icon="fa-book")
    appbuilder.add_view(AuditLogView, "Audit log", icon="fa-history", category="Audit",
                        category_icon="fa-shield")

    from app.views import (
        api,
        bulk,
        documents,
        filings,
        individuals,
        outreach,
        stats,
    )
    from app.views.units import registration

    for module in (filings, registration, documents, individuals, bulk,
                   outreach, stats, api):
        module.register(appbuilder)
