"""Individuals (劳动者个人): self-registration (public), the worker's own records and requests
(me), and the staff queues that decide change requests and disputes (staff)."""

from __future__ import annotations

from app.views.base import rate_limit_posts


def register(appbuilder) -> None:
    from app.views.individuals.me import MyRecordsView
    from app.views.individuals.public import IndividualRegistrationView
    from app.views.individuals.staff import ChangeRequestView, DisputeView

    rate_limit_posts(appbuilder, appbuilder.add_view_no_menu(IndividualRegistrationView),
                     "20 per hour")
    me = appbuilder.add_view(MyRecordsView, "My records", icon="fa-id-card",
                             category="Personal", category_icon="fa-user")
    rate_limit_posts(appbuilder, me, "60 per hour")
    appbuilder.add_view(ChangeRequestView, "Change requests", icon="fa-pencil",
                        category="Filings")
    appbuilder.add_view(DisputeView, "Disputes", icon="fa-exclamation-triangle",
                        category="Filings")
