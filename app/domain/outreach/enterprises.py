"""Key enterprises (特殊企业定点服务): visits (大走访), their follow-ups, jurisdiction refusals."""

from __future__ import annotations

import datetime

from app.domain.errors import DomainError
from app.domain.outreach import errors


def check_visit_values(*, visit_date: datetime.date | None, people_met: str, problems: str,
                       today: datetime.date) -> None:
    if visit_date is None:
        raise errors.VISIT_DATE_REQUIRED()
    if visit_date > today:
        raise errors.VISIT_DATE_FUTURE()
    if not (people_met or "").strip():
        raise errors.VISIT_PEOPLE_REQUIRED()
    if not (problems or "").strip():
        raise errors.VISIT_PROBLEMS_REQUIRED()


def check_follow_up(action: str, due_date: datetime.date | None) -> None:
    if not (action or "").strip():
        raise errors.FOLLOWUP_ACTION_REQUIRED()
    if due_date is None:
        raise errors.FOLLOWUP_DUE_REQUIRED()


def is_overdue(due_date: datetime.date | None, done: bool, today: datetime.date) -> bool:
    return due_date is not None and not done and due_date < today


def out_of_jurisdiction(what: str, unit_name: str, scope_name: str) -> DomainError:
    """The refusal for a record about a unit outside the staff member's jurisdiction."""
    return errors.OUT_OF_JURISDICTION(what=what, unit_name=unit_name, scope_name=scope_name)
