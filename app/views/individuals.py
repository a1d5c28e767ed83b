"""Individuals (劳动者个人): self-registration, real-name verification, own records, change
requests and disputes; and the staff queues that decide them."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access

from app.domain.errors import DomainError
from app.domain.identifiers import mask_citizen_id
from app.domain.individuals import ChangeField, DisputeKind, DisputeStatus, RequestStatus
from app.extensions import appbuilder, db
from app.models.codes import EducationLevel
from app.models.filings import Filing
from app.models.individuals import ChangeRequest, Dispute
from app.queries.jurisdiction import jurisdiction_of
from app.services import individuals as svc
from app.services.filings import Upload
from app.views.base import JurisdictionModelView, rate_limit_posts
from app.views.filters import current_jurisdiction


def _upload(name):
    file = request.files.get(name)
    if file is None or not file.filename:
        return None
    return Upload(file.filename, file.mimetype, file.read())


class IndividualRegistrationView(BaseView):
    """Public: open a personal account (个人注册)."""

    route_base = "/register/person"
    default_view = "register"

    @expose("/", methods=["GET", "POST"])
    def register(self):
        errors, values = {}, {}
        if request.method == "POST":
            values = {k: request.form.get(k, "") for k in ("name", "citizen_id", "phone")}
            try:
                svc.register_individual(password=request.form.get("password", ""),
                                        confirm=request.form.get("confirm", ""), **values)
            except DomainError as exc:
                errors[exc.field or "_form"] = f"{exc.message}（{exc.code}）"
            else:
                flash("注册成功。请用手机号码登录，然后完成实名认证。", "success")
                return redirect(appbuilder.get_url_for_login)
        return self.render_template("individuals/register.html", errors=errors,
                                    values=values)


class MyRecordsView(BaseView):
    """/me: a worker's own records, only after real-name verification."""

    route_base = "/me"
    default_view = "index"
    method_permission_name = {"index": "read", "verify": "write", "confirm": "write",
                              "filing": "read", "change": "write", "dispute": "write"}

    @expose("/")
    @has_access
    def index(self):
        account = svc.account_of(g.user)
        if not g.user.person_id:
            return self.render_template("individuals/verify.html", account=account,
                                        message=None, errors={})
        person = svc.my_person(g.user)
        return self.render_template(
            "individuals/me.html", person=person, employments=svc.my_employments(person),
            filings=svc.my_filings(person),
            requests=db.session.query(ChangeRequest).filter_by(person_id=person.id)
            .order_by(ChangeRequest.id.desc()).all(),
            disputes=db.session.query(Dispute).filter_by(person_id=person.id)
            .order_by(Dispute.id.desc()).all(),
            educations=db.session.query(EducationLevel).filter(
                EducationLevel.parent_code.is_not(None)).order_by(EducationLevel.sort).all(),
            dispute_kinds=DisputeKind, mask=mask_citizen_id)

    @expose("/verify", methods=["POST"])
    @has_access
    def verify(self):
        try:
            message = svc.start_verification(g.user)
        except DomainError as exc:
            flash(f"{exc.message}（{exc.code}）", "danger")
            return redirect(url_for(".index"))
        return self.render_template("individuals/verify.html", account=svc.account_of(g.user),
                                    message=message, errors={})

    @expose("/confirm", methods=["POST"])
    @has_access
    def confirm(self):
        try:
            svc.confirm_verification(g.user, request.form.get("code", ""))
        except DomainError as exc:
            return self.render_template("individuals/verify.html",
                                        account=svc.account_of(g.user), message=svc.SAME_ANSWER,
                                        errors={"code": f"{exc.message}（{exc.code}）"})
        flash("实名认证成功。", "success")
        return redirect(url_for(".index"))

    @expose("/filing/<int:filing_id>")
    @has_access
    def filing(self, filing_id: int):
        try:
            person = svc.my_person(g.user)
            filing = svc.my_filing(person, filing_id)
        except DomainError:
            abort(404)
        return self.render_template("individuals/filing.html", filing=filing,
                                    dispute_kinds=DisputeKind)

    @expose("/change", methods=["POST"])
    @has_access
    def change(self):
        try:
            svc.submit_change_request(g.user, request.form.get("field", ""),
                                      request.form.get("new_value", ""), _upload("proof"))
        except DomainError as exc:
            flash(f"{exc.message}（{exc.code}）", "danger")
        else:
            flash("变更申请已提交，经办机构审核后会以短信通知您。", "success")
        return redirect(url_for(".index"))

    @expose("/dispute/<int:filing_id>", methods=["POST"])
    @has_access
    def dispute(self, filing_id: int):
        try:
            svc.open_dispute(g.user, filing_id, request.form.get("kind", ""),
                             request.form.get("comment", ""))
        except DomainError as exc:
            if exc.code == "FILING_NOT_FOUND":
                abort(404)
            flash(f"{exc.message}（{exc.code}）", "danger")
        else:
            flash("异议已提交，经办机构处理后会以短信通知您。", "success")
        return redirect(url_for(".index"))


class ChangeRequestJurisdictionFilter(BaseFilter):
    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        return query.filter(svc.change_request_clause(current_jurisdiction()))


class DisputeJurisdictionFilter(BaseFilter):
    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        from sqlalchemy import select

        from app.models.units import Unit

        units = select(Unit.id).where(current_jurisdiction().unit_clause())
        return query.filter(Dispute.filing_id.in_(
            select(Filing.id).where(Filing.unit_id.in_(units))))


class ChangeRequestView(JurisdictionModelView):
    """Staff queue of change requests in their jurisdiction."""

    datamodel = SQLAInterface(ChangeRequest)
    base_filters = [["id", ChangeRequestJurisdictionFilter, None]]
    base_permissions = ["can_list", "can_show", "can_decide", "can_proof"]
    method_permission_name = {"decide": "decide", "proof": "proof"}
    list_title = show_title = "信息变更申请"
    show_template = "individuals/change_request_show.html"
    list_columns = ["submitted_at", "person", "field", "old_value", "new_value", "status"]
    search_columns = ["status", "field", "submitted_at"]
    show_columns = ["submitted_at", "person", "field", "old_value", "new_value",
                    "proof_filename", "status", "decided_at", "reason"]
    label_columns = {"submitted_at": "提交时间", "person": "劳动者", "field": "变更项目",
                     "old_value": "原值", "new_value": "新值", "status": "状态",
                     "proof_filename": "证明材料", "decided_at": "处理时间", "reason": "理由"}
    base_order = ("id", "desc")

    @expose("/decide/<int:pk>", methods=["POST"])
    @has_access
    def decide(self, pk: int):
        return _decision(pk, "REQUEST_NOT_FOUND", "已处理该变更申请，并已通知申请人。",
                         lambda: svc.decide_change_request(
                             pk, jurisdiction_of(g.user), g.user,
                             approve=request.form.get("decision") == "approve",
                             reason=request.form.get("reason", "")))

    @expose("/proof/<int:pk>")
    @has_access
    def proof(self, pk: int):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None or item.proof is None:
            abort(404)
        return _download(item.proof, item.proof_content_type, item.proof_filename)


class DisputeView(JurisdictionModelView):
    """Staff queue of disputes about filings of units in their jurisdiction."""

    datamodel = SQLAInterface(Dispute)
    base_filters = [["id", DisputeJurisdictionFilter, None]]
    base_permissions = ["can_list", "can_show", "can_resolve"]
    method_permission_name = {"resolve": "resolve"}
    list_title = show_title = "劳动者异议"
    show_template = "individuals/dispute_show.html"
    list_columns = ["created_at", "person", "filing", "kind", "status"]
    search_columns = ["status", "kind", "created_at"]
    show_columns = ["created_at", "person", "filing", "kind", "comment", "status",
                    "resolved_at", "resolution"]
    label_columns = {"created_at": "提出时间", "person": "劳动者", "filing": "备案",
                     "kind": "异议类型", "comment": "说明", "status": "状态",
                     "resolved_at": "处理时间", "resolution": "处理结果"}
    base_order = ("id", "desc")

    @expose("/resolve/<int:pk>", methods=["POST"])
    @has_access
    def resolve(self, pk: int):
        return _decision(pk, "DISPUTE_NOT_FOUND", "异议已处理，并已通知劳动者。",
                         lambda: svc.resolve_dispute(
                             pk, jurisdiction_of(g.user), g.user,
                             corrected=request.form.get("outcome") == "corrected",
                             resolution=request.form.get("resolution", "")))


def _decision(pk: int, not_found_code: str, done: str, decide):
    """Run a staff decision; outside the jurisdiction is a 404, any other refusal a message."""
    try:
        decide()
    except DomainError as exc:
        if exc.code == not_found_code:
            abort(404)
        flash(f"{exc.message}（{exc.code}）", "danger")
    else:
        flash(done, "success")
    return redirect(url_for(".show", pk=pk))


def _download(data: bytes, content_type: str | None, filename: str | None):
    from flask import Response

    response = Response(data, mimetype=content_type or "application/octet-stream")
    response.headers["Content-Disposition"] = "attachment; filename=proof"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def register(appbuilder) -> None:
    rate_limit_posts(appbuilder, appbuilder.add_view_no_menu(IndividualRegistrationView),
                     "20 per hour")
    me = appbuilder.add_view(MyRecordsView, "My records", icon="fa-id-card",
                             category="Personal", category_icon="fa-user")
    rate_limit_posts(appbuilder, me, "60 per hour")
    appbuilder.add_view(ChangeRequestView, "Change requests", icon="fa-pencil",
                        category="Filings")
    appbuilder.add_view(DisputeView, "Disputes", icon="fa-exclamation-triangle",
                        category="Filings")


__all__ = ["ChangeField", "RequestStatus", "DisputeStatus", "register"]
