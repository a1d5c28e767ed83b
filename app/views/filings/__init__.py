"""The filing pages: the employer portal and the counter (one set of unit pages), the staff's
filing records, review queues, corrections and the notice outbox."""

from __future__ import annotations


def register(appbuilder) -> None:
    """Add the filing views and menus, in the order the menus show them."""
    from app.views.filings import corrections, counter, notices, portal, queues, records

    portal.register(appbuilder)
    counter.register(appbuilder)
    appbuilder.add_view(records.FilingView, "Filing records", icon="fa-file-text-o",
                        category="Filings", category_icon="fa-file-text-o")
    appbuilder.add_view(queues.ReviewQueueView, "Review queue", icon="fa-inbox",
                        category="Filings")
    appbuilder.add_link("District approvals", href="ReviewQueueView.district", icon="fa-gavel",
                        category="Filings")
    appbuilder.add_view(corrections.CorrectionRuleView, "Correction rules", icon="fa-sliders",
                        category="Filings")
    appbuilder.add_view(notices.NoticeView, "Notice outbox", icon="fa-envelope-o",
                        category="Filings")
    appbuilder.add_link("Failed notices", href=notices.FAILED_LIST, icon="fa-exclamation-triangle",
                        category="Filings")
