"""Rules of real-name verification codes, change requests and disputes."""

import datetime

import pytest

from app.domain.errors import DomainError
from app.domain.individuals import (
    VerificationPolicy,
    check_change_request,
    check_code,
    check_decision_reason,
    check_dispute,
    check_send_rate,
    check_start_rate,
    hash_code,
    mask_name,
    new_code,
)

T0 = datetime.datetime(2026, 11, 26, 9, 0)


def attempt(code="123456", typed="123456", **kw):
    values = {"code": typed, "salt": "s", "expected_hash": hash_code(code, "s"), "sent_at": T0,
              "used_at": None, "attempts": 1, "now": T0 + datetime.timedelta(minutes=1)}
    values.update(kw)
    return values


def test_the_right_code_within_ten_minutes_is_accepted():
    check_code(**attempt())


@pytest.mark.parametrize("changes, code", [
    ({"typed": "654321"}, "OTP_WRONG"),
    ({"now": T0 + datetime.timedelta(minutes=11)}, "OTP_EXPIRED"),
    ({"used_at": T0}, "OTP_USED"),
    ({"attempts": 6}, "OTP_TOO_MANY_ATTEMPTS"),
])
def test_a_code_that_is_wrong_expired_reused_or_over_tried_is_refused(changes, code):
    with pytest.raises(DomainError) as info:
        check_code(**attempt(**changes))
    assert info.value.code == code


def test_a_reused_code_is_refused_even_when_right():
    with pytest.raises(DomainError) as info:
        check_code(**attempt(used_at=T0 + datetime.timedelta(seconds=30)))
    assert info.value.code == "OTP_USED"


def test_codes_are_six_random_digits_and_stored_hashed():
    codes = {new_code() for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 40
    assert hash_code("123456", "a") != hash_code("123456", "b")


def test_sending_is_rate_limited_per_hour_and_starts_per_day():
    policy = VerificationPolicy()
    check_send_rate(policy.max_sends_per_hour - 1)
    with pytest.raises(DomainError) as info:
        check_send_rate(policy.max_sends_per_hour)
    assert info.value.code == "OTP_RATE_LIMITED"
    with pytest.raises(DomainError) as info:
        check_start_rate(policy.max_starts_per_day)
    assert info.value.code == "VERIFY_RATE_LIMITED"


def test_education_change_needs_a_proof_and_phone_change_does_not():
    assert check_change_request("PHONE", " 13912345678 ", 0) == "13912345678"
    with pytest.raises(DomainError) as info:
        check_change_request("EDUCATION", "21", 0)
    assert info.value.code == "CHANGE_PROOF_REQUIRED"
    with pytest.raises(DomainError) as info:
        check_change_request("PHONE", " ", 0)
    assert info.value.code == "CHANGE_VALUE_REQUIRED"


def test_a_rejection_needs_a_reason_an_approval_does_not():
    assert check_decision_reason(True, "") == ""
    with pytest.raises(DomainError) as info:
        check_decision_reason(False, " ")
    assert info.value.code == "REJECT_REASON_REQUIRED"


def test_a_dispute_says_what_is_wrong():
    with pytest.raises(DomainError) as info:
        check_dispute("不对")
    assert info.value.code == "DISPUTE_COMMENT_REQUIRED"
    assert check_dispute("我从未在该单位工作") == "我从未在该单位工作"


def test_names_are_masked_for_public_pages():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("") == ""
