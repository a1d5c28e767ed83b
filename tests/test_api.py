"""The REST API (/api/v1): the four filings by machine with the web forms' rules, codes and
messages; API keys; idempotency; every kind of bad input a 4xx with a structured error and
nothing written."""

from __future__ import annotations

import base64
import datetime
import json
import threading
import uuid

import pytest
from sqlalchemy import select

from tests.test_api_support import (
    TODAY,
    assert_error,
    count,
    fresh_citizen_id,
    hire_body,
    jwt_for,
    key_headers,
    known_ids,
    new_key,
    serve,
)


@pytest.fixture
def keys(app, snapshot):
    """A key of the employer's unit (unit_in), created by the employer itself, and one of
    unit_out (made once; each test starts from the database holding both)."""
    return snapshot("test_api.keys", lambda: {
        "a": new_key(app, known_ids(app)["unit_in"], by="employer", name="工资系统"),
        "b": new_key(app, known_ids(app)["unit_out"], name="外单位系统")})


@pytest.fixture
def key_a(keys):
    return keys["a"]


@pytest.fixture
def key_b(keys):
    return keys["b"]


@pytest.fixture(scope="module")
def live_server(app):
    base, stop = serve(app)
    yield base
    stop()


@pytest.fixture
def api(app):
    return app.test_client()


def hire(api, key, **overrides):
    response = api.post("/api/v1/filing/hire", json=hire_body(**overrides),
                        headers=key_headers(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# -- the four filings ----------------------------------------------------------------------

def test_hire_through_the_api_is_filed_with_a_receipt_and_document_links(app, api, key_a, known):
    from app.models.filings import Channel, Filing

    body = hire(api, key_a)
    assert body["type"] == "HIRE" and body["status"] == "FILED"
    assert body["receipt_number"].startswith("BA")
    assert body["unit_id"] == known["unit_in"]
    assert body["channel"] == "API"
    assert "*" in body["person"]["citizen_id_masked"]
    assert body["document_url"].endswith(f"/api/v1/filing/{body['id']}/document")
    assert {"is_overdue", "is_multiple_employment", "needs_district_approval",
            "needs_attachment_review"} <= set(body)
    assert count(app, Filing, Filing.id == body["id"], Filing.channel == Channel.API) == 1


def test_response_never_contains_a_full_id_number(api, key_a):
    cid = fresh_citizen_id()
    response = api.post("/api/v1/filing/hire", json=hire_body(citizen_id=cid),
                        headers=key_headers(key_a))
    assert cid not in response.get_data(as_text=True)
    filing_id = response.get_json()["id"]
    assert cid not in api.get(f"/api/v1/filing/{filing_id}",
                              headers=key_headers(key_a)).get_data(as_text=True)


def pending_hire(api, key_a, key_b) -> dict:
    """A hire that waits for review: the worker already works full time at another unit."""
    cid = fresh_citizen_id()
    hire(api, key_b, citizen_id=cid)
    body = hire(api, key_a, citizen_id=cid)
    assert body["status"] == "PENDING_REVIEW", body
    return body


def test_overdue_hire_carries_the_overdue_flag(api, key_a):
    late = (TODAY - datetime.timedelta(days=90)).isoformat()
    body = hire(api, key_a, start_date=late, contract_start=late)
    assert body["is_overdue"] is True and "逾期" in body["flags"]


def test_second_full_time_job_is_flagged_and_waits_for_review(api, key_a, key_b):
    body = pending_hire(api, key_a, key_b)
    assert body["is_multiple_employment"] is True
    assert body["document_url"] is None and body["verification_url"] is None


def test_renewal_transfer_and_termination_through_the_api(app, api, key_a, known):
    h = key_headers(key_a)
    renewed = hire(api, key_a)
    response = api.post("/api/v1/filing/renewal", headers=h, json={
        "employment_id": renewed["employment_id"], "contract_type": "OPEN"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["type"] == "RENEWAL"
    assert response.get_json()["status"] == "FILED"

    moved = hire(api, key_a)
    from app.models.units import Unit

    with app.app_context():
        from app.extensions import db

        to_code = db.session.get(Unit, known["unit_out"]).credit_code
    response = api.post("/api/v1/filing/transfer", headers=h, json={
        "employment_id": moved["employment_id"], "to_unit_credit_code": to_code,
        "transfer_date": TODAY.isoformat(), "contract_type": "OPEN"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["to_unit_id"] == known["unit_out"]

    ended = hire(api, key_a)
    response = api.post("/api/v1/filing/termination", headers=h, json={
        "employment_id": ended["employment_id"], "end_date": TODAY.isoformat(),
        "termination_reason": "A37"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["type"] == "TERMINATION"
    employment = api.get(f"/api/v1/employment/{ended['employment_id']}", headers=h).get_json()
    assert employment["status"] == "ENDED"


def test_termination_with_misconduct_takes_a_base64_attachment_and_goes_to_review(api, key_a):
    h = key_headers(key_a)
    worker = hire(api, key_a)
    pdf = base64.b64encode(b"%PDF-1.4\n% evidence\n").decode()
    response = api.post("/api/v1/filing/termination", headers=h, json={
        "employment_id": worker["employment_id"], "end_date": TODAY.isoformat(),
        "termination_reason": "A39_MISCONDUCT",
        "attachments": [{"filename": "事实材料.pdf", "content_type": "application/pdf",
                         "data_base64": pdf}]})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["needs_attachment_review"] is True


def test_domain_refusals_keep_the_web_forms_codes_and_chinese_messages(api, key_a):
    too_young = (TODAY - datetime.timedelta(days=365 * 14)).replace(day=1)
    response = api.post("/api/v1/filing/hire", headers=key_headers(key_a),
                        json=hire_body(citizen_id=fresh_citizen_id(base=too_young)))
    errors = assert_error(response, 422, "HIRE_UNDER_AGE")
    assert "16" in errors[0]["message_zh"]

    bad = fresh_citizen_id()[:-1] + ("0" if fresh_citizen_id()[-1] != "0" else "1")
    response = api.post("/api/v1/filing/hire", headers=key_headers(key_a),
                        json=hire_body(citizen_id=bad))
    assert_error(response, 422, field="citizen_id")


def test_duplicate_hire_is_a_conflict(api, key_a):
    first = hire_body()
    assert api.post("/api/v1/filing/hire", json=first,
                    headers=key_headers(key_a)).status_code == 201
    assert_error(api.post("/api/v1/filing/hire", json=first, headers=key_headers(key_a)), 409)


def test_unknown_code_is_a_422_naming_the_field(app, api, key_a):
    from app.models.filings import Filing

    before = count(app, Filing)
    response = api.post("/api/v1/filing/hire", headers=key_headers(key_a),
                        json=hire_body(contract_type="FOREVER"))
    assert_error(response, 422, "CODE_UNKNOWN", "contract_type")
    assert count(app, Filing) == before


# -- reads ---------------------------------------------------------------------------------

def test_list_filters_by_type_status_dates_and_receipt(api, key_a):
    h = key_headers(key_a)
    filed = hire(api, key_a)
    by_receipt = api.get(f"/api/v1/filing/?receipt_number={filed['receipt_number']}",
                         headers=h).get_json()
    assert [f["id"] for f in by_receipt["result"]] == [filed["id"]]
    hires = api.get("/api/v1/filing/?type=HIRE&status=FILED&page_size=100",
                    headers=h).get_json()
    assert hires["count"] >= 1
    assert {f["type"] for f in hires["result"]} == {"HIRE"}
    assert {f["status"] for f in hires["result"]} == {"FILED"}
    today = api.get(f"/api/v1/filing/?date_from={TODAY}&date_to={TODAY}&page_size=100",
                    headers=h).get_json()
    assert filed["id"] in [f["id"] for f in today["result"]]
    yesterday = TODAY - datetime.timedelta(days=1)
    before = api.get(f"/api/v1/filing/?date_to={yesterday}&page_size=100", headers=h).get_json()
    assert filed["id"] not in [f["id"] for f in before["result"]]


def test_bad_query_parameters_are_422(api, key_a):
    h = key_headers(key_a)
    assert_error(api.get("/api/v1/filing/?type=SOMETHING", headers=h), 422, "INVALID_CHOICE")
    assert_error(api.get("/api/v1/filing/?date_from=yesterday", headers=h), 422, "INVALID_DATE")
    assert_error(api.get("/api/v1/filing/?page_size=100000", headers=h), 422)
    assert_error(api.get("/api/v1/filing/?colour=red", headers=h), 422, "UNKNOWN_FIELD")


def test_unit_roster_and_person_lookup(app, api, key_a, known):
    h = key_headers(key_a)
    cid = fresh_citizen_id()
    filed = hire(api, key_a, citizen_id=cid)
    unit = api.get("/api/v1/unit/", headers=h).get_json()
    assert [u["id"] for u in unit["result"]] == [known["unit_in"]]
    roster = api.get("/api/v1/employment/?page_size=200", headers=h).get_json()
    assert filed["employment_id"] in [e["id"] for e in roster["result"]]
    found = api.post("/api/v1/person/search", json={"citizen_id": cid}, headers=h)
    assert found.status_code == 200
    assert cid not in found.get_data(as_text=True)
    assert [e["id"] for e in found.get_json()["employments"]] == [filed["employment_id"]]
    from app.models.audit import AuditLog

    assert count(app, AuditLog, AuditLog.action == "api_lookup",
                 AuditLog.object_id == str(found.get_json()["id"])) == 1


def test_person_lookup_of_someone_never_employed_here_is_404(api, key_a, known):
    from tests.conftest import KNOWN

    response = api.post("/api/v1/person/search", json={"citizen_id": KNOWN["person_out"]},
                        headers=key_headers(key_a))
    assert_error(response, 404, "PERSON_NOT_FOUND")


def test_id_number_in_the_url_is_not_accepted(api, key_a):
    response = api.get(f"/api/v1/person/search?citizen_id={fresh_citizen_id()}",
                       headers=key_headers(key_a))
    assert response.status_code == 405


# -- resubmit, cancel, documents -------------------------------------------------------------

def _return(app, filing_id):
    from app.extensions import appbuilder, db
    from app.services import filings as fs

    with app.test_request_context():
        city = appbuilder.sm.find_user(username="city")
        fs.return_filing(filing_id, fs.Actor.of(city), "R01", "请核对入职日期")
        db.session.remove()


def test_a_returned_filing_is_resubmitted_with_only_the_fields_sent(app, api, key_a, key_b):
    h = key_headers(key_a)
    pending = pending_hire(api, key_a, key_b)
    _return(app, pending["id"])
    assert api.get(f"/api/v1/filing/{pending['id']}", headers=h).get_json()["status"] == \
        "RETURNED"
    new_start = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = api.post(f"/api/v1/filing/{pending['id']}/resubmit", headers=h,
                        json={"start_date": new_start, "job_title": "质检员"})
    assert response.status_code == 200, response.get_json()
    resubmitted = response.get_json()
    assert resubmitted["status"] == "PENDING_REVIEW"  # still a second job: review again
    assert resubmitted["start_date"] == new_start and resubmitted["job_title"] == "质检员"
    assert resubmitted["contract_end"] == pending["contract_end"]
    again = api.post(f"/api/v1/filing/{pending['id']}/resubmit", headers=h, json={})
    assert_error(again, 409, "FILING_NOT_RETURNED")


def test_resubmit_refuses_fields_that_may_not_change(api, key_a):
    filed = hire(api, key_a)
    response = api.post(f"/api/v1/filing/{filed['id']}/resubmit", headers=key_headers(key_a),
                        json={"citizen_id": fresh_citizen_id()})
    assert_error(response, 422, "UNKNOWN_FIELD", "citizen_id")


def test_cancel_needs_a_reason_and_employers_cannot_cancel_filed_records(app, api, key_a,
                                                                         key_b):
    h = key_headers(key_a)
    pending = pending_hire(api, key_a, key_b)
    assert_error(api.post(f"/api/v1/filing/{pending['id']}/cancel", headers=h,
                          json={"reason": "撤回"}), 409, "FILING_BAD_TRANSITION")
    _return(app, pending["id"])
    assert_error(api.post(f"/api/v1/filing/{pending['id']}/cancel", headers=h, json={}), 422,
                 "FIELD_REQUIRED", "reason")
    response = api.post(f"/api/v1/filing/{pending['id']}/cancel", headers=h,
                        json={"reason": "录入错误，撤回"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "CANCELLED"
    filed = hire(api, key_a)
    assert_error(api.post(f"/api/v1/filing/{filed['id']}/cancel", headers=h,
                          json={"reason": "不要了"}), 403, "CANCEL_NOT_ALLOWED")


def test_document_endpoint_queues_then_serves_the_pdf(app, api, key_a):
    h = key_headers(key_a)
    filed = hire(api, key_a)
    first = api.get(f"/api/v1/filing/{filed['id']}/document", headers=h)
    assert first.status_code == 202
    verification_url = first.get_json()["verification_url"]
    assert "/verify/" in verification_url
    again = api.get(f"/api/v1/filing/{filed['id']}", headers=h).get_json()
    assert again["verification_url"] == verification_url
    with app.app_context():
        from app.extensions import db
        from app.models.documents import DocumentStatus
        from app.services.documents.queue import document_of
        from app.services.documents.render import render_claimed

        document = document_of(filed["id"])
        document.status, document.claimed_by = DocumentStatus.RENDERING, "api-test"
        db.session.commit()
        assert render_claimed(document.id, "api-test", sign=False)
        db.session.remove()
    pdf = api.get(f"/api/v1/filing/{filed['id']}/document", headers=h)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


# -- idempotency --------------------------------------------------------------------------------

def test_a_retried_post_with_the_same_idempotency_key_files_once(app, api, key_a):
    from app.models.filings import Filing

    body = hire_body()
    h = key_headers(key_a, **{"Idempotency-Key": str(uuid.uuid4())})
    first = api.post("/api/v1/filing/hire", json=body, headers=h)
    before = count(app, Filing)
    second = api.post("/api/v1/filing/hire", data=json.dumps(body, indent=2),
                      headers={**h, "Content-Type": "application/json"})
    assert second.status_code == first.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()
    assert count(app, Filing) == before


def test_the_same_idempotency_key_with_another_body_is_refused(app, api, key_a):
    from app.models.filings import Filing

    h = key_headers(key_a, **{"Idempotency-Key": str(uuid.uuid4())})
    assert api.post("/api/v1/filing/hire", json=hire_body(), headers=h).status_code == 201
    before = count(app, Filing)
    assert_error(api.post("/api/v1/filing/hire", json=hire_body(), headers=h), 422,
                 "IDEMPOTENCY_KEY_MISMATCH")
    assert count(app, Filing) == before


def test_idempotency_keys_are_per_client(api, key_a, key_b):
    """Two units may happen to choose the same key: each gets its own filing."""
    shared = {"Idempotency-Key": "order-1-" + uuid.uuid4().hex[:6]}
    a = api.post("/api/v1/filing/hire", json=hire_body(), headers=key_headers(key_a, **shared))
    b = api.post("/api/v1/filing/hire", json=hire_body(citizen_id=fresh_citizen_id("320211")),
                 headers=key_headers(key_b, **shared))
    assert a.status_code == b.status_code == 201
    assert a.get_json()["id"] != b.get_json()["id"]


def test_a_failed_request_frees_its_idempotency_key(api, key_a):
    h = key_headers(key_a, **{"Idempotency-Key": str(uuid.uuid4())})
    assert_error(api.post("/api/v1/filing/hire", json=hire_body(contract_type="NOPE"),
                          headers=h), 422)
    assert api.post("/api/v1/filing/hire", json=hire_body(), headers=h).status_code == 201


def test_concurrent_duplicates_with_one_idempotency_key_file_once(app, live_server, key_a):
    import urllib.error
    import urllib.request

    from app.models.filings import Filing

    body = json.dumps(hire_body()).encode()
    key = str(uuid.uuid4())
    before = count(app, Filing)
    statuses = []

    def post():
        request = urllib.request.Request(
            f"{live_server}/api/v1/filing/hire", data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key_a}",
                     "Idempotency-Key": key})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count(app, Filing) == before + 1
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses


def test_invalid_idempotency_key_is_400(api, key_a):
    response = api.post("/api/v1/filing/hire", json=hire_body(),
                        headers=key_headers(key_a, **{"Idempotency-Key": "x" * 300}))
    assert_error(response, 400, "IDEMPOTENCY_KEY_INVALID")


# -- bad input: 4xx, structured, nothing written --------------------------------------------------

BAD_BODIES = {
    "malformed_json": (b'{"citizen_id": "1', "application/json", 400, "MALFORMED_JSON"),
    "not_an_object": (b'["a", "b"]', "application/json", 400, "MALFORMED_JSON"),
    "nan": (b'{"hours_per_day": NaN}', "application/json", 400, "MALFORMED_JSON"),
    "not_utf8": ('{"name": "张三"}'.encode("gb18030"), "application/json", 400, "MALFORMED_JSON"),
    "form_encoded": (b"citizen_id=1&name=2", "application/x-www-form-urlencoded", 415,
                     "UNSUPPORTED_MEDIA_TYPE"),
    "deep_nesting": (b'{"note": ' + b"[" * 5000 + b"]" * 5000 + b"}", "application/json", None,
                     None),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_bodies_are_4xx_and_write_nothing(app, api, key_a, case):
    from app.models.audit import AuditLog
    from app.models.filings import Filing

    data, content_type, status, code = BAD_BODIES[case]
    before = (count(app, Filing), count(app, AuditLog))
    response = api.post("/api/v1/filing/hire", data=data,
                        headers=key_headers(key_a, **{"Content-Type": content_type}))
    if status is None:
        assert 400 <= response.status_code < 500
        assert_error(response, response.status_code)
    else:
        assert_error(response, status, code)
    assert (count(app, Filing), count(app, AuditLog)) == before


@pytest.mark.parametrize("field,value,code", [
    ("start_date", "2026-02-30", "INVALID_DATE"),
    ("start_date", 20260101, "INVALID_DATE"),
    ("start_date", "9999-12-31", "DATE_OUT_OF_RANGE"),
    ("name", 123, "INVALID_STRING"),
    ("name", "张\x00三", "INVALID_CHARACTER"),
    ("probation_months", "3", "INVALID_INTEGER"),
    ("probation_months", 10**30, "OUT_OF_RANGE"),
    ("hours_per_day", "many", "INVALID_NUMBER"),
    ("unit_id", "1", "INVALID_INTEGER"),
    ("unit_id", 2**40, "OUT_OF_RANGE"),
    ("attachments", "x", "INVALID_LIST"),
    ("unknown_field", 1, "UNKNOWN_FIELD"),
])
def test_wrong_types_are_422_per_field(app, api, key_a, field, value, code):
    from app.models.filings import Filing

    before = count(app, Filing)
    response = api.post("/api/v1/filing/hire", json=hire_body(**{field: value}),
                        headers=key_headers(key_a))
    assert_error(response, 422, code, field)
    assert count(app, Filing) == before


def test_missing_required_fields_are_listed_together(api, key_a):
    errors = assert_error(api.post("/api/v1/filing/hire", json={},
                                   headers=key_headers(key_a)), 422)
    assert {e["field"] for e in errors} == {"citizen_id", "name", "start_date"}
    assert all(e["code"] == "FIELD_REQUIRED" for e in errors)
    assert any("姓名" in e["message_zh"] for e in errors)


def test_a_unit_id_of_another_employer_is_refused_and_nothing_written(app, api, key_a, known):
    from app.models.filings import Filing
    from app.models.people import Person

    before = (count(app, Filing), count(app, Person))
    response = api.post("/api/v1/filing/hire", headers=key_headers(key_a),
                        json=hire_body(unit_id=known["unit_out"]))
    assert_error(response, 403, "UNIT_OUT_OF_JURISDICTION", "unit_id")
    assert (count(app, Filing), count(app, Person)) == before


def test_an_employment_of_another_unit_is_not_found(api, key_a, key_b):
    theirs = api.post("/api/v1/filing/hire", headers=key_headers(key_b),
                      json=hire_body(citizen_id=fresh_citizen_id("320211"))).get_json()
    response = api.post("/api/v1/filing/termination", headers=key_headers(key_a), json={
        "employment_id": theirs["employment_id"], "end_date": TODAY.isoformat(),
        "termination_reason": "A37"})
    assert_error(response, 404, "EMPLOYMENT_NOT_FOUND", "employment_id")


def test_a_huge_body_is_413(app, api, key_a):
    from app.models.filings import Filing

    before = count(app, Filing)
    big = json.dumps(hire_body(note="x" * (app.config["BEIAN_API_MAX_BODY_BYTES"] + 10)))
    response = api.post("/api/v1/filing/hire", data=big,
                        headers=key_headers(key_a, **{"Content-Type": "application/json"}))
    assert_error(response, 413, "BODY_TOO_LARGE")
    assert count(app, Filing) == before


def test_unknown_endpoint_and_wrong_method_answer_in_the_error_shape(api, key_a):
    assert_error(api.get("/api/v1/nothing-here", headers=key_headers(key_a)), 404, "NOT_FOUND")
    assert_error(api.delete("/api/v1/filing/1", headers=key_headers(key_a)), 405,
                 "METHOD_NOT_ALLOWED")


# -- authentication ---------------------------------------------------------------------------

def test_no_credentials_is_401_with_a_bearer_challenge(api):
    response = api.get("/api/v1/filing/")
    assert_error(response, 401, "AUTH_REQUIRED")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_logged_in_browser_session_does_not_authenticate_the_api(client_for):
    client = client_for("employer")
    assert client.get("/portal/").status_code == 200  # the session works for the web …
    assert_error(client.get("/api/v1/filing/"), 401, "AUTH_REQUIRED")  # … not for the API
    assert_error(client.post("/api/v1/filing/hire", json=hire_body()), 401)


def test_keys_are_stored_hashed_and_shown_once(app, known):
    from app.extensions import db
    from app.models.api import ApiKey

    raw = new_key(app, known["unit_in"], by="employer", name="哈希检查")
    with app.app_context():
        stored = db.session.scalars(select(ApiKey).where(ApiKey.name == "哈希检查")).one()
        assert raw not in (stored.key_hash, stored.prefix)
        assert raw.startswith(stored.prefix) and len(stored.prefix) < 16
        columns = [getattr(stored, c.key) for c in ApiKey.__table__.columns]
        assert raw not in [str(v) for v in columns]
        db.session.remove()


def test_x_api_key_header_works_and_last_use_is_recorded(app, api, known):
    from app.extensions import db
    from app.models.api import ApiKey

    raw = new_key(app, known["unit_in"], by="employer", name="最近使用")
    assert api.get("/api/v1/unit/", headers={"X-API-Key": raw}).status_code == 200
    with app.app_context():
        key = db.session.scalars(select(ApiKey).where(ApiKey.name == "最近使用")).one()
        assert key.last_used_at is not None
        db.session.remove()


def test_revoked_and_expired_keys_are_401_and_write_nothing(app, api, known):
    from app.extensions import appbuilder, db
    from app.models.api import ApiKey
    from app.models.filings import Filing
    from app.services.actor import Actor
    from app.services.api import keys as key_service

    revoked = new_key(app, known["unit_in"], by="employer", name="将被撤销")
    assert api.get("/api/v1/unit/", headers=key_headers(revoked)).status_code == 200
    with app.app_context():
        key = db.session.scalars(select(ApiKey).where(ApiKey.name == "将被撤销")).one()
        key_service.revoke_key(Actor.of(appbuilder.sm.find_user(username="employer")), key.id)
        db.session.remove()
    expired = new_key(app, known["unit_in"], by="employer", name="将过期",
                      expires_at=datetime.datetime.now() + datetime.timedelta(seconds=1))
    with app.app_context():
        key = db.session.scalars(select(ApiKey).where(ApiKey.name == "将过期")).one()
        key.expires_at = datetime.datetime.now() - datetime.timedelta(seconds=1)
        db.session.commit()
        db.session.remove()
    before = count(app, Filing)
    for raw in (revoked, expired, revoked[:-2] + "xx"):
        assert_error(api.get("/api/v1/unit/", headers=key_headers(raw)), 401, "API_KEY_INVALID")
        assert_error(api.post("/api/v1/filing/hire", json=hire_body(),
                              headers=key_headers(raw)), 401, "API_KEY_INVALID")
    assert count(app, Filing) == before


def test_an_employer_cannot_manage_another_units_keys(app, known):
    from app.domain.errors import DomainError
    from app.extensions import appbuilder
    from app.services.actor import Actor
    from app.services.api import keys as key_service

    with app.app_context(), pytest.raises(DomainError) as info:
        key_service.create_key(Actor.of(appbuilder.sm.find_user(username="employer")), known["unit_out"],
                               "越权")
    assert info.value.code == "UNIT_OUT_OF_JURISDICTION"


def test_a_key_expiry_in_the_past_is_refused(app, known):
    from app.domain.errors import DomainError
    from app.extensions import appbuilder
    from app.services.actor import Actor
    from app.services.api import keys as key_service

    with app.app_context(), pytest.raises(DomainError) as info:
        key_service.create_key(Actor.of(appbuilder.sm.find_user(username="employer")), known["unit_in"],
                               "过去",
                               datetime.datetime(2020, 1, 1))
    assert info.value.code == "EXPIRY_IN_PAST"


def test_staff_jwt_login_and_its_jurisdiction(app, api, known):
    token = jwt_for(app, "district")
    h = {"Authorization": f"Bearer {token}"}
    units = api.get("/api/v1/unit/?page_size=200", headers=h).get_json()
    ids = {u["id"] for u in units["result"]}
    assert known["unit_in"] in ids and known["unit_out"] not in ids
    assert api.get(f"/api/v1/unit/{known['unit_out']}", headers=h).status_code == 404
    # staff must say for which unit they file
    assert_error(api.post("/api/v1/filing/hire", json=hire_body(), headers=h), 422,
                 "FIELD_REQUIRED", "unit_id")
    response = api.post("/api/v1/filing/hire", json=hire_body(unit_id=known["unit_in"]),
                        headers=h)
    assert response.status_code == 201, response.get_json()
    assert_error(api.post("/api/v1/filing/hire", json=hire_body(unit_id=known["unit_out"]),
                          headers=h), 403, "UNIT_OUT_OF_JURISDICTION")


def test_a_forged_or_garbage_jwt_is_401(api):
    for token in ("abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"):
        assert_error(api.get("/api/v1/unit/", headers={"Authorization": f"Bearer {token}"}),
                     401, "TOKEN_INVALID")


def test_an_individual_has_no_api_access(app, api):
    token = jwt_for(app, "worker")
    assert_error(api.get("/api/v1/filing/", headers={"Authorization": f"Bearer {token}"}), 403,
                 "FORBIDDEN")


def test_rate_limit_per_key_is_429_with_retry_after(app, api, known):
    raw = new_key(app, known["unit_in"], by="employer", name="限速")
    other = new_key(app, known["unit_in"], by="employer", name="限速2")
    saved = {k: app.config.get(k) for k in ("RATELIMIT_ENABLED", "BEIAN_API_RATE_LIMITED",
                                            "BEIAN_API_RATE_LIMIT")}
    app.config.update(RATELIMIT_ENABLED=True, BEIAN_API_RATE_LIMITED=True,
                      BEIAN_API_RATE_LIMIT="3 per minute")
    try:
        statuses = [api.get("/api/v1/unit/", headers=key_headers(raw)).status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = api.get("/api/v1/unit/", headers=key_headers(raw))
        assert_error(limited, 429, "RATE_LIMITED")
        assert int(limited.headers["Retry-After"]) >= 1
        # another key of the same unit has its own budget
        assert api.get("/api/v1/unit/", headers=key_headers(other)).status_code == 200
    finally:
        app.config.update(saved)


# -- audit -------------------------------------------------------------------------------------

def test_every_api_write_is_audited_with_the_key(app, api, key_a):
    from app.models.audit import AuditLog

    filed = hire(api, key_a)
    with app.app_context():
        from app.extensions import db

        entries = db.session.scalars(select(AuditLog).where(
            AuditLog.object_id == str(filed["id"]),
            AuditLog.object_type.in_(("filing", "api_request")))).all()
        actions = {(e.object_type, e.action) for e in entries}
        assert ("filing", "submit") in actions
        assert ("api_request", "POST /api/v1/filing/hire") in actions
        api_entry = next(e for e in entries if e.object_type == "api_request")
        assert api_entry.username.startswith("api.")
        assert key_a[:11] in api_entry.after["credential"]
        db.session.remove()


def test_key_creation_and_revocation_are_audited(app, known):
    from app.extensions import appbuilder, db
    from app.models.api import ApiKey
    from app.models.audit import AuditLog
    from app.services.actor import Actor
    from app.services.api import keys as key_service

    new_key(app, known["unit_in"], by="employer", name="审计")
    with app.app_context():
        key = db.session.scalars(select(ApiKey).where(ApiKey.name == "审计")).one()
        key_service.revoke_key(Actor.of(appbuilder.sm.find_user(username="employer")), key.id)
        actions = set(db.session.scalars(select(AuditLog.action).where(
            AuditLog.object_type == "api_key", AuditLog.object_id == str(key.id))))
        assert actions == {"create", "revoke"}
        db.session.remove()


# -- the OpenAPI document -------------------------------------------------------------------------

def test_openapi_document_is_public_and_describes_every_endpoint(app):
    spec = app.test_client().get("/api/v1/_openapi").get_json()
    paths = spec["paths"]
    for path in ("/api/v1/filing/hire", "/api/v1/filing/renewal", "/api/v1/filing/transfer",
                 "/api/v1/filing/termination", "/api/v1/filing/", "/api/v1/filing/{filing_id}",
                 "/api/v1/filing/{filing_id}/resubmit", "/api/v1/filing/{filing_id}/cancel",
                 "/api/v1/person/search", "/api/v1/unit/", "/api/v1/employment/",
                 "/api/v1/batch/", "/api/v1/batch/{batch_id}", "/api/v1/security/login"):
        assert path in paths, path
    hire_op = paths["/api/v1/filing/hire"]["post"]
    assert hire_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "HireRequestSchema")
    assert spec["components"]["schemas"]["HireRequestSchema"]["additionalProperties"] is False
    assert "/api/v1/menu/" not in paths  # FAB's session-authenticated menu API is off


def test_no_person_lookup_by_id_number_in_any_url(app):
    spec = app.test_client().get("/api/v1/_openapi").get_json()
    for path, ops in spec["paths"].items():
        assert "citizen" not in path
        for op in ops.values():
            for param in op.get("parameters", []):
                assert "citizen" not in param.get("name", ""), (path, param)


@pytest.mark.parametrize("payload", [
    {"username": "district", "password": "x"},                      # no provider
    {"username": "dis\x00trict", "password": "x", "provider": "db"},  # NUL in the username
])
def test_fab_jwt_login_answers_400_not_500_to_odd_payloads(api, payload):
    response = api.post("/api/v1/security/login", json=payload)
    assert response.status_code == 400
    assert "message" in response.get_json()
