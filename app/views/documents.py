"""Printed forms and receipts (备案表 / 回执): download one (at once if rendered, else a progress
page), batch downloads as a ZIP, the employer's seal upload, and the public verification page.

Web workers never render: they enqueue and report progress; the scheduler process renders. Every
endpoint re-checks the user's jurisdiction on every filing it touches (employer: own unit; staff:
covers_unit) and answers 404 outside it."""

from __future__ import annotations

import datetime
import io
from urllib.parse import quote

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, limit
from sqlalchemy import select

from app import clock
from app.domain.documents import (
    BATCH_EMPTY,
    BATCH_NOT_READY,
    BATCH_TOO_LARGE,
    SEAL_MAX_BYTES,
    SEAL_MAX_PIXELS,
    DocumentStatus,
    VerificationState,
    form_for,
    normalise_code,
)
from app.domain.errors import DomainError
from app.extensions import db
from app.models.documents import Document, UnitSeal
from app.models.units import Unit
from app.services.documents import access, batches, queue, seals
from app.services.documents.verify import verify
from app.views.base import found_or_404
from app.web import current_actor, public_base_url


def _verify_rate_limit() -> str:
    return str(current_app.config["BEIAN_VERIFY_RATE_LIMIT"])


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


class DocumentView(BaseView):
    """/documents: a filing's form or receipt, batch ZIPs, the employer's seal."""

    route_base = "/documents"
    default_view = "batch_form"
    method_permission_name = {
        "filing": "download", "status": "download", "seal": "download",
        "seal_image": "download",
        "batch_form": "batch", "batch_create": "batch", "batch": "batch",
        "batch_status": "batch", "batch_zip": "batch",
    }

    # -- one filing ----------------------------------------------------------------------------
    def _filing_or_404(self, filing_id: int):
        return found_or_404(access.filing_for(current_actor(), filing_id))

    @expose("/filing/<int:filing_id>")
    @has_access
    def filing(self, filing_id: int):
        """The PDF at once when it is rendered; otherwise enqueue it and show progress."""
        filing = self._filing_or_404(filing_id)
        try:
            document = queue.request_document(filing, base_url=public_base_url())
        except DomainError:
            abort(404)
        if document.status == DocumentStatus.READY:
            pdf = db.session.scalar(select(Document.pdf).where(Document.id == document.id))
            access.record_download(current_actor(), filing, document)
            return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                             download_name=access.download_name(filing),
                             max_age=0)
        return self.render_template(
            "documents/progress.html", filing=filing, title=form_for(filing.filing_type).title,
            status_url=url_for("DocumentView.status", filing_id=filing.id),
            download_url=url_for("DocumentView.filing", filing_id=filing.id))

    @expose("/status/<int:filing_id>")
    @has_access
    def status(self, filing_id: int):
        filing = self._filing_or_404(filing_id)
        # Polled before the page was opened: enqueue it all the same.
        queue.request_document(filing, base_url=public_base_url())
        payload = queue.document_status(filing)
        payload["download_url"] = url_for("DocumentView.filing", filing_id=filing.id)
        payload["renderer_alive"] = queue.renderer_alive()
        return jsonify(payload)

    # -- the employer's seal -------------------------------------------------------------------
    def _own_unit(self) -> Unit:
        unit_id = getattr(current_actor().user, "unit_id", None)
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None:  # staff have no seal of their own to manage
            abort(404)
        return unit

    @expose("/seal", methods=["GET", "POST"])
    @has_access
    def seal(self):
        unit = self._own_unit()
        if request.method == "POST":
            if request.form.get("action") == "remove":
                if seals.remove_unit_seal(current_actor(), unit):
                    flash("已删除上传的印章，新生成的文书将使用系统按单位名称绘制的印章。", "info")
            else:
                upload = request.files.get("seal")
                data = upload.read(SEAL_MAX_BYTES + 1) if upload and upload.filename else b""
                try:
                    seals.save_unit_seal(current_actor(), unit, data)
                except DomainError as exc:
                    flash(f"{exc.message}（{exc.code}）", "danger")
                else:
                    flash("印章已上传。此后新生成的备案表和回执将使用该印章；已生成的文书保持不变。",
                          "success")
            return redirect(url_for("DocumentView.seal"))
        uploaded = db.session.scalar(select(UnitSeal).where(UnitSeal.unit_id == unit.id))
        return self.render_template("documents/seal.html", unit=unit, uploaded=uploaded,
                                    max_kb=SEAL_MAX_BYTES // 1024,
                                    max_px=SEAL_MAX_PIXELS)

    @expose("/seal.png")
    @has_access
    def seal_image(self):
        unit = self._own_unit()
        return send_file(io.BytesIO(seals.unit_seal(unit)), mimetype="image/png",
                         max_age=0)

    # -- batches -------------------------------------------------------------------------------
    @expose("/batch", methods=["GET"])
    @has_access
    def batch_form(self):
        units = None
        actor = current_actor()
        if getattr(actor.user, "unit_id", None) is None:
            units = list(db.session.scalars(select(Unit).where(actor.jurisdiction.unit_clause())
                                            .order_by(Unit.name).limit(500)))
        today = clock.today()
        return self.render_template("documents/batch_form.html", units=units,
                                    date_from=today.replace(day=1), date_to=today)

    @expose("/batch", methods=["POST"])
    @has_access
    def batch_create(self):
        """A batch from a list of filing ids (filing_ids=…) or a unit and a date range."""
        actor = current_actor()
        ids = [v for v in request.form.getlist("filing_ids") if v.strip()]
        unit_id = date_from = date_to = None
        try:
            if ids:
                filing_ids = [int(v) for v in ids]
            else:
                unit_id = getattr(actor.user, "unit_id", None) or request.form.get("unit_id",
                                                                                   type=int)
                date_from, date_to = (_date(request.form.get("date_from")),
                                      _date(request.form.get("date_to")))
                filing_ids = batches.batch_filings_for_unit(actor, unit_id, date_from, date_to)
            batch = batches.create_batch(actor, filing_ids, unit_id=unit_id,
                                         date_from=date_from, date_to=date_to,
                                         base_url=public_base_url())
        except ValueError as exc:
            code = getattr(exc, "code", None)
            if code in (BATCH_EMPTY.code, BATCH_TOO_LARGE.code):
                flash(f"{exc.message}（{code}）",
                      "warning" if code == BATCH_EMPTY.code else "danger")
                return redirect(url_for("DocumentView.batch_form"))
            abort(404)  # a filing or unit outside the user's jurisdiction, or a bad id
        return redirect(url_for("DocumentView.batch", token=batch.token))

    def _batch_or_404(self, token: str):
        return found_or_404(batches.batch_for(current_actor(), token))

    @expose("/batch/<token>")
    @has_access
    def batch(self, token: str):
        batch = self._batch_or_404(token)
        return self.render_template(
            "documents/batch_progress.html", batch=batch,
            progress=batches.batch_progress(batch),
            status_url=url_for("DocumentView.batch_status", token=batch.token),
            zip_url=url_for("DocumentView.batch_zip", token=batch.token))

    @expose("/batch/<token>/status")
    @has_access
    def batch_status(self, token: str):
        batch = self._batch_or_404(token)
        payload = batches.batch_progress(batch)
        payload["zip_url"] = url_for("DocumentView.batch_zip", token=batch.token)
        payload["renderer_alive"] = queue.renderer_alive()
        return jsonify(payload)

    @expose("/batch/<token>/zip")
    @has_access
    def batch_zip(self, token: str):
        batch = self._batch_or_404(token)
        progress = batches.batch_progress(batch)
        if not progress["done"]:
            refusal = BATCH_NOT_READY()
            return jsonify({"error": refusal.code, "message": refusal.message, **progress}), \
                refusal.status
        batches.record_batch_download(current_actor(), batch, progress)
        response = Response(stream_with_context(batches.iter_batch_zip(batch)),
                            mimetype="application/zip")
        name = batches.batch_zip_name(batch)
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"documents-{batch.id}.zip\"; filename*=UTF-8''{quote(name)}")
        return response


class VerifyView(BaseView):
    """/verify: public (no login). What a printout's verification code says, masked data only."""

    route_base = "/verify"
    default_view = "form"

    @expose("/")
    def form(self):
        code = request.args.get("code")
        if code:
            normalised = normalise_code(code)
            return redirect(url_for("VerifyView.show", code=normalised or code.strip()[:32]))
        return self.render_template("documents/verify.html", result=None, code="")

    @expose("/<code>")
    @limit(_verify_rate_limit, methods=["GET"])
    def show(self, code: str):
        result = verify(code)
        status = 404 if result.state == VerificationState.NOT_FOUND else 200
        current_url = (url_for("VerifyView.show", code=result.current_code)
                       if result.current_code else None)
        response = self.render_template("documents/verify.html", result=result,
                                        code=code[:32], current_url=current_url,
                                        states=VerificationState)
        return response, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(DocumentView)
    appbuilder.add_view_no_menu(VerifyView)
    appbuilder.add_link("Unit seal", href="/documents/seal", icon="fa-certificate",
                        category="Employer portal")
    appbuilder.add_link("Batch documents", href="/documents/batch", icon="fa-file-archive-o",
                        category="Filings")
