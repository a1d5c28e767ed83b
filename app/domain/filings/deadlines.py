"""Deadlines (就业服务与就业管理规定第六十二条): late filings are accepted but marked 逾期."""

from __future__ import annotations

import datetime

from app.domain.filings.policy import FilingPolicy
from app.domain.filings.types import FilingType, _coerce


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

