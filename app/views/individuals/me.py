"""/me: a worker's own records, only after real-name verification; change requests and
disputes are filed from here."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app.domain.errors import DomainError
from app.domain.identifiers import mask_citizen_id
from app.domain.individuals import DisputeKind
from app.domain.shared_errors import FILING_NOT_FOUND
from app.extensions import db
from app.models.codes import EducationLevel
from app.models.individuals import ChangeRequest, Dispute
from app.services.filings import Upload
from app.services.individuals import records
from app.services.individuals.change_requests import submit_change_request
from app.services.individuals.disputes import open_dispute
from app.services.individuals.verification import (
    SAME_ANSWER,
    account_of,
    confirm_verification,
    start_verification,
)
from app.web import current_actor


def _upload(name):
    file = request.files.get(name)
    if file is None or not file.filename:
        return None
    return Upload(file.filename, file.mimetype, file.read())


class MyRecordsView(BaseView):
    route_base = "/me"
    default_view = "index"
    method_permission_name = {"index": "read", "verify": "write", "confirm": "write",
                              "filing": "read", "change": "write", "dispute": "write"}

    @expose("/")
    @has_access
    def index(self):
        if not g.user.person_id:
            return self.render_template("individuals/verify.html", account=account_of(g.user),
                                        message=None, errors={})
        person = records.my_person(g.user)
        return self.render_template(
            "individuals/me.html", person=person, employments=records.my_employments(person),
            filings=records.my_filings(person),
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
            message = start_verification(current_actor())
        except DomainError as exc:
            flash(f"{exc.message}（{exc.code}）", "danger")
            return redirect(url_for(".index"))
        return self.render_template("individuals/verify.html", account=account_of(g.user),
                                    message=message, errors={})

    @expose("/confirm", methods=["POST"])
    @has_access
    def confirm(self):
        try:
            confirm_verification(current_actor(), request.form.get("code", ""))
        except DomainError as exc:
            return self.render_template("individuals/verify.html",
                                        account=account_of(g.user), message=SAME_ANSWER,
                                        errors={"code": f"{exc.message}（{exc.code}）"})
        flash("实名认证成功。", "success")
        return redirect(url_for(".index"))

    @expose("/filing/<int:filing_id>")
    @has_access
    def filing(self, filing_id: int):
        try:
            filing = records.my_filing(records.my_person(g.user), filing_id)
        except DomainError:
            abort(404)
        return self.render_template("individuals/filing.html", filing=filing,
                                    dispute_kinds=DisputeKind)

    @expose("/change", methods=["POST"])
    @has_access
    def change(self):
        try:
            submit_change_request(current_actor(), request.form.get("field", ""),
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
            open_dispute(current_actor(), filing_id, request.form.get("kind", ""),
                         request.form.get("comment", ""))
        except DomainError as exc:
            if exc.code == FILING_NOT_FOUND.code:
                abort(404)
            flash(f"{exc.message}（{exc.code}）", "danger")
        else:
            flash("异议已提交，经办机构处理后会以短信通知您。", "success")
        return redirect(url_for(".index"))
