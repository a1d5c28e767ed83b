"""Why a filing is returned (退回原因, coded) or cancelled (撤销原因)."""

from __future__ import annotations

from app.domain.filings.errors import (
    CANCELLATION_REASON_REQUIRED,
    RETURN_MESSAGE_REQUIRED,
    RETURN_REASON_REQUIRED,
    RETURN_REASON_UNKNOWN,
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
        raise RETURN_REASON_REQUIRED()
    if code not in _RETURN_REASON_CODES:
        raise RETURN_REASON_UNKNOWN()
    message = (message or "").strip()
    if not message:
        raise RETURN_MESSAGE_REQUIRED()
    return code, message


def check_cancellation_reason(reason: str | None) -> str:
    """A cancellation (撤销) records why; who and when come from the session and the clock."""
    reason = (reason or "").strip()
    if not reason:
        raise CANCELLATION_REASON_REQUIRED()
    return reason

