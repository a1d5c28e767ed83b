"""Views of the api capability: the employer's "API keys" page in the portal (create — the key
is shown once — and revoke), the administrators' list of every key (revoke, create for a unit),
and the registration of the REST API itself (app.api)."""

from __future__ import annotations

import datetime

from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.domain.errors import DomainError
from app.extensions import db
from app.models.api import ApiKey
from app.models.units import Unit, UnitStatus
from app.services.api import keys as key_service
from app.views.base import JurisdictionModelView, found_or_404
from app.web import current_actor


class ApiKeyForm(FlaskForm):
    name = StringField("密钥名称", validators=[DataRequired(message="请填写密钥名称。"),
                                           Length(max=key_service.MAX_NAME)],
                       description="用于识别对接的系统，例如“工资系统”“人事系统”。")
    expires_on = DateField("有效期至（可选）", validators=[Optional()],
                           description="留空表示长期有效；到期后该密钥自动失效。")


class AdminApiKeyForm(ApiKeyForm):
    unit = SelectField("单位", coerce=int, validate_choice=True)


def _expiry(day: datetime.date | None) -> datetime.datetime | None:
    """A key valid "until" a day stays valid to the end of that day."""
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(23, 59, 59))


def _no_store(page):
    """A page that may show a key must not be kept by the browser or a proxy."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0"
    return response


class EmployerApiKeyView(BaseView):
    """单位网上办事 → 接口密钥: the unit's keys for payroll/HR software."""

    route_base = "/portal/api-keys"
    default_view = "index"
    method_permission_name = {"index": "read", "create": "write", "revoke": "write"}

    def _unit(self) -> Unit:
        return found_or_404(db.session.get(Unit, g.user.unit_id) if getattr(g.user, "unit_id", None) else None)

    def _page(self, unit: Unit, form: ApiKeyForm, created: tuple | None = None):
        return _no_store(self.render_template(
            "api/keys.html", unit=unit, form=form, keys=key_service.keys_of_unit(unit.id),
            created=created, unit_active=unit.status == UnitStatus.ACTIVE,
            create_url=url_for("EmployerApiKeyView.create"),
            revoke_endpoint="EmployerApiKeyView.revoke",
            docs_url="/kb/api-integration", openapi_url="/api/v1/_openapi"))

    @expose("/")
    @has_access
    def index(self):
        return self._page(self._unit(), ApiKeyForm())

    @expose("/", methods=["POST"])
    @has_access
    def create(self):
        unit = self._unit()
        form = ApiKeyForm()
        if form.validate_on_submit():
            try:
                key, raw = key_service.create_key(current_actor(), unit.id, form.name.data,
                                                  _expiry(form.expires_on.data))
            except DomainError as exc:
                form.name.errors = [*form.name.errors, f"{exc.message}（{exc.code}）"]
            else:
                return self._page(unit, ApiKeyForm(formdata=None), created=(key, raw))
        return self._page(unit, form)

    @expose("/<int:key_id>/revoke", methods=["POST"])
    @has_access
    def revoke(self, key_id: int):
        unit = self._unit()
        key = db.session.get(ApiKey, key_id)
        if key is None or key.unit_id != unit.id or not FlaskForm().validate_on_submit():
            abort(404)
        key_service.revoke_key(current_actor(), key.id)
        flash(f"已撤销接口密钥“{key.name}”（{key.prefix}…）。使用它的系统将无法再访问。", "success")
        return redirect(url_for("EmployerApiKeyView.index"))


class ApiKeyAdminView(JurisdictionModelView):
    """Every unit's API keys (administrators): revoke, and create a key for a unit."""

    datamodel = SQLAInterface(ApiKey)
    base_permissions = ["can_list", "can_show", "can_revoke", "can_create_key"]
    list_title = "接口密钥"
    show_title = "接口密钥"
    list_columns = ["unit", "name", "prefix", "created_by", "created_at", "expires_at",
                    "last_used_at", "revoked_at"]
    show_columns = ["unit", "name", "prefix", "user", "created_by", "created_at", "expires_at",
                    "last_used_at", "revoked_at", "revoked_by"]
    search_columns = ["unit", "name", "prefix", "created_at", "revoked_at"]
    base_order = ("id", "desc")
    label_columns = {"unit": "单位", "name": "名称", "prefix": "密钥前缀", "user": "接口服务账户",
                     "created_by": "创建人", "created_at": "创建时间", "expires_at": "有效期至",
                     "last_used_at": "最近使用", "revoked_at": "撤销时间", "revoked_by": "撤销人"}
    list_template = "api/admin_list.html"

    @action("revoke", "撤销", "撤销所选接口密钥？使用它们的系统将立即无法访问。", "fa-ban", single=False)
    def revoke(self, items):
        items = items if isinstance(items, list) else [items]
        for key in items:
            key_service.revoke_key(current_actor(), key.id)
        flash(f"已撤销 {len(items)} 个接口密钥。", "success")
        return redirect(url_for("ApiKeyAdminView.list"))

    @expose("/create", methods=["GET", "POST"])
    @has_access
    def create_key(self):
        form = AdminApiKeyForm()
        form.unit.choices = [(u.id, f"{u.name}（{u.credit_code}）") for u in db.session.scalars(
            select(Unit).where(Unit.status == UnitStatus.ACTIVE).order_by(Unit.name))]
        created = None
        if request.method == "POST" and form.validate_on_submit():
            try:
                created = key_service.create_key(current_actor(), form.unit.data, form.name.data,
                                                 _expiry(form.expires_on.data))
            except DomainError as exc:
                form.name.errors = [*form.name.errors, f"{exc.message}（{exc.code}）"]
        return _no_store(self.render_template("api/admin_create.html", form=form,
                                              created=created))


def register(appbuilder) -> None:
    """The portal's "API keys" page, the administrators' key list, and the REST API."""
    from app.api import register_apis

    appbuilder.add_view(EmployerApiKeyView, "API keys", icon="fa-key",
                        category="Employer portal")
    appbuilder.add_view(ApiKeyAdminView, "All API keys", icon="fa-key", category="Security")
    register_apis(appbuilder)
