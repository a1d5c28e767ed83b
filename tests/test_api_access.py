"""Access to the REST API as a matrix: every endpoint × every kind of caller (API key of unit A,
of unit B, revoked key, expired key, staff JWTs by level, employer and individual JWT, no
credentials, a logged-in browser session) × a record inside / outside the caller's reach.

Expectations are written out by hand, so a change that widens access fails here."""

from __future__ import annotations

import datetime
import re

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.test_api_support import (
    drain_batches,
    fresh_citizen_id,
    hire_body,
    jwt_for,
    known_ids,
    new_key,
)

# caller → (status for the record inside its reach, for the one outside); "ok" = the endpoint's
# success answer. unit_in is the employer's unit (梁溪区 崇安寺街道), unit_out lies in 滨湖区.
MATRIX = {
    "key_a": ("ok", 404),
    "key_b": (404, "ok"),
    "key_revoked": (401, 401),
    "key_expired": (401, 401),
    "jwt_admin": ("ok", "ok"),
    "jwt_city": ("ok", "ok"),
    "jwt_district": ("ok", 404),
    "jwt_street": ("ok", 404),
    "jwt_employer": ("ok", 404),
    "jwt_coordinator": (403, 403),
    "jwt_worker": (403, 403),
    "none": (401, 401),
    "session_employer": (401, 401),
    "session_admin": (401, 401),
}
# From the point of view of key_b, "inside" is unit_out: the rows below name the records by
# the unit they belong to, and the test swaps them for key_b.
OK = {"unit": 200, "employment": 200, "filing": 200, "document": {200, 202}, "person": 200,
      "batch": 200, "resubmit": 409, "hire": 201, "roster": 200}
# A refusal of a body naming a unit outside the caller's reach is 403 (UNIT_OUT_OF_JURISDICTION).
OUTSIDE_STATUS = {"hire": 403, "roster": 404}
# The coordinator may read units (like its web role), nothing else.
COORDINATOR_UNIT = ("ok", "ok")


@pytest.fixture(scope="module", autouse=True)
def _no_queued_batches_left_behind(app):
    yield
    drain_batches(app)


@pytest.fixture
def world(app, snapshot):
    """Records in unit_in and unit_out, and a credential of every kind (made once)."""
    return snapshot("test_api_access.world", lambda: _world(app))


def _world(app):
    from app.extensions import db
    from app.models.api import ApiKey
    from app.services.actor import Actor
    from app.services.api import keys as key_service

    ids = known_ids(app)
    client = app.test_client()
    keys = {"key_a": new_key(app, ids["unit_in"], by="employer", name="矩阵A"),
            "key_b": new_key(app, ids["unit_out"], name="矩阵B"),
            "key_revoked": new_key(app, ids["unit_in"], by="employer", name="矩阵撤销"),
            "key_expired": new_key(app, ids["unit_in"], by="employer", name="矩阵过期",
                                   expires_at=datetime.datetime.now()
                                   + datetime.timedelta(hours=1))}
    with app.app_context():
        from app.extensions import appbuilder

        revoked = db.session.scalars(select(ApiKey).where(ApiKey.name == "矩阵撤销")).one()
        key_service.revoke_key(Actor.of(appbuilder.sm.find_user(username="admin")), revoked.id)
        expired = db.session.scalars(select(ApiKey).where(ApiKey.name == "矩阵过期")).one()
        expired.expires_at = datetime.datetime.now() - datetime.timedelta(minutes=1)
        db.session.commit()
        db.session.remove()

    records = {}
    for side, key, region in (("in", keys["key_a"], "320213"), ("out", keys["key_b"], "320211")):
        cid = fresh_citizen_id(region, datetime.date(1970, 6, 1))
        filing = client.post("/api/v1/filing/hire", json=hire_body(citizen_id=cid),
                             headers={"Authorization": f"Bearer {key}"}).get_json()
        batch = client.post("/api/v1/batch/", headers={"Authorization": f"Bearer {key}"}, json={
            "filing_type": "HIRE", "rows": [{
                "citizen_id": fresh_citizen_id(region, datetime.date(1971, 6, 1)),
                "name": "矩阵批量", "employment_form": "FT",
                "start_date": datetime.date.today().isoformat(),
                "contract_type": "OPEN"}]}).get_json()
        records[side] = {"unit": ids[f"unit_{side}"], "filing": filing["id"],
                         "employment": filing["employment_id"], "citizen_id": cid,
                         "batch": batch["id"]}
    headers = {name: {"Authorization": f"Bearer {raw}"} for name, raw in keys.items()}
    for name in ("admin", "city", "district", "street", "employer", "coordinator", "worker"):
        headers[f"jwt_{name}"] = {"Authorization": f"Bearer {jwt_for(app, name)}"}
    headers["none"] = {}
    return {"records": records, "headers": headers}


def client_for_caller(app, caller):
    if caller == "session_employer":
        return login(app.test_client(), "employer")
    if caller == "session_admin":
        return login(app.test_client(), "admin")
    return app.test_client()


def call(client, kind, rec, headers):
    if kind == "unit":
        return client.get(f"/api/v1/unit/{rec['unit']}", headers=headers)
    if kind == "employment":
        return client.get(f"/api/v1/employment/{rec['employment']}", headers=headers)
    if kind == "filing":
        return client.get(f"/api/v1/filing/{rec['filing']}", headers=headers)
    if kind == "document":
        return client.get(f"/api/v1/filing/{rec['filing']}/document", headers=headers)
    if kind == "person":
        return client.post("/api/v1/person/search", json={"citizen_id": rec["citizen_id"]},
                           headers=headers)
    if kind == "batch":
        return client.get(f"/api/v1/batch/{rec['batch']}", headers=headers)
    if kind == "resubmit":  # the filing is FILED: allowed callers get 409, nobody changes it
        return client.post(f"/api/v1/filing/{rec['filing']}/resubmit", json={},
                           headers=headers)
    if kind == "roster":
        return client.get(f"/api/v1/employment/?unit_id={rec['unit']}", headers=headers)
    if kind == "hire":
        region = "320213"
        return client.post("/api/v1/filing/hire", headers=headers, json=hire_body(
            unit_id=rec["unit"], citizen_id=fresh_citizen_id(region, datetime.date(1972, 1, 1))))
    raise AssertionError(kind)


def expected(caller, kind, side):
    row = MATRIX[caller]
    if caller == "jwt_coordinator" and kind == "unit":
        row = COORDINATOR_UNIT
    value = row[0 if side == "in" else 1]
    if value == "ok":
        return OK[kind]
    if value == 404:
        return OUTSIDE_STATUS.get(kind, 404)
    return value


@pytest.mark.parametrize("kind", sorted(OK))
@pytest.mark.parametrize("caller", sorted(MATRIX))
def test_access_matrix(app, world, caller, kind):
    client = client_for_caller(app, caller)
    headers = world["headers"].get(caller, {})
    for side in ("in", "out"):
        response = call(client, kind, world["records"][side], headers)
        want = expected(caller, kind, side)
        allowed = want if isinstance(want, set) else {want}
        assert response.status_code in allowed, (
            caller, kind, side, response.status_code, response.get_data(as_text=True)[:400])
        if response.status_code >= 400:
            assert response.get_json()["errors"][0]["code"]


def test_lists_never_show_another_units_records(app, world):
    """Key A lists its unit's filings only, whatever filter it tries; key B sees none of A's."""
    client = app.test_client()
    records = world["records"]
    for caller, own, other in (("key_a", "in", "out"), ("key_b", "out", "in")):
        h = world["headers"][caller]
        listed = client.get("/api/v1/filing/?page_size=100", headers=h).get_json()
        assert records[own]["filing"] in [f["id"] for f in listed["result"]]
        assert {f["unit_id"] for f in listed["result"]} == {records[own]["unit"]}
        sneaky = client.get(f"/api/v1/filing/?unit_id={records[other]['unit']}",
                            headers=h).get_json()
        assert sneaky["count"] == 0
        units = client.get("/api/v1/unit/", headers=h).get_json()
        assert [u["id"] for u in units["result"]] == [records[own]["unit"]]


def test_district_staff_list_only_their_district(app, world):
    client = app.test_client()
    listed = client.get("/api/v1/filing/?page_size=100",
                        headers=world["headers"]["jwt_district"]).get_json()
    ids = [f["id"] for f in listed["result"]]
    assert world["records"]["out"]["filing"] not in ids


def test_the_openapi_document_needs_no_credentials(app):
    assert app.test_client().get("/api/v1/_openapi").status_code == 200


def test_key_pages_matrix(app, client_for):
    """The portal's API key page: employers only; the administrators' key list: admins only."""
    expected_portal = {"employer": 200, "admin": 404, "city": 403, "district": 403,
                       "street": 403, "coordinator": 403, "worker": 403}
    for name, status in expected_portal.items():
        assert client_for(name).get("/portal/api-keys/").status_code == status, name
    for name in ("city", "district", "street", "coordinator", "employer", "worker"):
        assert client_for(name).get("/apikeyadminview/list/").status_code == 403, name
        assert client_for(name).get("/apikeyadminview/create").status_code == 403, name
    assert client_for("admin").get("/apikeyadminview/list/").status_code == 200


def test_an_employer_cannot_revoke_another_units_key(app, client_for):
    from app.extensions import db
    from app.models.api import ApiKey

    ids = known_ids(app)
    new_key(app, ids["unit_out"], name="他人的密钥")
    with app.app_context():
        key = db.session.scalars(select(ApiKey).where(ApiKey.name == "他人的密钥")).one()
        key_id = key.id
        db.session.remove()
    response = client_for("employer").post(f"/portal/api-keys/{key_id}/revoke")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(ApiKey, key_id).revoked_at is None
        db.session.remove()


def test_an_administrator_revokes_any_units_key_from_the_key_list(app, client_for):
    from app.extensions import db
    from app.models.api import ApiKey

    raw = new_key(app, known_ids(app)["unit_out"], name="管理员撤销")
    with app.app_context():
        key_id = db.session.scalars(select(ApiKey).where(ApiKey.name == "管理员撤销")).one().id
        db.session.remove()
    admin = client_for("admin")
    assert "管理员撤销" in admin.get("/apikeyadminview/list/").get_data(as_text=True)
    response = admin.post("/apikeyadminview/action_post",
                          data={"action": "revoke", "rowid": [str(key_id)]})
    assert response.status_code == 302
    denied = app.test_client().get("/api/v1/unit/", headers={"Authorization": f"Bearer {raw}"})
    assert denied.status_code == 401
    page = admin.post("/apikeyadminview/create", data={
        "unit": str(known_ids(app)["unit_in"]), "name": "管理员创建"})
    assert re.search(r'id="new-key" value="bk_', page.get_data(as_text=True))
