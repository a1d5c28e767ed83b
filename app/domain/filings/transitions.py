"""The workflow of a filing (备案流程): which action moves which status where.

A correction (更正) is a new version of the filing that goes through the workflow itself; the
service applies CORRECT to the old version (FILED → SUPERSEDED) in the same transaction in which
the new version becomes FILED, so there is always exactly one valid version. SUPERSEDED and
CANCELLED are final: receipts printed from them stay checkable as "superseded" / "cancelled".

>>> transition(FilingStatus.DRAFT, FilingAction.SUBMIT).name
'SUBMITTED'
>>> try:
...     transition(FilingStatus.CANCELLED, FilingAction.SUBMIT)
... except ValueError as error:
...     print(error.code)
FILING_BAD_TRANSITION
"""

from __future__ import annotations

from app.domain.filings.errors import FILING_BAD_TRANSITION
from app.domain.filings.types import FilingAction, FilingStatus, _coerce

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
    raise FILING_BAD_TRANSITION(status=status.value, action=action.value, hint=hint_zh,
                                status_en=status.name, action_en=action.name, hint_en=hint_en)
