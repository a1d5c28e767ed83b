"""REST API under gunicorn: single filing creation and single read with 8 concurrent clients
(requests/s and p95), against FAB's plain ModelRestApi list endpoint of a small table (code
list) measured in the same run; and a 2,000-row batch end to end (POST, processing, polling until
done).

    python benchmarks/api.py [--size 400] [--batch-rows 2000] [--database-url URL]

Targets (issue "REST API"): ≥ 100 reads/s and ≥ 40 creations/s at p95 ≤ 200 ms; 2,000-row
batch ≤ 5 s. Rate limits are off (TestConfig), as a load test of one key would hit them."""

from __future__ import annotations

import datetime
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import ROOT, parser, percentile, throwaway_app

CLIENTS = 8
_HERE = Path(__file__).resolve().parent


def _fab_list_api():
    """FAB's plain ModelRestApi of a small table (the baseline): JWT via @protect, rison."""
    from flask_appbuilder.api import ModelRestApi
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from app.models.codes import ContractType

    class BenchContractTypeApi(ModelRestApi):
        datamodel = SQLAInterface(ContractType)
        resource_name = "bench_contract_type"
        include_route_methods = {"get_list"}
        list_columns = ["code", "name"]

    return BenchContractTypeApi


def wsgi():
    """The gunicorn entry point: the app on the benchmark's database, plus the baseline API."""
    from app import create_app
    from config import TestConfig

    config = type("BenchConfig", (TestConfig,),
                  {"SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URI"]})
    app = create_app(config)
    with app.app_context():
        from app.extensions import appbuilder

        appbuilder.add_api(_fab_list_api())
    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(conn, method, path, headers, body=None):
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data, (time.perf_counter() - started) * 1000


def load(port, make_request, total: int, clients: int = CLIENTS):
    """`total` requests from `clients` threads (keep-alive connections): (rps, p95, errors)."""
    counter = itertools.count()
    timings, errors = [], []
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            i = next(counter)
            if i >= total:
                break
            method, path, headers, body, ok = make_request(i)
            status, data, ms = _request(conn, method, path, headers, body)
            with lock:
                timings.append(ms)
                if status not in ok:
                    errors.append((status, data[:300]))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return total / elapsed, percentile(timings, 95), errors


def main() -> None:
    p = parser(__doc__.splitlines()[0], default_size=400)
    p.add_argument("--batch-rows", type=int, default=2000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    args = p.parse_args()

    with throwaway_app(args.database_url, units=60, persons=500) as app:
        from sqlalchemy import select

        from app.domain.identifiers import make_citizen_id
        from app.extensions import appbuilder, db
        from app.models.units import Unit, UnitStatus
        from app.services.actor import Actor
        from app.services.api import keys as key_service

        with app.app_context():
            appbuilder.add_api(_fab_list_api())
            appbuilder.sm.sync_roles()  # the baseline API's permissions (Admin gets them)
            unit_id = db.session.scalar(select(Unit.id).where(Unit.status == UnitStatus.ACTIVE)
                                        .order_by(Unit.id))
            admin = appbuilder.sm.find_user(username="admin")
            _, key = key_service.create_key(Actor.of(admin), unit_id, "benchmark")
            db.session.remove()
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        port = _free_port()
        env = {**os.environ, "BENCH_DATABASE_URI": url, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--chdir", str(_HERE), "-k", "gthread",
             "-w", str(args.workers), "--threads", str(args.threads), "-b",
             f"127.0.0.1:{port}", "--log-level", "warning", "api:wsgi()"],
            env=env, cwd=str(ROOT), start_new_session=True)
        try:
            _wait(port)
            _run(app, port, key, args, make_citizen_id)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def _wait(port) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            status, _, _ = _request(conn, "GET", "/api/v1/_openapi", {})
            if status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def _run(app, port, key, args, make_citizen_id) -> None:
    from app.extensions import db
    from app.services.bulk.processing import process_batch

    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def one(method, path, headers, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            return _request(conn, method, path, headers, body)
        finally:
            conn.close()

    status, data, _ = one( "POST", "/api/v1/security/login",
                               {"Content-Type": "application/json"},
                               json.dumps({"username": "admin", "password": "Beian@2026demo",
                                           "provider": "db"}))
    assert status == 200, data
    jwt = {"Authorization": f"Bearer {json.loads(data)['access_token']}"}
    today = datetime.date.today().isoformat()
    births = itertools.count()

    def hire_body():
        n = next(births)
        number = make_citizen_id("320213", datetime.date(1975, 1, 1)
                                 + datetime.timedelta(days=n // 900), n % 900 + 50)
        return json.dumps({"citizen_id": number, "name": "压测", "start_date": today,
                           "contract_type": "OPEN"})

    # Warm up every worker and endpoint.
    load(port, lambda i: ("GET", "/api/v1/bench_contract_type/", jwt, None, {200}), 40)
    load(port, lambda i: ("GET", "/api/v1/unit/", auth, None, {200}), 40)

    size = args.size
    base_rps, base_p95, base_err = load(
        port, lambda i: ("GET", "/api/v1/bench_contract_type/", jwt, None, {200}), size)
    print(f"baseline_fab_list_rps: {base_rps:.1f} req/s")
    print(f"baseline_fab_list_p95: {base_p95:.1f} ms")

    created_ids = []
    create_lock = threading.Lock()

    def create(i):
        return "POST", "/api/v1/filing/hire", auth, hire_body(), {201}

    create_rps, create_p95, create_err = load(port, create, size // 2)
    print(f"create_rps: {create_rps:.1f} req/s")
    print(f"create_p95: {create_p95:.1f} ms")
    print(f"create_ratio_to_baseline_rps: {create_rps / base_rps:.2f}")

    listing = json.loads(one("GET", "/api/v1/filing/?page_size=100", auth)[1])
    with create_lock:
        created_ids.extend(f["id"] for f in listing["result"])
    read_rps, read_p95, read_err = load(
        port, lambda i: ("GET", f"/api/v1/filing/{created_ids[i % len(created_ids)]}", auth,
                         None, {200}), size)
    print(f"read_rps: {read_rps:.1f} req/s")
    print(f"read_p95: {read_p95:.1f} ms")
    print(f"read_ratio_to_baseline_rps: {read_rps / base_rps:.2f}")

    # A batch end to end: POST, processing (what the scheduler job runs), poll until done.
    rows = []
    for _ in range(args.batch_rows):
        body = json.loads(hire_body())
        rows.append({"citizen_id": body["citizen_id"], "name": "批量压测",
                     "employment_form": "FT", "start_date": today, "contract_type": "OPEN"})
    payload = json.dumps({"filing_type": "HIRE", "rows": rows})
    started = time.perf_counter()
    status, data, post_ms = one("POST", "/api/v1/batch/", auth, payload)
    assert status == 202, data[:500]
    batch_id = json.loads(data)["id"]
    with app.app_context():
        process_batch(batch_id)
        db.session.remove()
    while True:
        status, data, _ = one("GET", f"/api/v1/batch/{batch_id}", auth)
        state = json.loads(data)
        if state.get("done") or state.get("progress") == 100:
            break
        time.sleep(0.05)
    batch_seconds = time.perf_counter() - started
    print(f"batch_{args.batch_rows}_post: {post_ms:.0f} ms")
    print(f"batch_{args.batch_rows}_end_to_end: {batch_seconds:.2f} s "
          f"(filed {state.get('filed')}, invalid {state.get('invalid')})")
    errors = base_err + create_err + read_err
    print(f"errors: {len(errors)}" + (f" first {errors[0]}" if errors else ""))


if __name__ == "__main__":
    main()
