"""The notice outbox (通知发件箱): notices to units of the jurisdiction or about their filings,
with where each stands (待发送 / 发送中 / 已发送 / 等待重试 / 发送失败), its attempts and last error;
a failed one can be sent again ("重新发送")."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from markupsafe import Markup
from sqlalchemy import select

from app.domain.errors import DomainError
from app.domain.notices import NoticeStatus
from app.models.filings import Filing, Notice
from app.models.units import Unit
from app.services.notices.delivery import retry_failed
from app.views.base import JurisdictionModelView
from app.views.filings.records import minutes
from app.views.filters import current_jurisdiction
from app.web import current_actor


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


NOTICE_CHANNELS = {"sms": "短信", "wechat": "微信", "portal": "单位门户"}


def _nowrap(value: str) -> Markup:
    return Markup('<span style="white-space:nowrap">{}</span>').format(value)


def _filing_link(filing_id) -> Markup | str:
    if not filing_id:
        return "—"
    return Markup('<a href="{}">#{}</a>').format(url_for("FilingView.show", pk=filing_id),
                                                 filing_id)


def _status(value) -> Markup | str:
    if value is None:
        return ""
    status = NoticeStatus[value] if isinstance(value, str) and value in NoticeStatus.__members__ \
        else value
    label = status.value if isinstance(status, NoticeStatus) else str(status)
    colour = {NoticeStatus.FAILED: "danger", NoticeStatus.RETRY: "warning",
              NoticeStatus.SENT: "success"}.get(status, "default")
    return Markup('<span class="label label-{}">{}</span>').format(colour, label)


FAILED_LIST = "/noticeview/list/?_flt_0_status=FAILED"


class NoticeView(JurisdictionModelView):  # 通知发件箱 (read-only, but for "send again")
    datamodel = SQLAInterface(Notice)
    base_filters = [["id", NoticeJurisdictionFilter, None]]
    base_permissions = ["can_list", "can_show", "retry"]
    list_title = show_title = "通知发件箱"
    list_columns = ["created_at", "channel", "recipient", "body", "filing_id", "status",
                    "attempts", "last_error", "sent_at"]
    show_columns = ["created_at", "channel", "recipient", "body", "filing_id", "person_id",
                    "unit_id", "status", "attempts", "last_error", "next_attempt_at", "sent_at",
                    "read_at"]
    search_columns = ["status", "channel", "created_at", "sent_at"]
    order_columns = ["created_at", "status", "attempts"]
    base_order = ("id", "desc")
    label_columns = {"created_at": "生成时间", "channel": "渠道", "recipient": "接收号码",
                     "body": "内容", "filing_id": "备案", "person_id": "劳动者编号",
                     "unit_id": "单位编号", "sent_at": "发送时间", "read_at": "阅读时间",
                     "status": "发送状态", "attempts": "尝试次数", "last_error": "最近一次失败原因",
                     "next_attempt_at": "下次尝试时间"}
    description_columns = {"status": "发送失败的通知不再自动重试：核对号码或短信网关后，勾选并“重新发送”"}
    formatters_columns = {"channel": lambda c: _nowrap(NOTICE_CHANNELS.get(c, c)),
                          "filing_id": _filing_link, "created_at": lambda t: _nowrap(minutes(t)),
                          "sent_at": lambda t: _nowrap(minutes(t)), "status": _status,
                          "next_attempt_at": lambda t: _nowrap(minutes(t)),
                          "last_error": lambda e: e or ""}

    @action("retry", "重新发送", "重新发送所选的发送失败通知？", "fa-repeat", single=False)
    def retry(self, items):
        items = items if isinstance(items, list) else [items]
        done, actor = 0, current_actor()
        for notice in items:
            try:  # the use case checks the jurisdiction and the status again
                retry_failed(actor, notice)
                done += 1
            except DomainError as exc:
                flash(f"通知 #{notice.id}：{exc.message}", "warning")
        if done:
            flash(f"已重新排队 {done} 条通知，调度程序将很快发送。", "success")
        return redirect(request.referrer or self.get_redirect())
