"""Data corrections (数据修改操作口径): which office level may correct which field of a filed record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

from app.domain.filings.errors import (
    CORRECTION_FIELD_NOT_ALLOWED,
    CORRECTION_NOTHING_CHANGED,
    CORRECTION_REASON_REQUIRED,
)

OFFICE_LEVEL_STREET = "street"       # 街道（乡镇）
OFFICE_LEVEL_DISTRICT = "district"   # 区（县）
OFFICE_LEVEL_CITY = "city"           # 市
OFFICE_LEVELS = (OFFICE_LEVEL_STREET, OFFICE_LEVEL_DISTRICT, OFFICE_LEVEL_CITY)
"""Lowest to highest."""

WILDCARD = "*"
"""In a correction rule: any field, including fields not named anywhere."""

_STREET_FIELDS = frozenset({"phone", "contact_name", "contact_phone", "address"})
_DISTRICT_FIELDS = _STREET_FIELDS | {
    "name", "start_date", "end_date", "contract_start", "contract_end",
    "hours_per_day", "hours_per_week", "education",
}
_CITY_FIELDS = _DISTRICT_FIELDS | {
    "citizen_id", "unit", "termination_reason", "employment_form", "contract_type", WILDCARD,
}

DEFAULT_CORRECTION_RULES: dict[str, frozenset[str]] = {
    OFFICE_LEVEL_STREET: _STREET_FIELDS,        # contact details
    OFFICE_LEVEL_DISTRICT: _DISTRICT_FIELDS,    # + names, dates
    OFFICE_LEVEL_CITY: _CITY_FIELDS,            # + ID numbers and everything else
}
"""Fields each office level may correct on a filed record."""

CORRECTION_FIELD_LABELS: dict[str, str] = {
    "phone": "联系电话",
    "contact_name": "联系人",
    "contact_phone": "联系人电话",
    "address": "联系地址",
    "name": "姓名",
    "start_date": "用工起始日期",
    "end_date": "退工日期",
    "contract_start": "合同起始日期",
    "contract_end": "合同终止日期",
    "hours_per_day": "每日工作时间",
    "hours_per_week": "每周工作时间",
    "education": "文化程度",
    "citizen_id": "身份证号码",
    "unit": "用人单位",
    "termination_reason": "退工原因",
    "employment_form": "用工形式",
    "contract_type": "合同类型",
    "job_title": "工作岗位",
}

_LEVEL_LABELS = {OFFICE_LEVEL_STREET: "街道级", OFFICE_LEVEL_DISTRICT: "区级",
                 OFFICE_LEVEL_CITY: "市级"}


def _office_level(level: str | Enum) -> str:
    """"street"/"district"/"city" from that string (any case) or an enum member of that name
    (such as ``app.models.org.OfficeLevel.STREET``, whose value is a Chinese label)."""
    name = (level.name if isinstance(level, Enum) else str(level)).lower()
    if name not in OFFICE_LEVELS:
        raise ValueError(f"unknown office level {level!r}")
    return name


def _may_correct(level: str, field: str, rules: Mapping[str, frozenset[str]]) -> bool:
    allowed = rules.get(level, frozenset())
    return field in allowed or WILDCARD in allowed


def office_levels_allowed_to_correct(field: str, rules: Mapping[str, frozenset[str]]
                                     = DEFAULT_CORRECTION_RULES) -> tuple[str, ...]:
    """The office levels whose staff may correct ``field``, lowest first."""
    return tuple(level for level in OFFICE_LEVELS if _may_correct(level, field, rules))


def check_correction(level: str | Enum, fields_changed: Iterable[str], reason: str | None,
                     rules: Mapping[str, frozenset[str]] = DEFAULT_CORRECTION_RULES) -> str:
    """Staff at ``level`` may correct these fields, and say why (the audit entry keeps it with
    the before and after values). Returns the stripped reason.

    The first field the level may not change is refused, naming the levels that may.
    """
    level = _office_level(level)
    changed = sorted(set(fields_changed))
    if not changed:
        raise CORRECTION_NOTHING_CHANGED()
    for field in changed:
        if not _may_correct(level, field, rules):
            label = CORRECTION_FIELD_LABELS.get(field, field)
            who = office_levels_allowed_to_correct(field, rules)
            if who:
                who_zh = "或".join(_LEVEL_LABELS[w] for w in who) + "经办机构"
                who_en = " or ".join(who) + " office"
            else:
                who_zh, who_en = "任何经办机构都不能", "no office"
            raise CORRECTION_FIELD_NOT_ALLOWED(
                field=field, level=_LEVEL_LABELS[level], label=label, who=who_zh,
                level_en=level, name=field, who_en=who_en)
    reason = (reason or "").strip()
    if not reason:
        raise CORRECTION_REASON_REQUIRED()
    return reason

