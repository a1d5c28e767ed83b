"""Rules for individual (worker) accounts: real-name verification by one-time code, change
requests (信息变更申请) and disputes (异议). Pure Python: no Flask, no database.

One-time codes are never stored in clear: only a salted hash. A code expires, is single use, and
allows a fixed number of wrong attempts; sending is rate-limited per account."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import DomainError


@dataclass(frozen=True)
class VerificationPolicy:
    code_length: int = 6
    code_ttl_minutes: int = 10
    max_attempts: int = 5            # wrong codes before the code is void
    max_sends_per_hour: int = 3      # codes sent to one account per rolling hour
    max_starts_per_day: int = 10     # verification attempts (name + ID checks) per account per day


class ChangeField(StrEnum):
    """What an individual may ask to change (the source article: contact details, education)."""

    PHONE = "手机号码"
    EDUCATION = "学历"


class RequestStatus(StrEnum):
    PENDING = "待审核"
    APPROVED = "已通过"
    REJECTED = "已驳回"


class DisputeKind(StrEnum):
    NOT_ME = "不是本人"        # a filing about someone else under my ID number
    WRONG = "信息有误"          # about me, but wrong


class DisputeStatus(StrEnum):
    OPEN = "待处理"
    CORRECTED = "已更正"
    DISMISSED = "已驳回"


def new_code(length: int = 6) -> str:
    """A random numeric one-time code."""
    return "".join(secrets.choice("0123456789") for _ in range(length))


def hash_code(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def code_matches(code: str, salt: str, expected_hash: str) -> bool:
    return hmac.compare_digest(hash_code((code or "").strip(), salt), expected_hash)


def check_code(*, code: str, salt: str, expected_hash: str, sent_at: datetime.datetime,
               used_at: datetime.datetime | None, attempts: int, now: datetime.datetime,
               policy: VerificationPolicy = VerificationPolicy()) -> None:
    """Raise the reason a typed code is not accepted (the caller counts the attempt first)."""
    if used_at is not None:
        raise DomainError("OTP_USED", "该验证码已使用过。请重新获取验证码。",
                          "This code was already used; request a new one.", field="code")
    if attempts > policy.max_attempts:
        raise DomainError("OTP_TOO_MANY_ATTEMPTS",
                          f"验证码输入错误已超过 {policy.max_attempts} 次，该验证码已作废。请重新获取验证码。",
                          "Too many wrong attempts; request a new code.", field="code")
    if now - sent_at > datetime.timedelta(minutes=policy.code_ttl_minutes):
        raise DomainError("OTP_EXPIRED",
                          f"验证码已过期（有效期 {policy.code_ttl_minutes} 分钟）。请重新获取验证码。",
                          "The code has expired; request a new one.", field="code")
    if not code_matches(code, salt, expected_hash):
        raise DomainError("OTP_WRONG", "验证码不正确，请核对短信中的 6 位数字后重新输入。",
                          "Wrong code.", field="code")


def check_send_rate(sent_in_last_hour: int, policy: VerificationPolicy = VerificationPolicy()
                    ) -> None:
    if sent_in_last_hour >= policy.max_sends_per_hour:
        raise DomainError("OTP_RATE_LIMITED",
                          f"一小时内最多获取 {policy.max_sends_per_hour} 次验证码，请稍后再试。",
                          "Too many codes requested; try again later.", field="code")


def check_start_rate(starts_today: int, policy: VerificationPolicy = VerificationPolicy()) -> None:
    if starts_today >= policy.max_starts_per_day:
        raise DomainError("VERIFY_RATE_LIMITED",
                          "今日实名认证尝试次数过多，请明天再试，或携带身份证到经办机构窗口办理。",
                          "Too many verification attempts today; try tomorrow.")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: for public pages."""
    name = name or ""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def check_change_request(field: str, new_value: str, proof_count: int) -> str:
    """A change request names what changes and, for education, comes with a proof."""
    value = (new_value or "").strip()
    if not value:
        raise DomainError("CHANGE_VALUE_REQUIRED", "请填写变更后的内容。",
                          "Give the new value.", field="new_value")
    if field == ChangeField.EDUCATION.name and proof_count < 1:
        raise DomainError("CHANGE_PROOF_REQUIRED",
                          "变更学历须上传学历证书的扫描件或照片（PDF、JPG 或 PNG）。",
                          "Attach a scan of the diploma.", field="proof")
    return value


def check_decision_reason(approve: bool, reason: str | None) -> str:
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError("REJECT_REASON_REQUIRED", "驳回申请必须填写理由，申请人会看到该理由。",
                          "A rejection needs a reason the applicant will see.", field="reason")
    return reason


def check_dispute(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) < 4:
        raise DomainError("DISPUTE_COMMENT_REQUIRED",
                          "请说明哪里不对（至少 4 个字），例如“我从未在该单位工作”或“入职日期应为 3 月 1 日”。",
                          "Say what is wrong (at least 4 characters).", field="comment")
    return comment
