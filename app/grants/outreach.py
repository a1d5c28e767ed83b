"""Role grants of the outreach capability (merged by app.grants into app.security's definitions).

The Event coordinator manages events and key-enterprise service only; city staff everything
here; district and street staff raise desk cases, see their area's cases, meetings, key
enterprises and visits, and record visits; employers sign up their own attendees. The public
pages (/events/, /kb/) need no permission: only their menu entries are granted, to Public too."""

from __future__ import annotations

from app.domain.roles import (
    ROLE_CITY,
    ROLE_COORDINATOR,
    ROLE_DISTRICT,
    ROLE_EMPLOYER,
    ROLE_INDIVIDUAL,
    ROLE_STREET,
)

ROLE_PUBLIC = "Public"  # app.security.ROLE_PUBLIC (not imported: app.security imports us)

PUBLIC_MENUS = ("Service centre", "Service guides", "FAQ", "Event calendar")
EVENTS = {"EventAdminView": ("can_read", "can_write")}
KEY_ALL = {"KeyEnterpriseView": ("can_read", "can_visit", "can_manage")}
KEY_AREA = {"KeyEnterpriseView": ("can_read", "can_visit")}

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    ROLE_CITY: {
        **EVENTS, **KEY_ALL,
        "KnowledgeEditorView": ("can_read", "can_write"),
        "IssueDeskView": ("can_read", "can_raise", "can_answer"),
        "JointMeetingView": ("can_read", "can_write"),
    },
    ROLE_COORDINATOR: {**EVENTS, **KEY_ALL},
    ROLE_DISTRICT: {
        **KEY_AREA,
        "IssueDeskView": ("can_read", "can_raise"),
        "JointMeetingView": ("can_read",),
    },
    ROLE_STREET: {
        **KEY_AREA,
        "IssueDeskView": ("can_read", "can_raise"),
        "JointMeetingView": ("can_read",),
    },
    ROLE_EMPLOYER: {"PortalEventsView": ("can_read", "can_write")},
}
MENUS: dict[str, tuple[str, ...]] = {
    ROLE_PUBLIC: PUBLIC_MENUS,
    ROLE_INDIVIDUAL: PUBLIC_MENUS,
    ROLE_EMPLOYER: (*PUBLIC_MENUS, "Training sign-up"),
    ROLE_COORDINATOR: (*PUBLIC_MENUS, "1+3 services", "Events", "Key enterprises"),
    ROLE_CITY: (*PUBLIC_MENUS, "1+3 services", "Events", "Key enterprises", "Issue desk",
                "Open cases by district", "Joint meetings", "Knowledge base editor"),
    ROLE_DISTRICT: (*PUBLIC_MENUS, "1+3 services", "Key enterprises", "Issue desk",
                    "Open cases by district", "Joint meetings"),
    ROLE_STREET: (*PUBLIC_MENUS, "1+3 services", "Key enterprises", "Issue desk",
                  "Joint meetings"),
}
