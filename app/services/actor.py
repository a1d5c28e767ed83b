"""Who acts (经办人): the user behind a use case, with what decides their rights.

Every use case and every audit entry takes an Actor. The faces build it — a view from the
logged-in user and the request (``app.web.current_actor()``), the API from its key or token, a
job or command with :meth:`Actor.system` — so no service reads the web request."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.domain.filings import OFFICE_LEVEL_CITY, OFFICE_LEVEL_DISTRICT, OFFICE_LEVEL_STREET
from app.models.filings import Channel
from app.models.org import Office, OfficeLevel
from app.queries.jurisdiction import Jurisdiction, jurisdiction_of

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """The user (None for the system), their office and jurisdiction, the channel they work
    through and the client address they come from."""

    user: object | None
    jurisdiction: Jurisdiction
    office: Office | None
    via: Channel | None = None  # BULK (spreadsheet) or API; None: the web forms
    ip: str = ""

    @classmethod
    def of(cls, user, *, via: Channel | None = None, ip: str = "") -> Actor:
        office = getattr(user, "office", None)
        return cls(user=user, jurisdiction=jurisdiction_of(user), office=office, via=via,
                   ip=ip or "")

    @classmethod
    def system(cls) -> Actor:
        """The platform itself (scheduled jobs, commands): audited as "system"."""
        return cls(user=None, jurisdiction=Jurisdiction("all"), office=None)

    def via_channel(self, via: Channel | None) -> Actor:
        return replace(self, via=via)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and bool(getattr(self.user, "is_authenticated", False))

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "id", None) if self.is_authenticated else None

    @property
    def username(self) -> str:
        return self.user.username if self.is_authenticated else SYSTEM

    @property
    def role_names(self) -> set[str]:
        return {r.name for r in getattr(self.user, "roles", None) or []}

    @property
    def is_employer(self) -> bool:
        return self.jurisdiction.scope == "unit"

    @property
    def is_admin(self) -> bool:
        return "Admin" in self.role_names

    @property
    def channel(self) -> Channel:
        if self.via is not None:
            return self.via
        return Channel.ONLINE if self.is_employer else Channel.COUNTER

    @property
    def office_level(self) -> str:
        if self.is_admin or self.office is None:
            return OFFICE_LEVEL_CITY if self.is_admin else ""
        return {OfficeLevel.CITY: OFFICE_LEVEL_CITY,
                OfficeLevel.DISTRICT: OFFICE_LEVEL_DISTRICT,
                OfficeLevel.STREET: OFFICE_LEVEL_STREET}[self.office.level]
