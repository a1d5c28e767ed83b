"""Key-enterprise designated service (/outreach/key-enterprises): the list in the user's
jurisdiction, designation, service staff, visits (大走访) with follow-ups, and special service
cases with their linked filings and a ZIP of their documents. Every endpoint loads its record
through the service's jurisdiction check first: outside it, 404."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app.domain.documents import BATCH_NOT_READY
from app.domain.errors import DomainError
from app.domain.identifiers import mask_citizen_id
from app.domain.outreach.errors import OUT_OF_JURISDICTION
from app.queries import outreach as oq
from app.services.audit import record_access
from app.services.documents import batches as document_batches
from app.services.documents import queue as document_queue
from app.services.outreach import enterprises as ke
from app.services.outreach.access import KEY_MANAGERS, has_role
from app.views.base import found_or_404
from app.views.forms import attach_domain_error, error_text, flash_outcome
from app.views.outreach.forms import (
    DesignateForm,
    FollowUpForm,
    LinkFilingsForm,
    ServiceCaseForm,
    StaffForm,
    VisitForm,
    to_int,
    today,
)
from app.web import current_actor, public_base_url

_RECEIPT_SPLIT = re.compile(r"[\s,，;；、]+")


class KeyEnterpriseView(BaseView):
    route_base = "/outreach/key-enterprises"
    default_view = "index"
    method_permission_name = {
        "index": "read", "show": "read", "visit": "read", "case": "read", "case_documents": "read",
        "case_batch": "read", "case_batch_status": "read", "case_batch_zip": "read",
        "record_visit": "visit", "add_follow_up": "visit", "follow_up_status": "visit",
        "designate": "manage", "staff": "manage", "open_case": "manage", "link": "manage",
        "close_case": "manage",
    }

    # -- loading in jurisdiction ----------------------------------------------------------------
    @staticmethod
    def _ke(key_enterprise_id: int):
        return found_or_404(ke.key_enterprise_for(current_actor(), key_enterprise_id))

    @staticmethod
    def _case(case_id: int):
        return found_or_404(ke.case_for(current_actor(), case_id))

    # -- list, designate, show -----------------------------------------------------------------
    @expose("/")
    @has_access
    def index(self):
        items = ke.visible_key_enterprises(current_actor())
        return self.render_template("outreach/ke_list.html", items=items,
                                    visits=ke.visible_visits(current_actor(), limit=50),
                                    may_manage=has_role(current_actor(), KEY_MANAGERS))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def designate(self):
        form = DesignateForm()
        if form.validate_on_submit():
            try:
                unit = ke.unit_by_credit_code(form.credit_code.data or "")
                item = ke.designate(unit, form.reason.data or "", current_actor())
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                flash(f"已将“{unit.name}”认定为重点企业。", "success")
                return redirect(url_for("KeyEnterpriseView.show", key_enterprise_id=item.id))
        return self.render_template("outreach/form.html", form=form, title="认定重点企业",
                                    submit="认定", back=url_for("KeyEnterpriseView.index"))

    @expose("/<int:key_enterprise_id>")
    @has_access
    def show(self, key_enterprise_id: int):
        item = self._ke(key_enterprise_id)
        staff_form = StaffForm(staff=[u.id for u in item.staff])
        staff_form.staff.choices = [(u.id, f"{u.first_name or u.username}（{u.office.name}）")
                                    for u in ke.staff_choices(item.unit)]
        return self.render_template(
            "outreach/ke_show.html", item=item, visits=ke.visits_of_unit(item.unit_id),
            cases=ke.cases_of(item.id), staff_form=staff_form, case_form=ServiceCaseForm(),
            may_manage=has_role(current_actor(), KEY_MANAGERS), today=today())

    @expose("/<int:key_enterprise_id>/staff", methods=["POST"])
    @has_access
    def staff(self, key_enterprise_id: int):
        item = self._ke(key_enterprise_id)
        ids = [i for i in (to_int(v) for v in request.form.getlist("staff")) if i]
        flash_outcome(lambda: ke.assign_staff(item.id, ids, current_actor()), "服务专员已更新。")
        return redirect(url_for("KeyEnterpriseView.show", key_enterprise_id=item.id))

    # -- visits ----------------------------------------------------------------------------------
    @expose("/visits/new", methods=["GET", "POST"])
    @has_access
    def record_visit(self):
        form = VisitForm()
        if request.method == "GET" and request.args.get("unit_id"):
            unit = oq.unit(to_int(request.args.get("unit_id")))
            if unit is not None and current_actor().jurisdiction.covers_unit(unit):
                form.credit_code.data = unit.credit_code
        if request.method == "GET":
            form.visit_date.data = today()
        if form.validate_on_submit():
            try:
                unit = ke.unit_by_credit_code(form.credit_code.data or "")
                visit = ke.record_visit(unit, ke.VisitInput(
                    visit_date=form.visit_date.data, people_met=form.people_met.data or "",
                    problems=form.problems.data or "", notes=form.notes.data or ""), current_actor())
            except DomainError as exc:
                attach_domain_error(form, exc.for_field("credit_code")
                                    if exc.code == OUT_OF_JURISDICTION.code else exc)
            else:
                flash(f"已登记对“{unit.name}”的走访。可继续添加跟进事项。", "success")
                return redirect(url_for("KeyEnterpriseView.visit", visit_id=visit.id))
        return self.render_template("outreach/form.html", form=form, title="登记走访（大走访）",
                                    submit="保存走访记录",
                                    back=url_for("KeyEnterpriseView.index"))

    @expose("/visits/<int:visit_id>")
    @has_access
    def visit(self, visit_id: int):
        visit = ke.visit_for(current_actor(), visit_id)
        if visit is None:
            abort(404)
        form = FollowUpForm()
        form.owner.choices = [(str(u.id), f"{u.first_name or u.username}（{u.office.name}）")
                              for u in ke.staff_choices(visit.unit)]
        form.owner.data = str(current_actor().user_id)
        return self.render_template("outreach/visit_show.html", visit=visit, form=form,
                                    key_enterprise=ke.key_enterprise_of_unit(visit.unit_id),
                                    today=today())

    @expose("/visits/<int:visit_id>/follow-ups", methods=["POST"])
    @has_access
    def add_follow_up(self, visit_id: int):
        visit = ke.visit_for(current_actor(), visit_id)
        if visit is None:
            abort(404)
        form = FollowUpForm()
        form.owner.choices = []
        if not form.validate_on_submit():
            flash("；".join(e for errs in form.errors.values() for e in errs), "danger")
            return redirect(url_for("KeyEnterpriseView.visit", visit_id=visit.id))
        try:
            ke.add_follow_up(visit.id, form.action.data or "", to_int(form.owner.data),
                             form.due_date.data, current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash("已添加跟进事项。", "success")
        return redirect(url_for("KeyEnterpriseView.visit", visit_id=visit.id))

    @expose("/follow-ups/<int:follow_up_id>/status", methods=["POST"])
    @has_access
    def follow_up_status(self, follow_up_id: int):
        follow_up = oq.follow_up(follow_up_id)
        if follow_up is None or ke.visit_for(current_actor(), follow_up.visit_id) is None:
            abort(404)
        try:
            ke.set_follow_up_done(follow_up.id, request.form.get("done") == "1", current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
        return redirect(url_for("KeyEnterpriseView.visit", visit_id=follow_up.visit_id))

    # -- special service cases ------------------------------------------------------------------
    @expose("/<int:key_enterprise_id>/cases", methods=["POST"])
    @has_access
    def open_case(self, key_enterprise_id: int):
        item = self._ke(key_enterprise_id)
        form = ServiceCaseForm()
        try:
            case = ke.open_case(item.id, form.kind.data or "", form.title.data or "",
                                form.description.data or "", form.expected_people.data,
                                current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
            return redirect(url_for("KeyEnterpriseView.show", key_enterprise_id=item.id))
        flash(f"已建立专项服务“{case.title}”。", "success")
        return redirect(url_for("KeyEnterpriseView.case", case_id=case.id))

    @expose("/cases/<int:case_id>")
    @has_access
    def case(self, case_id: int):
        case = self._case(case_id)
        filings = ke.linked_filings(case.id)
        return self.render_template(
            "outreach/case_show.html", case=case, filings=filings, mask=mask_citizen_id,
            documentable=[f for f in filings if document_queue.is_documentable(f)],
            link_form=LinkFilingsForm(), may_manage=has_role(current_actor(), KEY_MANAGERS))

    @expose("/cases/<int:case_id>/link", methods=["POST"])
    @has_access
    def link(self, case_id: int):
        case = self._case(case_id)
        form = LinkFilingsForm()
        numbers = [n for n in _RECEIPT_SPLIT.split(form.receipts.data or "") if n]
        ids, unknown = ke.filing_ids_by_receipt(numbers)
        if unknown:
            flash(f"以下回执号未找到，请核对：{'、'.join(unknown[:20])}"
                  f"{' 等' if len(unknown) > 20 else ''}。其余已处理。", "warning")
        try:
            added = ke.link_filings(case.id, ids, current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            if ids:
                flash(f"已关联 {added} 条备案（{len(ids) - added} 条此前已关联）。", "success")
        return redirect(url_for("KeyEnterpriseView.case", case_id=case.id))

    @expose("/cases/<int:case_id>/close", methods=["POST"])
    @has_access
    def close_case(self, case_id: int):
        case = self._case(case_id)
        flash_outcome(lambda: ke.close_case(case.id, current_actor()), "专项服务已办结。")
        return redirect(url_for("KeyEnterpriseView.case", case_id=case.id))

    # -- the case's documents as one ZIP (app.services.documents batches) -----------------------
    @expose("/cases/<int:case_id>/documents", methods=["POST"])
    @has_access
    def case_documents(self, case_id: int):
        case = self._case(case_id)
        ids = [f.id for f in ke.linked_filings(case.id) if document_queue.is_documentable(f)]
        try:
            batch = document_batches.create_batch(current_actor(), ids,
                                                  base_url=public_base_url())
        except DomainError as exc:
            flash(error_text(exc), "warning")
            return redirect(url_for("KeyEnterpriseView.case", case_id=case.id))
        except ValueError:
            abort(404)
        return redirect(url_for("KeyEnterpriseView.case_batch", case_id=case.id,
                                token=batch.token))

    def _batch(self, case_id: int, token: str):
        self._case(case_id)
        return found_or_404(document_batches.batch_for(current_actor(), token))

    @expose("/cases/<int:case_id>/documents/<token>")
    @has_access
    def case_batch(self, case_id: int, token: str):
        batch = self._batch(case_id, token)
        return self.render_template(
            "documents/batch_progress.html", batch=batch,
            progress=document_batches.batch_progress(batch),
            status_url=url_for("KeyEnterpriseView.case_batch_status", case_id=case_id,
                               token=token),
            zip_url=url_for("KeyEnterpriseView.case_batch_zip", case_id=case_id, token=token))

    @expose("/cases/<int:case_id>/documents/<token>/status")
    @has_access
    def case_batch_status(self, case_id: int, token: str):
        batch = self._batch(case_id, token)
        payload = document_batches.batch_progress(batch)
        payload["renderer_alive"] = document_queue.renderer_alive()
        return jsonify(payload)

    @expose("/cases/<int:case_id>/documents/<token>/zip")
    @has_access
    def case_batch_zip(self, case_id: int, token: str):
        batch = self._batch(case_id, token)
        progress = document_batches.batch_progress(batch)
        if not progress["done"]:
            refusal = BATCH_NOT_READY()
            return jsonify({"error": refusal.code, "message": refusal.message, **progress}), \
                refusal.status
        record_access(current_actor(), "document_batch", batch.id, "download", case=case_id)
        response = Response(stream_with_context(document_batches.iter_batch_zip(batch)),
                            mimetype="application/zip")
        name = document_batches.batch_zip_name(batch)
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"documents-{batch.id}.zip\"; filename*=UTF-8''{quote(name)}")
        return response
