"""The pages of one unit's filings (UnitFilingPages): home, roster, filings, the four filings and
resubmission. The employer portal and the counter differ only in how they find the unit. Filing
rules are never checked here: every page calls app.services.filings."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial

from flask import abort, flash, redirect, request, send_file, url_for

from app.domain.errors import DomainError
from app.domain.filings import (
    RETURN_REASONS,
    FilingStatus,
    FilingType,
    ReviewFlags,
)
from app.extensions import db
from app.models.filings import Employment, Filing, FilingAttachment
from app.models.units import Unit, UnitStatus
from app.queries import filings as filing_queries
from app.queries import roster as roster_queries
from app.queries.filings import FilingFilter, list_filings
from app.services import filings as filing_service
from app.services.audit import record_access
from app.services.filings import (
    RESUBMIT_FIELDS,
    RESUBMIT_TARGETS,
    Actor,
    Upload,
    hire_input,
    renewal_input,
    termination_input,
    transfer_input,
)
from app.views.filings.forms import (
    FORMS_BY_TYPE,
    CancelForm,
    FilingForm,
    HireForm,
    RenewalForm,
    TerminationForm,
    TransferForm,
)
from app.views.forms import add_error, attach_domain_error, error_text
from app.web import current_actor

PAGE_SIZE = 30
ROSTER_PAGE_SIZE = 50

STATUS_CLASSES = {
    FilingStatus.FILED: "success", FilingStatus.PENDING_REVIEW: "warning",
    FilingStatus.PENDING_DISTRICT_APPROVAL: "warning", FilingStatus.SUBMITTED: "info",
    FilingStatus.RETURNED: "danger", FilingStatus.DRAFT: "default",
    FilingStatus.SUPERSEDED: "default", FilingStatus.CANCELLED: "default",
}
UNIT_STATUS_CLASSES = {UnitStatus.ACTIVE: "success", UnitStatus.PENDING: "warning",
                       UnitStatus.SUSPENDED: "danger"}



def flag_labels(filing: Filing) -> tuple[str, ...]:
    """The review flags of a filing as the domain labels them (逾期, 多重用工, …)."""
    return ReviewFlags(overdue=filing.is_overdue,
                       multiple_employment=filing.is_multiple_employment,
                       attachment_review=filing.needs_attachment_review,
                       district_approval=filing.needs_district_approval).labels()


def uploads() -> list[Upload]:
    """The files of the form's attachments field (a browser sends an empty part for none)."""
    return [Upload(f.filename, content_type=f.mimetype, data=f.read())
            for f in request.files.getlist("attachments") if f and f.filename]


def outcome_message(outcome: filing_service.Outcome, *,
                    resubmitted: bool = False) -> tuple[str, str]:
    """(flash text, category) after a submission or a resubmission."""
    filing = outcome.filing
    what = f"{filing.filing_type.value}备案（{filing.person_name}）"
    if not outcome.created and not resubmitted:
        return (f"该表单已经提交过，没有重复办理。{what}回执号 {filing.receipt_number}，"
                f"当前状态：{filing.status.value}。", "info")
    if filing.status == FilingStatus.FILED:
        text, category = f"{what}已备案，回执号 {filing.receipt_number}。", "success"
    elif filing.status == FilingStatus.PENDING_DISTRICT_APPROVAL:
        text = (f"{what}已提交，等待属地审批（由单位所在区经办机构审批），"
                f"回执号 {filing.receipt_number}。")
        category = "warning"
    else:
        text = f"{what}已提交，等待审核，回执号 {filing.receipt_number}。审核通过后生效。"
        category = "warning"
    if outcome.flags:
        text += f"标记：{'、'.join(outcome.flags)}。"
    return text, category


class UnitFilingPages:
    """The pages of one unit's filings, shared by the employer portal and the counter.

    A subclass says how to find the unit (:meth:`scoped_unit`) and which URL arguments name
    it (:meth:`unit_url_args`); its endpoints are one-line calls of the ``*_page`` methods."""

    home_endpoint = "index"
    may_cancel_returned = False  # the employer withdraws its own returned filing
    shows_notices = False
    channel_hint = ""

    # -- how to get the unit (subclasses) ----------------------------------------------------
    def scoped_unit(self, unit_id: int | None = None) -> Unit:
        raise NotImplementedError

    def unit_url_args(self, unit: Unit) -> dict:
        raise NotImplementedError

    # -- plumbing ----------------------------------------------------------------------------
    def page_url(self, unit: Unit, name: str, **kwargs) -> str:
        endpoint = self.home_endpoint if name == "home" else name
        return url_for(f"{self.endpoint}.{endpoint}", **self.unit_url_args(unit), **kwargs)

    def render_page(self, template: str, unit: Unit, **context):
        return self.render_template(
            f"portal/{template}", unit=unit, page_url=partial(self.page_url, unit), pages=self,
            filing_enabled=unit.status == UnitStatus.ACTIVE, flag_labels=flag_labels,
            status_class=STATUS_CLASSES, unit_status_class=UNIT_STATUS_CLASSES,
            return_reasons=dict(RETURN_REASONS), **context)

    @staticmethod
    def actor() -> Actor:
        return current_actor()

    @staticmethod
    def employment_of(unit: Unit, employment_id: int) -> Employment:
        """An employment of this unit, or 404 (the same for "no such" and "not yours")."""
        employment = db.session.get(Employment, employment_id)
        if employment is None or employment.unit_id != unit.id:
            abort(404)
        return employment

    @staticmethod
    def filing_of(unit: Unit, filing_id: int) -> Filing:
        filing = db.session.get(Filing, filing_id)
        if filing is None or filing.unit_id != unit.id:
            abort(404)
        return filing

    # -- read pages --------------------------------------------------------------------------
    def home_page(self, unit: Unit):
        return self.render_page("home.html", unit, counts=roster_queries.unit_counts(unit.id),
                                notices=roster_queries.unit_notices(unit.id, 5),
                                district_office=roster_queries.district_office(unit))

    def roster_page(self, unit: Unit):
        page = max(request.args.get("page", 1, type=int), 1)
        found = roster_queries.roster(unit.id, page=page, size=ROSTER_PAGE_SIZE)
        return self.render_page("roster.html", unit, employments=found.items, total=found.count,
                                page=page, pages_count=max(-(-found.count // ROSTER_PAGE_SIZE), 1))

    def filings_page(self, unit: Unit):
        flt = FilingFilter(unit_id=unit.id, filing_type=request.args.get("type", ""),
                           status=request.args.get("status", ""))
        page = max(request.args.get("page", 1, type=int), 1)
        found = list_filings(self.actor().jurisdiction, flt, page=page, size=PAGE_SIZE)
        return self.render_page(
            "filings.html", unit, filings=found.items, total=found.count, page=page,
            pages_count=max(-(-found.count // PAGE_SIZE), 1), kind=flt.type_name,
            status=flt.status_name, filing_types=list(FilingType),
            filing_statuses=[s for s in FilingStatus if s != FilingStatus.DRAFT])

    def filing_page(self, unit: Unit, filing_id: int):
        filing = self.filing_of(unit, filing_id)
        cancel_form = CancelForm() if self.may_cancel_returned else None
        return self.render_page("filing.html", unit, filing=filing,
                                versions=filing_queries.history(filing), cancel_form=cancel_form,
                                may_resubmit=filing.status == FilingStatus.RETURNED)

    def attachment_file(self, unit: Unit, filing_id: int, attachment_id: int):
        filing = self.filing_of(unit, filing_id)
        attachment = db.session.get(FilingAttachment, attachment_id)
        if attachment is None or attachment.filing_id != filing.id:
            abort(404)
        record_access(self.actor(), "filing_attachment", attachment.id, filing=filing.id,
                      filename=attachment.filename)
        return send_file(io.BytesIO(attachment.data), mimetype=attachment.content_type,
                         as_attachment=True, download_name=attachment.filename)

    def notices_page(self, unit: Unit):
        return self.render_page("notices.html", unit,
                                notices=roster_queries.unit_notices(unit.id, 200))

    # -- the four filings --------------------------------------------------------------------
    def _filing_form(self, unit: Unit, form: FilingForm, make_input: Callable[[], object], *,
                     employment: Employment | None = None):
        """GET: the empty form. POST: submit through the service; on success go to the filing,
        on a refusal show the error next to its field and keep what was typed."""
        if form.validate_on_submit():
            try:
                outcome = filing_service.submit(
                    make_input(), self.actor(), idempotency_key=form.idempotency_key.data,
                    attachments=uploads())
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                flash(*outcome_message(outcome))
                return redirect(self.page_url(unit, "filing", filing_id=outcome.filing.id))
        return self.render_page("filing_form.html", unit, form=form, employment=employment,
                                editable=None, filing=None)

    def hire_page(self, unit: Unit):
        form = HireForm()
        return self._filing_form(unit, form, lambda: hire_input(form.data, unit_id=unit.id))

    def renewal_page(self, unit: Unit, employment_id: int):
        employment = self.employment_of(unit, employment_id)
        form = RenewalForm()
        return self._filing_form(unit, form, lambda: renewal_input(
            form.data, employment_id=employment.id), employment=employment)

    def transfer_page(self, unit: Unit, employment_id: int):
        employment = self.employment_of(unit, employment_id)
        form = TransferForm()
        return self._filing_form(unit, form, lambda: transfer_input(
            form.data, employment_id=employment.id), employment=employment)

    def termination_page(self, unit: Unit, employment_id: int):
        employment = self.employment_of(unit, employment_id)
        form = TerminationForm()
        return self._filing_form(unit, form, lambda: termination_input(
            form.data, employment_id=employment.id), employment=employment)

    # -- returned filings: resubmit, cancel ---------------------------------------------------
    @staticmethod
    def _prefill(filing: Filing) -> dict:
        person = filing.person
        return {
            "citizen_id": person.citizen_id_masked if person else "",
            "name": filing.person_name, "phone": person.phone if person else "",
            "education": person.education_code if person else "",
            "employment_form": filing.employment_form_code,
            "hours_per_day": filing.hours_per_day, "hours_per_week": filing.hours_per_week,
            "probation_months": filing.probation_months,
            "contract_type": filing.contract_type_code, "contract_start": filing.contract_start,
            "contract_end": filing.contract_end, "start_date": filing.start_date,
            "end_date": filing.end_date, "transfer_date": filing.start_date,
            "job_title": filing.job_title,
            "to_unit_credit_code": filing.to_unit.credit_code if filing.to_unit else "",
            "termination_reason": filing.termination_reason_code, "note": filing.note,
        }

    def resubmit_page(self, unit: Unit, filing_id: int):
        filing = self.filing_of(unit, filing_id)
        if filing.status != FilingStatus.RETURNED:
            flash(f"该备案当前状态为“{filing.status.value}”，只有被退回的备案可以修改后重新提交。",
                  "warning")
            return redirect(self.page_url(unit, "filing", filing_id=filing.id))
        form_class = FORMS_BY_TYPE[filing.filing_type.name]
        prefill = self._prefill(filing)
        form = form_class(data=prefill)
        editable = {name for name in form._fields if name in RESUBMIT_TARGETS
                    and set(RESUBMIT_TARGETS[name]) <= set(RESUBMIT_FIELDS)}
        if "attachments" in form._fields:
            editable.add("attachments")
        # Fields that may not change show what was filed (disabled inputs are not posted).
        for name, field in form._fields.items():
            if name not in editable and name in prefill:
                field.data = prefill[name]
        if form.validate_on_submit():
            missing = [form[name] for name in form.starred
                       if name in editable and form[name].data in (None, "")]
            for field in missing:
                add_error(form, field, f"请填写“{field.label.text}”。（FIELD_REQUIRED）")
            if not missing:
                changes = {}
                for name in editable - {"attachments"}:
                    for target in RESUBMIT_TARGETS[name]:
                        changes[target] = form[name].data
                if filing.filing_type == FilingType.HIRE and not changes.get("contract_start"):
                    changes["contract_start"] = changes.get("start_date")
                if filing.filing_type == FilingType.RENEWAL and not changes.get("contract_start"):
                    changes.pop("contract_start", None)  # keep the filed start
                changes = {k: ("" if v is None and k in ("job_title", "note") else v)
                           for k, v in changes.items()}
                try:
                    outcome = filing_service.resubmit(filing.id, self.actor(), changes,
                                                      attachments=uploads())
                except DomainError as exc:
                    attach_domain_error(form, exc)
                else:
                    text, category = outcome_message(outcome, resubmitted=True)
                    flash("已重新提交。" + text, category)
                    return redirect(self.page_url(unit, "filing", filing_id=filing.id))
        return self.render_page("filing_form.html", unit, form=form, employment=filing.employment,
                                editable=editable, filing=filing)

    def cancel_action(self, unit: Unit, filing_id: int):
        filing = self.filing_of(unit, filing_id)
        form = CancelForm()
        if form.validate_on_submit():
            try:
                filing_service.cancel(filing.id, self.actor(), form.cancel_reason.data or "")
            except DomainError as exc:
                flash(f"未能撤销：{error_text(exc)}", "danger")
            else:
                flash(f"已撤销{filing.filing_type.value}备案 {filing.receipt_number}。", "success")
        return redirect(self.page_url(unit, "filing", filing_id=filing.id))


