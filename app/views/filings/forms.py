"""Web forms of the four filings (录用, 合同续订, 市内调动, 退工) and of cancelling one.

The forms only parse what the browser sends (dates, numbers, choices). Every rule — the ID
checksum, the minimum age, part-time hours, attachment types — is checked by the service the view
calls (its input mappers in app.services.filings.inputs), so the web form, bulk upload and the
API answer with the same codes and messages."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from app.models.codes import ContractType, EducationLevel, EmploymentForm, TerminationReason
from app.views.forms import _active, _code_choices

ATTACHMENT_HELP = "PDF、JPG 或 PNG 格式，每个不超过 5 MB，可选择多个文件。"


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class FilingForm(FlaskForm):
    """What every filing form has: a submission key and a note.

    ``layout`` lists the sections of the page (title, field names) in order; ``starred`` the
    fields the rules require (shown with a red star — the service checks them); ``aliases`` maps
    the field names used by the domain and services to this form's field names."""

    # A hidden key created when the form is rendered: submitting the same form twice (double
    # click, reload after POST) finds the filing the first submission made instead of a second.
    idempotency_key = HiddenField(default=new_idempotency_key)
    note = TextAreaField("备注", validators=[Optional(), Length(max=500)],
                         render_kw={"rows": 2})

    title = ""
    layout: tuple[tuple[str, tuple[str, ...]], ...] = ()
    starred: tuple[str, ...] = ()
    aliases: dict[str, str] = {}

    # Domain/service field names (and Filing attribute names) that differ from form fields.
    COMMON_ALIASES = {
        "contract_type_code": "contract_type",
        "termination_reason_code": "termination_reason",
        "education_code": "education",
        "employment_form_code": "employment_form",
    }

    def field_for(self, name: str | None):
        """The form field a DomainError's ``field`` points at, or None (→ a form-level error)."""
        if not name:
            return None
        name = self.aliases.get(name) or self.COMMON_ALIASES.get(name) or name
        field = self._fields.get(name)
        if field is None or name in ("idempotency_key", "csrf_token"):
            return None
        return field


class HireForm(FilingForm):  # 录用备案
    citizen_id = StringField(
        "公民身份号码", render_kw={"autocomplete": "off", "maxlength": 18, "spellcheck": "false"},
        description="18 位，最后一位可为 X；性别和出生日期由号码得出，无需另填。")
    name = StringField("姓名", validators=[Optional(), Length(max=64)])
    phone = StringField("手机号码", validators=[Optional(), Length(max=32)],
                        description="11 位手机号码，用于接收备案短信通知。")
    education = SelectField("文化程度", validate_choice=False)
    employment_form = SelectField("用工形式", validate_choice=False)
    hours_per_day = FloatField("平均每日工作时间（小时）", validators=[Optional()],
                               description="非全日制用工填写：平均每日不超过 4 小时。")
    hours_per_week = FloatField("每周工作时间（小时）", validators=[Optional()],
                                description="非全日制用工填写：每周累计不超过 24 小时。")
    probation_months = IntegerField("试用期（月）", validators=[Optional()],
                                    description="没有试用期请留空；非全日制用工不得约定试用期。")
    contract_type = SelectField("劳动合同期限类型", validate_choice=False)
    contract_start = DateField("合同起始日期", validators=[Optional()],
                               description="留空则与入职日期相同。")
    contract_end = DateField("合同终止日期", validators=[Optional()],
                             description="固定期限合同必填；无固定期限合同请留空。")
    start_date = DateField("入职（用工起始）日期", validators=[Optional()],
                           description="请在入职之日起 30 日内办理录用备案，超过的标记为逾期。")
    job_title = StringField("工作岗位", validators=[Optional(), Length(max=64)])
    attachments = MultipleFileField("附件", description=ATTACHMENT_HELP)

    title = "录用备案"
    layout = (
        ("劳动者", ("citizen_id", "name", "phone", "education")),
        ("用工信息", ("employment_form", "hours_per_day", "hours_per_week", "start_date",
                  "job_title")),
        ("劳动合同", ("contract_type", "contract_start", "contract_end", "probation_months")),
        ("其他", ("attachments", "note")),
    )
    starred = ("citizen_id", "name", "employment_form", "start_date", "contract_type")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.education.choices = _code_choices(EducationLevel, blank="（未填写）")
        self.employment_form.choices = _code_choices(EmploymentForm)
        self.contract_type.choices = _code_choices(ContractType)


class RenewalForm(FilingForm):  # 合同续订备案
    contract_type = SelectField("续订后的合同期限类型", validate_choice=False)
    contract_start = DateField("续订合同起始日期", validators=[Optional()],
                               description="留空则从原合同终止日期起算。")
    contract_end = DateField("续订合同终止日期", validators=[Optional()],
                             description="应晚于原合同终止日期；无固定期限合同请留空。")

    title = "合同续订备案"
    layout = (("续订后的劳动合同", ("contract_type", "contract_start", "contract_end", "note")),)
    starred = ("contract_type",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract_type.choices = _code_choices(ContractType)


class TransferForm(FilingForm):  # 市内调动备案
    to_unit_credit_code = StringField(
        "调入单位统一社会信用代码", validators=[Optional(), Length(max=32)],
        render_kw={"autocomplete": "off", "maxlength": 18, "spellcheck": "false"},
        description="18 位；调入单位须已在本平台开户并审核通过。")
    transfer_date = DateField("调动日期", validators=[Optional()],
                              description="调出单位的用工在这一天终止，调入单位的用工在同一天开始。")
    contract_type = SelectField("调入单位劳动合同期限类型", validate_choice=False)
    contract_end = DateField("调入单位合同终止日期", validators=[Optional()],
                             description="固定期限合同必填；无固定期限合同请留空。")
    job_title = StringField("调入后工作岗位", validators=[Optional(), Length(max=64)],
                            description="留空则沿用原岗位。")

    title = "市内调动备案"
    layout = (("调动信息", ("to_unit_credit_code", "transfer_date", "contract_type",
                        "contract_end", "job_title", "note")),)
    starred = ("to_unit_credit_code", "transfer_date", "contract_type")
    # The service checks the date as the transfer filing's start (and end) date.
    aliases = {"to_unit": "to_unit_credit_code", "start_date": "transfer_date",
               "end_date": "transfer_date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract_type.choices = _code_choices(ContractType)


class TerminationForm(FilingForm):  # 退工备案
    end_date = DateField("劳动合同解除（终止）日期", validators=[Optional()],
                         description="请在解除或终止之日起 15 日内办理退工备案，超过的标记为逾期。")
    termination_reason = SelectField("解除（终止）原因", validate_choice=False,
                                     description="按劳动合同法条款选择。标注“需附件”的原因须上传依据材料，"
                                                 "并经经办机构审核。")
    attachments = MultipleFileField("附件", description=ATTACHMENT_HELP)

    title = "退工备案"
    layout = (("退工信息", ("end_date", "termination_reason", "attachments", "note")),)
    starred = ("end_date", "termination_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = _active(TerminationReason)
        self.termination_reason.choices = [("", "（请选择）")] + [
            (r.code, f"{r.article.removeprefix('劳动合同法')} {r.name}"
                     + ("（需附件、经审核）" if r.needs_review else ""))
            for r in reasons]


FORMS_BY_TYPE = {"HIRE": HireForm, "RENEWAL": RenewalForm, "TRANSFER": TransferForm,
                 "TERMINATION": TerminationForm}


class CancelForm(FlaskForm):  # 撤销被退回的备案
    cancel_reason = TextAreaField("撤销原因", validators=[Optional(), Length(max=500)],
                                  render_kw={"rows": 2})
