"""Employers (用人单位): staff administration within jurisdiction; employers see their own."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from wtforms.validators import ValidationError

from app.domain.errors import DomainError
from app.domain.organisation import check_street_in_district
from app.extensions import appbuilder
from app.models.org import RegionLevel
from app.models.units import Unit
from app.services.units.account import approve_unit, suspend_unit
from app.services.units.prepare import add_unit, check_credit_code, unit_changes, update_unit
from app.views.base import JurisdictionModelView, checkbox_fields, rollback_on_error
from app.views.filters import RegionJurisdictionFilter, UnitJurisdictionFilter
from app.web import current_actor

_DISTRICTS = [["level", FilterEqual, RegionLevel.DISTRICT], ["id", RegionJurisdictionFilter, None]]
_STREETS = [["level", FilterEqual, RegionLevel.STREET], ["id", RegionJurisdictionFilter, None]]


class CreditCodeField:
    """Field validator: the GB 32100 credit code, with the staff checksum override."""

    def __call__(self, form, field):
        reason = getattr(form, "credit_code_override_reason", None)
        try:
            field.data = check_credit_code(
                field.data, override_reason=reason.data if reason else None,
                may_override=appbuilder.sm.has_access("can_override_checksum", "UnitView"))
        except DomainError as exc:
            raise ValidationError(f"{exc.message}（{exc.code}）") from exc


class StreetInDistrict:
    def __call__(self, form, field):
        district = getattr(form, "district", None)
        if field.data is None or district is None or district.data is None:
            return
        try:
            check_street_in_district(field.data.parent_id, district.data.id)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc


class UnitView(JurisdictionModelView):
    datamodel = SQLAInterface(Unit)
    base_filters = [["id", UnitJurisdictionFilter, None]]
    list_title = "用人单位"
    show_title = "用人单位详情"
    add_title = "登记用人单位"
    edit_title = "修改用人单位"
    list_columns = ["name", "credit_code", "employer_type", "industry_section", "district",
                    "street", "status", "is_key_enterprise"]
    search_columns = ["name", "credit_code", "employer_type", "industry_section",
                      "ownership_type", "district", "street", "status", "is_key_enterprise"]
    add_columns = ["name", "credit_code", "credit_code_override_reason", "employer_type",
                   "industry_division", "ownership_type", "district", "street", "address",
                   "contact_name", "contact_phone", "headcount", "is_key_enterprise"]
    edit_columns = add_columns
    show_columns = add_columns + ["industry_section", "status", "created_at"]
    order_columns = ["name", "credit_code", "status"]
    base_order = ("id", "asc")
    label_columns = {
        "name": "单位名称", "credit_code": "统一社会信用代码",
        "credit_code_override_reason": "校验位例外原因", "employer_type": "单位类型",
        "industry_division": "行业大类", "industry_section": "行业门类",
        "ownership_type": "登记注册类型", "district": "所在区（县级市）", "street": "所在街道（镇）",
        "address": "地址", "contact_name": "联系人", "contact_phone": "联系电话",
        "headcount": "职工人数", "is_key_enterprise": "重点企业", "status": "账户状态",
        "created_at": "登记时间",
    }
    description_columns = {
        "credit_code": "18 位，由营业执照或登记证书上抄录；不含字母 I、O、S、V、Z。",
        "credit_code_override_reason": "仅当历史代码无法通过校验位检查时由市级人员填写原因。",
    }
    validators_columns = {"credit_code": [CreditCodeField()], "street": [StreetInDistrict()]}
    formatters_columns = {"is_key_enterprise": lambda v: "是" if v else "否"}
    add_form_extra_fields = edit_form_extra_fields = checkbox_fields(
        {"is_key_enterprise": "重点企业"})
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "district": _DISTRICTS, "street": _STREETS}
    search_form_query_rel_fields = {"district": _DISTRICTS, "street": _STREETS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Permission without an endpoint of its own: accept a failing historic checksum.
        if "can_override_checksum" not in self.base_permissions:
            self.base_permissions.append("can_override_checksum")

    # FAB commits after pre_add/pre_update: the audit entry is written in the same transaction.
    def pre_add(self, item):
        with rollback_on_error():
            add_unit(current_actor(), item, may_override=self._may_override())

    def pre_update(self, item):
        with rollback_on_error():
            changes = unit_changes(item)
            update_unit(current_actor(), item, changes, may_override=self._may_override())

    def _may_override(self) -> bool:
        return appbuilder.sm.has_access("can_override_checksum", "UnitView")

    @action("approve", "审核通过", "确认审核通过所选单位的账户？", "fa-check", single=False)
    def approve(self, items):
        items = items if isinstance(items, list) else [items]
        done, actor = 0, current_actor()
        for unit in items:
            try:
                approve_unit(actor, unit)
                done += 1
            except DomainError as exc:
                flash(f"{unit.name}：{exc.message}", "warning")
        if done:
            flash(f"已审核通过 {done} 个单位账户。", "success")
        return redirect(request.referrer or self.get_redirect())

    @action("suspend", "停用账户", "确认停用所选单位的账户？", "fa-ban", single=False)
    def suspend(self, items):
        items = items if isinstance(items, list) else [items]
        actor = current_actor()
        for unit in items:
            suspend_unit(actor, unit)
        flash(f"已停用 {len(items)} 个单位账户。", "success")
        return redirect(request.referrer or self.get_redirect())
