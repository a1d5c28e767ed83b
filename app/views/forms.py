"""Web forms of the four filings (录用, 合同续订, 市内调动, 退工) and of online account opening
(单位开户注册), and the bridge from a DomainError to the form field it concerns.

The forms only parse what the browser sends (dates, numbers, choices). Every rule — the ID
checksum, the minimum age, part-time hours, attachment types — is checked by the service the view
calls, so the web form, bulk upload and the API answer with the same codes and messages."""

from __future__ import annotations

import uuid

from flask import flash
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import EqualTo, InputRequired, Length, NumberRange, Optional, Regexp

from app.domain.errors import DomainError
from app.extensions import db
from app.models.codes import (
    ContractType,
    EducationLevel,
    EmployerType,
    EmploymentForm,
    IndustryDivision,
    IndustrySection,
    OwnershipType,
    TerminationReason,
)
from app.models.org import Region, RegionLevel

ATTACHMENT_HELP = "PDF、JPG 或 PNG 格式，每个不超过 5 MB，可选择多个文件。"
_NUMBER = "请填写数字，例如 3.5。"
_INTEGER = "请填写整数。"
_DATE = "请按“年-月-日”填写日期，例如 2026-03-01。"


def _active(model):
    return db.session.scalars(select(model).where(model.active.is_(True))
                              .order_by(model.sort, model.code))


def _code_choices(model, *, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [("", blank)] if blank is not None else []
    return choices + [(c.code, c.name) for c in _active(model)]


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


# --------------------------------------------------------------------------------------------
# Online account opening (单位开户注册)
# --------------------------------------------------------------------------------------------

_REQUIRED = "请填写此项。"


class UnitRegistrationForm(FlaskForm):
    name = StringField("单位名称", validators=[InputRequired(_REQUIRED), Length(max=200)],
                       description="与营业执照或登记证书上的名称一致。")
    credit_code = StringField(
        "统一社会信用代码", validators=[InputRequired(_REQUIRED), Length(max=32)],
        render_kw={"autocomplete": "off", "maxlength": 18, "spellcheck": "false"},
        description="18 位，见营业执照或登记证书；不含字母 I、O、S、V、Z。")
    employer_type = SelectField("单位类型", validate_choice=False,
                                validators=[InputRequired("请选择单位类型。")])
    industry_division = SelectField("行业（国民经济行业分类大类）", validate_choice=False,
                                    validators=[InputRequired("请选择行业。")])
    ownership_type = SelectField("登记注册类型", validate_choice=False,
                                 validators=[InputRequired("请选择登记注册类型。")])
    district = SelectField("所在区（县级市）", validate_choice=False,
                           validators=[InputRequired("请选择所在区。")])
    street = SelectField("所在街道（镇）", validate_choice=False,
                         validators=[InputRequired("请选择所在街道。")],
                         description="先选择区，再从该区的街道中选择。")
    address = StringField("单位地址", validators=[InputRequired(_REQUIRED), Length(max=256)])
    contact_name = StringField("联系人", validators=[InputRequired(_REQUIRED), Length(max=64)])
    contact_phone = StringField(
        "联系电话", validators=[InputRequired(_REQUIRED),
                            Regexp(r"^[0-9+\-\s]{7,20}$",
                                   message="请填写手机号码或带区号的固定电话，只用数字和“-”。")])
    headcount = IntegerField("职工人数", validators=[
        InputRequired("请填写职工人数。"), NumberRange(min=0, message="职工人数不能为负数。")])
    username = StringField(
        "登录用户名", validators=[InputRequired(_REQUIRED),
                             Regexp(r"^[A-Za-z0-9_.\-]{3,64}$",
                                    message="用户名为 3–64 位英文字母、数字或“_ . -”。")],
        render_kw={"autocomplete": "username"})
    email = StringField("电子邮箱", validators=[
        InputRequired(_REQUIRED), Length(max=320),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="请填写有效的电子邮箱地址。")])
    password = PasswordField("密码", validators=[InputRequired(_REQUIRED)],
                             render_kw={"autocomplete": "new-password"},
                             description="至少 10 位，包含大写字母、小写字母、数字、符号中的至少三类。")
    conf_password = PasswordField("确认密码", validators=[
        InputRequired(_REQUIRED), EqualTo("password", message="两次输入的密码不一致。")],
        render_kw={"autocomplete": "new-password"})

    layout = (
        ("单位信息", ("name", "credit_code", "employer_type", "industry_division",
                  "ownership_type", "district", "street", "address", "headcount")),
        ("联系人", ("contact_name", "contact_phone")),
        ("登录账户", ("username", "email", "password", "conf_password")),
    )
    starred = tuple(name for _, names in layout for name in names)
    aliases = {"employer_type_code": "employer_type", "ownership_type_code": "ownership_type",
               "industry_division_code": "industry_division", "district_id": "district",
               "street_id": "street"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.employer_type.choices = _code_choices(EmployerType, blank="（请选择）")
        sections = {s.code: s.name for s in _active(IndustrySection)}
        self.industry_division.choices = [("", "（请选择）")] + [
            (d.code, f"{d.section_code}{d.code} {sections.get(d.section_code, '')} · {d.name}")
            for d in _active(IndustryDivision)]
        self.ownership_type.choices = [("", "（请选择）")] + [
            (o.code, f"{o.code} {o.name}") for o in _active(OwnershipType)]
        districts = db.session.scalars(select(Region).where(
            Region.level == RegionLevel.DISTRICT).order_by(Region.code)).all()
        streets = db.session.scalars(select(Region).where(
            Region.level == RegionLevel.STREET).order_by(Region.code)).all()
        self.district.choices = [("", "（请选择）")] + [(str(r.id), r.name) for r in districts]
        self.street.choices = [("", "（请选择）")] + [(str(r.id), r.name) for r in streets]
        # For the page script that offers only the chosen district's streets.
        self.street_parents = {str(r.id): str(r.parent_id) for r in streets}

    def field_for(self, name: str | None):
        if not name:
            return None
        return self._fields.get(self.aliases.get(name, name))


# --------------------------------------------------------------------------------------------
# DomainError → form
# --------------------------------------------------------------------------------------------

def error_text(exc: DomainError) -> str:
    """The message a user sees: plain Chinese, then the stable code (support keys on it)."""
    return f"{exc.message}（{exc.code}）"


def flash_outcome(action, success: str):
    """Run a use case; flash its DomainError (in red) or `success` (in green). Returns the
    action's result, or None when it was refused."""
    try:
        result = action()
    except DomainError as exc:
        flash(error_text(exc), "danger")
        return None
    flash(success, "success")
    return result


def add_error(form, field, text: str) -> None:
    # WTForms keeps a field's errors as a tuple until the field has been validated.
    field.errors = [*field.errors, text]


def attach_domain_error(form, exc: DomainError) -> None:
    """Show a DomainError next to the field it names; an unknown field (or none) becomes a
    form-level error shown above the form."""
    field = form.field_for(exc.field)
    if field is not None:
        add_error(form, field, error_text(exc))
    else:
        form.form_errors.append(error_text(exc))


__all__ = ["FORMS_BY_TYPE", "CancelForm", "FilingForm", "HireForm", "RenewalForm",
           "TerminationForm", "TransferForm", "UnitRegistrationForm", "add_error",
           "attach_domain_error", "error_text", "new_idempotency_key"]
