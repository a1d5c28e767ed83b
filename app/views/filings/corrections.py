"""Corrections (更正) on the filing page: which fields a staff member may correct and the typed
values they post; and the correction table administrators keep (数据修改操作口径)."""

from __future__ import annotations

import datetime

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select
from wtforms import SelectField

from app.domain.errors import DomainError
from app.domain.filings import (
    CORRECTION_FIELD_LABELS,
    OFFICE_LEVEL_CITY,
    OFFICE_LEVEL_DISTRICT,
    OFFICE_LEVEL_STREET,
    OFFICE_LEVELS,
    WILDCARD,
    FilingType,
    office_levels_allowed_to_correct,
)
from app.domain.filings.errors import CORRECTION_RULE_DUPLICATE, FIELD_FORMAT
from app.extensions import db
from app.models.codes import ContractType, EmploymentForm, TerminationReason
from app.models.filings import CorrectionRule, Filing
from app.services import filings as fs
from app.services.audit import pending_changes, record
from app.views.base import rollback_on_error
from app.web import current_actor

LEVEL_LABELS = {OFFICE_LEVEL_STREET: "街道级", OFFICE_LEVEL_DISTRICT: "区级",
                OFFICE_LEVEL_CITY: "市级"}
FIELD_LABELS = {**CORRECTION_FIELD_LABELS, "job_title": "岗位", WILDCARD: "全部字段（*）"}


# Correction form: which CORRECTABLE fields a filing of each type carries, and their input kind.
CORRECTION_FORM_FIELDS = {
    FilingType.HIRE: ("name", "citizen_id", "start_date", "contract_type", "contract_start",
                      "contract_end", "employment_form", "hours_per_day", "hours_per_week",
                      "job_title"),
    FilingType.RENEWAL: ("name", "citizen_id", "contract_type", "contract_start",
                         "contract_end"),
    # The transfer date is both the end at the old unit and the start at the new one: a change
    # of it is a cancellation and a new filing, not a one-field correction.
    FilingType.TRANSFER: ("name", "citizen_id", "contract_type", "contract_start",
                          "contract_end", "job_title"),
    FilingType.TERMINATION: ("name", "citizen_id", "end_date", "termination_reason"),
}
DATE_FIELDS = frozenset({"start_date", "end_date", "contract_start", "contract_end"})
NUMBER_FIELDS = frozenset({"hours_per_day", "hours_per_week"})
CODE_FIELDS = {"contract_type": ContractType, "employment_form": EmploymentForm,
               "termination_reason": TerminationReason}


def _format_error(name: str, what: str) -> DomainError:
    return FIELD_FORMAT(field=name, label=FIELD_LABELS.get(name, name), what=what, name=name)


def parse_corrections(form, names) -> dict:
    """The submitted correction fields as typed values (unchanged ones are dropped by the
    service). An empty ID number field means "keep the number": it is never pre-filled."""
    changes = {}
    for name in names:
        if name not in form:
            continue  # not offered, or disabled: the user's level may not change it
        raw = (form.get(name) or "").strip()
        if name == "citizen_id":
            if raw:
                changes[name] = raw.upper()
        elif name in DATE_FIELDS:
            try:
                changes[name] = datetime.date.fromisoformat(raw) if raw else None
            except ValueError:
                raise _format_error(name, "日期（年-月-日）") from None
        elif name in NUMBER_FIELDS:
            try:
                changes[name] = float(raw) if raw else None
            except ValueError:
                raise _format_error(name, "数字") from None
        else:
            changes[name] = raw or (None if name in CODE_FIELDS else "")
    return changes


def _input_value(filing: Filing, name: str) -> str:
    value = getattr(filing, fs.CORRECTABLE[name])
    if name == "citizen_id" or value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def correction_fields(filing: Filing, actor: fs.Actor) -> list[dict]:
    rules = fs.correction_rules()
    fields = []
    for name in CORRECTION_FORM_FIELDS.get(filing.filing_type, ()):
        levels = office_levels_allowed_to_correct(name, rules)
        options = None
        if name in CODE_FIELDS:
            model = CODE_FIELDS[name]
            options = [(c.code, c.name) for c in db.session.scalars(
                select(model).order_by(model.sort, model.code))]
        fields.append({
            "name": name, "label": FIELD_LABELS.get(name, name),
            "value": _input_value(filing, name), "options": options,
            "kind": ("date" if name in DATE_FIELDS else "number" if name in NUMBER_FIELDS
                     else "select" if options is not None else "text"),
            "levels": "、".join(LEVEL_LABELS[level] for level in levels) or "无",
            "allowed": actor.office_level in levels,
        })
    return fields


RULE_FIELDS = ("office_level", "field_name", "note")


class CorrectionRuleView(ModelView):  # 数据修改操作口径 (administrators edit)
    datamodel = SQLAInterface(CorrectionRule)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]
    list_title = show_title = "数据修改操作口径"
    add_title = "新增更正口径"
    edit_title = "修改更正口径"
    list_columns = ["office_level", "field_name", "note"]
    show_columns = add_columns = edit_columns = ["office_level", "field_name", "note"]
    search_columns = ["office_level", "field_name"]
    order_columns = ["office_level", "field_name"]
    base_order = ("office_level", "asc")
    page_size = 50
    label_columns = {"office_level": "经办机构级别", "field_name": "可更正的字段", "note": "说明"}
    description_columns = {
        "field_name": "“全部字段（*）”表示该级别可更正任何字段。每项更正都须填写原因并记入审计日志。"}
    formatters_columns = {"office_level": lambda v: LEVEL_LABELS.get(v, v),
                          "field_name": lambda v: FIELD_LABELS.get(v, v)}
    add_form_extra_fields = edit_form_extra_fields = {
        "office_level": SelectField("经办机构级别",
                                    choices=[(lv, LEVEL_LABELS[lv]) for lv in OFFICE_LEVELS]),
        "field_name": SelectField("可更正的字段", choices=[
            (name, f"{label}（{name}）") for name, label in CORRECTION_FIELD_LABELS.items()]
            + [(WILDCARD, FIELD_LABELS[WILDCARD])]),
    }

    def _refuse_duplicate(self, item):
        duplicate = db.session.scalar(select(CorrectionRule.id).where(
            CorrectionRule.office_level == item.office_level,
            CorrectionRule.field_name == item.field_name,
            CorrectionRule.id != (item.id or 0)))
        if duplicate:
            raise CORRECTION_RULE_DUPLICATE()

    def pre_add(self, item):
        with rollback_on_error():
            self._refuse_duplicate(item)
            db.session.add(item)
            db.session.flush()
            record(current_actor(), "correction_rule", item.id, "create",
                   after={f: getattr(item, f) for f in RULE_FIELDS})

    def pre_update(self, item):
        with rollback_on_error():
            before, after = pending_changes(item, RULE_FIELDS)
            self._refuse_duplicate(item)
            record(current_actor(), "correction_rule", item.id, "update", before=before, after=after)

    def pre_delete(self, item):
        record(current_actor(), "correction_rule", item.id, "delete",
               before={f: getattr(item, f) for f in RULE_FIELDS})
