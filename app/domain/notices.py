"""Notices (通知) on their way out: the delivery states, the back-off between attempts and the
words staff read for them. Plain Python: no Flask, no database."""

from __future__ import annotations

import datetime
from enum import StrEnum

from app.domain.errors import Conflict, NotFound, define

__all__ = ["NOTICE_NOT_FAILED", "NOTICE_NOT_FOUND", "NoticeStatus", "DUE_STATUSES", "backoff", "after_failure",
           "short_reason"]


class NoticeStatus(StrEnum):
    """Where a notice stands (stored by name; the value is what staff read)."""

    QUEUED = "待发送"
    SENDING = "发送中"
    SENT = "已发送"
    RETRY = "等待重试"
    FAILED = "发送失败"


# Claimed by the delivery job when their next_attempt_at has come: a SENDING notice's
# next_attempt_at is the end of its lease (its sender died: another takes it over).
DUE_STATUSES = (NoticeStatus.QUEUED, NoticeStatus.RETRY, NoticeStatus.SENDING)

NOTICE_NOT_FAILED = define("NOTICE_NOT_FAILED", Conflict, "只有发送失败的通知可以重新发送。",
                           "Only a failed notice can be sent again.", None)

NOTICE_NOT_FOUND = define("NOTICE_NOT_FOUND", NotFound, "没有这条通知。", "No such notice.", None)


def backoff(attempts: int, base_seconds: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed attempt: base × 2^(attempts-1).

    >>> [int(backoff(n, 30).total_seconds()) for n in (1, 2, 3, 5)]
    [30, 60, 120, 480]
    """
    return datetime.timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))


def after_failure(attempts: int, max_attempts: int, *, permanent: bool = False) -> NoticeStatus:
    """RETRY while attempts remain (and retrying can help), else FAILED.

    >>> after_failure(1, 6), after_failure(6, 6), after_failure(1, 6, permanent=True)
    (<NoticeStatus.RETRY: '等待重试'>, <NoticeStatus.FAILED: '发送失败'>, <NoticeStatus.FAILED: '发送失败'>)
    """
    return NoticeStatus.FAILED if permanent or attempts >= max_attempts else NoticeStatus.RETRY


def short_reason(text: str, limit: int = 200) -> str:
    """One line, at most `limit` characters: what last_error keeps."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit - 1] + "…"
