"""Online account opening of a unit (单位开户注册), public.

An employer registers its unit and its first login in one step. The unit starts PENDING; the
district office of the unit approves it (UnitView action "approve"), after which the user can
file. Unit and user are written in one transaction: a failure of either leaves neither."""

from __future__ import annotations

from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from sqlalchemy import select

from app.domain.errors import DomainError
from app.extensions import appbuilder, db
from app.models.org import Office
from app.security import password_complexity
from app.services.units.register import UserNotCreated, open_account
from app.views.base import rate_limit_posts
from app.views.forms import UnitRegistrationForm, add_error, attach_domain_error
from app.web import current_actor

# Light protection of a public form that creates rows (only when RATELIMIT_ENABLED).
REGISTRATION_RATE_LIMIT = "20 per hour"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class UnitRegistrationView(BaseView):
    """Public: no @has_access on purpose — the person registering has no account yet."""

    route_base = "/register/unit"
    default_view = "register"

    @expose("/", methods=["GET", "POST"])
    def register(self):
        form = UnitRegistrationForm()
        if form.validate_on_submit() and self._check_account(form):
            try:
                unit = self._open_account(form)
            except DomainError as exc:
                attach_domain_error(form, exc)
            except UserNotCreated:
                form.form_errors.append("账户创建失败：用户名或电子邮箱可能已被使用，请更换后重试。"
                                        "（USER_NOT_CREATED）")
            else:
                office = db.session.scalar(select(Office).where(
                    Office.region_id == unit.district_id))
                return self.render_template("portal/register_done.html", unit=unit,
                                            office=office, username=form.username.data)
        return self.render_template("portal/register_unit.html", form=form)

    @staticmethod
    def _check_account(form: UnitRegistrationForm) -> bool:
        """The login part: password policy, a free username and e-mail address."""
        sm = appbuilder.sm
        ok = True
        try:
            password_complexity(form.password.data)
        except PasswordComplexityValidationError as exc:
            add_error(form, form.password, f"{exc}（PASSWORD_COMPLEXITY）")
            ok = False
        if sm.find_user(username=form.username.data.strip()):
            add_error(form, form.username, "该用户名已被使用，请换一个用户名。（USERNAME_TAKEN）")
            ok = False
        if sm.find_user(email=form.email.data.strip()):
            add_error(form, form.email, "该电子邮箱已用于另一个账户，请换一个邮箱，"
                                        "或用原账户登录。（EMAIL_TAKEN）")
            ok = False
        return ok

    @staticmethod
    def _open_account(form: UnitRegistrationForm):
        """Register the unit (PENDING) and its Employer user, committed together."""
        data = {
            "name": form.name.data, "credit_code": form.credit_code.data,
            "employer_type_code": form.employer_type.data,
            "industry_division_code": form.industry_division.data,
            "ownership_type_code": form.ownership_type.data,
            "district_id": _int(form.district.data), "street_id": _int(form.street.data),
            "address": form.address.data.strip(), "contact_name": form.contact_name.data.strip(),
            "contact_phone": form.contact_phone.data.strip(), "headcount": form.headcount.data,
        }
        return open_account(current_actor(), data, username=form.username.data.strip(),
                            contact_name=form.contact_name.data.strip(),
                            email=form.email.data.strip(), password=form.password.data)


def register(appbuilder) -> None:
    view = appbuilder.add_view_no_menu(UnitRegistrationView)
    rate_limit_posts(appbuilder, view, REGISTRATION_RATE_LIMIT)
