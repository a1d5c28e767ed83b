"""Filings for staff (备案记录): the list and the detail page with its history, the review queues,
and the decisions — approve, return, correct (更正), cancel (撤销) — all through
app.services.filings.

FAB applies base_filters to list and show only. Every custom endpoint here loads the filing (or
the attachment's filing) through the same jurisdiction filter first, so a primary key outside the
user's jurisdiction is a 404 before any use case runs."""

from __future__ import annotations

import datetime
import io
import math

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from markupsafe import Markup
from sqlalchemy import false, func, select, true
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectField

from app.domain.errors import DomainError
from app.domain.filings import (
    CORRECTION_FIELD_LABELS,
    OFFICE_LEVEL_CITY,
    OFFICE_LEVEL_DISTRICT,
    OFFICE_LEVEL_STREET,
    OFFICE_LEVELS,
    RETURN_REASONS,
    WILDCARD,
    FilingStatus,
    FilingType,
    ReviewFlags,
    office_levels_allowed_to_correct,
)
from app.domain.identifiers import mask_citizen_id
from app.extensions import db
from app.models.audit import AuditLog
from app.models.codes import ContractType, EmploymentForm, TerminationReason
from app.models.filings import CorrectionRule, Filing, FilingAttachment, Notice
from app.models.org import OfficeLevel
from app.models.units import Unit
from app.queries import filings as filing_queries
from app.queries.jurisdiction import Jurisdiction
from app.services import filings as fs
from app.services.audit import pending_changes, record, record_access
from app.views.base import JurisdictionModelView, rollback_on_error
from app.views.filters import UnitJurisdictionFilter, current_jurisdiction

LEVEL_LABELS = {OFFICE_LEVEL_STREET: "街道级", OFFICE_LEVEL_DISTRICT: "区级",
                OFFICE_LEVEL_CITY: "市级"}
FIELD_LABELS = {**CORRECTION_FIELD_LABELS, "job_title": "岗位", WILDCARD: "全部字段（*）"}
RETURN_REASON_LABELS = dict(RETURN_REASONS)
DECIDABLE = (FilingStatus.PENDING_REVIEW, FilingStatus.PENDING_DISTRICT_APPROVAL)


# --------------------------------------------------------------------------------------------
# Jurisdiction of filings: a filing belongs to its unit's jurisdiction
# --------------------------------------------------------------------------------------------

def filings_in(jurisdiction: Jurisdiction):
    """SQL clause: filings of units in the jurisdiction (an IN over the indexed unit columns)."""
    if jurisdiction.is_city_wide:
        return true()
    if jurisdiction.scope in ("district", "street", "unit"):
        return Filing.unit_id.in_(select(Unit.id).where(jurisdiction.unit_clause()))
    return false()


class FilingJurisdictionFilter(BaseFilter):
    """FAB base filter: only filings of units in the current user's jurisdiction."""

    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        return query.filter(filings_in(current_jurisdiction()))


class NoticeJurisdictionFilter(BaseFilter):
    """Notices to units in the jurisdiction, or about filings of such units."""

    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        jurisdiction = current_jurisdiction()
        if jurisdiction.is_city_wide:
            return query
        units = select(Unit.id).where(jurisdiction.unit_clause())
        return query.filter(Notice.unit_id.in_(units) | Notice.filing_id.in_(
            select(Filing.id).where(Filing.unit_id.in_(units))))


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
    return (datetime.date.today() - moment.date()).days if moment else None


class FilingInterface(SQLAInterface):
    """Filing rows plus one derived list column, the review flags."""

    def _get_attr_value(self, item, col):
        if col == "flags":
            return flag_labels(item)
        return super()._get_attr_value(item, col)


def _flash_error(exc: DomainError, filing_id) -> None:
    if exc.code == "FILING_ALREADY_DECIDED":
        db.session.rollback()
        current = db.session.get(Filing, filing_id)
        state = f"当前状态为“{current.status.value}”" if current is not None else "已不存在"
        flash(f"该备案已由其他经办人处理，{state}。请查看下方的处理结果，无需重复操作。"
              f"（{exc.code}）", "warning")
    else:
        flash(f"{exc.message}（{exc.code}）", "danger")


# Correction form: which CORRECTABLE fields a filing of each type carries, and their input kind.
CORRECTION_FORM_FIELDS = {
    FilingType.HIRE: ("name", "citizen_id", "start_date", "contract_type", "contract_start",
                      "contract_end", "employment_form", "hours_per_day", "hours_per_week",
                      "job_title"),
    FilingType.RENEWAL: ("name", "citizen_id", "contract_type", "contract_start",
                         "contract_end"),
    # The transfer date is both the end at the old unit and the start at the new one: a change
    # of it is a cancellation and a new filing, not a one-field correction.
    FilingType.TRANSFER: ("name", "citizen_id", "contract_type", "contract_start",
                          "contract_end", "job_title"),
    FilingType.TERMINATION: ("name", "citizen_id", "end_date", "termination_reason"),
}
DATE_FIELDS = frozenset({"start_date", "end_date", "contract_start", "contract_end"})
NUMBER_FIELDS = frozenset({"hours_per_day", "hours_per_week"})
CODE_FIELDS = {"contract_type": ContractType, "employment_form": EmploymentForm,
               "termination_reason": TerminationReason}


def _format_error(name: str, what: str) -> DomainError:
    label = FIELD_LABELS.get(name, name)
    return DomainError("FIELD_FORMAT", f"“{label}”不是有效的{what}，请重新填写。",
                       f"{name} is not a valid {what}.", field=name)


def parse_corrections(form, names) -> dict:
    """The submitted correction fields as typed values (unchanged ones are dropped by the
    service). An empty ID number field means "keep the number": it is never pre-filled."""
    changes = {}
    for name in names:
        if name not in form:
            continue  # not offered, or disabled: the user's level may not change it
        raw = (form.get(name) or "").strip()
        if name == "citizen_id":
            if raw:
                changes[name] = raw.upper()
        elif name in DATE_FIELDS:
            try:
                changes[name] = datetime.date.fromisoformat(raw) if raw else None
            except ValueError:
                raise _format_error(name, "日期（年-月-日）") from None
        elif name in NUMBER_FIELDS:
            try:
                changes[name] = float(raw) if raw else None
            except ValueError:
                raise _format_error(name, "数字") from None
        else:
            changes[name] = raw or (None if name in CODE_FIELDS else "")
    return changes


def _input_value(filing: Filing, name: str) -> str:
    value = getattr(filing, fs.CORRECTABLE[name])
    if name == "citizen_id" or value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def correction_fields(filing: Filing, actor: fs.Actor) -> list[dict]:
    rules = fs.correction_rules()
    fields = []
    for name in CORRECTION_FORM_FIELDS.get(filing.filing_type, ()):
        levels = office_levels_allowed_to_correct(name, rules)
        options = None
        if name in CODE_FIELDS:
            model = CODE_FIELDS[name]
            options = [(c.code, c.name) for c in db.session.scalars(
                select(model).order_by(model.sort, model.code))]
        fields.append({
            "name": name, "label": FIELD_LABELS.get(name, name),
            "value": _input_value(filing, name), "options": options,
            "kind": ("date" if name in DATE_FIELDS else "number" if name in NUMBER_FIELDS
                     else "select" if options is not None else "text"),
            "levels": "、".join(LEVEL_LABELS[level] for level in levels) or "无",
            "allowed": actor.office_level in levels,
        })
    return fields


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


def _user_names(ids) -> dict[int, str]:
    from app.extensions import appbuilder

    model = appbuilder.sm.user_model
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = db.session.execute(select(model.id, model.username, model.first_name)
                              .where(model.id.in_(ids)))
    return {uid: f"{first}（{username}）" if first else username
            for uid, username, first in rows}


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
        actor = fs.Actor.of(g.user)
        chain = filing_queries.history(filing)
        versions = {f.id: f.version for f in chain}
        entries = list(db.session.scalars(
            select(AuditLog).where(AuditLog.object_type == "filing",
                                   AuditLog.object_id.in_([str(i) for i in versions]))
            .order_by(AuditLog.id)))
        users = _user_names(uid for f in chain for uid in
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
            result = use_case(fs.Actor.of(g.user), filing_id)
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
        record_access("filing_attachment", item.id, filing=item.filing_id,
                      filename=item.filename)
        response = send_file(io.BytesIO(item.data), mimetype=item.content_type,
                             as_attachment=True, download_name=item.filename,
                             max_age=0, etag=False, conditional=False)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


# --------------------------------------------------------------------------------------------
# Review queues
# --------------------------------------------------------------------------------------------

PAGE_SIZE = 50


def _page(stmt, count_stmt) -> dict:
    count = db.session.scalar(count_stmt) or 0
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    rows = db.session.scalars(stmt.options(joinedload(Filing.unit))
                              .order_by(Filing.submitted_at, Filing.id)
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return {"count": count, "page": page, "pages": pages,
            "rows": [(f, age_in_days(f.submitted_at), flag_labels(f)) for f in rows]}


def _pending(status: FilingStatus, clause) -> dict:
    where = (Filing.status == status, clause)
    return _page(select(Filing).where(*where), select(func.count(Filing.id)).where(*where))


BATCHES_SHOWN = 200


def _pending_by_batch(status: FilingStatus, clause) -> dict:
    """The queue with the filings of a bulk batch (a plant closure's 2,000 terminations) as one
    row per batch, and the other filings one by one (paged). "count" stays the number of
    filings waiting."""
    from app.extensions import appbuilder
    from app.models.bulk import BulkBatch, BulkRow

    user = appbuilder.sm.user_model
    in_batch = select(BulkRow.filing_id).where(BulkRow.filing_id.is_not(None))
    batches = [
        {"batch": batch, "count": count, "first": first, "by": username,
         "age": age_in_days(first)}
        for batch, count, first, username in db.session.execute(
            select(BulkBatch, func.count(Filing.id), func.min(Filing.submitted_at),
                   user.username)
            .join(BulkRow, BulkRow.batch_id == BulkBatch.id)
            .join(Filing, Filing.id == BulkRow.filing_id)
            .outerjoin(user, user.id == BulkBatch.created_by_id)
            .where(Filing.status == status, clause)
            .group_by(BulkBatch.id, user.username)
            .order_by(func.min(Filing.submitted_at), BulkBatch.id)
            .options(selectinload(BulkBatch.unit)).limit(BATCHES_SHOWN))]
    where = (Filing.status == status, clause, Filing.id.not_in(in_batch))
    queue = _page(select(Filing).where(*where), select(func.count(Filing.id)).where(*where))
    queue["singles"] = queue["count"]
    queue["batches"] = batches
    queue["in_batches"] = db.session.scalar(select(func.count(Filing.id)).where(
        Filing.status == status, clause, Filing.id.in_(in_batch))) or 0
    queue["count"] += queue["in_batches"]
    return queue


class ReviewQueueView(BaseView):  # 待审核 / 属地审批
    route_base = "/review"
    default_view = "index"
    base_permissions = ["can_read"]
    method_permission_name = {"index": "read", "district": "read"}

    @expose("/")
    @has_access
    def index(self):
        """Filings waiting for a staff review in the user's jurisdiction, oldest first."""
        queue = _pending(FilingStatus.PENDING_REVIEW, filings_in(current_jurisdiction()))
        return self.render_template("review/queue.html", title="待审核备案", queue=queue,
                                    endpoint=".index", mode="decide", badge=flag_badges)

    @expose("/district")
    @has_access
    def district(self):
        """Mass terminations waiting for the approval of the unit's own district office."""
        actor = fs.Actor.of(g.user)
        office = actor.office
        queue, mode = None, "explain"
        if actor.is_admin:
            mode, clause = "decide", true()
        elif office is not None and office.level == OfficeLevel.DISTRICT:
            mode, clause = "decide", Filing.unit_id.in_(
                select(Unit.id).where(Unit.district_id == office.region_id))
        elif actor.jurisdiction.is_city_wide:
            mode, clause = "read_only", true()
        if mode != "explain":
            queue = _pending_by_batch(FilingStatus.PENDING_DISTRICT_APPROVAL, clause)
        return self.render_template("review/queue.html", title="属地审批（批量退工）",
                                    queue=queue, endpoint=".district", mode=mode,
                                    district=office.region.name if mode == "decide" and office
                                    else "", badge=flag_badges)


# --------------------------------------------------------------------------------------------
# Notice outbox and correction rules
# --------------------------------------------------------------------------------------------

NOTICE_CHANNELS = {"sms": "短信", "wechat": "微信", "portal": "单位门户"}


def _nowrap(value: str) -> Markup:
    return Markup('<span style="white-space:nowrap">{}</span>').format(value)


def _filing_link(filing_id) -> Markup | str:
    if not filing_id:
        return "—"
    return Markup('<a href="{}">#{}</a>').format(url_for("FilingView.show", pk=filing_id),
                                                 filing_id)


class NoticeView(JurisdictionModelView):  # 通知发件箱 (read-only)
    datamodel = SQLAInterface(Notice)
    base_filters = [["id", NoticeJurisdictionFilter, None]]
    base_permissions = ["can_list", "can_show"]
    list_title = show_title = "通知发件箱"
    list_columns = ["created_at", "channel", "recipient", "body", "filing_id", "sent_at"]
    show_columns = ["created_at", "channel", "recipient", "body", "filing_id", "person_id",
                    "unit_id", "sent_at", "read_at"]
    search_columns = ["channel", "created_at", "sent_at"]
    order_columns = ["created_at"]
    base_order = ("id", "desc")
    label_columns = {"created_at": "生成时间", "channel": "渠道", "recipient": "接收号码",
                     "body": "内容", "filing_id": "备案", "person_id": "劳动者编号",
                     "unit_id": "单位编号", "sent_at": "发送时间", "read_at": "阅读时间"}
    formatters_columns = {"channel": lambda c: _nowrap(NOTICE_CHANNELS.get(c, c)),
                          "filing_id": _filing_link, "created_at": lambda t: _nowrap(minutes(t)),
                          "sent_at": lambda t: _nowrap(minutes(t))}


RULE_FIELDS = ("office_level", "field_name", "note")


class CorrectionRuleView(ModelView):  # 数据修改操作口径 (administrators edit)
    datamodel = SQLAInterface(CorrectionRule)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]
    list_title = show_title = "数据修改操作口径"
    add_title = "新增更正口径"
    edit_title = "修改更正口径"
    list_columns = ["office_level", "field_name", "note"]
    show_columns = add_columns = edit_columns = ["office_level", "field_name", "note"]
    search_columns = ["office_level", "field_name"]
    order_columns = ["office_level", "field_name"]
    base_order = ("office_level", "asc")
    page_size = 50
    label_columns = {"office_level": "经办机构级别", "field_name": "可更正的字段", "note": "说明"}
    description_columns = {
        "field_name": "“全部字段（*）”表示该级别可更正任何字段。每项更正都须填写原因并记入审计日志。"}
    formatters_columns = {"office_level": lambda v: LEVEL_LABELS.get(v, v),
                          "field_name": lambda v: FIELD_LABELS.get(v, v)}
    add_form_extra_fields = edit_form_extra_fields = {
        "office_level": SelectField("经办机构级别",
                                    choices=[(lv, LEVEL_LABELS[lv]) for lv in OFFICE_LEVELS]),
        "field_name": SelectField("可更正的字段", choices=[
            (name, f"{label}（{name}）") for name, label in CORRECTION_FIELD_LABELS.items()]
            + [(WILDCARD, FIELD_LABELS[WILDCARD])]),
    }

    def _refuse_duplicate(self, item):
        duplicate = db.session.scalar(select(CorrectionRule.id).where(
            CorrectionRule.office_level == item.office_level,
            CorrectionRule.field_name == item.field_name,
            CorrectionRule.id != (item.id or 0)))
        if duplicate:
            raise DomainError("CORRECTION_RULE_DUPLICATE", "该级别对该字段的更正口径已存在。",
                              "This rule already exists.")

    def pre_add(self, item):
        with rollback_on_error():
            self._refuse_duplicate(item)
            db.session.add(item)
            db.session.flush()
            record("correction_rule", item.id, "create",
                   after={f: getattr(item, f) for f in RULE_FIELDS})

    def pre_update(self, item):
        with rollback_on_error():
            before, after = pending_changes(item, RULE_FIELDS)
            self._refuse_duplicate(item)
            record("correction_rule", item.id, "update", before=before, after=after)

    def pre_delete(self, item):
        record("correction_rule", item.id, "delete",
               before={f: getattr(item, f) for f in RULE_FIELDS})


def register(appbuilder) -> None:
    """Add this module's views and menu entries (category "Filings")."""
    appbuilder.add_view(FilingView, "Filing records", icon="fa-file-text-o", category="Filings",
                        category_icon="fa-file-text-o")
    appbuilder.add_view(ReviewQueueView, "Review queue", icon="fa-inbox", category="Filings")
    appbuilder.add_link("District approvals", href="ReviewQueueView.district", icon="fa-gavel",
                        category="Filings")
    appbuilder.add_view(CorrectionRuleView, "Correction rules", icon="fa-sliders",
                        category="Filings")
    appbuilder.add_view(NoticeView, "Notice outbox", icon="fa-envelope-o", category="Filings")
