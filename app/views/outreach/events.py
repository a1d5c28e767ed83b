"""Events for coordinators (/outreach/events: create, edit, sign-ups, check-in, feedback) and for
employers (/portal/events: sign up their own attendees, cancel, invitations). Thin: every rule is
in app.services.outreach.events."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app import clock
from app.domain.errors import DomainError
from app.domain.outreach import EventStatus, SignupStatus
from app.models.outreach import EventSignup, OutreachEvent
from app.models.units import Unit
from app.queries import outreach as oq
from app.services.outreach import events
from app.views.base import found_or_404
from app.views.forms import attach_domain_error, error_text, flash_outcome
from app.views.outreach.forms import EventForm, FeedbackForm, SignupForm, to_int
from app.web import current_actor

SIGNUP_CLASSES = {SignupStatus.CONFIRMED: "success", SignupStatus.WAITING: "warning",
                  SignupStatus.CANCELLED: "default"}


def _event_or_404(event_id: int) -> OutreachEvent:
    return found_or_404(oq.event(event_id))


def _event_input(form: EventForm) -> events.EventInput:
    return events.EventInput(
        kind=form.kind.data or "", topic=form.topic.data or "", speakers=form.speakers.data or "",
        starts_at=form.starts_at.data, ends_at=form.ends_at.data, venue=form.venue.data or "",
        capacity=form.capacity.data, signup_deadline=form.signup_deadline.data,
        office_id=to_int(form.office_id.data), coordinator_id=to_int(form.coordinator_id.data),
        description=form.description.data or "")


def _event_form(event: OutreachEvent | None = None) -> EventForm:
    """The event form with its office and coordinator choices (defaults: the user's own)."""
    form = EventForm(obj=event if request.method == "GET" else None)
    form.office_id.choices = [("", "（本人所在经办机构）")] + [
        (str(o.id), o.name) for o in oq.offices()]
    form.coordinator_id.choices = [("", "（本人）")] + [
        (str(u.id), u.first_name or u.username) for u in events.coordinators()]
    if request.method == "GET" and event is not None:
        form.kind.data = event.kind.name
        form.office_id.data = str(event.office_id or "")
        form.coordinator_id.data = str(event.coordinator_id or "")
    return form


class EventAdminView(BaseView):
    """/outreach/events: the coordinator's events."""

    route_base = "/outreach/events"
    default_view = "index"
    method_permission_name = {
        "index": "read", "show": "read",
        "add": "write", "edit": "write", "cancel": "write", "check_in": "write",
        "feedback": "write", "cancel_signup": "write",
    }

    @expose("/")
    @has_access
    def index(self):
        show_past = request.args.get("past") == "1"
        rows = oq.events_for_coordinators(past=show_past)
        return self.render_template("outreach/admin_events.html", events=rows,
                                    counts={e.id: events.counts(e.id) for e in rows},
                                    show_past=show_past)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = _event_form()
        if form.validate_on_submit():
            try:
                event = events.save_event(_event_input(form), current_actor())
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                flash(f"活动“{event.topic}”已发布，已在公开活动日历中显示。", "success")
                return redirect(url_for("EventAdminView.show", event_id=event.id))
        return self.render_template("outreach/form.html", form=form, title="新建活动",
                                    submit="发布活动", back=url_for("EventAdminView.index"))

    @expose("/<int:event_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, event_id: int):
        event = _event_or_404(event_id)
        form = _event_form(event)
        if form.validate_on_submit():
            try:
                events.save_event(_event_input(form), current_actor(), event_id=event.id)
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                flash("活动已修改。", "success")
                return redirect(url_for("EventAdminView.show", event_id=event.id))
        return self.render_template("outreach/form.html", form=form, title=f"修改活动：{event.topic}",
                                    submit="保存", back=url_for("EventAdminView.show",
                                                              event_id=event.id))

    @expose("/<int:event_id>")
    @has_access
    def show(self, event_id: int):
        event = _event_or_404(event_id)
        signups = oq.signups_of(event.id)
        return self.render_template("outreach/admin_event.html", event=event, signups=signups,
                                    counts=events.counts(event.id), classes=SIGNUP_CLASSES,
                                    feedback_form=FeedbackForm())

    @expose("/<int:event_id>/cancel", methods=["POST"])
    @has_access
    def cancel(self, event_id: int):
        event = _event_or_404(event_id)
        try:
            events.cancel_event(event.id, current_actor(), request.form.get("reason", "")[:500])
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash("活动已取消，已通知报名单位。", "warning")
        return redirect(url_for("EventAdminView.show", event_id=event.id))

    def _signup_or_404(self, signup_id: int) -> EventSignup:
        return found_or_404(events.signup_for(current_actor(), signup_id))

    @expose("/signups/<int:signup_id>/check-in", methods=["POST"])
    @has_access
    def check_in(self, signup_id: int):
        signup = self._signup_or_404(signup_id)
        flash_outcome(lambda: events.check_in(signup.id, current_actor()),
                      f"{signup.attendee_name} 已签到。")
        return redirect(url_for("EventAdminView.show", event_id=signup.event_id))

    @expose("/signups/<int:signup_id>/feedback", methods=["POST"])
    @has_access
    def feedback(self, signup_id: int):
        signup = self._signup_or_404(signup_id)
        form = FeedbackForm()
        try:
            events.record_feedback(signup.id, to_int(form.rating.data), form.comment.data or "",
                                   current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash(f"已登记 {signup.attendee_name} 的反馈。", "success")
        return redirect(url_for("EventAdminView.show", event_id=signup.event_id))

    @expose("/signups/<int:signup_id>/cancel", methods=["POST"])
    @has_access
    def cancel_signup(self, signup_id: int):
        signup = self._signup_or_404(signup_id)
        try:
            _, promoted = events.cancel_signup(signup.id, current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash(promotion_text(signup, promoted), "info")
        return redirect(url_for("EventAdminView.show", event_id=signup.event_id))


def promotion_text(signup: EventSignup, promoted: list[EventSignup]) -> str:
    text = f"已取消 {signup.attendee_name} 的报名。"
    if promoted:
        text += "候补人员 " + "、".join(p.attendee_name for p in promoted) + " 已自动递补为正式报名，并已通知其单位。"
    return text


class PortalEventsView(BaseView):
    """/portal/events: an employer signs up attendees of its own unit."""

    route_base = "/portal/events"
    default_view = "index"
    method_permission_name = {"index": "read", "signup": "write", "cancel": "write"}

    def _unit(self) -> Unit:
        unit_id = getattr(current_actor().user, "unit_id", None)
        return found_or_404(oq.unit(unit_id))

    @expose("/")
    @has_access
    def index(self):
        unit = self._unit()
        upcoming = events.upcoming()
        signups = events.unit_signups(unit.id)
        return self.render_template(
            "outreach/portal_events.html", unit=unit, upcoming=upcoming,
            counts={e.id: events.counts(e.id) for e in upcoming}, signups=signups,
            positions={s.id: events.waiting_position(s) for s in signups},
            invitations=events.unit_invitations(unit.id), classes=SIGNUP_CLASSES,
            now=clock.now(), EventStatus=EventStatus, SignupStatus=SignupStatus)

    @expose("/<int:event_id>/signup", methods=["GET", "POST"])
    @has_access
    def signup(self, event_id: int):
        unit = self._unit()
        event = _event_or_404(event_id)
        form = SignupForm()
        if form.validate_on_submit():
            # The unit is the user's own; a crafted unit_id is handed on and refused.
            unit_id = to_int(form.unit_id.data) if form.unit_id.data else unit.id
            try:
                outcome = events.sign_up(event.id, unit_id, events.Attendee(
                    form.attendee_name.data or "", form.attendee_phone.data or "",
                    form.attendee_position.data or ""), current_actor())
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                flash(outcome.message, "success" if outcome.waiting_position is None
                      else "warning")
                return redirect(url_for("PortalEventsView.index"))
        counts = events.counts(event.id)
        return self.render_template(
            "outreach/signup_form.html", form=form, event=event, unit=unit, counts=counts,
            full=counts["confirmed"] >= event.capacity,
            closed=clock.now() > event.signup_deadline
            or event.status == EventStatus.CANCELLED)

    @expose("/signups/<int:signup_id>/cancel", methods=["POST"])
    @has_access
    def cancel(self, signup_id: int):
        self._unit()
        signup = events.signup_for(current_actor(), signup_id)
        if signup is None:
            abort(404)
        try:
            _, promoted = events.cancel_signup(signup.id, current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash(f"已取消 {signup.attendee_name} 的报名。", "info")
        return redirect(url_for("PortalEventsView.index"))
