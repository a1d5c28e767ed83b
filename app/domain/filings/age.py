"""The minimum working age (劳动法第十五条): no hiring under 16 on the start date."""

from __future__ import annotations

import datetime

from app.domain.filings.errors import HIRE_UNDER_AGE
from app.domain.filings.policy import FilingPolicy


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
        raise HIRE_UNDER_AGE(
            detail="用工起始日期早于劳动者的出生日期，请核对出生日期（身份证号码）和用工起始日期。",
            detail_en="The start date is before the worker's birth date; check the birth date "
            "(citizen ID) and the start date.")
    if age_on(birth_date, start_date) < minimum:
        first_day = _birthday_in(birth_date, birth_date.year + minimum)
        raise HIRE_UNDER_AGE(
            detail=f"劳动者在用工起始日期未满{minimum}周岁，用人单位不得招用。"
            f"最早可从{first_day:%Y年%m月%d日}起用工，请核对出生日期和用工起始日期。",
            detail_en=f"The worker is under {minimum} on the start date and may not be hired. "
            f"The earliest possible start date is {first_day.isoformat()}; check the birth date "
            "and the start date.")


def _birthday_in(birth_date: datetime.date, year: int) -> datetime.date:
    """The day someone born on ``birth_date`` completes a year in ``year`` (29 Feb → 1 Mar)."""
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return datetime.date(year, 3, 1)

