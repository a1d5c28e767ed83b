"""Staff queues of change requests and disputes in their jurisdiction, and their decisions."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from app.domain.errors import DomainError, ErrorCode
from app.domain.individuals import DISPUTE_NOT_FOUND, REQUEST_NOT_FOUND
from app.models.filings import Filing
from app.models.individuals import ChangeRequest, Dispute
from app.models.units import Unit
from app.services.individuals.change_requests import change_request_clause, decide_change_request
from app.services.individuals.disputes import resolve_dispute
from app.views.base import JurisdictionModelView
from app.views.filters import current_jurisdiction
from app.web import current_actor


class ChangeRequestJurisdictionFilter(BaseFilter):
    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        return query.filter(change_request_clause(current_jurisdiction()))


class DisputeJurisdictionFilter(BaseFilter):
    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
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
        return _decision(pk, REQUEST_NOT_FOUND, "已处理该变更申请，并已通知申请人。",
                         lambda: decide_change_request(
                             current_actor(), pk,
                             approve=request.form.get("decision") == "approve",
                             reason=request.form.get("reason", "")))

    @expose("/proof/<int:pk>")
    @has_access
    def proof(self, pk: int):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None or item.proof is None:
            abort(404)
        return _download(item.proof, item.proof_content_type)


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
        return _decision(pk, DISPUTE_NOT_FOUND, "异议已处理，并已通知劳动者。",
                         lambda: resolve_dispute(
                             current_actor(), pk,
                             corrected=request.form.get("outcome") == "corrected",
                             resolution=request.form.get("resolution", "")))


def _decision(pk: int, not_found: ErrorCode, done: str, decide):
    """Run a staff decision; outside the jurisdiction is a 404, any other refusal a message."""
    try:
        decide()
    except DomainError as exc:
        if exc.code == not_found.code:
            abort(404)
        flash(f"{exc.message}（{exc.code}）", "danger")
    else:
        flash(done, "success")
    return redirect(url_for(".show", pk=pk))


def _download(data: bytes, content_type: str | None):
    response = Response(data, mimetype=content_type or "application/octet-stream")
    response.headers["Content-Disposition"] = "attachment; filename=proof"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
