"""The web form of online account opening (单位开户注册), code-list choices for forms, and the
bridge from a DomainError to the form field it concerns (the filing forms: app.views.filings)."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import EqualTo, InputRequired, Length, NumberRange, Regexp

from app.domain.errors import DomainError
from app.extensions import db
from app.models.codes import (
    EmployerType,
    IndustryDivision,
    IndustrySection,
    OwnershipType,
)
from app.models.org import Region, RegionLevel


def _active(model):
    return db.session.scalars(select(model).where(model.active.is_(True))
                              .order_by(model.sort, model.code))


def _code_choices(model, *, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [("", blank)] if blank is not None else []
    return choices + [(c.code, c.name) for c in _active(model)]


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


__all__ = ["UnitRegistrationForm", "add_error", "attach_domain_error", "error_text",
           "flash_outcome"]
