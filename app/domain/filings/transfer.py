"""An intra-city transfer (市内调动) moves an active employment to another unit of the city."""

from __future__ import annotations

import datetime

from app.domain.filings.errors import (
    TRANSFER_BEFORE_START,
    TRANSFER_NOT_ACTIVE,
    TRANSFER_OUTSIDE_CITY,
    TRANSFER_SAME_UNIT,
    TRANSFER_UNIT_UNKNOWN,
)
from app.domain.filings.types import EmploymentStatus, _coerce


def check_transfer(from_unit_id: int, to_unit_id: int, from_unit_in_city: bool,
                   to_unit_in_city: bool, employment_status: EmploymentStatus | str) -> None:
    """An intra-city transfer (市内调动) moves an active employment to another unit of the city.

    The move itself is atomic — the employment at the old unit ends and the one at the new unit
    starts on the same date, both or neither — which the service guarantees with one transaction.
    """
    if _coerce(EmploymentStatus, employment_status) is not EmploymentStatus.ACTIVE:
        raise TRANSFER_NOT_ACTIVE(what="办理市内调动", what_en="transferred")
    if from_unit_id == to_unit_id:
        raise TRANSFER_SAME_UNIT()
    for in_city, field, which_zh, which_en in ((from_unit_in_city, "from_unit", "调出", "current"),
                                               (to_unit_in_city, "to_unit", "调入", "receiving")):
        if not in_city:
            raise TRANSFER_OUTSIDE_CITY(
                field=field,
                detail=f"{which_zh}单位不在本市，不能办理市内调动。跨市流动请分别办理退工备案和录用备案。",
                detail_en=f"The {which_en} unit is not in this city, so this is not an intra-city "
                "transfer; file a termination and a hire instead.")



def check_receiving_unit_known(credit_code: str, known: bool, city_prefix: str) -> None:
    """The receiving unit has an account here; one outside the city is told to file a
    termination instead (its credit code's region, characters 3-6, is not this city's)."""
    if known:
        return
    if credit_code[2:6] != city_prefix:
        raise TRANSFER_OUTSIDE_CITY(
            detail="调入单位不在本市，不能办理市内调动。跨市流动请办理退工备案，由新单位在当地办理录用备案。",
            detail_en="The receiving unit is not in this city.")
    raise TRANSFER_UNIT_UNKNOWN()


def check_transfer_after_start(transfer_date: datetime.date, employment_start: datetime.date
                               ) -> None:
    """A transfer happens on or after the day the employment at the old unit started."""
    if transfer_date < employment_start:
        raise TRANSFER_BEFORE_START()
