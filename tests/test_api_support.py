"""Helpers shared by the REST API tests (no tests here): keys, JWTs, fresh workers, counts."""

from __future__ import annotations

import datetime
import itertools
import threading

from sqlalchemy import func, select

from app.domain.identifiers import make_citizen_id

PASSWORD = "Beian@2026demo"
TODAY = datetime.date.today()
_lock = threading.Lock()
_seq = itertools.count(1)


def fresh_citizen_id(region: str = "320213", base: datetime.date = datetime.date(1961, 3, 1)):
    """A valid, unused ID number (the API tests use birth dates from 1961 on; other modules
    use other ranges)."""
    with _lock:
        n = next(_seq)
    return make_citizen_id(region, base + datetime.timedelta(days=n * 3), n % 1000)


def hire_body(**overrides) -> dict:
    body = {"citizen_id": fresh_citizen_id(), "name": "接口测试", "start_date": TODAY.isoformat(),
            "contract_type": "FIXED",
            "contract_end": (TODAY + datetime.timedelta(days=3 * 365)).isoformat(),
            "job_title": "操作工"}
    body.update(overrides)
    return body


def user(app, username):
    from app.extensions import appbuilder

    with app.app_context():
        return appbuilder.sm.find_user(username=username)


def new_key(app, unit_id: int, *, by: str = "admin", name: str = "测试密钥",
            expires_at: datetime.datetime | None = None) -> str:
    """Create a key for a unit (by an administrator unless said otherwise); the raw key."""
    from app.extensions import appbuilder, db
    from app.services.actor import Actor
    from app.services.api import keys as key_service

    with app.app_context():
        actor = appbuilder.sm.find_user(username=by)
        _, raw = key_service.create_key(Actor.of(actor), unit_id, name, expires_at)
        db.session.remove()
    return raw


def key_headers(raw: str, **extra) -> dict:
    return {"Authorization": f"Bearer {raw}", **extra}


def jwt_for(app, username: str) -> str:
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]


def count(app, model, *where) -> int:
    from app.extensions import db

    with app.app_context():
        value = db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0
        db.session.remove()
        return value


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    assert response.status_code == status, (response.status_code,
                                            response.get_data(as_text=True)[:1500])
    body = response.get_json()
    assert body and body.get("errors"), body
    for item in body["errors"]:
        assert set(item) == {"code", "field", "message_zh", "message_en"}, item
        assert item["message_zh"] and item["message_en"]
    if code is not None:
        assert code in [e["code"] for e in body["errors"]], body
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body["errors"]


def serve(app):
    """Serve the app over real HTTP in a thread: (base URL, stop)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-test-server", daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    return f"http://127.0.0.1:{server.server_port}", stop


def known_ids(app) -> dict:
    """The conftest's known records, for module-scoped fixtures."""
    from app.models.people import Person
    from app.models.units import Unit
    from tests.conftest import KNOWN, pk_of

    with app.app_context():
        return {
            "unit_in": pk_of(Unit, credit_code=KNOWN["unit_in"]),
            "unit_out": pk_of(Unit, credit_code=KNOWN["unit_out"]),
            "unit_pending_in": pk_of(Unit, credit_code=KNOWN["unit_pending_in"]),
            "person_in": pk_of(Person, citizen_id=KNOWN["person_in"]),
            "person_out": pk_of(Person, citizen_id=KNOWN["person_out"]),
        }


def drain_batches(app) -> None:
    """Process every batch still queued (the scheduler's work), so a module leaves no queue
    behind for the next one."""
    from app.extensions import db
    from app.models.bulk import BatchStatus, BulkBatch
    from app.services.bulk.processing import process_batch

    with app.test_request_context():
        waiting = list(db.session.scalars(select(BulkBatch.id).where(BulkBatch.status.in_(
            (BatchStatus.QUEUED, BatchStatus.FILE_QUEUED)))))
        for batch_id in waiting:
            process_batch(batch_id)
        db.session.remove()
