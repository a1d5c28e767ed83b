"""The notice outbox (通知发件箱): notices to units of the jurisdiction or about their filings."""

from __future__ import annotations

from flask import url_for
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from markupsafe import Markup
from sqlalchemy import select

from app.models.filings import Filing, Notice
from app.models.units import Unit
from app.views.base import JurisdictionModelView
from app.views.filings.records import minutes
from app.views.filters import current_jurisdiction


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
