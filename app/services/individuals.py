"""Use cases of individual (worker) accounts: self-registration, real-name verification through a
pluggable verifier, change requests and disputes, and the staff decisions on them.

Nothing here tells a caller whether a given ID number is on file: registration and verification
answer the same way either way (the one-time code only goes to the phone already on file)."""

from __future__ import annotations

import datetime
import secrets
import uuid

from flask import current_app
from sqlalchemy import func, select
from werkzeug.utils import import_string

from app.domain import individuals as rules
from app.domain.errors import DomainError
from app.domain.filings import EmploymentStatus
from app.domain.identifiers import validate_citizen_id, validate_mobile
from app.domain.individuals import (
    ChangeField,
    DisputeKind,
    DisputeStatus,
    RequestStatus,
)
from app.domain.roles import ROLE_INDIVIDUAL
from app.extensions import appbuilder, db
from app.models.codes import EducationLevel
from app.models.filings import Employment, Filing
from app.models.individuals import ChangeRequest, Dispute, IndividualAccount, VerificationAttempt
from app.models.people import Person
from app.queries.jurisdiction import Jurisdiction
from app.security import password_complexity
from app.services.audit import record
from app.services.notices import notify_person
from app.services.transaction import transaction

SAME_ANSWER = ("如果您填写的姓名和身份证号码与用工登记信息一致，验证码已发送到登记的手机号码，"
               "10 分钟内有效。没有收到？请核对信息，或携带身份证到经办机构窗口办理。")


def now() -> datetime.datetime:
    return datetime.datetime.now()


def policy() -> rules.VerificationPolicy:
    return rules.VerificationPolicy()


# -- registration ------------------------------------------------------------------------------

def register_individual(*, name: str, citizen_id: str, phone: str, password: str,
                        confirm: str):
    """Create an individual login (role Individual). It sees nothing personal until verified."""
    name = (name or "").strip()
    if not name:
        raise DomainError("NAME_REQUIRED", "请填写姓名（与身份证一致）。", "Name is required.",
                          field="name")
    try:
        number = validate_citizen_id(citizen_id).number
    except DomainError as exc:
        raise exc.for_field("citizen_id") from exc
    try:
        phone = validate_mobile(phone)
    except DomainError as exc:
        raise exc.for_field("phone") from exc
    if password != confirm:
        raise DomainError("PASSWORD_MISMATCH", "两次输入的密码不一致。", "Passwords differ.",
                          field="confirm")
    try:
        password_complexity(password)
    except Exception as exc:
        raise DomainError("PASSWORD_WEAK", str(exc), "Password too weak.",
                          field="password") from exc
    sm = appbuilder.sm
    with transaction():
        if db.session.scalar(select(IndividualAccount.user_id).where(
                IndividualAccount.citizen_id == number)):
            raise DomainError("ACCOUNT_EXISTS",
                              "该身份证号码已注册个人账户，不能重复注册。请直接登录；忘记密码请到经办机构窗口重置。",
                              "An account for this ID number exists already.",
                              field="citizen_id")
        if sm.find_user(username=phone):
            raise DomainError("USERNAME_TAKEN", "该手机号码已注册为登录名，请直接登录或换一个手机号码。",
                              "This phone number is already a login name.", field="phone")
        user = sm.add_user(username=phone, first_name=name, last_name="",
                           email=f"{uuid.uuid4().hex}@individual.beian.local",
                           role=sm.find_role(ROLE_INDIVIDUAL), password=password, commit=False)
        db.session.flush()
        db.session.add(IndividualAccount(user_id=user.id, citizen_id=number, name=name,
                                         phone=phone))
        record("user", user.id, "register_individual", user=user)
    return user


# -- verification ------------------------------------------------------------------------------

class IdentityVerifier:
    """Interface: decide whose record an account may see. A real identity service plugs in by
    setting BEIAN_IDENTITY_VERIFIER to a subclass's dotted path."""

    def match(self, account: IndividualAccount) -> Person | None:  # pragma: no cover
        raise NotImplementedError


class BuiltInVerifier(IdentityVerifier):
    """The person on file with this ID number and exactly this name; the one-time code then goes
    to the phone on file, proving the applicant holds it."""

    def match(self, account: IndividualAccount) -> Person | None:
        return db.session.scalar(select(Person).where(Person.citizen_id == account.citizen_id,
                                                      Person.name == account.name))


def verifier() -> IdentityVerifier:
    path = current_app.config.get("BEIAN_IDENTITY_VERIFIER",
                                  "app.services.individuals.BuiltInVerifier")
    return import_string(path)()


def account_of(user) -> IndividualAccount | None:
    return db.session.get(IndividualAccount, getattr(user, "id", None))


def start_verification(user) -> str:
    """Send a one-time code to the phone on file when the details match; the same answer (and
    the same work) whether or not they do."""
    account = account_of(user)
    if account is None:
        raise DomainError("NOT_AN_INDIVIDUAL", "只有个人账户可以进行实名认证。",
                          "Only individual accounts are verified.")
    p, at = policy(), now()
    with transaction():
        starts = db.session.scalar(select(func.count(VerificationAttempt.id)).where(
            VerificationAttempt.user_id == user.id,
            VerificationAttempt.started_at >= at - datetime.timedelta(days=1))) or 0
        rules.check_start_rate(starts, p)
        sent = db.session.scalar(select(func.count(VerificationAttempt.id)).where(
            VerificationAttempt.user_id == user.id, VerificationAttempt.sent_at.is_not(None),
            VerificationAttempt.sent_at >= at - datetime.timedelta(hours=1))) or 0
        rules.check_send_rate(sent, p)
        person = verifier().match(account)
        attempt = VerificationAttempt(user_id=user.id, started_at=at,
                                      salt=secrets.token_hex(8))
        if person is not None and person.phone:
            code = rules.new_code(p.code_length)
            attempt.person_id = person.id
            attempt.code_hash = rules.hash_code(code, attempt.salt)
            attempt.sent_at = at
            notify_person(person, f"【用工备案】您的实名认证验证码为 {code}，{p.code_ttl_minutes} 分钟内有效。"
                                  "请勿告诉他人。")
        db.session.add(attempt)
    return SAME_ANSWER


def confirm_verification(user, code: str) -> Person:
    """Check the typed code; on success the account is linked to its person record."""
    at = now()
    begin_failed: DomainError | None = None
    with transaction():
        attempt = db.session.scalar(select(VerificationAttempt).where(
            VerificationAttempt.user_id == user.id).order_by(VerificationAttempt.id.desc()))
        if attempt is None:
            raise DomainError("OTP_NONE", "请先获取验证码。", "Request a code first.",
                              field="code")
        attempt.attempts += 1  # counted (and committed) even when the code is wrong
        try:
            if attempt.code_hash is None:  # no match on file: exactly like a wrong code
                raise DomainError("OTP_WRONG", "验证码不正确，请核对短信中的 6 位数字后重新输入。",
                                  "Wrong code.", field="code")
            rules.check_code(code=code, salt=attempt.salt, expected_hash=attempt.code_hash,
                             sent_at=attempt.sent_at, used_at=attempt.used_at,
                             attempts=attempt.attempts, now=at, policy=policy())
        except DomainError as exc:
            begin_failed = exc
        else:
            attempt.used_at = at
            account = account_of(user)
            account.verified_at = at
            user.person_id = attempt.person_id
            record("user", user.id, "verify_identity", after={"person_id": attempt.person_id},
                   user=user)
    if begin_failed is not None:
        raise begin_failed
    return db.session.get(Person, user.person_id)


# -- the person's own records -------------------------------------------------------------------

def my_person(user) -> Person:
    """The verified person behind an individual login, or DomainError (nothing personal before
    verification)."""
    if not getattr(user, "person_id", None):
        raise DomainError("NOT_VERIFIED", "请先完成实名认证，才能查看个人用工记录。",
                          "Verify your identity first.")
    return db.session.get(Person, user.person_id)


def my_employments(person: Person):
    return list(db.session.scalars(select(Employment).where(
        Employment.person_id == person.id).order_by(Employment.start_date.desc())))


def my_filings(person: Person):
    return list(db.session.scalars(select(Filing).where(
        Filing.person_id == person.id).order_by(Filing.id.desc())))


def my_filing(person: Person, filing_id) -> Filing:
    filing = db.session.get(Filing, filing_id) if filing_id else None
    if filing is None or filing.person_id != person.id:
        raise DomainError("FILING_NOT_FOUND", "未找到该备案。", "Filing not found.")
    return filing


# -- change requests ----------------------------------------------------------------------------

def _route(person: Person) -> tuple[int | None, int | None]:
    """Household district/street in the city, else the current employer's."""
    if person.district_id:
        return person.district_id, person.street_id
    employment = db.session.scalar(select(Employment).where(
        Employment.person_id == person.id, Employment.status == EmploymentStatus.ACTIVE
    ).order_by(Employment.start_date.desc()))
    if employment is not None:
        return employment.unit.district_id, employment.unit.street_id
    return None, None


def submit_change_request(user, field: str, new_value: str, proof=None) -> ChangeRequest:
    from app.services.filings import ATTACHMENT_TYPES

    person = my_person(user)
    if field not in ChangeField.__members__:
        raise DomainError("CHANGE_FIELD_UNKNOWN", "只能申请变更手机号码或学历。",
                          "Only phone and education can be changed.", field="field")
    value = rules.check_change_request(field, new_value, 1 if proof else 0)
    if field == ChangeField.PHONE.name:
        try:
            value = validate_mobile(value)
        except DomainError as exc:
            raise exc.for_field("new_value") from exc
        old = person.phone
    else:
        if db.session.get(EducationLevel, value) is None:
            raise DomainError("EDUCATION_UNKNOWN", "请选择学历（GB/T 4658-2006）。",
                              "Choose an education level.", field="new_value")
        old = person.education_code or ""
    if proof is not None:
        limit = current_app.config.get("BEIAN_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
        magic = ATTACHMENT_TYPES.get(proof.content_type)
        if magic is None or not proof.data.startswith(magic):
            raise DomainError("ATTACHMENT_TYPE", "证明材料须为 PDF、JPG 或 PNG 文件。",
                              "Proof must be a PDF, JPEG or PNG file.", field="proof")
        if len(proof.data) > limit:
            raise DomainError("ATTACHMENT_TOO_LARGE",
                              f"证明材料超过 {limit // (1024 * 1024)} MB，请压缩后重新上传。",
                              "Proof too large.", field="proof")
    district_id, street_id = _route(person)
    with transaction():
        request_ = ChangeRequest(person_id=person.id, field=ChangeField[field], old_value=old,
                                 new_value=value, status=RequestStatus.PENDING,
                                 district_id=district_id, street_id=street_id,
                                 proof=proof.data if proof else None,
                                 proof_filename=proof.filename if proof else None,
                                 proof_content_type=proof.content_type if proof else None)
        db.session.add(request_)
        db.session.flush()
        record("change_request", request_.id, "submit", after={"field": field}, user=user)
    return request_


def change_request_clause(jurisdiction: Jurisdiction):
    if jurisdiction.scope == "all":
        return ChangeRequest.id.is_not(None)
    if jurisdiction.scope == "district":
        return ChangeRequest.district_id == jurisdiction.region_id
    if jurisdiction.scope == "street":
        return ChangeRequest.street_id == jurisdiction.region_id
    return ChangeRequest.id.is_(None)


def decide_change_request(request_id, staff_jurisdiction: Jurisdiction, staff_user, *,
                          approve: bool, reason: str = "") -> ChangeRequest:
    reason = rules.check_decision_reason(approve, reason)
    with transaction():
        request_ = db.session.scalar(select(ChangeRequest).where(
            ChangeRequest.id == request_id, change_request_clause(staff_jurisdiction)))
        if request_ is None:
            raise DomainError("REQUEST_NOT_FOUND", "未找到该申请，或不在您的管辖范围内。",
                              "Request not found in your jurisdiction.")
        if request_.status != RequestStatus.PENDING:
            raise DomainError("REQUEST_ALREADY_DECIDED", "该申请已处理，请刷新页面。",
                              "Already decided.")
        person = request_.person
        request_.decided_by_id, request_.decided_at = staff_user.id, now()
        request_.reason = reason or None
        if approve:
            attr = "phone" if request_.field == ChangeField.PHONE else "education_code"
            before = {attr: getattr(person, attr)}
            setattr(person, attr, request_.new_value)
            request_.status = RequestStatus.APPROVED
            record("person", person.id, "change_request_approved", before=before,
                   after={attr: request_.new_value}, reason=f"信息变更申请 #{request_.id}")
            notify_person(person, f"【用工备案】您的{request_.field.value}变更申请已通过。")
        else:
            request_.status = RequestStatus.REJECTED
            record("change_request", request_.id, "reject", reason=reason)
            notify_person(person, f"【用工备案】您的{request_.field.value}变更申请未通过：{reason}")
    return request_


# -- disputes -----------------------------------------------------------------------------------

def open_dispute(user, filing_id, kind: str, comment: str) -> Dispute:
    person = my_person(user)
    filing = my_filing(person, filing_id)
    if kind not in DisputeKind.__members__:
        raise DomainError("DISPUTE_KIND_UNKNOWN", "请选择异议类型。", "Choose a dispute kind.",
                          field="kind")
    comment = rules.check_dispute(comment)
    with transaction():
        open_already = db.session.scalar(select(Dispute.id).where(
            Dispute.filing_id == filing.id, Dispute.status == DisputeStatus.OPEN))
        if open_already:
            raise DomainError("DISPUTE_OPEN", "您对该备案的异议正在处理中，请耐心等待结果。",
                              "A dispute about this filing is already open.")
        dispute = Dispute(person_id=person.id, filing_id=filing.id, kind=DisputeKind[kind],
                          comment=comment, status=DisputeStatus.OPEN)
        db.session.add(dispute)
        db.session.flush()
        record("dispute", dispute.id, "open", after={"filing": filing.receipt_number},
               user=user)
    return dispute


def resolve_dispute(dispute_id, staff_jurisdiction: Jurisdiction, staff_user, *,
                    corrected: bool, resolution: str) -> Dispute:
    """Close a dispute: corrected (the correction itself goes through the Filings correction
    rules; the dispute points at the current version) or dismissed with a reason."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError("RESOLUTION_REQUIRED", "请填写处理说明，劳动者会看到该说明。",
                          "Write a resolution the worker will see.", field="resolution")
    with transaction():
        dispute = db.session.get(Dispute, dispute_id)
        if dispute is None or not staff_jurisdiction.covers_unit(dispute.filing.unit):
            raise DomainError("DISPUTE_NOT_FOUND", "未找到该异议，或不在您的管辖范围内。",
                              "Dispute not found in your jurisdiction.")
        if dispute.status != DisputeStatus.OPEN:
            raise DomainError("DISPUTE_CLOSED", "该异议已处理。", "Already resolved.")
        if corrected:
            from app.queries.filings import history

            current = history(dispute.filing)[-1]
            if current.id == dispute.filing_id:
                raise DomainError("DISPUTE_NOT_CORRECTED",
                                  "该备案尚未更正。请先在备案详情页按数据修改口径更正，再标记为“已更正”。",
                                  "Correct the filing first.")
            dispute.correction_filing_id = current.id
        dispute.status = DisputeStatus.CORRECTED if corrected else DisputeStatus.DISMISSED
        dispute.resolution = resolution
        dispute.resolved_by_id, dispute.resolved_at = staff_user.id, now()
        record("dispute", dispute.id, "resolve", after={"status": dispute.status.name},
               reason=resolution)
        notify_person(dispute.person, f"【用工备案】您对备案 {dispute.filing.receipt_number} 提出的异议"
                                      f"已处理（{dispute.status.value}）：{resolution}")
    return dispute
