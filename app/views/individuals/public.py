"""Public: open a personal account (个人注册)."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose

from app.domain.errors import DomainError
from app.extensions import appbuilder
from app.services.individuals.registration import register_individual
from app.web import current_actor


class IndividualRegistrationView(BaseView):
    """No @has_access on purpose: the person registering has no account yet."""

    route_base = "/register/person"
    default_view = "register"

    @expose("/", methods=["GET", "POST"])
    def register(self):
        errors, values = {}, {}
        if request.method == "POST":
            values = {k: request.form.get(k, "") for k in ("name", "citizen_id", "phone")}
            try:
                register_individual(current_actor(), password=request.form.get("password", ""),
                                    confirm=request.form.get("confirm", ""), **values)
            except DomainError as exc:
                errors[exc.field or "_form"] = f"{exc.message}（{exc.code}）"
            else:
                flash("注册成功。请用手机号码登录，然后完成实名认证。", "success")
                return redirect(appbuilder.get_url_for_login)
        return self.render_template("individuals/register.html", errors=errors,
                                    values=values)
