"""The filings' code lists as enums (备案类型, 备案状态, 用工状态, 备案操作).

StrEnum members' values are the Chinese labels shown to users; the database stores the member
*names* (stable, ASCII), so a relabelling never needs a data migration."""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import TypeVar


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
