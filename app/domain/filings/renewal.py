"""A renewal (合同续订) continues an active employment and ends later than the old contract."""

from __future__ import annotations

import datetime

from app.domain.codelists import CONTRACT_FIXED, CONTRACT_OPEN, CONTRACT_TASK
from app.domain.filings.errors import (
    CONTRACT_END_NOT_ALLOWED,
    CONTRACT_END_REQUIRED,
    CONTRACT_TYPE_UNKNOWN,
    RENEWAL_END_NOT_LATER,
    RENEWAL_NOT_ACTIVE,
)
from app.domain.filings.types import EmploymentStatus, _coerce


def check_renewal(employment_status: EmploymentStatus | str, old_end: datetime.date | None,
                  new_contract_type: str, new_end: datetime.date | None) -> None:
    """A renewal (合同续订) continues an active employment and ends later than the old contract.

    An open-ended renewal is always fine on an active employment. ``old_end`` is ``None`` when
    the old contract is open-ended (or task-based without an end date); a renewal with an end date
    cannot be later than that.
    """
    if _coerce(EmploymentStatus, employment_status) is not EmploymentStatus.ACTIVE:
        raise RENEWAL_NOT_ACTIVE(what="续订劳动合同", what_en="renewed")
    if new_contract_type == CONTRACT_OPEN:
        if new_end is not None:
            raise CONTRACT_END_NOT_ALLOWED()
        return
    if new_contract_type not in (CONTRACT_FIXED, CONTRACT_TASK):
        raise CONTRACT_TYPE_UNKNOWN()
    if new_end is None:
        if new_contract_type == CONTRACT_FIXED:
            raise CONTRACT_END_REQUIRED()
        return
    if old_end is None:
        raise RENEWAL_END_NOT_LATER(
            detail="原劳动合同没有终止日期，续订为有终止日期的合同会缩短合同期限。"
            "请续订为无固定期限劳动合同，或核对原合同信息。",
            detail_en="The current contract has no end date, so a renewal with an end date "
            "would shorten it; renew as open-ended or check the current contract.")
    if new_end <= old_end:
        raise RENEWAL_END_NOT_LATER(
            detail=f"续订后的合同终止日期应晚于原合同终止日期（{old_end:%Y年%m月%d日}），请更正新的终止日期。",
            detail_en=f"The renewed contract must end after the current one "
            f"({old_end.isoformat()}); correct the new end date.")

