"""Views of the outreach capability ("1+3" services): public event calendar and knowledge base,
the employer's event sign-up, and the staff pages for events, key enterprises, the knowledge-base
editor, the district issue desk and joint meetings (the pages live in app/views/outreach/)."""

from __future__ import annotations


def register(appbuilder) -> None:
    """Add this capability's views and menu entries."""
    from app.views.outreach.desk import IssueDeskView, JointMeetingView
    from app.views.outreach.enterprises import KeyEnterpriseView
    from app.views.outreach.events import EventAdminView, PortalEventsView
    from app.views.outreach.kb import KnowledgeEditorView
    from app.views.outreach.public import KnowledgeBaseView, PublicEventsView

    for view in (PublicEventsView, KnowledgeBaseView, EventAdminView, PortalEventsView,
                 KeyEnterpriseView, KnowledgeEditorView, IssueDeskView, JointMeetingView):
        appbuilder.add_view_no_menu(view)

    # Public (no login) and every role: the service centre.
    appbuilder.add_link("Service guides", href="/kb/", icon="fa-map-signs",
                        category="Service centre", category_icon="fa-info-circle")
    appbuilder.add_link("FAQ", href="/kb/faq", icon="fa-question-circle",
                        category="Service centre")
    appbuilder.add_link("Event calendar", href="/events/", icon="fa-calendar",
                        category="Service centre")
    # Employers: sign-up from the portal.
    appbuilder.add_link("Training sign-up", href="/portal/events/", icon="fa-calendar-check-o",
                        category="Employer portal")
    # Staff: the 1+3 services.
    appbuilder.add_link("Events", href="/outreach/events/", icon="fa-calendar",
                        category="1+3 services", category_icon="fa-handshake-o")
    appbuilder.add_link("Key enterprises", href="/outreach/key-enterprises/", icon="fa-star",
                        category="1+3 services")
    appbuilder.add_link("Issue desk", href="/outreach/desk/", icon="fa-comments",
                        category="1+3 services")
    appbuilder.add_link("Open cases by district", href="/outreach/desk/overview",
                        icon="fa-bar-chart", category="1+3 services")
    appbuilder.add_link("Joint meetings", href="/outreach/meetings/", icon="fa-users",
                        category="1+3 services")
    appbuilder.add_link("Knowledge base editor", href="/outreach/kb/", icon="fa-pencil",
                        category="1+3 services")
