"""Filing records for staff (备案记录): the list and the detail page with its history, and the
decisions — approve, return, correct (更正), cancel (撤销) — each one call of app.services.filings.

FAB applies base_filters to list and show only. Every custom endpoint here loads the filing (or
the attachment's filing) through the same jurisdiction filter first, so a primary key outside the
user's jurisdiction is a 404 before any use case runs."""

from __future__ import annotations

import datetime
import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from markupsafe import Markup

from app import clock
from app.domain.errors import DomainError
from app.domain.filings import (
    RETURN_REASONS,
    FilingStatus,
    FilingType,
    ReviewFlags,
)
from app.domain.filings.errors import FILING_ALREADY_DECIDED
from app.domain.identifiers import mask_citizen_id
from app.extensions import db
from app.models.filings import Filing, FilingAttachment
from app.queries import filings as filing_queries
from app.queries.filings import filings_in
from app.services import filings as fs
from app.services.audit import record_access
from app.views.base import JurisdictionModelView
from app.views.filings.corrections import (
    CORRECTION_FORM_FIELDS,
    FIELD_LABELS,
    LEVEL_LABELS,
    correction_fields,
    parse_corrections,
)
from app.views.filters import UnitJurisdictionFilter, current_jurisdiction
from app.web import current_actor

RETURN_REASON_LABELS = dict(RETURN_REASONS)
DECIDABLE = (FilingStatus.PENDING_REVIEW, FilingStatus.PENDING_DISTRICT_APPROVAL)


class FilingJurisdictionFilter(BaseFilter):
    """FAB base filter: only filings of units in the current user's jurisdiction."""

    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        return query.filter(filings_in(current_jurisdiction()))


# --------------------------------------------------------------------------------------------
# Presentation helpers
# --------------------------------------------------------------------------------------------

def flag_labels(filing: Filing) -> tuple[str, ...]:
    return ReviewFlags(overdue=filing.is_overdue,
                       multiple_employment=filing.is_multiple_employment,
                       attachment_review=filing.needs_attachment_review,
                       district_approval=filing.needs_district_approval).labels()


def flag_badges(labels) -> Markup:
    return Markup(" ").join(
        Markup('<span class="label label-{}">{}</span>').format(
            "default" if label == "逾期" else "warning", label) for label in labels)


def status_badge(status: FilingStatus) -> Markup:
    style = {FilingStatus.FILED: "success", FilingStatus.PENDING_REVIEW: "warning",
             FilingStatus.PENDING_DISTRICT_APPROVAL: "danger", FilingStatus.RETURNED: "info",
             FilingStatus.SUPERSEDED: "default", FilingStatus.CANCELLED: "default"}
    return Markup('<span class="label label-{}">{}</span>').format(
        style.get(status, "default"), status.value)


def minutes(moment: datetime.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def age_in_days(moment: datetime.datetime | None) -> int | None:
    return (clock.today() - moment.date()).days if moment else None


class FilingInterface(SQLAInterface):
    """Filing rows plus one derived list column, the review flags."""

    def _get_attr_value(self, item, col):
        if col == "flags":
            return flag_labels(item)
        return super()._get_attr_value(item, col)


def _flash_error(exc: DomainError, filing_id) -> None:
    if exc.code == FILING_ALREADY_DECIDED.code:
        # The use case's transaction is rolled back: this reads the winner's decision.
        current = db.session.get(Filing, filing_id)
        state = f"当前状态为“{current.status.value}”" if current is not None else "已不存在"
        flash(f"该备案已由其他经办人处理，{state}。请查看下方的处理结果，无需重复操作。"
              f"（{exc.code}）", "warning")
    else:
        flash(f"{exc.message}（{exc.code}）", "danger")


AUDIT_ACTIONS = {"submit": "提交", "resubmit": "重新提交", "approve": "审核通过", "return": "退回",
                 "correct": "更正", "superseded": "被新版本更正", "cancel": "撤销"}
SNAPSHOT_LABELS = {
    "status": "状态", "filing_type": "备案类型", "person_name": "姓名",
    "person_citizen_id": "身份证号码", "start_date": "用工起始日期", "end_date": "退工日期",
    "contract_type_code": "合同类型", "contract_start": "合同起始日期",
    "contract_end": "合同终止日期", "employment_form_code": "用工形式",
    "hours_per_day": "每日工作时间", "hours_per_week": "每周工作时间",
    "termination_reason_code": "退工原因", "to_unit_id": "调入单位", "job_title": "岗位",
    "is_overdue": "逾期", "is_multiple_employment": "多重用工",
    "needs_attachment_review": "需审核附件", "needs_district_approval": "需属地审批",
    "superseded_by": "更正后的版本",
}
_ID_KEYS = frozenset({"person_citizen_id", "citizen_id"})
_SUMMARY_KEYS = ("status", "is_overdue", "is_multiple_employment", "needs_attachment_review",
                 "needs_district_approval", "superseded_by")


def _shown(key: str, value, versions: dict) -> str:
    if value is None or value == "":
        return "—"
    if key in _ID_KEYS:
        return mask_citizen_id(str(value))
    if key == "status" and value in FilingStatus.__members__:
        return FilingStatus[value].value
    if key == "filing_type" and value in FilingType.__members__:
        return FilingType[value].value
    if key == "superseded_by":
        return f"第 {versions[value]} 版" if value in versions else f"#{value}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def audit_changes(before: dict | None, after: dict | None, versions: dict) -> list[tuple]:
    """(label, before, after) rows of an audit entry: what changed, or for an entry with one
    side only its status and the flags that are set. ID numbers stay masked."""
    before, after = before or {}, after or {}
    if before and after:
        keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    else:
        side = after or before
        keys = [k for k in _SUMMARY_KEYS if k in side and side[k] not in (None, False)]
    labels = {**SNAPSHOT_LABELS, **FIELD_LABELS}
    return [(labels.get(k, k), _shown(k, before.get(k), versions) if before else "",
             _shown(k, after.get(k), versions) if after else "") for k in keys]


def _row_version() -> int:
    """The row_version the decision was made on (hidden field): required, an integer."""
    try:
        return int(request.form["row_version"])
    except (KeyError, ValueError):
        abort(400, "缺少或无效的版本号（row_version），请刷新页面后重试。")


# --------------------------------------------------------------------------------------------
# Filing records
# --------------------------------------------------------------------------------------------

class FilingView(JurisdictionModelView):  # 备案记录
    datamodel = FilingInterface(Filing)
    base_filters = [["id", FilingJurisdictionFilter, None]]
    # A filed record is never edited in place: no add/edit/delete, decisions are endpoints.
    base_permissions = ["can_list", "can_show", "can_review", "can_correct", "can_cancel",
                        "can_attachment"]
    method_permission_name = {"approve": "review", "return_filing": "review",
                              "correct": "correct", "cancel": "cancel",
                              "attachment": "attachment"}
    list_title = "备案记录"
    show_title = "备案详情"
    show_template = "review/filing_show.html"
    list_columns = ["receipt_number", "filing_type", "person_name", "unit", "status", "channel",
                    "flags", "submitted_at"]
    # Never person_citizen_id: FAB's search filters travel in the query string.
    search_columns = ["receipt_number", "filing_type", "status", "channel", "unit",
                      "submitted_at", "is_overdue", "needs_district_approval"]
    search_form_query_rel_fields = {"unit": [["id", UnitJurisdictionFilter, None]]}
    order_columns = ["receipt_number", "submitted_at"]
    base_order = ("id", "desc")
    label_columns = {
        "receipt_number": "回执编号", "filing_type": "备案类型", "person_name": "劳动者姓名",
        "unit": "用人单位", "status": "状态", "channel": "渠道", "flags": "标记",
        "submitted_at": "提交时间", "is_overdue": "逾期",
        "needs_district_approval": "需属地审批",
    }
    formatters_columns = {"flags": flag_badges, "submitted_at": minutes}

    # -- detail ------------------------------------------------------------------------------
    @expose("/show/<int:pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        filing = self._get_in_jurisdiction(pk)
        actor = current_actor()
        chain = filing_queries.history(filing)
        versions = {f.id: f.version for f in chain}
        entries = filing_queries.audit_entries(versions)
        users = filing_queries.user_names(uid for f in chain for uid in
                            (f.submitted_by_id, f.decided_by_id, f.cancelled_by_id))
        may = {name: self.appbuilder.sm.has_access(f"can_{name}", self.class_permission_name)
               for name in ("review", "correct", "cancel", "attachment")}
        attachments = [(f.version, a) for f in chain for a in f.attachments]
        return self.render_template(
            self.show_template, pk=filing.id, title=self.show_title, filing=filing,
            flags=flag_labels(filing), status_badge=status_badge,
            masked_id=mask_citizen_id(filing.person_citizen_id), chain=chain, users=users,
            successor=next((f for f in chain if f.supersedes_id == filing.id), None),
            audit=[(e, AUDIT_ACTIONS.get(e.action, e.action),
                    versions.get(int(e.object_id)) if e.object_id.isdigit() else None,
                    audit_changes(e.before, e.after, versions)) for e in entries],
            attachments=attachments, may=may,
            decidable=filing.status in DECIDABLE, may_decide=fs.may_decide(filing, actor),
            filed=filing.status == FilingStatus.FILED,
            return_reasons=RETURN_REASONS, return_label=RETURN_REASON_LABELS,
            correction_fields=correction_fields(filing, actor) if may["correct"] else [],
            office_level=LEVEL_LABELS.get(actor.office_level, ""))

    # -- decisions ---------------------------------------------------------------------------
    def _run(self, pk, use_case, success):
        """Load within jurisdiction (404 otherwise), run the use case, flash, back to a page."""
        filing = self._get_in_jurisdiction(pk)
        filing_id = filing.id
        try:
            result = use_case(current_actor(), filing_id)
        except DomainError as exc:
            _flash_error(exc, filing_id)
            return redirect(url_for(".show", pk=filing_id))
        flash(success(result), "success")
        return redirect(url_for(".show", pk=result.id))

    @expose("/approve/<int:pk>", methods=["POST"])
    @has_access
    def approve(self, pk):
        version = _row_version()
        return self._run(
            pk, lambda actor, fid: fs.approve(fid, actor, expected_row_version=version),
            lambda f: f"备案 {f.receipt_number}（{f.person_name}）已审核通过，状态：{f.status.value}。")

    @expose("/return/<int:pk>", methods=["POST"])
    @has_access
    def return_filing(self, pk):
        version = _row_version()
        code, message = request.form.get("reason_code"), request.form.get("message")
        return self._run(
            pk, lambda actor, fid: fs.return_filing(fid, actor, code, message,
                                                    expected_row_version=version),
            lambda f: f"备案 {f.receipt_number} 已退回（{RETURN_REASON_LABELS.get(f.return_reason_code)}），"
                      "申报单位会在单位门户收到通知。")

    @expose("/correct/<int:pk>", methods=["POST"])
    @has_access
    def correct(self, pk):
        version = _row_version()

        def use_case(actor, fid):
            filing = db.session.get(Filing, fid)
            changes = parse_corrections(request.form,
                                        CORRECTION_FORM_FIELDS.get(filing.filing_type, ()))
            return fs.correct(fid, actor, changes, request.form.get("reason"),
                              expected_row_version=version)

        return self._run(
            pk, use_case,
            lambda f: f"已更正：生成第 {f.version} 版（回执号 {f.receipt_number}），"
                      "原版本已标记为“已被更正”。")

    @expose("/cancel/<int:pk>", methods=["POST"])
    @has_access
    def cancel(self, pk):
        version = _row_version()
        return self._run(
            pk, lambda actor, fid: fs.cancel(fid, actor, request.form.get("reason"),
                                             expected_row_version=version),
            lambda f: f"备案 {f.receipt_number} 已撤销。")

    @expose("/attachment/<int:attachment_id>", methods=["GET"])
    @has_access
    def attachment(self, attachment_id):
        item = db.session.get(FilingAttachment, attachment_id)
        if item is None:
            abort(404)
        self._get_in_jurisdiction(item.filing_id)  # 404 outside the jurisdiction
        record_access(current_actor(), "filing_attachment", item.id, filing=item.filing_id,
                      filename=item.filename)
        response = send_file(io.BytesIO(item.data), mimetype=item.content_type,
                             as_attachment=True, download_name=item.filename,
                             max_age=0, etag=False, conditional=False)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


