"""Real-name verification (实名认证): a verifier matches the account to a person on file, and a
one-time code sent to the phone on file proves the applicant holds it."""

from __future__ import annotations

import datetime
import secrets

from flask import current_app
from sqlalchemy import func, select
from werkzeug.utils import import_string

from app import clock
from app.domain import individuals as rules
from app.domain.errors import DomainError
from app.domain.individuals import NOT_AN_INDIVIDUAL, OTP_NONE, OTP_WRONG
from app.extensions import db
from app.models.individuals import IndividualAccount, VerificationAttempt
from app.models.people import Person
from app.services.actor import Actor
from app.services.audit import record
from app.services.notices import notify_person
from app.services.transaction import transaction

SAME_ANSWER = ("如果您填写的姓名和身份证号码与用工登记信息一致，验证码已发送到登记的手机号码，"
               "10 分钟内有效。没有收到？请核对信息，或携带身份证到经办机构窗口办理。")


def now() -> datetime.datetime:
    return clock.now()


def policy() -> rules.VerificationPolicy:
    return rules.VerificationPolicy()


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
    return import_string(current_app.config["BEIAN_IDENTITY_VERIFIER"])()


def account_of(user) -> IndividualAccount | None:
    return db.session.get(IndividualAccount, getattr(user, "id", None))


def _check_rates(user_id: int, at: datetime.datetime, p: rules.VerificationPolicy) -> None:
    starts = db.session.scalar(select(func.count(VerificationAttempt.id)).where(
        VerificationAttempt.user_id == user_id,
        VerificationAttempt.started_at >= at - datetime.timedelta(days=1))) or 0
    rules.check_start_rate(starts, p)
    sent = db.session.scalar(select(func.count(VerificationAttempt.id)).where(
        VerificationAttempt.user_id == user_id, VerificationAttempt.sent_at.is_not(None),
        VerificationAttempt.sent_at >= at - datetime.timedelta(hours=1))) or 0
    rules.check_send_rate(sent, p)


def start_verification(actor: Actor) -> str:
    """Send a one-time code to the phone on file when the details match; the same answer (and
    the same work) whether or not they do."""
    account = account_of(actor.user)
    if account is None:
        raise NOT_AN_INDIVIDUAL()
    p, at = policy(), now()
    with transaction():
        _check_rates(actor.user_id, at, p)
        person = verifier().match(account)
        attempt = VerificationAttempt(user_id=actor.user_id, started_at=at,
                                      salt=secrets.token_hex(8))
        if person is not None and person.phone:
            code = rules.new_code(p.code_length)
            attempt.person_id = person.id
            attempt.code_hash = rules.hash_code(code, attempt.salt)
            attempt.sent_at = at
            notify_person(person, f"【用工备案】您的实名认证验证码为 {code}，{p.code_ttl_minutes} 分钟内有效。"
                                  "请勿告诉他人。", at_once=True)  # sent right after the commit
        db.session.add(attempt)
    return SAME_ANSWER


def confirm_verification(actor: Actor, code: str) -> Person:
    """Check the typed code; on success the account is linked to its person record."""
    user, at = actor.user, now()
    failed: DomainError | None = None
    with transaction():
        attempt = db.session.scalar(select(VerificationAttempt).where(
            VerificationAttempt.user_id == user.id).order_by(VerificationAttempt.id.desc()))
        if attempt is None:
            raise OTP_NONE()
        attempt.attempts += 1  # counted (and committed) even when the code is wrong
        try:
            if attempt.code_hash is None:  # no match on file: exactly like a wrong code
                raise OTP_WRONG()
            rules.check_code(code=code, salt=attempt.salt, expected_hash=attempt.code_hash,
                             sent_at=attempt.sent_at, used_at=attempt.used_at,
                             attempts=attempt.attempts, now=at, policy=policy())
        except DomainError as exc:
            failed = exc
        else:
            attempt.used_at = at
            account_of(user).verified_at = at
            user.person_id = attempt.person_id
            record(actor, "user", user.id, "verify_identity",
                   after={"person_id": attempt.person_id})
    if failed is not None:
        raise failed
    return db.session.get(Person, user.person_id)
