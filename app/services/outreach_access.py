"""Who may do what in the "1+3" services, beside jurisdiction (app.queries.jurisdiction decides where).

The Event coordinator manages events and key-enterprise service only; city staff everything;
district and street staff raise desk cases and record visits in their area; employers sign up
their own attendees. Views check FAB permissions first; the services check again here, so the
same use case called from a job, the CLI or another capability cannot widen access."""

from __future__ import annotations

import datetime

from app.domain.errors import DomainError
from app.domain.roles import (
    ROLE_ADMIN,
    ROLE_CITY,
    ROLE_COORDINATOR,
    ROLE_DISTRICT,
    ROLE_EMPLOYER,
    ROLE_STREET,
)
from app.queries.jurisdiction import jurisdiction_of, role_names

EVENT_MANAGERS = frozenset({ROLE_ADMIN, ROLE_CITY, ROLE_COORDINATOR})
KEY_MANAGERS = frozenset({ROLE_ADMIN, ROLE_CITY, ROLE_COORDINATOR})
KEY_READERS = frozenset({ROLE_ADMIN, ROLE_CITY, ROLE_COORDINATOR, ROLE_DISTRICT, ROLE_STREET})
VISITORS = KEY_READERS
DESK_STAFF = frozenset({ROLE_ADMIN, ROLE_CITY, ROLE_DISTRICT, ROLE_STREET})
CITY_DESK = frozenset({ROLE_ADMIN, ROLE_CITY})
KB_EDITORS = frozenset({ROLE_ADMIN, ROLE_CITY})
EMPLOYERS = frozenset({ROLE_EMPLOYER})


def now() -> datetime.datetime:
    """Naive local time, as every other timestamp of the platform."""
    return datetime.datetime.now().replace(microsecond=0)


def user_of(actor):
    """A use case's user, whether the caller passed a user or an app.services.filings.Actor."""
    if actor is not None and not hasattr(actor, "roles") and hasattr(actor, "user"):
        return actor.user
    return actor


def has_role(user, roles) -> bool:
    return bool(role_names(user) & set(roles))


def require(user, roles, what: str) -> None:
    if not has_role(user, roles):
        raise DomainError("NOT_ALLOWED", f"您的账户角色不能{what}。如确需办理，请联系市级经办机构。",
                          f"Your role may not {what}.")


def scope_name(user) -> str:
    """The user's area in words, for refusal messages (梁溪区 / 崇安寺街道 / 全市)."""
    jur = jurisdiction_of(user)
    if jur.scope == "all":
        return "全市"
    office = getattr(user, "office", None)
    if jur.scope in ("district", "street") and office is not None:
        return office.region.name
    if jur.scope == "unit" and getattr(user, "unit", None) is not None:
        return user.unit.name
    return "无"


def not_found(what: str) -> DomainError:
    """The same answer for "no such record" and "not in your jurisdiction"."""
    return DomainError("NOT_FOUND", f"未找到该{what}，或不在您的办理范围内。",
                       f"The {what} was not found in your jurisdiction.")
