"""Role grants of the stats capability (merged by app.grants into app.security's definitions).

City, district and street staff read the barometer (each limited to their jurisdiction: street
offices see their district's figures — aggregates name no person) and work through the
service-push list (street offices: their street's units). Coordinators, employers and individuals
see neither. Admin gets everything at sync."""

from __future__ import annotations

from app.domain.roles import ROLE_CITY, ROLE_DISTRICT, ROLE_STREET

_STAFF = {
    "StatsDashboardView": ("can_read",),
    "ServicePushView": ("can_read", "can_write"),
}

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    ROLE_CITY: dict(_STAFF),
    ROLE_DISTRICT: dict(_STAFF),
    ROLE_STREET: dict(_STAFF),
}
MENUS: dict[str, tuple[str, ...]] = {
    role: ("Statistics", "Barometer", "Service push")
    for role in (ROLE_CITY, ROLE_DISTRICT, ROLE_STREET)
}
