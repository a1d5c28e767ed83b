"""Leases (BEIAN_LEASE_SECONDS): a batch, a document render and a scheduled job run are held by a
lease its worker renews; a dead worker's work is taken over once the lease has run out, by one
worker only, and done exactly once — even if the "dead" worker wakes up and carries on.
The lease here is one second; the tests assert what was done, and how often, not times."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from sqlalchemy import func, select

from tests.factories import actor, hire
from tests.factories import unit as new_unit
from tests.test_bulk_helpers import hire_rows

LEASE = 1


@pytest.fixture
def short_lease(app, monkeypatch):
    monkeypatch.setitem(app.config, "BEIAN_LEASE_SECONDS", LEASE)
    with app.app_context():
        yield
        from app.extensions import db

        db.session.rollback()


def in_thread(app, work):
    """Run work() as another worker (its own thread: its own worker name and session)."""
    out, errors = [], []

    def run():
        try:
            with app.app_context():
                out.append(work())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert not errors, errors
    return out[0]


def until(condition, seconds: float = 10.0):
    """Poll `condition()` until it is true (the lease runs out meanwhile)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("never happened")


# -- bulk batches ---------------------------------------------------------------------------------

def test_a_dead_workers_batch_is_finished_by_another_once(app, short_lease):
    from app.extensions import db
    from app.models.bulk import BatchStatus, BulkBatch, BulkRow
    from app.models.filings import Filing
    from app.services.bulk import processing
    from app.services.bulk.upload import submit_rows

    rows = 6
    batch = submit_rows(actor=actor("district"), unit_id=new_unit().id,
                        filing_type="HIRE", rows=hire_rows(rows))
    batch_id = batch.id
    # Worker A claims the batch and dies (never renews its lease, never finishes).
    assert in_thread(app, lambda: processing.claim(batch_id, BatchStatus.QUEUED,
                                                   BatchStatus.VALIDATING))
    assert processing.process_batch(batch_id).status == BatchStatus.VALIDATING  # still A's
    # Once the lease has run out, worker B takes it over and files it.
    until(lambda: processing.process_queued()["processed"])
    assert processing.process_batch(batch_id).status == BatchStatus.FILED
    # A wakes up and carries on: its lease is gone, its work is undone.
    in_thread(app, lambda: processing._run_phase(batch_id, processing._validate))
    db.session.expire_all()
    assert db.session.get(BulkBatch, batch_id).status == BatchStatus.FILED
    filed = list(db.session.execute(
        select(BulkRow.filing_id).where(BulkRow.batch_id == batch_id)).scalars())
    assert len(filed) == rows and None not in filed and len(set(filed)) == rows
    assert db.session.scalar(select(func.count()).select_from(Filing).where(
        Filing.unit_id == batch.unit_id)) == rows  # every row filed once


def test_a_live_worker_keeps_its_batch_by_its_heartbeat(app, short_lease):
    from app.models.bulk import BatchStatus
    from app.services.bulk import processing
    from app.services.bulk.upload import submit_rows

    batch_id = submit_rows(actor=actor("district"), unit_id=new_unit().id, filing_type="HIRE",
                           rows=hire_rows(1)).id

    def hold():
        assert processing.claim(batch_id, BatchStatus.QUEUED, BatchStatus.VALIDATING)
        heartbeat = processing._heartbeat(batch_id)
        for _ in range(6):  # 1.5 leases of work, beating between "chunks"
            time.sleep(LEASE / 4)
            heartbeat.beat()
        return True

    holder = threading.Thread(target=lambda: in_thread(app, hold))
    holder.start()
    time.sleep(LEASE * 1.2)
    assert not processing.claim(batch_id, BatchStatus.QUEUED, BatchStatus.VALIDATING)
    holder.join(30)


# -- documents ------------------------------------------------------------------------------------

def test_a_dead_renderers_document_is_rendered_by_another_once(app, short_lease, known):
    from app.extensions import db
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render

    doc_render.render_pending()
    doc_id = doc_queue.request_document(hire(known["unit_in"])).id
    assert doc_queue.claim_next("dead-renderer") == doc_id   # and it dies
    assert doc_queue.claim_next("renderer-b") is None        # held by the lease
    until(lambda: doc_queue.claim_next("renderer-b") == doc_id)
    assert doc_render.render_claimed(doc_id, "renderer-b")
    # The dead renderer wakes up: its render is not stored over B's.
    assert not doc_render.render_claimed(doc_id, "dead-renderer")
    assert doc_queue.claim_next("renderer-c") is None
    db.session.expire_all()
    document = db.session.get(Document, doc_id)
    assert (document.status.name, document.claimed_by, document.attempts) == (
        "READY", "renderer-b", 2)


# -- scheduled job runs ---------------------------------------------------------------------------

def test_a_dead_schedulers_run_is_run_again_by_another_once(app, short_lease):
    from app.extensions import db
    from app.jobs import Job
    from app.jobs.scheduler import recover_runs, run_claimed
    from app.models.documents import JobClaim
    from app.services.claims import claim_run

    calls = []
    job = Job("test.lease", lambda: calls.append(1) or {"ran": 1}, 60)
    key = "2031-01-01T00:00:00"
    assert claim_run(job.name, key, "dead-scheduler")  # and it dies before finishing
    assert recover_runs(app, {job.name: job}) == 0     # its lease still holds
    time.sleep(LEASE + 0.2)
    recovered = [0, 0]

    def recover(i):
        recovered[i] = in_thread(app, lambda: recover_runs(app, {job.name: job}))

    threads = [threading.Thread(target=recover, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(recovered) == [0, 1] and calls == [1]  # run again, once
    assert recover_runs(app, {job.name: job}) == 0       # a finished run is never re-run
    db.session.expire_all()
    run = db.session.scalar(select(JobClaim).where(JobClaim.job_name == job.name))
    assert run.finished_at is not None and run.run_key == key

    # A run that finished is not run again after its lease time either.
    at = datetime.datetime(2031, 1, 2, 0, 0)
    assert run_claimed(app, job, at) == {"ran": 1}
    time.sleep(LEASE + 0.2)
    assert recover_runs(app, {job.name: job}) == 0 and calls == [1, 1]


KILLED_SCHEDULER = """
import datetime, time
from config import TestConfig
from app import create_app
from app.jobs import Job
from app.jobs.scheduler import run_claimed

app = create_app(type("C", (TestConfig,), {{"SQLALCHEMY_DATABASE_URI": {url!r},
                                          "BEIAN_LEASE_SECONDS": {lease}}}))

def forever():
    print("running", flush=True)
    time.sleep(600)
    return {{}}

run_claimed(app, Job("test.killed", forever, 60), datetime.datetime(2032, 1, 1))
"""


def test_a_scheduler_killed_mid_run_is_replaced_once(app, short_lease, database_url, tmp_path):
    """A scheduler process runs a job (its heartbeat thread keeps the lease while it lives) and
    is killed with SIGKILL: another scheduler runs the job again, once."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from app.jobs import Job
    from app.jobs.scheduler import recover_runs

    calls = []
    job = {"test.killed": Job("test.killed", lambda: calls.append(1) or {"ran": 1}, 60)}
    env = {**os.environ, "BEIAN_INSTANCE_DIR": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_SCHEDULER.format(url=database_url, lease=LEASE)],
        cwd=Path(__file__).resolve().parent.parent, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "running"
        time.sleep(LEASE * 2)  # longer than the lease: the heartbeat keeps it
        assert recover_runs(app, job) == 0 and calls == []
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    until(lambda: recover_runs(app, job))
    assert calls == [1]
    time.sleep(LEASE + 0.2)
    assert recover_runs(app, job) == 0 and calls == [1]
