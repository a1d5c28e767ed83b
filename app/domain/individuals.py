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

from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, define
from app.domain.passwords import PASSWORD_RULE

# -- refusals -----------------------------------------------------------------------------------
NAME_REQUIRED = define("NAME_REQUIRED", Invalid, "请填写姓名（与身份证一致）。", "Name is required.",
                       "name")
PASSWORD_MISMATCH = define("PASSWORD_MISMATCH", Invalid, "两次输入的密码不一致。",
                           "Passwords differ.", "confirm")
PASSWORD_WEAK = define("PASSWORD_WEAK", Invalid, PASSWORD_RULE, "Password too weak.", "password")
ACCOUNT_EXISTS = define(
    "ACCOUNT_EXISTS", Conflict,
    "该身份证号码已注册个人账户，不能重复注册。请直接登录；忘记密码请到经办机构窗口重置。",
    "An account for this ID number exists already.", "citizen_id")
USERNAME_TAKEN = define(
    "USERNAME_TAKEN", Conflict, "该手机号码已注册为登录名，请直接登录或换一个手机号码。",
    "This phone number is already a login name.", "phone")
NOT_AN_INDIVIDUAL = define("NOT_AN_INDIVIDUAL", Forbidden, "只有个人账户可以进行实名认证。",
                           "Only individual accounts are verified.")
NOT_VERIFIED = define("NOT_VERIFIED", Forbidden, "请先完成实名认证，才能查看个人用工记录。",
                      "Verify your identity first.")
OTP_NONE = define("OTP_NONE", Invalid, "请先获取验证码。", "Request a code first.", "code")
OTP_USED = define("OTP_USED", Invalid, "该验证码已使用过。请重新获取验证码。",
                  "This code was already used; request a new one.", "code")
OTP_TOO_MANY_ATTEMPTS = define(
    "OTP_TOO_MANY_ATTEMPTS", Invalid,
    "验证码输入错误已超过 {max_attempts} 次，该验证码已作废。请重新获取验证码。",
    "Too many wrong attempts; request a new code.", "code")
OTP_EXPIRED = define(
    "OTP_EXPIRED", Invalid, "验证码已过期（有效期 {minutes} 分钟）。请重新获取验证码。",
    "The code has expired; request a new one.", "code")
OTP_WRONG = define("OTP_WRONG", Invalid, "验证码不正确，请核对短信中的 6 位数字后重新输入。",
                   "Wrong code.", "code")
OTP_RATE_LIMITED = define(
    "OTP_RATE_LIMITED", RateLimited, "一小时内最多获取 {per_hour} 次验证码，请稍后再试。",
    "Too many codes requested; try again later.", "code")
VERIFY_RATE_LIMITED = define(
    "VERIFY_RATE_LIMITED", RateLimited,
    "今日实名认证尝试次数过多，请明天再试，或携带身份证到经办机构窗口办理。",
    "Too many verification attempts today; try tomorrow.")
CHANGE_FIELD_UNKNOWN = define("CHANGE_FIELD_UNKNOWN", Invalid, "只能申请变更手机号码或学历。",
                              "Only phone and education can be changed.", "field")
CHANGE_VALUE_REQUIRED = define("CHANGE_VALUE_REQUIRED", Invalid, "请填写变更后的内容。",
                               "Give the new value.", "new_value")
CHANGE_PROOF_REQUIRED = define(
    "CHANGE_PROOF_REQUIRED", Invalid, "变更学历须上传学历证书的扫描件或照片（PDF、JPG 或 PNG）。",
    "Attach a scan of the diploma.", "proof")
EDUCATION_UNKNOWN = define("EDUCATION_UNKNOWN", Invalid, "请选择学历（GB/T 4658-2006）。",
                           "Choose an education level.", "new_value")
REQUEST_NOT_FOUND = define("REQUEST_NOT_FOUND", NotFound, "未找到该申请，或不在您的管辖范围内。",
                           "Request not found in your jurisdiction.")
REQUEST_ALREADY_DECIDED = define("REQUEST_ALREADY_DECIDED", Conflict, "该申请已处理，请刷新页面。",
                                 "Already decided.")
REJECT_REASON_REQUIRED = define(
    "REJECT_REASON_REQUIRED", Invalid, "驳回申请必须填写理由，申请人会看到该理由。",
    "A rejection needs a reason the applicant will see.", "reason")
DISPUTE_KIND_UNKNOWN = define("DISPUTE_KIND_UNKNOWN", Invalid, "请选择异议类型。",
                              "Choose a dispute kind.", "kind")
DISPUTE_COMMENT_REQUIRED = define(
    "DISPUTE_COMMENT_REQUIRED", Invalid,
    "请说明哪里不对（至少 4 个字），例如“我从未在该单位工作”或“入职日期应为 3 月 1 日”。",
    "Say what is wrong (at least 4 characters).", "comment")
DISPUTE_OPEN = define("DISPUTE_OPEN", Conflict, "您对该备案的异议正在处理中，请耐心等待结果。",
                      "A dispute about this filing is already open.")
DISPUTE_NOT_FOUND = define("DISPUTE_NOT_FOUND", NotFound, "未找到该异议，或不在您的管辖范围内。",
                           "Dispute not found in your jurisdiction.")
DISPUTE_CLOSED = define("DISPUTE_CLOSED", Conflict, "该异议已处理。", "Already resolved.")
DISPUTE_NOT_CORRECTED = define(
    "DISPUTE_NOT_CORRECTED", Conflict,
    "该备案尚未更正。请先在备案详情页按数据修改口径更正，再标记为“已更正”。",
    "Correct the filing first.")
RESOLUTION_REQUIRED = define("RESOLUTION_REQUIRED", Invalid, "请填写处理说明，劳动者会看到该说明。",
                             "Write a resolution the worker will see.", "resolution")


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
        raise OTP_USED()
    if attempts > policy.max_attempts:
        raise OTP_TOO_MANY_ATTEMPTS(max_attempts=policy.max_attempts)
    if now - sent_at > datetime.timedelta(minutes=policy.code_ttl_minutes):
        raise OTP_EXPIRED(minutes=policy.code_ttl_minutes)
    if not code_matches(code, salt, expected_hash):
        raise OTP_WRONG()


def check_send_rate(sent_in_last_hour: int, policy: VerificationPolicy = VerificationPolicy()
                    ) -> None:
    if sent_in_last_hour >= policy.max_sends_per_hour:
        raise OTP_RATE_LIMITED(per_hour=policy.max_sends_per_hour)


def check_start_rate(starts_today: int, policy: VerificationPolicy = VerificationPolicy()) -> None:
    if starts_today >= policy.max_starts_per_day:
        raise VERIFY_RATE_LIMITED()


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: for public pages."""
    name = name or ""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def check_change_request(field: str, new_value: str, proof_count: int) -> str:
    """A change request names what changes and, for education, comes with a proof."""
    value = (new_value or "").strip()
    if not value:
        raise CHANGE_VALUE_REQUIRED()
    if field == ChangeField.EDUCATION.name and proof_count < 1:
        raise CHANGE_PROOF_REQUIRED()
    return value


def check_decision_reason(approve: bool, reason: str | None) -> str:
    reason = (reason or "").strip()
    if not approve and not reason:
        raise REJECT_REASON_REQUIRED()
    return reason


def check_dispute(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) < 4:
        raise DISPUTE_COMMENT_REQUIRED()
    return comment
