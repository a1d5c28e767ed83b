"""Role grants of the bulk capability (merged by app.grants into app.security's definitions)."""

from __future__ import annotations

from app.domain.roles import ROLE_CITY, ROLE_DISTRICT, ROLE_EMPLOYER, ROLE_STREET

_PAGES = ("can_read", "can_write")

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    ROLE_EMPLOYER: {"BulkPortalView": _PAGES},
    ROLE_CITY: {"BulkCounterView": _PAGES},
    # Only the unit's own district office decides a mass termination (filings.may_decide).
    ROLE_DISTRICT: {"BulkCounterView": _PAGES + ("can_approve",)},
    ROLE_STREET: {"BulkCounterView": _PAGES},
}
MENUS: dict[str, tuple[str, ...]] = {
    ROLE_EMPLOYER: ("Employer portal", "Bulk filing"),
    ROLE_CITY: ("Filings", "Bulk filing (counter)"),
    ROLE_DISTRICT: ("Filings", "Bulk filing (counter)"),
    ROLE_STREET: ("Filings", "Bulk filing (counter)"),
}
