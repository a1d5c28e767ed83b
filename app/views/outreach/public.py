"""Public pages of the "1+3" services, no login: the event calendar (/events/) and the knowledge
base (/kb/: service guides, FAQ search, the illustrated manual, announcements, integration
guide). Drafts and cancelled events' sign-up details are never shown here."""

from __future__ import annotations

import datetime

from flask import abort, request
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose

from app import clock
from app.domain.outreach import ArticleKind, EventStatus, month_grid
from app.models.outreach import OutreachEvent
from app.queries import outreach as oq
from app.services.outreach import events
from app.services.outreach import knowledge as kb

PUBLIC_HEADERS = {"Cache-Control": "public, max-age=60"}
KB_SECTIONS = (
    (ArticleKind.GUIDE, "办事指南", "fa-map-signs"),
    (ArticleKind.FAQ, "常见问答", "fa-question-circle"),
    (ArticleKind.MANUAL, "用户手册", "fa-book"),
    (ArticleKind.ANNOUNCEMENT, "通知公告", "fa-bullhorn"),
    (ArticleKind.INTEGRATION, "对接指南", "fa-plug"),
)


def _month(value: str | None) -> tuple[int, int]:
    today = clock.today()
    try:
        year, month = (int(p) for p in (value or "").split("-", 1))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


class PublicEventsView(BaseView):
    """/events: the public event calendar (list of upcoming events and a month view)."""

    route_base = "/events"
    default_view = "calendar"

    @expose("/")
    def calendar(self):
        year, month = _month(request.args.get("month"))
        in_month = events.in_month(year, month)
        by_day: dict[datetime.date, list[OutreachEvent]] = {}
        for event in in_month:
            by_day.setdefault(event.starts_at.date(), []).append(event)
        first = datetime.date(year, month, 1)
        prev_month = (first - datetime.timedelta(days=1)).strftime("%Y-%m")
        next_month = (first + datetime.timedelta(days=32)).strftime("%Y-%m")
        upcoming = events.upcoming()
        return self.render_template(
            "outreach/public_events.html", upcoming=upcoming, weeks=month_grid(year, month),
            by_day=by_day, year=year, month=month, prev_month=prev_month,
            next_month=next_month, today=clock.today(),
            counts={e.id: events.counts(e.id) for e in upcoming}), 200, PUBLIC_HEADERS

    @expose("/<int:event_id>")
    def show(self, event_id: int):
        event = oq.event(event_id)
        if event is None:
            abort(404)
        return self.render_template(
            "outreach/public_event.html", event=event, counts=events.counts(event.id),
            open_for_signup=(event.status == EventStatus.PUBLISHED
                             and clock.now() <= event.signup_deadline))


class KnowledgeBaseView(BaseView):
    """/kb: the knowledge base, public."""

    route_base = "/kb"
    default_view = "index"

    @expose("/")
    def index(self):
        sections = [(kind, label, icon, kb.published(kind)) for kind, label, icon in KB_SECTIONS]
        return self.render_template("outreach/kb_index.html", sections=sections,
                                    query=""), 200, PUBLIC_HEADERS

    @expose("/faq")
    def faq(self):
        query = (request.args.get("q") or "").strip()[:100]
        results = kb.search_faq(query) if query else kb.published(ArticleKind.FAQ)
        return self.render_template("outreach/kb_faq.html", query=query, results=results,
                                    searched=bool(query))

    @expose("/<slug>")
    def article(self, slug: str):
        article = kb.published_article(slug)
        if article is None:
            abort(404)
        related = [a for a in kb.published(article.kind) if a.id != article.id][:8]
        return self.render_template("outreach/kb_article.html", article=article,
                                    related=related), 200, PUBLIC_HEADERS
