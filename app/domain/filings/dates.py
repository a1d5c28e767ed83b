"""Contract dates fit the contract type (劳动合同法第十二条至第十五条)."""

from __future__ import annotations

import datetime

from app.domain.codelists import CONTRACT_FIXED, CONTRACT_OPEN, CONTRACT_TASK
from app.domain.filings.errors import (
    CONTRACT_END_BEFORE_START,
    CONTRACT_END_NOT_ALLOWED,
    CONTRACT_END_REQUIRED,
    CONTRACT_TYPE_UNKNOWN,
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
        raise CONTRACT_TYPE_UNKNOWN()
    if contract_type == CONTRACT_OPEN:
        if end_date is not None:
            raise CONTRACT_END_NOT_ALLOWED()
        return
    if end_date is None:
        if contract_type == CONTRACT_FIXED:
            raise CONTRACT_END_REQUIRED()
        return
    if end_date < start_date:
        raise CONTRACT_END_BEFORE_START(end=end_date, start=start_date)

