"""Look-ups and lists of the outreach pages that need no rule beyond the page's own permission
(the use cases in app.services.outreach check roles and jurisdiction for the rest)."""

from __future__ import annotations

import datetime

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models.org import Office, Region, RegionLevel
from app.models.outreach import EventSignup, KnowledgeArticle, OutreachEvent, VisitFollowUp
from app.models.units import Unit


def event(event_id: int) -> OutreachEvent | None:
    return db.session.get(OutreachEvent, event_id)


def events_for_coordinators(*, past: bool, limit: int = 300) -> list[OutreachEvent]:
    """From yesterday on, soonest first; or (past) every event, latest first."""
    stmt = select(OutreachEvent)
    if not past:
        stmt = stmt.where(OutreachEvent.starts_at >= clock.now()
                          - datetime.timedelta(days=1))
    order = OutreachEvent.starts_at.desc() if past else OutreachEvent.starts_at
    return list(db.session.scalars(stmt.order_by(order).limit(limit)))


def signups_of(event_id: int) -> list[EventSignup]:
    return list(db.session.scalars(select(EventSignup).where(
        EventSignup.event_id == event_id).order_by(EventSignup.id)))


def offices() -> list[Office]:
    return list(db.session.scalars(select(Office).order_by(Office.id)))


def districts() -> list[Region]:
    return list(db.session.scalars(select(Region).where(Region.level == RegionLevel.DISTRICT)
                                   .order_by(Region.code)))


def unit(unit_id: int | None) -> Unit | None:
    return db.session.get(Unit, unit_id) if unit_id else None


def follow_up(follow_up_id: int) -> VisitFollowUp | None:
    return db.session.get(VisitFollowUp, follow_up_id)


def article(article_id: int) -> KnowledgeArticle | None:
    return db.session.get(KnowledgeArticle, article_id)
