"""Part-time work (非全日制用工, 劳动合同法第六十八至七十条) and multiple employment (多重用工)."""

from __future__ import annotations

from app.domain.codelists import FORM_FULL_TIME, FORM_PART_TIME
from app.domain.filings.errors import (
    EMPLOYMENT_FORM_UNKNOWN,
    PT_HOURS_DAY,
    PT_HOURS_REQUIRED,
    PT_HOURS_WEEK,
    PT_NO_PROBATION,
)
from app.domain.filings.policy import FilingPolicy


def _check_form(form: str) -> None:
    if form not in (FORM_FULL_TIME, FORM_PART_TIME):
        raise EMPLOYMENT_FORM_UNKNOWN()


def check_part_time_hours(form: str, hours_per_day: float | None, hours_per_week: float | None,
                          policy: FilingPolicy = FilingPolicy()) -> None:
    """Part-time work (非全日制用工, 劳动合同法第六十八条) states its hours, within the limits.

    Hours are averages, so fractions (3.5) are fine. Full-time filings ignore both fields.
    """
    _check_form(form)
    if form == FORM_FULL_TIME:
        return
    limits = (
        ("hours_per_day", hours_per_day, policy.part_time_max_hours_day, PT_HOURS_DAY,
         "平均每日工作时间", "day"),
        ("hours_per_week", hours_per_week, policy.part_time_max_hours_week, PT_HOURS_WEEK,
         "每周工作时间累计", "week"),
    )
    for field, value, _, _, label, unit_en in limits:
        if value is None:
            raise PT_HOURS_REQUIRED(field=field, label=label, unit_en=unit_en)
    for _field, value, limit, code, label, unit_en in limits:
        if not 0 < value <= limit:
            raise code(label=label, limit=limit, value=value, unit_en=unit_en)


def check_no_probation_for_part_time(form: str, probation_months: float | None) -> None:
    """Part-time work has no probation period (劳动合同法第七十条)."""
    _check_form(form)
    if form == FORM_PART_TIME and probation_months:
        raise PT_NO_PROBATION()


def is_multiple_employment(form: str, active_full_time_elsewhere: int) -> bool:
    """A full-time hire of someone who already has an active full-time employment (多重用工).

    Allowed, but flagged and sent to review — never silently merged or refused. Part-time work
    may be combined with anything (劳动合同法第六十九条), so a part-time hire never is.
    """
    _check_form(form)
    if active_full_time_elsewhere < 0:
        raise ValueError("active_full_time_elsewhere must be >= 0")
    return form == FORM_FULL_TIME and active_full_time_elsewhere > 0

