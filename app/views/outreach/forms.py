"""Web forms of the "1+3" services. They only parse what the browser sends; every rule is checked
by the service the view calls (app.services.outreach), which raises DomainError with the field."""

from __future__ import annotations

import datetime

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from app import clock
from app.domain.outreach import ArticleKind, DeskCategory, EventKind, ServiceCaseKind

DATETIME_HELP = "格式：年-月-日 时:分，例如 2026-12-01 14:00。"


class ChineseDateTimeField(DateTimeLocalField):
    """A date-time field that accepts "2026-12-01 14:00" as well as the browser's
    "2026-12-01T14:00", and says what it wants in Chinese."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators,
                         format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                                 "%Y-%m-%d %H:%M:%S"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("时间格式不正确。" + DATETIME_HELP) from exc

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%Y-%m-%dT%H:%M") if self.data else ""


class ChineseDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("日期格式不正确，请按“年-月-日”填写，例如 2026-03-01。") from exc


class OutreachForm(FlaskForm):
    def field_for(self, name: str | None):
        """The visible field a DomainError names; a hidden or unknown one → a form-level error."""
        field = self._fields.get(name or "")
        if field is None or field.type in ("CSRFTokenField", "HiddenField"):
            return None
        return field


def _choices(enum_cls) -> list[tuple[str, str]]:
    return [(member.name, member.value) for member in enum_cls]


class EventForm(OutreachForm):
    kind = SelectField("活动类型", choices=_choices(EventKind), validate_choice=False)
    topic = StringField("活动主题", validators=[Optional(), Length(max=200)])
    speakers = StringField("主讲人", validators=[Optional(), Length(max=300)],
                           description="多位主讲人用“；”分隔。")
    starts_at = ChineseDateTimeField("开始时间", validators=[Optional()],
                                     description=DATETIME_HELP)
    ends_at = ChineseDateTimeField("结束时间", validators=[Optional()])
    venue = StringField("地点", validators=[Optional(), Length(max=200)])
    capacity = IntegerField("名额（人）", validators=[Optional()])
    signup_deadline = ChineseDateTimeField("报名截止时间", validators=[Optional()],
                                           description="截止后不再接受报名。")
    office_id = SelectField("主办经办机构", validate_choice=False)
    coordinator_id = SelectField("活动协调人", validate_choice=False)
    description = TextAreaField("活动简介", validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 4})

    starred = ("kind", "topic", "starts_at", "venue", "capacity", "signup_deadline")


class SignupForm(OutreachForm):
    attendee_name = StringField("参加人员姓名", validators=[Optional(), Length(max=64)])
    attendee_phone = StringField("手机号码", validators=[Optional(), Length(max=32)],
                                 description="11 位手机号码，用于活动通知。")
    attendee_position = StringField("职务", validators=[Optional(), Length(max=64)],
                                    description="例如 人事经理、人事专员。")
    # Not shown: an employer signs up its own unit. A crafted value for another unit is
    # passed on to the service, which refuses it (SIGNUP_OTHER_UNIT).
    unit_id = HiddenField()

    starred = ("attendee_name", "attendee_phone")


class FeedbackForm(OutreachForm):
    rating = SelectField("评分", choices=[("", "请选择")] + [(str(i), f"{i} 分") for i in
                                                           range(5, 0, -1)],
                         validate_choice=False)
    comment = TextAreaField("反馈意见", validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 2})


class DesignateForm(OutreachForm):
    credit_code = StringField("统一社会信用代码", validators=[Optional(), Length(max=40)])
    reason = TextAreaField("认定理由", validators=[Optional(), Length(max=2000)],
                           render_kw={"rows": 3},
                           description="例如：整厂关停、集团重组、用工类别特殊、职工人数较多。")
    starred = ("credit_code",)


class VisitForm(OutreachForm):
    credit_code = StringField("被走访单位统一社会信用代码", validators=[Optional(), Length(max=40)])
    visit_date = ChineseDateField("走访日期", validators=[Optional()])
    people_met = TextAreaField("见到的人员", validators=[Optional(), Length(max=2000)],
                               render_kw={"rows": 2}, description="姓名、职务。")
    problems = TextAreaField("企业反映的问题和建议", validators=[Optional(), Length(max=5000)],
                             render_kw={"rows": 4})
    notes = TextAreaField("其他情况", validators=[Optional(), Length(max=5000)],
                          render_kw={"rows": 2})
    starred = ("credit_code", "visit_date", "people_met", "problems")


class FollowUpForm(OutreachForm):
    action = TextAreaField("跟进事项", validators=[Optional(), Length(max=2000)],
                           render_kw={"rows": 2})
    owner = SelectField("责任人", validate_choice=False)
    due_date = ChineseDateField("完成期限", validators=[Optional()])
    starred = ("action", "owner", "due_date")


class StaffForm(OutreachForm):
    staff = SelectMultipleField("服务专员", coerce=int, validate_choice=False)


class ServiceCaseForm(OutreachForm):
    kind = SelectField("专项服务类型", choices=_choices(ServiceCaseKind), validate_choice=False)
    title = StringField("名称", validators=[Optional(), Length(max=200)],
                        description="例如：某某公司整厂关停职工退工备案。")
    expected_people = IntegerField("预计涉及人数", validators=[Optional()])
    description = TextAreaField("情况说明", validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 3})
    starred = ("kind", "title")


class LinkFilingsForm(OutreachForm):
    receipts = TextAreaField("备案回执号", validators=[Optional(), Length(max=200_000)],
                             render_kw={"rows": 4},
                             description="每行一个回执号（也可用逗号或空格分隔）。")


class ArticleForm(OutreachForm):
    kind = SelectField("类型", choices=_choices(ArticleKind), validate_choice=False)
    title = StringField("标题", validators=[Optional(), Length(max=200)])
    slug = StringField("网址标识", validators=[Optional(), Length(max=80)],
                       description="小写字母、数字和连字符，例如 hire-guide；公开网址为 /kb/网址标识。")
    filing_type = SelectField("备案类型（办事指南）", validate_choice=False, choices=[
        ("", "（不适用）"), ("HIRE", "录用"), ("RENEWAL", "合同续订"), ("TRANSFER", "市内调动"),
        ("TERMINATION", "退工")])
    sort_order = IntegerField("排序", validators=[Optional()], default=100)
    body_md = TextAreaField("正文（Markdown）", validators=[Optional()],
                            render_kw={"rows": 18, "spellcheck": "false"},
                            description="支持标题、列表、表格、链接和本站图片（/static/…）。"
                                        "脚本、外部图片和 javascript: 链接会被自动移除。")
    starred = ("kind", "title", "slug", "body_md")


class DeskCaseForm(OutreachForm):
    category = SelectField("问题类别", choices=_choices(DeskCategory), validate_choice=False)
    title = StringField("问题标题", validators=[Optional(), Length(max=200)])
    description = TextAreaField("问题描述", validators=[Optional(), Length(max=10000)],
                                render_kw={"rows": 5},
                                description="发生了什么、涉及哪个单位、已做过哪些处理、希望市级明确什么。")
    unit_credit_code = StringField("涉及单位统一社会信用代码（选填）",
                                   validators=[Optional(), Length(max=40)])
    district_id = SelectField("所属区", validate_choice=False)
    due_date = ChineseDateField("希望答复期限（选填）", validators=[Optional()])
    starred = ("category", "title", "description")


class DeskPostForm(OutreachForm):
    body = TextAreaField("答复 / 补充说明", validators=[Optional(), Length(max=10000)],
                         render_kw={"rows": 4})


class DeskAssignForm(OutreachForm):
    owner_id = SelectField("承办人", validate_choice=False)
    due_date = ChineseDateField("答复期限", validators=[Optional()])


class MeetingForm(OutreachForm):
    title = StringField("会议名称", validators=[Optional(), Length(max=200)],
                        description="留空则按季度自动命名，例如“2026年第4季度市区用工备案联席会议”。")
    meets_at = ChineseDateTimeField("会议时间", validators=[Optional()],
                                    description=DATETIME_HELP)
    venue = StringField("会议地点", validators=[Optional(), Length(max=200)])
    starred = ("meets_at", "venue")


class AgendaForm(OutreachForm):
    case_id = SelectField("疑难问题", validate_choice=False)
    title = StringField("或：其他议题", validators=[Optional(), Length(max=200)])


class MinutesForm(OutreachForm):
    minutes = TextAreaField("会议纪要", validators=[Optional(), Length(max=50_000)],
                            render_kw={"rows": 8})
    held = SelectField("会议状态", choices=[("", "尚未召开"), ("1", "已召开")],
                       validate_choice=False)


def to_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def today() -> datetime.date:
    return clock.today()
