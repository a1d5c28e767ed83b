"""Role grants of the api capability (merged by app.grants into app.security's definitions).

The REST resources (…Api) are granted like views: an API key acts as its unit's Employer service
account, a staff JWT as the staff user, and the same jurisdiction rules then apply. Key
management: employers in the portal (their own unit); administrators (ApiKeyAdminView) get every
permission anyway."""

from __future__ import annotations

from app.domain.roles import ROLE_CITY, ROLE_COORDINATOR, ROLE_DISTRICT, ROLE_EMPLOYER, ROLE_STREET

_FILING_API = {
    "UnitApi": ("can_read",),
    "PersonApi": ("can_search",),
    "EmploymentApi": ("can_read",),
    "FilingApi": ("can_read", "can_write"),
    "BatchApi": ("can_read", "can_write"),
    "CodeListApi": ("can_read",),
}

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    ROLE_EMPLOYER: {**_FILING_API, "EmployerApiKeyView": ("can_read", "can_write")},
    ROLE_CITY: dict(_FILING_API),
    ROLE_DISTRICT: dict(_FILING_API),
    ROLE_STREET: dict(_FILING_API),
    ROLE_COORDINATOR: {"UnitApi": ("can_read",), "CodeListApi": ("can_read",)},
}
MENUS: dict[str, tuple[str, ...]] = {
    ROLE_EMPLOYER: ("API keys",),
}
