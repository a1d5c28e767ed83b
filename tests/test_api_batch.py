"""POST /api/v1/batch: many filings in one request, with the spreadsheet upload's rules; 202 at
once, then GET the status with per-row results."""

from __future__ import annotations

import datetime
import uuid

import pytest

from tests.test_api_support import (
    TODAY,
    assert_error,
    count,
    drain_batches,
    fresh_citizen_id,
    key_headers,
    known_ids,
    new_key,
)


@pytest.fixture(scope="module", autouse=True)
def _no_queued_batches_left_behind(app):
    yield
    drain_batches(app)


@pytest.fixture
def keys(app, snapshot):
    return snapshot("test_api_batch.keys", lambda: {
        "a": new_key(app, known_ids(app)["unit_in"], by="employer", name="批量系统"),
        "b": new_key(app, known_ids(app)["unit_out"], name="外单位批量")})


@pytest.fixture
def key_a(keys):
    return keys["a"]


@pytest.fixture
def key_b(keys):
    return keys["b"]


@pytest.fixture
def api(app):
    return app.test_client()


def hire_row(**overrides) -> dict:
    row = {"citizen_id": fresh_citizen_id(base=datetime.date(1966, 1, 1)), "name": "批量接口",
           "employment_form": "FT", "start_date": TODAY.isoformat(), "contract_type": "OPEN"}
    row.update(overrides)
    return row


def process(app, batch_id):
    from app.extensions import db
    from app.services.bulk.processing import process_batch

    with app.test_request_context():
        process_batch(batch_id)
        db.session.remove()


def post_batch(api, key, rows, **extra):
    response = api.post("/api/v1/batch/", headers=key_headers(key),
                        json={"filing_type": "HIRE", "rows": rows, **extra})
    assert response.status_code == 202, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status_url"].endswith(f"/api/v1/batch/{body['id']}")
    return body


def test_all_or_nothing_batch_files_nothing_when_a_row_is_wrong(app, api, key_a):
    from app.models.filings import Filing

    rows = [hire_row(), hire_row(start_date="2026-13-01"), hire_row()]
    accepted = post_batch(api, key_a, rows)
    assert accepted["status"] == "QUEUED"
    before = count(app, Filing)
    process(app, accepted["id"])
    status = api.get(f"/api/v1/batch/{accepted['id']}", headers=key_headers(key_a)).get_json()
    assert status["total"] == 3 and status["invalid"] == 1 and status["filed"] == 0
    bad = [r for r in status["rows"] if r["errors"]]
    assert [r["row"] for r in bad] == [2]
    assert bad[0]["errors"][0]["code"] and bad[0]["errors"][0]["message_zh"]
    assert count(app, Filing) == before


def test_valid_only_batch_files_the_valid_rows_with_receipts(app, api, key_a):
    rows = [hire_row(), hire_row(citizen_id="123"), hire_row()]
    accepted = post_batch(api, key_a, rows, mode="valid_only")
    process(app, accepted["id"])
    status = api.get(f"/api/v1/batch/{accepted['id']}", headers=key_headers(key_a)).get_json()
    assert status["filed"] == 2 and status["progress"] == 100
    filed = [r for r in status["rows"] if r["filing_id"]]
    assert len(filed) == 2 and all(r["receipt_number"] for r in filed)
    one = api.get(f"/api/v1/filing/{filed[0]['filing_id']}", headers=key_headers(key_a))
    assert one.status_code == 200


def test_a_retried_batch_with_the_same_idempotency_key_is_one_batch(app, api, key_a):
    from app.models.bulk import BulkBatch

    rows = [hire_row()]
    h = key_headers(key_a, **{"Idempotency-Key": str(uuid.uuid4())})
    first = api.post("/api/v1/batch/", json={"filing_type": "HIRE", "rows": rows}, headers=h)
    before = count(app, BulkBatch)
    second = api.post("/api/v1/batch/", json={"filing_type": "HIRE", "rows": rows}, headers=h)
    assert first.status_code == second.status_code == 202
    assert first.get_json()["id"] == second.get_json()["id"]
    assert count(app, BulkBatch) == before


def test_another_units_batch_is_not_found(app, api, key_a, key_b):
    theirs = post_batch(api, key_b, [hire_row(citizen_id=fresh_citizen_id(
        "320211", datetime.date(1967, 1, 1)))])
    assert_error(api.get(f"/api/v1/batch/{theirs['id']}", headers=key_headers(key_a)), 404,
                 "BATCH_NOT_FOUND")
    assert_error(api.get(f"/api/v1/batch/{2**31 - 1}", headers=key_headers(key_a)), 404)


@pytest.mark.parametrize("body,code,status", [
    ({"filing_type": "HIRE", "rows": []}, "INVALID_LENGTH", 422),
    ({"filing_type": "FIRE", "rows": [{}]}, "INVALID_CHOICE", 422),
    ({"filing_type": "HIRE", "rows": [{"citizen_id": "1", "shoe_size": "42"}]},
     "BULK_FIELD_UNKNOWN", 422),
    ({"filing_type": "HIRE", "rows": [{"name": True}]}, "INVALID_STRING", 422),
    ({"filing_type": "HIRE", "rows": "all of them"}, "INVALID_LIST", 422),
    ({"filing_type": "HIRE", "rows": [{"name": "x"}], "mode": "some"}, "INVALID_CHOICE", 422),
])
def test_bad_batch_requests_are_4xx_and_create_no_batch(app, api, key_a, body, code, status):
    from app.models.bulk import BulkBatch

    before = count(app, BulkBatch)
    assert_error(api.post("/api/v1/batch/", json=body, headers=key_headers(key_a)), status, code)
    assert count(app, BulkBatch) == before


def test_a_batch_for_another_unit_is_refused(app, api, key_a):
    from app.models.bulk import BulkBatch

    before = count(app, BulkBatch)
    response = api.post("/api/v1/batch/", headers=key_headers(key_a), json={
        "filing_type": "HIRE", "rows": [hire_row()], "unit_id": known_ids(app)["unit_out"]})
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code, field="unit_id")
    assert count(app, BulkBatch) == before


def test_batch_termination_rows_name_the_worker_by_id_number(app, api, key_a):
    cid = fresh_citizen_id(base=datetime.date(1968, 1, 1))
    hired = post_batch(api, key_a, [hire_row(citizen_id=cid, name="批量退工")])
    process(app, hired["id"])
    response = api.post("/api/v1/batch/", headers=key_headers(key_a), json={
        "filing_type": "TERMINATION", "rows": [{
            "citizen_id": cid, "name": "批量退工", "end_date": TODAY.isoformat(),
            "termination_reason": "A37"}]})
    assert response.status_code == 202
    process(app, response.get_json()["id"])
    status = api.get(response.get_json()["status_url"].split("localhost")[-1],
                     headers=key_headers(key_a)).get_json()
    assert status["filed"] == 1, status
