"""Bulk filing pages (批量导入备案): templates to download, upload, the batch page with its
progress bar and row errors, the error report, "file now", the batch's documents as one ZIP.

The employer portal (/portal/bulk) works on the user's own unit; the counter (/counter/bulk)
lets staff upload for a unit of their jurisdiction (named by its credit code) and lets district
staff approve a mass termination batch at once. Every endpoint re-checks the batch's unit
against the user's jurisdiction (the service's batch_for): 404 outside it."""

from __future__ import annotations

import io
from urllib.parse import quote

from flask import abort, flash, g, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from app.domain.bulk.columns import COLUMNS, MODE_ALL_OR_NOTHING, MODE_VALID_ONLY
from app.domain.bulk.errors import BULK_FILE_MISSING, SERVICE_CASE_MISMATCH
from app.domain.errors import DomainError
from app.domain.filings import RETURN_REASONS, FilingStatus, FilingType
from app.domain.identifiers import mask_citizen_id
from app.domain.shared_errors import UNIT_OUT_OF_JURISDICTION
from app.extensions import db
from app.models.bulk import BatchStatus, BulkBatch, BulkRow, RowStatus
from app.models.filings import Channel
from app.models.units import Unit
from app.queries.batches import batches_in
from app.services.actor import Actor
from app.services.audit import record_access
from app.services.bulk.approval import approve_district, return_district
from app.services.bulk.common import filing_ids, limits, max_rows
from app.services.bulk.files import error_report, template_file
from app.services.bulk.filing import request_filing
from app.services.bulk.status import approval_active, batch_for, batch_status
from app.services.bulk.upload import upload_file
from app.views.base import found_or_404
from app.web import current_actor

FORMATS = ("xlsx", "csv")
ROWS_SHOWN = 200


def _flash_error(exc: DomainError) -> None:
    flash(f"{exc.message}（{exc.code}）", "danger")


class BulkPages:
    """The pages, shared by the portal and the counter (which differ in how the unit is
    chosen)."""

    is_counter = False

    @staticmethod
    def actor() -> Actor:
        return current_actor(via=Channel.BULK)

    def batch_or_404(self, batch_id: int) -> BulkBatch:
        try:
            return batch_for(self.actor(), batch_id)
        except DomainError:
            abort(404)

    def own_unit(self) -> Unit | None:
        return None

    # -- pages --------------------------------------------------------------------------------
    def index_page(self):
        unit = self.own_unit()
        batches = batches_in(self.actor().jurisdiction, unit.id if unit else None)
        cases = self.service_cases()
        return self.render_template(
            "bulk/index.html", unit=unit, batches=batches, filing_types=list(FilingType),
            columns=COLUMNS, max_rows=max_rows(), is_counter=self.is_counter,
            endpoint=self.endpoint, cases=cases,
            max_mb=limits().max_bytes // (1024 * 1024))

    def service_cases(self) -> list:
        return []

    def upload_action(self):
        upload = request.files.get("file")
        kind = request.form.get("filing_type", "")
        unit = self.own_unit() or self.unit_from_form()
        if unit is None:
            return redirect(url_for(f"{self.endpoint}.index"))
        if upload is None or not upload.filename:
            _flash_error(BULK_FILE_MISSING())
            return redirect(url_for(f"{self.endpoint}.index"))
        data = upload.read()
        try:
            batch, created = upload_file(
                self.actor(), unit.id, kind, upload.filename, data,
                service_case_id=self.case_from_form(unit))
        except DomainError as exc:
            _flash_error(exc)
            return redirect(url_for(f"{self.endpoint}.index"))
        if not created:
            flash(f"这个文件已经上传过（批次 #{batch.id}，{batch.created_at:%Y-%m-%d %H:%M}），"
                  "没有重复导入。以下是该批次的处理结果。", "info")
        else:
            flash("文件已上传，正在后台逐行校验。您可以留在本页查看进度，也可以离开，稍后在“批量导入”页面回来查看。",
                  "success")
        return redirect(url_for(f"{self.endpoint}.batch", batch_id=batch.id))

    def unit_from_form(self) -> Unit | None:
        return None

    def case_from_form(self, unit: Unit) -> int | None:
        return None

    def batch_page(self, batch_id: int):
        batch = self.batch_or_404(batch_id)
        status = batch_status(batch.id, self.actor(), rows=False)
        headers = {c.key: c.header_zh for c in COLUMNS[batch.filing_type]}
        shown = [{"row": number, "name": cells.get("name") or "",
                  "citizen_id": masked(cells.get("citizen_id")), "errors": errors or []}
                 for number, cells, errors in db.session.execute(
                     select(BulkRow.row_number, BulkRow.cells, BulkRow.errors)
                     .where(BulkRow.batch_id == batch.id, BulkRow.status == RowStatus.INVALID)
                     .order_by(BulkRow.row_number).limit(ROWS_SHOWN))]
        return self.render_template(
            "bulk/batch.html", batch=batch, status=status, endpoint=self.endpoint,
            headers=headers, invalid_rows=shown, rows_shown=ROWS_SHOWN, mode_all=MODE_ALL_OR_NOTHING,
            mode_valid=MODE_VALID_ONLY, is_counter=self.is_counter,
            may_approve=self.is_counter and batch.district_approval > 0
            and not approval_active(batch)
            and self.appbuilder.sm.has_access("can_approve", self.class_permission_name),
            return_reasons=RETURN_REASONS,
            status_url=url_for(f"{self.endpoint}.status", batch_id=batch.id))

    def status_json(self, batch_id: int):
        batch = self.batch_or_404(batch_id)
        payload = batch_status(batch.id, self.actor(), rows=False)
        return jsonify(payload)

    def report_file(self, batch_id: int, fmt: str):
        batch = self.batch_or_404(batch_id)
        if fmt not in FORMATS or batch.status in (BatchStatus.QUEUED, BatchStatus.VALIDATING):
            abort(404)
        only_errors = request.args.get("only") == "errors"
        data, name, mimetype = error_report(batch, fmt, only_errors=only_errors)
        # The report holds full ID numbers (the user's own upload): every download is audited.
        record_access(self.actor(), "bulk_batch", batch.id, "download_report", format=fmt,
                      only_errors=only_errors)
        return _download(data, name, mimetype)

    def file_action(self, batch_id: int):
        batch = self.batch_or_404(batch_id)
        mode = request.form.get("mode", MODE_ALL_OR_NOTHING)
        try:
            request_filing(self.actor(), batch.id, mode)
        except DomainError as exc:
            _flash_error(exc)
        else:
            flash("已提交备案，正在后台办理。完成后本页会显示结果。", "success")
        return redirect(url_for(f"{self.endpoint}.batch", batch_id=batch.id))

    def documents_action(self, batch_id: int):
        """The batch's documents as one ZIP (the documents capability's batch download)."""
        from app.services.documents.batches import create_batch
        from app.web import current_actor, public_base_url

        batch = self.batch_or_404(batch_id)
        ids = filing_ids(batch, (FilingStatus.FILED,))
        try:
            doc_batch = create_batch(current_actor(), ids, unit_id=batch.unit_id,
                                     base_url=public_base_url())
        except DomainError as exc:
            _flash_error(exc)
            return redirect(url_for(f"{self.endpoint}.batch", batch_id=batch.id))
        return redirect(url_for("DocumentView.batch", token=doc_batch.token))

    def template_file(self, kind: str, fmt: str):
        if kind not in FilingType.__members__ or fmt not in FORMATS:
            abort(404)
        data, name, mimetype = template_file(kind, fmt)
        return _download(data, name, mimetype)

    # -- the routes both views expose (FAB collects exposed methods from the MRO) --

    @expose("/")
    @has_access
    def index(self):
        return self.index_page()

    @expose("/template/<kind>.<fmt>")
    @has_access
    def template(self, kind: str, fmt: str):
        return self.template_file(kind, fmt)

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        return self.upload_action()

    @expose("/batch/<int:batch_id>")
    @has_access
    def batch(self, batch_id: int):
        return self.batch_page(batch_id)

    @expose("/batch/<int:batch_id>/status")
    @has_access
    def status(self, batch_id: int):
        return self.status_json(batch_id)

    @expose("/batch/<int:batch_id>/report.<fmt>")
    @has_access
    def report(self, batch_id: int, fmt: str):
        return self.report_file(batch_id, fmt)

    @expose("/batch/<int:batch_id>/file", methods=["POST"])
    @has_access
    def file(self, batch_id: int):
        return self.file_action(batch_id)

    @expose("/batch/<int:batch_id>/documents", methods=["POST"])
    @has_access
    def documents(self, batch_id: int):
        return self.documents_action(batch_id)


def _download(data: bytes, name: str, mimetype: str):
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=name)
    ascii_name = "bulk." + name.rsplit(".", 1)[-1]
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    return response


_PERMS = {"index": "read", "template": "read", "batch": "read", "status": "read",
          "report": "read", "upload": "write", "file": "write", "documents": "write"}


class BulkPortalView(BulkPages, BaseView):
    """单位网上办事 · 批量导入: the employer's own unit."""

    route_base = "/portal/bulk"
    default_view = "index"
    method_permission_name = dict(_PERMS)

    def own_unit(self) -> Unit:
        return found_or_404(db.session.get(Unit, g.user.unit_id) if getattr(g.user, "unit_id", None) else None)


class BulkCounterView(BulkPages, BaseView):
    """窗口代办 · 批量导入: staff upload for a unit of their jurisdiction."""

    route_base = "/counter/bulk"
    default_view = "index"
    is_counter = True
    method_permission_name = {**_PERMS, "approve": "approve", "return_batch": "approve"}

    def unit_from_form(self) -> Unit | None:
        code = (request.form.get("credit_code") or "").strip().upper()
        unit = db.session.scalar(select(Unit).where(Unit.credit_code == code)) if code else None
        if unit is None or not self.actor().jurisdiction.covers_unit(unit):
            flash("未找到该统一社会信用代码的单位，或该单位不在您的辖区内。经办人员只能为辖区内单位批量办理。"
                  f"（{UNIT_OUT_OF_JURISDICTION.code}）", "danger")
            return None
        return unit

    def service_cases(self) -> list:
        """Open special service cases the user may see (plant closures …), for the optional
        link of an upload to its case."""
        try:
            from app.models.outreach import ServiceCase, ServiceCaseStatus
        except ImportError:  # pragma: no cover - the 1+3 capability is not there
            return []
        from app.services.outreach import enterprises as oe

        cases = db.session.scalars(select(ServiceCase).where(
            ServiceCase.status == ServiceCaseStatus.OPEN).order_by(ServiceCase.id.desc())
            .limit(200))
        return [c for c in cases if oe.case_for(g.user, c.id) is not None]

    def case_from_form(self, unit: Unit) -> int | None:
        case_id = request.form.get("service_case_id", type=int)
        if not case_id:
            return None
        from app.services.outreach import enterprises as oe

        case = oe.case_for(g.user, case_id)
        if case is None or case.key_enterprise.unit_id != unit.id:
            raise SERVICE_CASE_MISMATCH()
        return case.id

    @expose("/batch/<int:batch_id>/approve", methods=["POST"])
    @has_access
    def approve(self, batch_id: int):
        """属地审批: approve every filing of the batch waiting for district approval."""
        batch = self.batch_or_404(batch_id)
        try:
            batch = approve_district(self.actor(), batch.id)
        except DomainError as exc:
            _flash_error(exc)
        else:
            flash(f"已提交属地审批“整批通过”（{batch.approval_total} 条退工备案），正在后台逐条办理。"
                  "本页会显示进度，完成后显示结果。", "success")
        return redirect(url_for(f"{self.endpoint}.batch", batch_id=batch.id))

    @expose("/batch/<int:batch_id>/return", methods=["POST"])
    @has_access
    def return_batch(self, batch_id: int):
        """属地审批: return every filing of the batch waiting for district approval."""
        batch = self.batch_or_404(batch_id)
        try:
            batch = return_district(
                self.actor(), batch.id, request.form.get("reason_code", ""),
                request.form.get("message", ""))
        except DomainError as exc:
            _flash_error(exc)
        else:
            flash(f"已提交“整批退回”（{batch.approval_total} 条退工备案），正在后台逐条办理。"
                  "完成后单位会收到退回通知。", "success")
        return redirect(url_for(f"{self.endpoint}.batch", batch_id=batch.id))


def masked(value) -> str:
    """An ID number cell as the page shows it (masked; a damaged one as typed, shortened)."""
    text = str(value or "")
    return mask_citizen_id(text) if len(text) == 18 else text[:6] + ("…" if len(text) > 6 else "")


def register(appbuilder) -> None:
    """Add this capability's views and menu entries."""
    appbuilder.add_view(BulkPortalView, "Bulk filing", icon="fa-upload",
                        category="Employer portal")
    appbuilder.add_view(BulkCounterView, "Bulk filing (counter)", icon="fa-upload",
                        category="Filings")
