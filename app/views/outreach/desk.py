"""District issue desk (/outreach/desk) and joint meetings (/outreach/meetings). A desk case
outside the user's area is a 404 on every endpoint (the service's case_for filters by it)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app.domain.errors import DomainError
from app.domain.outreach import DeskStatus, MeetingStatus, age_bucket
from app.queries import outreach as oq
from app.services.outreach import desk
from app.services.outreach.access import CITY_DESK, has_role
from app.views.base import found_or_404
from app.views.forms import attach_domain_error, error_text, flash_outcome
from app.views.outreach.forms import (
    AgendaForm,
    DeskAssignForm,
    DeskCaseForm,
    DeskPostForm,
    MeetingForm,
    MinutesForm,
    to_int,
    today,
)
from app.web import current_actor

STATUS_CLASSES = {DeskStatus.OPEN: "danger", DeskStatus.ANSWERED: "info",
                  DeskStatus.CLOSED: "default"}


def _districts():
    return oq.districts()


class IssueDeskView(BaseView):
    route_base = "/outreach/desk"
    default_view = "index"
    method_permission_name = {
        "index": "read", "show": "read", "overview": "read",
        "add": "raise", "post": "raise",
        "assign": "answer", "close": "answer",
    }

    @staticmethod
    def _case(case_id: int):
        return found_or_404(desk.case_for(current_actor(), case_id))

    @expose("/")
    @has_access
    def index(self):
        status = request.args.get("status", "UNCLOSED")
        district_id = to_int(request.args.get("district"))
        cases = desk.visible_cases(current_actor(), status=status, district_id=district_id)
        return self.render_template(
            "outreach/desk_list.html", cases=cases, status=status, statuses=list(DeskStatus),
            classes=STATUS_CLASSES, today=today(), age_bucket=age_bucket,
            districts=_districts() if current_actor().jurisdiction.is_city_wide else [],
            district_id=district_id)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = DeskCaseForm()
        city_wide = current_actor().jurisdiction.is_city_wide
        if city_wide:
            form.district_id.choices = [("", "请选择")] + [(str(r.id), r.name)
                                                         for r in _districts()]
        else:
            del form.district_id
        if form.validate_on_submit():
            try:
                case = desk.raise_case(desk.DeskInput(
                    category=form.category.data or "", title=form.title.data or "",
                    description=form.description.data or "",
                    unit_credit_code=form.unit_credit_code.data or "",
                    district_id=to_int(form.district_id.data) if city_wide else None,
                    due_date=form.due_date.data), current_actor())
            except DomainError as exc:
                attach_domain_error(form, exc.for_field("unit_credit_code")
                                    if exc.field in ("credit_code", "unit") else exc)
            else:
                flash("问题已提交，市级经办机构答复后会显示在本问题页面。", "success")
                return redirect(url_for("IssueDeskView.show", case_id=case.id))
        return self.render_template("outreach/form.html", form=form, title="提交疑难问题 / 投诉",
                                    submit="提交", back=url_for("IssueDeskView.index"))

    @expose("/<int:case_id>")
    @has_access
    def show(self, case_id: int):
        case = self._case(case_id)
        is_city = has_role(current_actor(), CITY_DESK)
        assign_form = None
        if is_city:
            assign_form = DeskAssignForm(owner_id=str(case.owner_id or ""),
                                         due_date=case.due_date)
            assign_form.owner_id.choices = [("", "（未指定）")] + [
                (str(u.id), u.first_name or u.username) for u in desk.city_owners()]
        return self.render_template(
            "outreach/desk_show.html", case=case, post_form=DeskPostForm(),
            assign_form=assign_form, is_city=is_city, classes=STATUS_CLASSES,
            may_post=has_role(current_actor(), desk.DESK_STAFF), today=today(),
            bucket=age_bucket(case.created_at.date(), today()))

    @expose("/<int:case_id>/post", methods=["POST"])
    @has_access
    def post(self, case_id: int):
        case = self._case(case_id)
        form = DeskPostForm()
        try:
            desk.post(case.id, form.body.data or "", current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash("已答复。" if has_role(current_actor(), CITY_DESK) else "已补充说明，等待市级答复。",
                  "success")
        return redirect(url_for("IssueDeskView.show", case_id=case.id))

    @expose("/<int:case_id>/assign", methods=["POST"])
    @has_access
    def assign(self, case_id: int):
        case = self._case(case_id)
        form = DeskAssignForm()
        if not form.validate_on_submit():
            flash("；".join(e for errs in form.errors.values() for e in errs), "danger")
            return redirect(url_for("IssueDeskView.show", case_id=case.id))
        flash_outcome(lambda: desk.assign(case.id, to_int(form.owner_id.data),
                                          form.due_date.data, current_actor()),
                      "承办人和答复期限已更新。")
        return redirect(url_for("IssueDeskView.show", case_id=case.id))

    @expose("/<int:case_id>/close", methods=["POST"])
    @has_access
    def close(self, case_id: int):
        case = self._case(case_id)
        flash_outcome(lambda: desk.close(case.id, current_actor()), "问题已关闭。")
        return redirect(url_for("IssueDeskView.show", case_id=case.id))

    @expose("/overview")
    @has_access
    def overview(self):
        return self.render_template("outreach/desk_overview.html",
                                    data=desk.open_by_district_and_age(current_actor(), today()))


class JointMeetingView(BaseView):
    route_base = "/outreach/meetings"
    default_view = "index"
    method_permission_name = {"index": "read", "show": "read",
                              "add": "write", "agenda": "write", "minutes": "write"}

    @staticmethod
    def _meeting(meeting_id: int):
        return found_or_404(desk.meeting_for(current_actor(), meeting_id))

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("outreach/meetings.html", meetings=desk.meetings(current_actor()),
                                    next_meeting=desk.next_meeting(),
                                    may_write=has_role(current_actor(), CITY_DESK))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = MeetingForm()
        if form.validate_on_submit():
            try:
                meeting = desk.schedule_meeting(desk.MeetingInput(
                    title=form.title.data or "", meets_at=form.meets_at.data,
                    venue=form.venue.data or ""), current_actor())
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                flash(f"已安排会议，并根据尚未关闭的疑难问题拟定了 {len(meeting.items)} 个议题。",
                      "success")
                return redirect(url_for("JointMeetingView.show", meeting_id=meeting.id))
        return self.render_template(
            "outreach/form.html", form=form, title="安排联席会议", submit="安排会议",
            back=url_for("JointMeetingView.index"),
            intro="会议议题将根据安排时尚未关闭的疑难问题自动拟定，之后也可以手动增加。")

    @expose("/<int:meeting_id>")
    @has_access
    def show(self, meeting_id: int):
        meeting = self._meeting(meeting_id)
        may_write = has_role(current_actor(), CITY_DESK)
        agenda_form = minutes_form = None
        if may_write:
            agenda_form = AgendaForm()
            on_agenda = {i.case_id for i in meeting.items if i.case_id}
            agenda_form.case_id.choices = [("", "（不选）")] + [
                (str(c.id), f"#{c.id} 【{c.district.name}】{c.title}")
                for c in desk.visible_cases(current_actor(), status="UNCLOSED") if c.id not in on_agenda]
            minutes_form = MinutesForm(minutes=meeting.minutes,
                                       held="1" if meeting.status == MeetingStatus.HELD else "")
        jur = current_actor().jurisdiction
        visible = {i.case_id for i in meeting.items
                   if i.case_id and desk.case_for(current_actor(), i.case_id) is not None}
        return self.render_template("outreach/meeting_show.html", meeting=meeting,
                                    agenda_form=agenda_form, minutes_form=minutes_form,
                                    may_write=may_write, visible=visible, jur=jur,
                                    classes=STATUS_CLASSES)

    @expose("/<int:meeting_id>/agenda", methods=["POST"])
    @has_access
    def agenda(self, meeting_id: int):
        meeting = self._meeting(meeting_id)
        form = AgendaForm()
        try:
            desk.add_agenda_item(meeting.id, current_actor(), case_id=to_int(form.case_id.data),
                                 title=form.title.data or "")
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash("已增加议题。", "success")
        return redirect(url_for("JointMeetingView.show", meeting_id=meeting.id))

    @expose("/<int:meeting_id>/minutes", methods=["POST"])
    @has_access
    def minutes(self, meeting_id: int):
        meeting = self._meeting(meeting_id)
        form = MinutesForm()
        outcomes = {item.id: request.form.get(f"outcome-{item.id}", "")
                    for item in meeting.items if f"outcome-{item.id}" in request.form}
        try:
            desk.save_minutes(meeting.id, form.minutes.data or "", form.held.data == "1",
                              current_actor(), outcomes=outcomes)
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash("会议纪要已保存。", "success")
        return redirect(url_for("JointMeetingView.show", meeting_id=meeting.id))
