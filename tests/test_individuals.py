"""Individuals: registration, real-name verification with a code from the outbox, own records
only, change requests and disputes through the staff queues; nothing revealed about others."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import make_citizen_id, mask_citizen_id
from tests import factories as make
from tests.conftest import login

_seq = itertools.count(600)
PASSWORD = "Worker@2026pass"


def _person(app, name="林小雨", phone=None, district="320213", street="320213001"):
    """A person on file (as a hire would have registered them); returns (citizen_id, phone)."""
    from app.extensions import db
    from app.models.org import Region
    from app.services.persons.register import register_person

    n = next(_seq)
    number = make_citizen_id("320213", datetime.date(1996, 5, 1), n)
    phone = phone or f"139{n:08d}"
    with app.app_context():
        def rid(code):
            return db.session.scalar(select(Region.id).where(Region.code == code))

        register_person({"name": name, "citizen_id": number, "phone": phone,
                         "district_id": rid(district), "street_id": rid(street)})
    return number, phone


def _register(client, name, number, phone):
    return client.post("/register/person/", data={
        "name": name, "citizen_id": number, "phone": phone, "password": PASSWORD,
        "confirm": PASSWORD})


def _last_code(app, phone):
    from app.extensions import db
    from app.models.filings import Notice

    with app.app_context():
        body = db.session.scalar(select(Notice.body).where(Notice.recipient == phone)
                                 .order_by(Notice.id.desc()))
    match = re.search(r"验证码为 (\d{6})", body or "")
    return match.group(1) if match else None


def _someone_else() -> str:
    return make_citizen_id("320213", datetime.date(1990, 2, 2), next(_seq))


def _verified_client(app, name="林小雨", district="320213", street="320213001"):
    number, phone = _person(app, name=name, district=district, street=street)
    client = app.test_client()
    assert _register(client, name, number, phone).status_code == 302
    login(client, phone, PASSWORD)
    client.post("/me/verify")
    response = client.post("/me/confirm", data={"code": _last_code(app, phone)})
    assert response.status_code == 302
    return client, number, phone


def test_a_worker_registers_verifies_with_the_outbox_code_and_sees_their_history(app):
    client, number, _ = _verified_client(app)
    page = client.get("/me/").get_data(as_text=True)
    assert number in page  # the person sees their own full ID number
    assert "my-employments" in page


def test_before_verification_the_account_sees_nothing_personal(app):
    number, phone = _person(app, name="陈未认")
    client = app.test_client()
    _register(client, "陈未认", number, phone)
    login(client, phone, PASSWORD)
    page = client.get("/me/").get_data(as_text=True)
    assert "实名认证" in page and "my-employments" not in page
    assert client.get("/me/filing/1").status_code == 404


def test_verification_answers_the_same_whether_or_not_the_id_is_on_file(app):
    from app.extensions import db
    from app.models.filings import Notice

    on_file, phone = _person(app, name="王有档")
    unknown = make_citizen_id("320213", datetime.date(1990, 1, 1), next(_seq))
    answers = []
    with app.app_context():
        notices = db.session.scalar(select(func.count(Notice.id)))
    for name, number, login_phone in (("王有档", on_file, phone),
                                      ("王无档", unknown, f"137{next(_seq):08d}")):
        client = app.test_client()
        _register(client, name, number, login_phone)
        login(client, login_phone, PASSWORD)
        text = client.post("/me/verify").get_data(as_text=True)
        answers.append(re.search(r'id="verify-message">([^<]*)<', text).group(1))
    assert answers[0] == answers[1]
    with app.app_context():  # only the person on file got a code, on the phone on file
        assert db.session.scalar(select(func.count(Notice.id))) == notices + 1


def test_name_not_matching_the_id_on_file_gets_no_code(app):
    from app.extensions import db
    from app.models.filings import Notice

    number, phone_on_file = _person(app, name="赵真名")
    login_phone = f"136{next(_seq):08d}"
    client = app.test_client()
    _register(client, "赵假名", number, login_phone)
    login(client, login_phone, PASSWORD)
    with app.app_context():
        before = db.session.scalar(select(func.count(Notice.id)))
    text = client.post("/me/verify").get_data(as_text=True)
    assert "验证码已发送" in text  # the same words as for a match
    with app.app_context():
        assert db.session.scalar(select(func.count(Notice.id))) == before
    assert "OTP_WRONG" in client.post("/me/confirm", data={"code": "123456"}).get_data(
        as_text=True)


@pytest.mark.parametrize("bad, code", [
    ({"citizen_id": "110105194912310021"}, "ID_CHECKSUM"),
    ({"phone": "12345"}, "PHONE_FORMAT"),
    ({"password": "weak", "confirm": "weak"}, "PASSWORD_WEAK"),
    ({"confirm": "Other@2026pass"}, "PASSWORD_MISMATCH"),
])
def test_bad_registration_input_is_refused_and_nothing_saved(app, bad, code):
    from app.extensions import db
    from app.models.individuals import IndividualAccount

    n = next(_seq)
    data = {"name": "孙坏", "citizen_id": make_citizen_id("320213", datetime.date(1991, 1, 1), n),
            "phone": f"135{n:08d}", "password": PASSWORD, "confirm": PASSWORD, **bad}
    with app.app_context():
        before = db.session.scalar(select(func.count(IndividualAccount.user_id)))
    response = app.test_client().post("/register/person/", data=data)
    assert response.status_code == 200 and code in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(IndividualAccount.user_id))) == before


def test_a_second_account_for_the_same_id_is_refused(app):
    number, phone = _person(app, name="周重复")
    assert _register(app.test_client(), "周重复", number, phone).status_code == 302
    again = _register(app.test_client(), "周重复", number, f"133{next(_seq):08d}")
    assert "ACCOUNT_EXISTS" in again.get_data(as_text=True)


def test_wrong_expired_reused_and_too_many_codes_are_refused(app):
    from app.extensions import db
    from app.models.individuals import VerificationAttempt

    number, phone = _person(app, name="吴验证")
    client = app.test_client()
    _register(client, "吴验证", number, phone)
    login(client, phone, PASSWORD)
    client.post("/me/verify")
    code = _last_code(app, phone)
    wrong = "000000" if code != "000000" else "111111"
    assert "OTP_WRONG" in client.post("/me/confirm", data={"code": wrong}).get_data(as_text=True)
    for _ in range(5):
        client.post("/me/confirm", data={"code": wrong})
    text = client.post("/me/confirm", data={"code": code}).get_data(as_text=True)
    assert "OTP_TOO_MANY_ATTEMPTS" in text
    # a fresh code, used once, then expired for reuse
    client.post("/me/verify")
    code = _last_code(app, phone)
    with app.app_context():
        attempt = db.session.scalar(select(VerificationAttempt).order_by(
            VerificationAttempt.id.desc()))
        attempt.sent_at -= datetime.timedelta(minutes=11)
        db.session.commit()
    assert "OTP_EXPIRED" in client.post("/me/confirm", data={"code": code}).get_data(
        as_text=True)


def test_a_used_code_cannot_be_used_again(app):
    client, number, phone = _verified_client(app, name="郑用过")
    code = _last_code(app, phone)
    from app.extensions import appbuilder, db

    with app.app_context():
        user = appbuilder.sm.find_user(username=phone)
        user.person_id = None  # as if the link were lost: the old code must not work again
        db.session.commit()
    text = client.post("/me/confirm", data={"code": code}).get_data(as_text=True)
    assert "OTP_USED" in text


def test_sending_codes_is_rate_limited(app):
    number, phone = _person(app, name="冯频繁")
    client = app.test_client()
    _register(client, "冯频繁", number, phone)
    login(client, phone, PASSWORD)
    for _ in range(3):
        client.post("/me/verify")
    response = client.post("/me/verify", follow_redirects=True)
    assert "OTP_RATE_LIMITED" in response.get_data(as_text=True)


def test_a_worker_sees_only_their_own_filings(app, known):

    client, number, _ = _verified_client(app, name="何自己")
    with app.app_context():
        mine = make.hire(known["unit_in"], citizen_id=number, name="何自己",
                           contract_type_code="OPEN").id
        other = make.hire(known["unit_in"], citizen_id=_someone_else(), name="别人甲",
                            contract_type_code="OPEN").id
    assert client.get(f"/me/filing/{mine}").status_code == 200
    assert client.get(f"/me/filing/{other}").status_code == 404
    assert client.post(f"/me/dispute/{other}", data={"kind": "NOT_ME",
                                                     "comment": "不是我的记录"}).status_code == 404
    assert "别人甲" not in client.get("/me/").get_data(as_text=True)


def test_phone_change_is_approved_by_street_staff_and_the_worker_sees_the_new_phone(app,
                                                                                  client_for):
    from app.extensions import db
    from app.models.individuals import ChangeRequest

    client, _, _ = _verified_client(app, name="冯换号")
    new_phone = f"188{next(_seq):08d}"
    client.post("/me/change", data={"field": "PHONE", "new_value": new_phone})
    with app.app_context():
        pk = db.session.scalar(select(ChangeRequest.id).order_by(ChangeRequest.id.desc()))
    assert client_for("district2").post(f"/changerequestview/decide/{pk}",
                                        data={"decision": "approve"}).status_code == 404
    response = client_for("street").post(f"/changerequestview/decide/{pk}",
                                         data={"decision": "approve"})
    assert response.status_code == 302
    page = client.get("/me/").get_data(as_text=True)
    assert f'id="my-phone">{new_phone}<' in page


def test_rejection_needs_a_reason_the_worker_sees(app, client_for):
    from app.extensions import db
    from app.models.individuals import ChangeRequest

    client, _, _ = _verified_client(app, name="褚驳回")
    client.post("/me/change", data={"field": "PHONE", "new_value": f"187{next(_seq):08d}"})
    with app.app_context():
        pk = db.session.scalar(select(ChangeRequest.id).order_by(ChangeRequest.id.desc()))
    staff = client_for("district")
    text = staff.post(f"/changerequestview/decide/{pk}", data={"decision": "reject"},
                      follow_redirects=True).get_data(as_text=True)
    assert "REJECT_REASON_REQUIRED" in text
    staff.post(f"/changerequestview/decide/{pk}", data={"decision": "reject",
                                                        "reason": "号码非本人实名"})
    assert "号码非本人实名" in client.get("/me/").get_data(as_text=True)


@pytest.mark.parametrize("proof, code", [
    (None, "CHANGE_PROOF_REQUIRED"),
    (("x.txt", b"hello", "text/plain"), "ATTACHMENT_TYPE"),
    (("big.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024), "application/pdf"), "ATTACHMENT_TOO_LARGE"),
])
def test_education_change_with_bad_or_missing_proof_is_refused(app, proof, code):
    import io

    from app.extensions import db
    from app.models.individuals import ChangeRequest

    client, _, _ = _verified_client(app, name="卫学历")
    data = {"field": "EDUCATION", "new_value": "21"}
    if proof:
        data["proof"] = (io.BytesIO(proof[1]), proof[0], proof[2])
    with app.app_context():
        before = db.session.scalar(select(func.count(ChangeRequest.id)))
    text = client.post("/me/change", data=data, content_type="multipart/form-data",
                       follow_redirects=True).get_data(as_text=True)
    assert code in text
    with app.app_context():
        assert db.session.scalar(select(func.count(ChangeRequest.id))) == before


def test_a_dispute_reaches_the_units_queue_and_its_resolution_is_visible(app, client_for,
                                                                          known):
    from app.extensions import db
    from app.models.individuals import Dispute

    client, number, _ = _verified_client(app, name="蒋异议")
    with app.app_context():
        filing_id = make.hire(known["unit_in"], citizen_id=number, name="蒋异议",
                                contract_type_code="OPEN").id
    client.post(f"/me/dispute/{filing_id}", data={"kind": "WRONG", "comment": "入职日期不对"})
    with app.app_context():
        pk = db.session.scalar(select(Dispute.id).where(Dispute.filing_id == filing_id))
    assert pk is not None
    assert client_for("district2").get(f"/disputeview/show/{pk}").status_code == 404
    assert client_for("district").get(f"/disputeview/show/{pk}").status_code == 200
    client_for("district").post(f"/disputeview/resolve/{pk}", data={
        "outcome": "dismissed", "resolution": "经核实劳动合同，入职日期无误"})
    page = client.get("/me/").get_data(as_text=True)
    assert "经核实劳动合同，入职日期无误" in page


def test_staff_see_the_id_number_masked_in_queues(app, client_for):
    from app.extensions import db
    from app.models.individuals import ChangeRequest

    client, number, _ = _verified_client(app, name="沈遮蔽")
    client.post("/me/change", data={"field": "PHONE", "new_value": f"186{next(_seq):08d}"})
    with app.app_context():
        pk = db.session.scalar(select(ChangeRequest.id).order_by(ChangeRequest.id.desc()))
    page = client_for("district").get(f"/changerequestview/show/{pk}").get_data(as_text=True)
    assert number not in page and mask_citizen_id(number) in page


def test_a_worker_downloads_their_own_documents_and_no_one_elses(app, known):

    client, number, _ = _verified_client(app, name="韩文档")
    with app.app_context():
        mine = make.hire(known["unit_in"], citizen_id=number, name="韩文档",
                           contract_type_code="OPEN").id
        other = make.hire(known["unit_in"], citizen_id=_someone_else(), name="别人乙",
                            contract_type_code="OPEN").id
    assert "下载备案表" in client.get("/me/").get_data(as_text=True)
    assert client.get(f"/documents/filing/{mine}").status_code == 200
    assert client.get(f"/documents/status/{mine}").status_code == 200
    assert client.get(f"/documents/filing/{other}").status_code == 404
    assert client.get(f"/documents/status/{other}").status_code == 404
