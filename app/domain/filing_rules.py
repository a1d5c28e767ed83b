"""Filing rules (备案规则): what a hire, renewal, transfer or termination filing must satisfy, what
sends it to staff review, and the workflow a filing moves through (RULES.md, "Filing rules").

Pure Python (no Flask, no database). Every ``check_*`` function returns quietly or raises
:class:`~app.domain.errors.DomainError` with a stable ``code``, a Chinese message saying what is
wrong and how to fix it, an English message, and the form ``field`` it concerns. Thresholds and
deadlines come from :class:`FilingPolicy` (built from the app config by
:meth:`FilingPolicy.from_mapping`), never from literals in the callers.

>>> import datetime
>>> policy = FilingPolicy()
>>> age_on(datetime.date(2008, 2, 29), datetime.date(2024, 2, 28))
15
>>> age_on(datetime.date(2008, 2, 29), datetime.date(2024, 2, 29))
16
>>> hire_is_overdue(datetime.date(2024, 3, 1), datetime.date(2024, 3, 31), policy)
False
>>> hire_is_overdue(datetime.date(2024, 3, 1), datetime.date(2024, 4, 1), policy)
True
>>> mass_termination_threshold(150, policy), mass_termination_threshold(1000, policy)
(15, 20)
>>> needs_district_approval(12, 3, 150, policy)
True
>>> flags = ReviewFlags(overdue=True)
>>> flags.labels(), next_status(flags).name
(('逾期',), 'FILED')
>>> transition(FilingStatus.DRAFT, FilingAction.SUBMIT).name
'SUBMITTED'
>>> try:
...     transition(FilingStatus.CANCELLED, FilingAction.SUBMIT)
... except DomainError as error:
...     print(error.code)
FILING_BAD_TRANSITION
>>> make_receipt_number(datetime.date(2024, 6, 15), "320583", 42)
'BA20240615320583000042'
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TypeVar

from app.domain.codelists import (
    CONTRACT_FIXED,
    CONTRACT_OPEN,
    CONTRACT_TASK,
    FORM_FULL_TIME,
    FORM_PART_TIME,
    TERMINATION_ECONOMIC_LAYOFF,
    TERMINATION_SERIOUS_MISCONDUCT,
    TerminationReason,
)
from app.domain.errors import DomainError

__all__ = [
    "CORRECTION_FIELD_LABELS",
    "DEFAULT_CORRECTION_RULES",
    "OFFICE_LEVELS",
    "OFFICE_LEVEL_CITY",
    "OFFICE_LEVEL_DISTRICT",
    "OFFICE_LEVEL_STREET",
    "RETURN_REASONS",
    "TRANSITIONS",
    "WILDCARD",
    "EmploymentStatus",
    "FilingAction",
    "FilingPolicy",
    "FilingStatus",
    "FilingType",
    "ReviewFlags",
    "age_on",
    "automatic_check_action",
    "check_cancellation_reason",
    "check_correction",
    "check_dates",
    "check_minimum_age",
    "check_no_probation_for_part_time",
    "check_part_time_hours",
    "check_receipt_number_format",
    "check_renewal",
    "check_return_reason",
    "check_termination",
    "check_transfer",
    "deadline_for",
    "hire_deadline",
    "hire_is_overdue",
    "is_multiple_employment",
    "make_receipt_number",
    "mass_termination_threshold",
    "mass_termination_window",
    "needs_district_approval",
    "next_status",
    "office_levels_allowed_to_correct",
    "termination_deadline",
    "termination_is_overdue",
    "transition",
    "workforce_at_window_start",
]

# --------------------------------------------------------------------------------------------
# Enumerations (StrEnum, i.e. str + Enum). Member values are the Chinese labels shown to users;
# the database stores the member *names* (stable, ASCII), so a relabelling never needs a data
# migration.
# --------------------------------------------------------------------------------------------


class FilingType(StrEnum):
    """Kind of filing (备案类型)."""

    HIRE = "录用"
    RENEWAL = "合同续订"
    TRANSFER = "市内调动"
    TERMINATION = "退工"


class FilingStatus(StrEnum):
    """Where a filing stands in the workflow (备案状态); see :data:`TRANSITIONS`."""

    DRAFT = "草稿"
    SUBMITTED = "已提交"
    PENDING_REVIEW = "待审核"
    PENDING_DISTRICT_APPROVAL = "待属地审批"
    RETURNED = "已退回"
    FILED = "已备案"
    SUPERSEDED = "已被更正"
    CANCELLED = "已撤销"


class EmploymentStatus(StrEnum):
    """State of one employment relation (用工状态)."""

    ACTIVE = "在职"
    ENDED = "已终止"


class FilingAction(StrEnum):
    """What can happen to a filing (备案操作); see :data:`TRANSITIONS`."""

    SUBMIT = "提交"
    AUTO_FILE = "自动备案"
    SEND_TO_REVIEW = "转人工审核"
    SEND_TO_DISTRICT = "转属地审批"
    APPROVE = "审核通过"
    RETURN = "退回"
    RESUBMIT = "重新提交"
    CORRECT = "更正"
    CANCEL = "撤销"


E = TypeVar("E", bound=Enum)


def _coerce(enum_cls: type[E], value: E | str) -> E:
    """An enum member from the member itself, its name (as stored) or its Chinese label.

    A status read from the database arrives as a name such as ``"ACTIVE"``; comparing that with
    ``EmploymentStatus.ACTIVE`` (whose value is ``"在职"``) would silently be false, so every public
    function goes through here. An unknown value is a programming error, not user input.
    """
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str):
        if value in enum_cls.__members__:
            return enum_cls[value]
        for member in enum_cls:
            if member.value == value:
                return member
    raise ValueError(f"{value!r} is not a {enum_cls.__name__}")


# --------------------------------------------------------------------------------------------
# Policy: thresholds and deadlines are settings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilingPolicy:
    """Thresholds and deadlines of the filing rules (the defaults are the legal ones).

    - ``min_working_age``: 劳动法第十五条 (no hiring under 16);
    - ``hire_deadline_days`` / ``termination_deadline_days``: 就业服务与就业管理规定第六十二条
      (file within 30 days of the start, 15 days of the end);
    - ``mass_termination_*``: 劳动合同法第四十一条 (20 people, or 10% of the workforce) counted over a
      rolling window;
    - ``part_time_max_hours_*``: 劳动合同法第六十八条 (on average ≤ 4 h a day, ≤ 24 h a week).
    """

    min_working_age: int = 16
    hire_deadline_days: int = 30
    termination_deadline_days: int = 15
    mass_termination_window_days: int = 30
    mass_termination_percent: int = 10
    mass_termination_people: int = 20
    part_time_max_hours_day: int = 4
    part_time_max_hours_week: int = 24

    # config key -> attribute
    CONFIG_KEYS = {
        "BEIAN_MIN_WORKING_AGE": "min_working_age",
        "BEIAN_HIRE_DEADLINE_DAYS": "hire_deadline_days",
        "BEIAN_TERMINATION_DEADLINE_DAYS": "termination_deadline_days",
        "BEIAN_MASS_TERMINATION_WINDOW_DAYS": "mass_termination_window_days",
        "BEIAN_MASS_TERMINATION_PERCENT": "mass_termination_percent",
        "BEIAN_MASS_TERMINATION_PEOPLE": "mass_termination_people",
        "BEIAN_PT_MAX_HOURS_DAY": "part_time_max_hours_day",
        "BEIAN_PT_MAX_HOURS_WEEK": "part_time_max_hours_week",
    }

    def __post_init__(self) -> None:
        # A misconfigured threshold would silently wave filings through; refuse to start instead.
        for name in self.CONFIG_KEYS.values():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"FilingPolicy.{name} must be an integer, got {value!r}")
        if self.min_working_age < 0:
            raise ValueError("FilingPolicy.min_working_age must be >= 0")
        for name in ("hire_deadline_days", "termination_deadline_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"FilingPolicy.{name} must be >= 0")
        for name in ("mass_termination_window_days", "mass_termination_people",
                     "part_time_max_hours_day", "part_time_max_hours_week"):
            if getattr(self, name) < 1:
                raise ValueError(f"FilingPolicy.{name} must be >= 1")
        if not 1 <= self.mass_termination_percent <= 100:
            raise ValueError("FilingPolicy.mass_termination_percent must be within 1..100")

    @classmethod
    def from_mapping(cls, config: Mapping[str, object]) -> FilingPolicy:
        """The policy from an app config (``current_app.config``); missing keys keep the defaults.

        >>> FilingPolicy.from_mapping({"BEIAN_HIRE_DEADLINE_DAYS": "20"}).hire_deadline_days
        20
        """
        values = {attr: int(config[key]) for key, attr in cls.CONFIG_KEYS.items() if key in config}
        return cls(**values)


# --------------------------------------------------------------------------------------------
# Hire: age, contract dates, part-time hours
# --------------------------------------------------------------------------------------------


def age_on(birth_date: datetime.date, on_date: datetime.date) -> int:
    """Age in completed years (周岁) on ``on_date``; one is a year older on one's birthday.

    Someone born on 29 February completes a year on 1 March in common years (28 February is
    still the day before the birthday).

    >>> age_on(datetime.date(2000, 6, 15), datetime.date(2016, 6, 14))
    15
    >>> age_on(datetime.date(2000, 6, 15), datetime.date(2016, 6, 15))
    16
    >>> age_on(datetime.date(2008, 2, 29), datetime.date(2025, 3, 1))
    17
    """
    if on_date < birth_date:
        raise ValueError("on_date is before birth_date")
    before_birthday = (on_date.month, on_date.day) < (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - int(before_birthday)


def check_minimum_age(birth_date: datetime.date, start_date: datetime.date,
                      policy: FilingPolicy = FilingPolicy()) -> None:
    """The worker is at least ``policy.min_working_age`` (16) on the start date (劳动法第十五条).

    Turning 16 on the start date itself is enough.
    """
    minimum = policy.min_working_age
    if start_date < birth_date:
        raise DomainError(
            "HIRE_UNDER_AGE",
            "用工起始日期早于劳动者的出生日期，请核对出生日期（身份证号码）和用工起始日期。",
            "The start date is before the worker's birth date; check the birth date (citizen ID) "
            "and the start date.",
            field="start_date",
        )
    if age_on(birth_date, start_date) < minimum:
        first_day = _birthday_in(birth_date, birth_date.year + minimum)
        raise DomainError(
            "HIRE_UNDER_AGE",
            f"劳动者在用工起始日期未满{minimum}周岁，用人单位不得招用。"
            f"最早可从{first_day:%Y年%m月%d日}起用工，请核对出生日期和用工起始日期。",
            f"The worker is under {minimum} on the start date and may not be hired. The earliest "
            f"possible start date is {first_day.isoformat()}; check the birth date and the start "
            "date.",
            field="start_date",
        )


def _birthday_in(birth_date: datetime.date, year: int) -> datetime.date:
    """The day someone born on ``birth_date`` completes a year in ``year`` (29 Feb → 1 Mar)."""
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return datetime.date(year, 3, 1)


def _contract_type_unknown() -> DomainError:
    return DomainError(
        "CONTRACT_TYPE_UNKNOWN",
        "劳动合同类型无效，请选择固定期限、无固定期限或以完成一定工作任务为期限。",
        "Unknown contract type; choose fixed-term, open-ended or task-based.",
        field="contract_type",
    )


def _end_not_allowed() -> DomainError:
    return DomainError(
        "CONTRACT_END_NOT_ALLOWED",
        "无固定期限劳动合同没有终止日期，请清空合同终止日期，或将合同类型改为固定期限。",
        "An open-ended contract has no end date; clear the contract end date or change the "
        "contract type to fixed-term.",
        field="contract_end",
    )


def _end_required() -> DomainError:
    return DomainError(
        "CONTRACT_END_REQUIRED",
        "固定期限劳动合同必须填写合同终止日期，请补填。",
        "A fixed-term contract needs an end date; fill it in.",
        field="contract_end",
    )


def check_dates(start_date: datetime.date, end_date: datetime.date | None,
                contract_type: str) -> None:
    """Contract dates fit the contract type (劳动合同法第十二条至第十五条).

    - fixed-term (固定期限): needs an end date, not before the start date (the end date is the last
      day of the contract, so a one-day contract has end == start);
    - open-ended (无固定期限): must not have an end date;
    - task-based (以完成一定工作任务为期限): the end date is optional (the task may end at an
      unknown date) but, when given, not before the start date.
    """
    if contract_type not in (CONTRACT_FIXED, CONTRACT_OPEN, CONTRACT_TASK):
        raise _contract_type_unknown()
    if contract_type == CONTRACT_OPEN:
        if end_date is not None:
            raise _end_not_allowed()
        return
    if end_date is None:
        if contract_type == CONTRACT_FIXED:
            raise _end_required()
        return
    if end_date < start_date:
        raise DomainError(
            "CONTRACT_END_BEFORE_START",
            f"合同终止日期（{end_date:%Y年%m月%d日}）早于起始日期（{start_date:%Y年%m月%d日}），"
            "请核对两个日期。",
            f"The contract end date ({end_date.isoformat()}) is before its start date "
            f"({start_date.isoformat()}); check both dates.",
            field="contract_end",
        )


def _check_form(form: str) -> None:
    if form not in (FORM_FULL_TIME, FORM_PART_TIME):
        raise DomainError(
            "EMPLOYMENT_FORM_UNKNOWN",
            "用工形式无效，请选择全日制或非全日制。",
            "Unknown employment form; choose full-time or part-time.",
            field="employment_form",
        )


def check_part_time_hours(form: str, hours_per_day: float | None, hours_per_week: float | None,
                          policy: FilingPolicy = FilingPolicy()) -> None:
    """Part-time work (非全日制用工, 劳动合同法第六十八条) states its hours, within the limits.

    Hours are averages, so fractions (3.5) are fine. Full-time filings ignore both fields.
    """
    _check_form(form)
    if form == FORM_FULL_TIME:
        return
    limits = (
        ("hours_per_day", hours_per_day, policy.part_time_max_hours_day, "PT_HOURS_DAY",
         "平均每日工作时间", "day"),
        ("hours_per_week", hours_per_week, policy.part_time_max_hours_week, "PT_HOURS_WEEK",
         "每周工作时间累计", "week"),
    )
    for field, value, _, _, label, unit_en in limits:
        if value is None:
            raise DomainError(
                "PT_HOURS_REQUIRED",
                f"非全日制用工必须填写{label}（小时），请补填。",
                f"Part-time work needs the hours per {unit_en}; fill them in.",
                field=field,
            )
    for field, value, limit, code, label, unit_en in limits:
        if not 0 < value <= limit:
            raise DomainError(
                code,
                f"非全日制用工{label}应大于0且不超过{limit}小时（劳动合同法第六十八条），"
                f"填写的是{value}小时。超过的请按全日制用工备案，或更正工作时间。",
                f"Part-time hours per {unit_en} must be more than 0 and at most {limit} "
                f"(Labour Contract Law Art. 68); {value} given. File longer hours as full-time "
                "or correct the hours.",
                field=field,
            )


def check_no_probation_for_part_time(form: str, probation_months: float | None) -> None:
    """Part-time work has no probation period (劳动合同法第七十条)."""
    _check_form(form)
    if form == FORM_PART_TIME and probation_months:
        raise DomainError(
            "PT_NO_PROBATION",
            "非全日制用工双方当事人不得约定试用期（劳动合同法第七十条），请清空试用期。",
            "Part-time work may not have a probation period (Labour Contract Law Art. 70); "
            "clear the probation period.",
            field="probation_months",
        )


def is_multiple_employment(form: str, active_full_time_elsewhere: int) -> bool:
    """A full-time hire of someone who already has an active full-time employment (多重用工).

    Allowed, but flagged and sent to review — never silently merged or refused. Part-time work
    may be combined with anything (劳动合同法第六十九条), so a part-time hire never is.
    """
    _check_form(form)
    if active_full_time_elsewhere < 0:
        raise ValueError("active_full_time_elsewhere must be >= 0")
    return form == FORM_FULL_TIME and active_full_time_elsewhere > 0


# --------------------------------------------------------------------------------------------
# Deadlines (就业服务与就业管理规定第六十二条): late filings are accepted but marked 逾期
# --------------------------------------------------------------------------------------------


def hire_deadline(start_date: datetime.date, policy: FilingPolicy = FilingPolicy()) -> datetime.date:
    """Last day a hire can be filed on time: start date + 30 days."""
    return start_date + datetime.timedelta(days=policy.hire_deadline_days)


def termination_deadline(end_date: datetime.date,
                         policy: FilingPolicy = FilingPolicy()) -> datetime.date:
    """Last day a termination can be filed on time: end date + 15 days."""
    return end_date + datetime.timedelta(days=policy.termination_deadline_days)


def deadline_for(filing_type: FilingType | str, event_date: datetime.date,
                 policy: FilingPolicy = FilingPolicy()) -> datetime.date | None:
    """The filing deadline for a filing type, counted from the start (hire) or end (termination).

    Renewals and transfers have no deadline of their own in the rules: ``None``.
    """
    filing_type = _coerce(FilingType, filing_type)
    if filing_type is FilingType.HIRE:
        return hire_deadline(event_date, policy)
    if filing_type is FilingType.TERMINATION:
        return termination_deadline(event_date, policy)
    return None


def hire_is_overdue(start_date: datetime.date, filed_on: datetime.date,
                    policy: FilingPolicy = FilingPolicy()) -> bool:
    """Filed strictly more than 30 days after the start date; day 30 itself is on time."""
    return filed_on > hire_deadline(start_date, policy)


def termination_is_overdue(end_date: datetime.date, filed_on: datetime.date,
                           policy: FilingPolicy = FilingPolicy()) -> bool:
    """Filed strictly more than 15 days after the end date; day 15 itself is on time."""
    return filed_on > termination_deadline(end_date, policy)


# --------------------------------------------------------------------------------------------
# Renewal, termination, transfer
# --------------------------------------------------------------------------------------------


def _not_active(code: str, what_zh: str, what_en: str) -> DomainError:
    return DomainError(
        code,
        f"该用工记录已终止，不能{what_zh}。请核对劳动者和用人单位；劳动者如已重新入职，"
        "请在新的用工记录上办理。",
        f"This employment has ended and cannot be {what_en}. Check the worker and the unit; if "
        "the worker was hired again, use the new employment.",
        field="employment",
    )


def check_renewal(employment_status: EmploymentStatus | str, old_end: datetime.date | None,
                  new_contract_type: str, new_end: datetime.date | None) -> None:
    """A renewal (合同续订) continues an active employment and ends later than the old contract.

    An open-ended renewal is always fine on an active employment. ``old_end`` is ``None`` when
    the old contract is open-ended (or task-based without an end date); a renewal with an end date
    cannot be later than that.
    """
    if _coerce(EmploymentStatus, employment_status) is not EmploymentStatus.ACTIVE:
        raise _not_active("RENEWAL_NOT_ACTIVE", "续订劳动合同", "renewed")
    if new_contract_type == CONTRACT_OPEN:
        if new_end is not None:
            raise _end_not_allowed()
        return
    if new_contract_type not in (CONTRACT_FIXED, CONTRACT_TASK):
        raise _contract_type_unknown()
    if new_end is None:
        if new_contract_type == CONTRACT_FIXED:
            raise _end_required()
        return
    if old_end is None:
        raise DomainError(
            "RENEWAL_END_NOT_LATER",
            "原劳动合同没有终止日期，续订为有终止日期的合同会缩短合同期限。"
            "请续订为无固定期限劳动合同，或核对原合同信息。",
            "The current contract has no end date, so a renewal with an end date would shorten "
            "it; renew as open-ended or check the current contract.",
            field="contract_end",
        )
    if new_end <= old_end:
        raise DomainError(
            "RENEWAL_END_NOT_LATER",
            f"续订后的合同终止日期应晚于原合同终止日期（{old_end:%Y年%m月%d日}），请更正新的终止日期。",
            f"The renewed contract must end after the current one ({old_end.isoformat()}); "
            "correct the new end date.",
            field="contract_end",
        )


# Which document a reason needing review must be supported by (shown in the refusal).
_TERMINATION_ATTACHMENTS = {
    TERMINATION_SERIOUS_MISCONDUCT: ("用人单位规章制度及劳动者违纪事实材料",
                                     "the unit's work rules and evidence of the misconduct"),
    TERMINATION_ECONOMIC_LAYOFF: ("裁员方案及向劳动行政部门报告材料",
                                  "the layoff plan and the report to the labour administration"),
}
_DEFAULT_ATTACHMENT = ("解除劳动合同的依据材料", "documents supporting the termination")


def check_termination(employment_status: EmploymentStatus | str,
                      reason: TerminationReason | None,
                      end_date: datetime.date | None,
                      start_date: datetime.date,
                      attachments_count: int) -> None:
    """A termination (退工) ends an active employment, with a coded reason, on or after its start.

    Reasons that need staff review (Art. 39(2) serious misconduct, Art. 41 economic layoff) must
    come with supporting documents; they are then sent to review (``ReviewFlags``).
    """
    if _coerce(EmploymentStatus, employment_status) is not EmploymentStatus.ACTIVE:
        raise _not_active("TERMINATION_NOT_ACTIVE", "再次办理退工", "terminated again")
    if reason is None:
        raise DomainError(
            "TERMINATION_REASON_REQUIRED",
            "请选择解除或终止劳动合同的原因（按劳动合同法条款）。",
            "Choose the reason for the termination (by Labour Contract Law article).",
            field="termination_reason",
        )
    if end_date is None:
        raise DomainError(
            "TERMINATION_END_REQUIRED",
            "请填写解除或终止劳动合同的日期。",
            "Fill in the date the employment ends.",
            field="end_date",
        )
    if end_date < start_date:
        raise DomainError(
            "TERMINATION_END_BEFORE_START",
            f"退工日期（{end_date:%Y年%m月%d日}）早于用工起始日期（{start_date:%Y年%m月%d日}），"
            "请核对退工日期。",
            f"The end date ({end_date.isoformat()}) is before the start of the employment "
            f"({start_date.isoformat()}); check the end date.",
            field="end_date",
        )
    if reason.needs_review and attachments_count < 1:
        doc_zh, doc_en = _TERMINATION_ATTACHMENTS.get(reason.code, _DEFAULT_ATTACHMENT)
        raise DomainError(
            "TERMINATION_ATTACHMENT_REQUIRED",
            f"以“{reason.name}”（{reason.article}）为由退工须上传证明材料，请上传{doc_zh}。",
            f"A termination for this reason ({reason.code}) needs supporting documents; upload "
            f"{doc_en}.",
            field="attachments",
        )


def check_transfer(from_unit_id: int, to_unit_id: int, from_unit_in_city: bool,
                   to_unit_in_city: bool, employment_status: EmploymentStatus | str) -> None:
    """An intra-city transfer (市内调动) moves an active employment to another unit of the city.

    The move itself is atomic — the employment at the old unit ends and the one at the new unit
    starts on the same date, both or neither — which the service guarantees with one transaction.
    """
    if _coerce(EmploymentStatus, employment_status) is not EmploymentStatus.ACTIVE:
        raise _not_active("TRANSFER_NOT_ACTIVE", "办理市内调动", "transferred")
    if from_unit_id == to_unit_id:
        raise DomainError(
            "TRANSFER_SAME_UNIT",
            "调入单位与调出单位相同，请选择另一家调入单位。",
            "The receiving unit is the same as the current one; choose another unit.",
            field="to_unit",
        )
    for in_city, field, which_zh, which_en in ((from_unit_in_city, "from_unit", "调出", "current"),
                                               (to_unit_in_city, "to_unit", "调入", "receiving")):
        if not in_city:
            raise DomainError(
                "TRANSFER_OUTSIDE_CITY",
                f"{which_zh}单位不在本市，不能办理市内调动。跨市流动请分别办理退工备案和录用备案。",
                f"The {which_en} unit is not in this city, so this is not an intra-city transfer; "
                "file a termination and a hire instead.",
                field=field,
            )


# --------------------------------------------------------------------------------------------
# Mass termination (劳动合同法第四十一条; 属地化报批)
# --------------------------------------------------------------------------------------------
# Only terminations the employer decides count (TerminationReason.counts_as_employer_initiated).
# They are counted by end date over a rolling window that ends on this filing's end date, so a
# layoff split into small batches, or filed late, is still counted as one.


def mass_termination_window(end_date: datetime.date, policy: FilingPolicy = FilingPolicy()
                            ) -> tuple[datetime.date, datetime.date]:
    """The window (first day, last day; both inclusive) of ``window_days`` days ending on
    ``end_date`` — the terminations whose end date falls in it are counted together."""
    first = end_date - datetime.timedelta(days=policy.mass_termination_window_days - 1)
    return first, end_date


def workforce_at_window_start(active_now: int, terminated_in_window: int) -> int:
    """The unit's workforce (职工总数) for the 10% rule: its headcount at the start of the window.

    ``active_now`` counts the unit's active employments *including* the people this filing is about
    to terminate (they are still on the books until it is filed); ``terminated_in_window`` is the
    employer-initiated terminations already filed in the window. Adding them back means the
    denominator does not shrink as the layoff proceeds, which would otherwise let later batches
    reach 10% sooner (or, read the other way round, let the first batches look smaller).
    Hires and resignations inside the window are not adjusted for: the window is short and the
    count stays cheap and explainable.
    """
    if active_now < 0 or terminated_in_window < 0:
        raise ValueError("counts must be >= 0")
    return active_now + terminated_in_window


def mass_termination_threshold(workforce: int, policy: FilingPolicy = FilingPolicy()) -> int:
    """The smallest number of employer-initiated terminations in the window that needs district
    approval: 10% of the workforce rounded up, but never more than 20, and at least 1.

    >>> [mass_termination_threshold(n) for n in (0, 5, 95, 100, 101, 200, 5000)]
    [1, 1, 10, 10, 11, 20, 20]
    """
    if workforce < 0:
        raise ValueError("workforce must be >= 0")
    # Ceiling in integer arithmetic: a float product can land a hair above an exact integer.
    percent_share = -(-workforce * policy.mass_termination_percent // 100)
    return max(1, min(percent_share, policy.mass_termination_people))


def needs_district_approval(employer_initiated_in_window_before: int,
                            employer_initiated_now: int, workforce: int,
                            policy: FilingPolicy = FilingPolicy()) -> bool:
    """Does this filing need approval by staff of the unit's own district (属地化报批)?

    Yes when it adds at least one employer-initiated termination and the total in the window
    (already filed + now) reaches :func:`mass_termination_threshold` — so the batch that crosses
    the threshold, and every later employer-initiated batch in the window, needs approval however
    the layoff is split. A filing with no employer-initiated termination (e.g. a resignation) never
    does: the rule is about what the employer decides.
    """
    if employer_initiated_in_window_before < 0 or employer_initiated_now < 0:
        raise ValueError("counts must be >= 0")
    if employer_initiated_now == 0:
        return False
    total = employer_initiated_in_window_before + employer_initiated_now
    return total >= mass_termination_threshold(workforce, policy)


# --------------------------------------------------------------------------------------------
# Automatic checks → review flags → next status
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFlags:
    """What the automatic checks found on a submitted filing.

    ``overdue`` (逾期) is only a mark: a late filing is accepted and filed. The others need staff:
    ``multiple_employment`` (多重用工) and ``attachment_review`` (需审核附件) a review,
    ``district_approval`` (需属地审批) the approval of the unit's own district — which also looks at
    the attachments when both are set.
    """

    overdue: bool = False
    multiple_employment: bool = False
    attachment_review: bool = False
    district_approval: bool = False

    _LABELS = (
        ("overdue", "逾期"),
        ("multiple_employment", "多重用工"),
        ("attachment_review", "需审核附件"),
        ("district_approval", "需属地审批"),
    )

    @property
    def needs_review(self) -> bool:
        """Staff must look at the filing before it is filed (overdue alone does not count)."""
        return self.multiple_employment or self.attachment_review or self.district_approval

    def labels(self) -> tuple[str, ...]:
        """Chinese labels of the set flags, in a fixed order (for lists and printed forms)."""
        return tuple(label for name, label in self._LABELS if getattr(self, name))


def automatic_check_action(flags: ReviewFlags) -> FilingAction:
    """The action the automatic checks take on a SUBMITTED filing."""
    if flags.district_approval:
        return FilingAction.SEND_TO_DISTRICT
    if flags.needs_review:
        return FilingAction.SEND_TO_REVIEW
    return FilingAction.AUTO_FILE


def next_status(flags: ReviewFlags) -> FilingStatus:
    """Where a submitted filing goes: FILED at once when nothing needs staff, else
    PENDING_DISTRICT_APPROVAL (mass termination) or PENDING_REVIEW."""
    return transition(FilingStatus.SUBMITTED, automatic_check_action(flags))


# --------------------------------------------------------------------------------------------
# Workflow state machine
# --------------------------------------------------------------------------------------------
# A correction (更正) is a new version of the filing that goes through the workflow itself; the
# service applies CORRECT to the old version (FILED → SUPERSEDED) in the same transaction in which
# the new version becomes FILED, so there is always exactly one valid version. SUPERSEDED and
# CANCELLED are final: receipts printed from them stay checkable as "superseded" / "cancelled".

_S, _A = FilingStatus, FilingAction

TRANSITIONS: dict[tuple[FilingStatus, FilingAction], FilingStatus] = {
    (_S.DRAFT, _A.SUBMIT): _S.SUBMITTED,
    (_S.DRAFT, _A.CANCEL): _S.CANCELLED,
    (_S.SUBMITTED, _A.AUTO_FILE): _S.FILED,
    (_S.SUBMITTED, _A.SEND_TO_REVIEW): _S.PENDING_REVIEW,
    (_S.SUBMITTED, _A.SEND_TO_DISTRICT): _S.PENDING_DISTRICT_APPROVAL,
    (_S.PENDING_REVIEW, _A.APPROVE): _S.FILED,
    (_S.PENDING_REVIEW, _A.RETURN): _S.RETURNED,
    (_S.PENDING_DISTRICT_APPROVAL, _A.APPROVE): _S.FILED,
    (_S.PENDING_DISTRICT_APPROVAL, _A.RETURN): _S.RETURNED,
    (_S.RETURNED, _A.RESUBMIT): _S.SUBMITTED,
    (_S.RETURNED, _A.CANCEL): _S.CANCELLED,
    (_S.FILED, _A.CORRECT): _S.SUPERSEDED,
    (_S.FILED, _A.CANCEL): _S.CANCELLED,
}
"""(current status, action) → new status. Anything not listed is refused."""

_FINAL_HINTS = {
    FilingStatus.SUPERSEDED: ("该备案已被更正，请在最新版本上操作。",
                              "This filing has been superseded by a correction; act on the "
                              "latest version."),
    FilingStatus.CANCELLED: ("该备案已撤销，不能再操作；如需备案请重新填报。",
                             "This filing has been cancelled; file a new one if needed."),
}


def transition(status: FilingStatus | str, action: FilingAction | str) -> FilingStatus:
    """The status after ``action``, or FILING_BAD_TRANSITION naming the current status."""
    status = _coerce(FilingStatus, status)
    action = _coerce(FilingAction, action)
    try:
        return TRANSITIONS[status, action]
    except KeyError:
        pass
    if status in _FINAL_HINTS:
        hint_zh, hint_en = _FINAL_HINTS[status]
    else:
        allowed = [a for (s, a) in TRANSITIONS if s is status]
        hint_zh = "当前可以执行的操作：" + "、".join(f"“{a.value}”" for a in allowed) + "。"
        hint_en = "Allowed now: " + ", ".join(a.name for a in allowed) + "."
    raise DomainError(
        "FILING_BAD_TRANSITION",
        f"备案当前状态为“{status.value}”，不能执行“{action.value}”操作。{hint_zh}",
        f"The filing is {status.name}; {action.name} is not possible. {hint_en}",
        field="status",
    )


RETURN_REASONS: tuple[tuple[str, str], ...] = (
    ("R01", "材料不齐全"),
    ("R02", "信息与证件不符"),
    ("R03", "附件不清晰"),
    ("R04", "退工原因与材料不符"),
    ("R05", "重复备案"),
    ("R99", "其他"),
)
"""Coded reasons staff give when returning a filing (退回原因). Add codes; never renumber."""

_RETURN_REASON_CODES = frozenset(code for code, _ in RETURN_REASONS)


def check_return_reason(code: str | None, message: str | None) -> tuple[str, str]:
    """A return needs a coded reason and a message telling the filer what to fix.

    Returns ``(code, message)`` normalised (stripped, code upper-case).
    """
    code = (code or "").strip().upper()
    if not code:
        raise DomainError(
            "RETURN_REASON_REQUIRED",
            "退回备案必须选择退回原因。",
            "Choose a reason for returning the filing.",
            field="return_reason",
        )
    if code not in _RETURN_REASON_CODES:
        raise DomainError(
            "RETURN_REASON_UNKNOWN",
            "退回原因代码无效，请从列表中选择退回原因。",
            "Unknown return reason; choose one from the list.",
            field="return_reason",
        )
    message = (message or "").strip()
    if not message:
        raise DomainError(
            "RETURN_MESSAGE_REQUIRED",
            "退回备案必须填写说明，告诉申报单位需要补正的内容。",
            "Write a message telling the filer what to correct.",
            field="return_message",
        )
    return code, message


def check_cancellation_reason(reason: str | None) -> str:
    """A cancellation (撤销) records why; who and when come from the session and the clock."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "CANCELLATION_REASON_REQUIRED",
            "撤销备案必须填写撤销原因。",
            "Give a reason for cancelling the filing.",
            field="cancel_reason",
        )
    return reason


# --------------------------------------------------------------------------------------------
# Data corrections (数据修改操作口径)
# --------------------------------------------------------------------------------------------

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
        raise DomainError(
            "CORRECTION_NOTHING_CHANGED",
            "没有修改任何内容，无需提交更正。",
            "Nothing was changed; there is no correction to submit.",
        )
    for field in changed:
        if not _may_correct(level, field, rules):
            label = CORRECTION_FIELD_LABELS.get(field, field)
            who = office_levels_allowed_to_correct(field, rules)
            if who:
                who_zh = "或".join(_LEVEL_LABELS[w] for w in who) + "经办机构"
                who_en = " or ".join(who) + " office"
            else:
                who_zh, who_en = "任何经办机构都不能", "no office"
            raise DomainError(
                "CORRECTION_FIELD_NOT_ALLOWED",
                f"{_LEVEL_LABELS[level]}经办机构不能修改“{label}”，该项须由{who_zh}修改。"
                "请撤回对该项的修改，或报请有权限的经办机构更正。",
                f"A {level} office may not correct {field}; that takes a {who_en}. Undo that "
                "change or ask an office with the right.",
                field=field,
            )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "CORRECTION_REASON_REQUIRED",
            "更正数据必须填写更正原因。",
            "Give a reason for the correction.",
            field="correction_reason",
        )
    return reason


# --------------------------------------------------------------------------------------------
# Receipt numbers (备案回执编号)
# --------------------------------------------------------------------------------------------
# "BA" + filing date (yyyymmdd) + the first 6 digits of the filing office's region code
# (GB/T 2260 county-level code; street offices have longer codes) + a 6-digit serial, e.g.
# BA20240615320583000042: 22 characters, readable aloud over the phone and sortable by date.

_RECEIPT_RE = re.compile(r"BA(\d{8})(\d{6})(\d{6})")


def make_receipt_number(filed_on: datetime.date, office_region_code: str, serial: int) -> str:
    """The receipt number of a filing (serial 1..999999, per office and day, from the service)."""
    if not re.fullmatch(r"\d{6,}", office_region_code or ""):
        raise ValueError("office_region_code must be at least 6 digits")
    if not 1 <= serial <= 999_999:
        raise ValueError("serial must be within 1..999999")
    return f"BA{filed_on:%Y%m%d}{office_region_code[:6]}{serial:06d}"


def check_receipt_number_format(value: str | None) -> str:
    """A receipt number typed in for verification; returns it normalised (full-width characters,
    spaces and case are forgiven).

    >>> check_receipt_number_format(" ba 2024 0615 320583 000042 ")
    'BA20240615320583000042'
    """
    text = unicodedata.normalize("NFKC", value or "")
    text = re.sub(r"[\s-]", "", text).upper()
    match = _RECEIPT_RE.fullmatch(text)
    valid = False
    if match:
        try:
            datetime.datetime.strptime(match.group(1), "%Y%m%d")
            valid = int(match.group(3)) > 0
        except ValueError:
            valid = False
    if not valid:
        raise DomainError(
            "RECEIPT_NUMBER_FORMAT",
            "回执编号格式不正确：应为“BA”加8位日期、6位地区代码和6位序号，共22位，"
            "例如BA20240615320583000042。请核对回执上的编号。",
            "The receipt number should be 'BA' followed by an 8-digit date, a 6-digit region code "
            "and a 6-digit serial (22 characters), e.g. BA20240615320583000042; check the receipt.",
            field="receipt_number",
        )
    return text
