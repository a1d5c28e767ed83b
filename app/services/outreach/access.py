"""Who may do what in the "1+3" services, beside jurisdiction (app.queries.jurisdiction decides where).

The Event coordinator manages events and key-enterprise service only; city staff everything;
district and street staff raise desk cases and record visits in their area; employers sign up
their own attendees. Views check FAB permissions first; the services check again here, so the
same use case called from a job, the CLI or another capability cannot widen access."""

from __future__ import annotations

import datetime

from app import clock
from app.domain.outreach.errors import NOT_ALLOWED
from app.domain.roles import (
    ROLE_ADMIN,
    ROLE_CITY,
    ROLE_COORDINATOR,
    ROLE_DISTRICT,
    ROLE_EMPLOYER,
    ROLE_STREET,
)
from app.domain.shared_errors import NOT_FOUND
from app.queries.jurisdiction import Jurisdiction, role_names
from app.services.actor import Actor

EVENT_MANAGERS = frozenset({ROLE_ADMIN, ROLE_CITY, ROLE_COORDINATOR})
KEY_MANAGERS = frozenset({ROLE_ADMIN, ROLE_CITY, ROLE_COORDINATOR})
KEY_READERS = frozenset({ROLE_ADMIN, ROLE_CITY, ROLE_COORDINATOR, ROLE_DISTRICT, ROLE_STREET})
VISITORS = KEY_READERS
DESK_STAFF = frozenset({ROLE_ADMIN, ROLE_CITY, ROLE_DISTRICT, ROLE_STREET})
CITY_DESK = frozenset({ROLE_ADMIN, ROLE_CITY})
KB_EDITORS = frozenset({ROLE_ADMIN, ROLE_CITY})
EMPLOYERS = frozenset({ROLE_EMPLOYER})

# English names of the records refused as not found (NOT_FOUND's what_en).
WHAT_EN = {"活动": "event", "单位": "unit", "报名记录": "sign-up", "重点企业": "key enterprise",
           "走访记录": "visit", "跟进事项": "follow-up", "专项服务": "service case",
           "疑难问题": "desk case", "联席会议": "joint meeting", "文章": "article",
           "办理范围": "jurisdiction"}


def now() -> datetime.datetime:
    """Naive local time, as every other timestamp of the platform."""
    return clock.now().replace(microsecond=0)


def as_actor(who) -> Actor:
    """The Actor of a use case; a bare user (a read from another capability's page) becomes one."""
    return who if isinstance(who, Actor) else Actor.of(who)


def user_of(who):
    """The user behind an Actor (or the user itself)."""
    return who.user if isinstance(who, Actor) else who


def jurisdiction(who) -> Jurisdiction:
    return as_actor(who).jurisdiction


def has_role(who, roles) -> bool:
    return bool(role_names(user_of(who)) & set(roles))


def require(who, roles, what: str) -> None:
    if not has_role(who, roles):
        raise NOT_ALLOWED(what=what)


def scope_name(actor: Actor) -> str:
    """The actor's area in words, for refusal messages (梁溪区 / 崇安寺街道 / 全市)."""
    jur = actor.jurisdiction
    if jur.scope == "all":
        return "全市"
    if jur.scope in ("district", "street") and actor.office is not None:
        return actor.office.region.name
    unit = getattr(actor.user, "unit", None)
    if jur.scope == "unit" and unit is not None:
        return unit.name
    return "无"


def not_found(what: str):
    """The same answer for "no such record" and "not in your jurisdiction"."""
    return NOT_FOUND(what=what, what_en=WHAT_EN.get(what, "record"))
