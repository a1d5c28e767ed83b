"""The scheduler and the document queue: APScheduler runs only in `flask beian scheduler`; each
job run is claimed exactly once (a unique row, on SQLite and PostgreSQL); two workers never render
the same document; a dead renderer's document goes back to the queue."""

from __future__ import annotations

import datetime
import doctest
import gc
import os
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select, update

from app.domain.documents import DocumentStatus
from tests.factories import hire

TODAY = datetime.date.today()
ROOT = Path(__file__).resolve().parent.parent


def in_threads(app, count, work):
    """Run work(i) in `count` threads at once, each with its own app context and session."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        try:
            with app.app_context():
                barrier.wait()
                results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


# -- job claims ----------------------------------------------------------------------------------

def test_two_claims_of_the_same_job_run_one_wins(app):
    from app.services.claims import claim_run

    with app.app_context():
        assert claim_run("test.job", "2026-01-01T00:00:00", "scheduler-a") is True
        assert claim_run("test.job", "2026-01-01T00:00:00", "scheduler-b") is False
        assert claim_run("test.job", "2026-01-01T00:01:00", "scheduler-b") is True
        assert claim_run("other.job", "2026-01-01T00:00:00", "scheduler-b") is True


def test_a_lost_claim_makes_no_database_error(app):
    """The loser's INSERT does nothing instead of failing, so PostgreSQL logs no 'duplicate
    key' ERROR for each lost claim of each scheduler."""
    from sqlalchemy import event

    from app.extensions import db
    from app.services.claims import claim_run

    errors = []
    with app.app_context():
        engine = db.engine
        listener = lambda context: errors.append(context.original_exception)  # noqa: E731
        event.listen(engine, "handle_error", listener)
        try:
            assert claim_run("quiet.job", "2026-01-01T00:00:00", "scheduler-a") is True
            assert claim_run("quiet.job", "2026-01-01T00:00:00", "scheduler-b") is False
        finally:
            event.remove(engine, "handle_error", listener)
    assert errors == []


def test_concurrent_claims_of_the_same_run_one_wins(app):
    from app.models.documents import JobClaim
    from app.services.claims import claim_run

    results = in_threads(app, 4, lambda i: claim_run("race.job", "K1", f"scheduler-{i}"))
    assert sorted(results) == [False, False, False, True]
    with app.app_context():
        from app.extensions import db

        assert db.session.scalar(select(func.count(JobClaim.id)).where(
            JobClaim.job_name == "race.job")) == 1


def test_a_scheduled_job_runs_once_per_window_whoever_fires_it(app):
    from app.jobs import Job
    from app.jobs.scheduler import run_claimed

    calls = []
    job = Job("test.window", lambda: calls.append(1) or {"ran": 1}, 60)
    at = datetime.datetime(2030, 5, 6, 7, 8, 9)
    assert run_claimed(app, job, at) == {"ran": 1}
    assert run_claimed(app, job, at + datetime.timedelta(seconds=30)) is None   # same minute
    assert run_claimed(app, job, at + datetime.timedelta(seconds=60)) == {"ran": 1}
    assert len(calls) == 2


def test_run_key_doctests():
    import app.jobs

    assert doctest.testmod(app.jobs).failed == 0


# -- the document queue --------------------------------------------------------------------------

def test_two_workers_never_render_the_same_document(app, known):
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render

    with app.app_context():
        doc_render.render_pending()  # start from an empty queue
        filings = [hire(known["unit_in"]) for _ in range(6)]
        for filing in filings:
            doc_queue.request_document(filing)
        wanted = {doc_queue.document_of(f.id).id for f in filings}

    def drain(i):
        claimed = []
        while (doc_id := doc_queue.claim_next(f"worker-{i}")) is not None:
            claimed.append(doc_id)
        return claimed

    first, second = in_threads(app, 2, drain)
    assert not set(first) & set(second)
    assert set(first) | set(second) == wanted
    assert len(first) + len(second) == len(wanted)


def test_a_claimed_document_cannot_be_claimed_again(app, known):
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render

    with app.app_context():
        doc_render.render_pending()
        filing = hire(known["unit_in"])
        doc_id = doc_queue.request_document(filing).id
        assert doc_queue.claim_next("worker-a") == doc_id
        assert doc_queue.claim_next("worker-b") is None
        from app.extensions import db

        document = db.session.get(Document, doc_id)
        db.session.refresh(document)
        assert document.status == DocumentStatus.RENDERING and document.claimed_by == "worker-a"
        # Only the claimant may store the result.
        assert doc_render.render_claimed(doc_id, "worker-b") is False
        assert doc_render.render_claimed(doc_id, "worker-a") is True
        db.session.refresh(document)
        assert document.status == DocumentStatus.READY


def test_two_render_processes_render_each_document_once(app, known):
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render

    with app.app_context():
        doc_render.render_pending()
        ids = [doc_queue.request_document(hire(known["unit_in"])).id for _ in range(4)]
    results = in_threads(app, 2, lambda i: doc_render.render_pending(worker=f"proc-{i}"))
    assert sum(r["rendered"] for r in results) == 4
    assert all(r["failed"] == 0 for r in results)
    with app.app_context():
        from app.extensions import db

        rows = db.session.execute(select(Document.status, Document.attempts)
                                  .where(Document.id.in_(ids))).all()
        assert rows == [(DocumentStatus.READY, 1)] * 4


def test_a_renderer_that_died_gives_its_document_back_to_the_queue(app, known):
    from app.extensions import db
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render

    with app.app_context():
        doc_render.render_pending()
        doc_id = doc_queue.request_document(hire(known["unit_in"])).id
        assert doc_queue.claim_next("crashed-worker") == doc_id
        db.session.execute(Document.__table__.update().where(Document.id == doc_id).values(
            claimed_at=datetime.datetime.now() - datetime.timedelta(hours=1),
            lease_until=datetime.datetime.now() - datetime.timedelta(minutes=59)))  # ran out
        db.session.commit()
        assert doc_queue.requeue_stale() == 1
        assert doc_render.render_pending() == {"rendered": 1, "failed": 0}


def test_a_document_that_keeps_failing_is_marked_failed_with_the_error(app, known):
    from app.extensions import db
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render

    with app.app_context():
        doc_render.render_pending()
        doc_id = doc_queue.request_document(hire(known["unit_in"])).id
        saved = {k: app.config.get(k) for k in ("BEIAN_SIGNING_KEY", "BEIAN_SIGNING_CERT")}
        app.config.update(BEIAN_SIGNING_KEY="/nonexistent/key.pem",
                          BEIAN_SIGNING_CERT="/nonexistent/cert.pem")
        try:
            result = doc_render.render_pending()
        finally:
            app.config.update(saved)
        assert result == {"rendered": 0, "failed": doc_queue.MAX_ATTEMPTS}
        document = db.session.get(Document, doc_id)
        db.session.refresh(document)
        assert document.status == DocumentStatus.FAILED
        assert "FileNotFoundError" in document.error
        # Asking for it again puts it back in the queue.
        doc_queue.request_document(document.filing)
        assert doc_render.render_pending() == {"rendered": 1, "failed": 0}


def test_the_scheduler_job_enqueues_filed_filings_without_a_document(app, known):
    from app.jobs.documents import enqueue_documents
    from app.services.documents import queue as doc_queue

    with app.app_context():
        doc_queue.enqueue_missing(limit=10**7)  # whatever other tests filed (a bulk upload: thousands)
        filing = hire(known["unit_in"])
        assert doc_queue.document_of(filing.id) is None
        assert enqueue_documents()["enqueued"] >= 1
        assert doc_queue.document_of(filing.id).status == DocumentStatus.QUEUED
        assert enqueue_documents()["enqueued"] == 0


def _queued_in_claim_order() -> list[int]:
    from app.extensions import db
    from app.models.documents import Document

    return list(db.session.scalars(
        select(Document.filing_id).where(Document.status == DocumentStatus.QUEUED)
        .order_by(Document.priority.desc(), Document.id)))


def test_a_document_someone_waits_for_is_rendered_before_the_backlog(app, known):
    from app.extensions import db
    from app.jobs.documents import enqueue_documents
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue

    with app.app_context():
        doc_queue.enqueue_missing(limit=10**7)  # whatever other tests filed
        backlog = [hire(known["unit_in"]) for _ in range(3)]
        enqueue_documents()  # the safety net queues the backlog
        waited_for = hire(known["unit_in"])
        doc_queue.request_document(waited_for)  # the employer clicks "download"
        order = _queued_in_claim_order()
        assert order.index(waited_for.id) < min(order.index(f.id) for f in backlog)
        # Asking for a document already queued in the backlog moves it up too.
        doc_queue.request_document(backlog[2])
        order = _queued_in_claim_order()
        assert order.index(backlog[2].id) < order.index(backlog[0].id)
        # The claim follows that order: the first claim is a waited-for document.
        doc_id = doc_queue.claim_next("test-priority")
        claimed = db.session.get(Document, doc_id)
        assert claimed.priority == doc_queue.PRIORITY_WAITING
        claimed.status = DocumentStatus.QUEUED  # leave the queue as it was
        db.session.commit()


def test_a_batch_download_goes_before_the_backlog_but_after_single_requests(app, known):
    from app.extensions import appbuilder
    from app.jobs.documents import enqueue_documents
    from app.services.actor import Actor
    from app.services.documents import batches as doc_batches
    from app.services.documents import queue as doc_queue

    with app.app_context():
        doc_queue.enqueue_missing(limit=10**7)  # whatever other tests filed
        backlog = hire(known["unit_in"])
        enqueue_documents()
        single = hire(known["unit_in"])
        batch = [hire(known["unit_in"]) for _ in range(2)]
        employer = Actor.of(appbuilder.sm.find_user(username="employer"))
        doc_batches.create_batch(employer, [f.id for f in batch])
        doc_queue.request_document(single)
        order = _queued_in_claim_order()
        assert order.index(single.id) < order.index(batch[0].id) < order.index(backlog.id)


def test_the_safety_net_leaves_old_history_to_on_demand_rendering(app, known):
    from app.extensions import db
    from app.services.documents import queue as doc_queue

    with app.app_context():
        old, recent = hire(known["unit_in"]), hire(known["unit_in"])
        old.filed_at = datetime.datetime.now() - datetime.timedelta(days=400)
        db.session.commit()
        doc_queue.enqueue_missing(within_days=30)
        assert doc_queue.document_of(old.id) is None
        assert doc_queue.document_of(recent.id) is not None
        doc_queue.request_document(old)  # someone asks: it is rendered all the same
        assert doc_queue.document_of(old.id).priority == doc_queue.PRIORITY_WAITING


def test_render_pending_command_renders_the_queue(app, known):
    from app.services.documents import queue as doc_queue

    with app.app_context():
        filing = hire(known["unit_in"])
        doc_queue.request_document(filing)
        filing_id = filing.id
    result = app.test_cli_runner().invoke(args=["beian", "documents", "render-pending"])
    assert result.exit_code == 0, result.output
    assert "rendered:" in result.output
    with app.app_context():
        assert doc_queue.document_of(filing_id).status == DocumentStatus.READY


def test_the_render_pool_renders_the_queue_once_with_two_processes(app, known, database_url):
    """`flask beian documents work --processes 2 --once` in its own process (it forks): every
    queued document is rendered exactly once, by one of the two workers."""
    from app.extensions import db
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue

    with app.app_context():
        # Whatever other tests left queued goes behind ours (each worker renders two).
        db.session.execute(update(Document).where(Document.status == DocumentStatus.QUEUED)
                           .values(priority=-1))
        db.session.commit()
        filings = [hire(known["unit_in"]) for _ in range(4)]
        for filing in filings:
            doc_queue.request_document(filing)
        ids = [f.id for f in filings]
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "run",
           "BEIAN_SIGN_DOCUMENTS": "0"}
    out = subprocess.run([sys.executable, "-m", "flask", "beian", "documents", "work",
                          "--processes", "2", "--once", "--limit", "2"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [line for line in out.stdout.splitlines() if line.startswith("render-")]
    assert len(lines) == 2, out.stdout
    with app.app_context():
        db.session.expire_all()
        documents = list(db.session.scalars(select(Document).where(Document.filing_id.in_(ids))))
        assert {d.status for d in documents} == {DocumentStatus.READY}
        assert all(d.attempts == 1 for d in documents)  # each rendered once
        assert {d.claimed_by.split(":")[0] for d in documents} <= {"render-0", "render-1"}


def test_signing_cert_command_prints_the_certificate(app):
    result = app.test_cli_runner().invoke(args=["beian", "documents", "signing-cert"])
    assert result.exit_code == 0 and "BEGIN CERTIFICATE" in result.output


# -- where APScheduler runs ----------------------------------------------------------------------

def test_the_scheduler_has_the_jobs_and_the_safety_settings(app):
    from app.jobs.scheduler import build_scheduler
    from app.services.documents.queue import ENQUEUE_JOB, RENDER_JOB

    scheduler = build_scheduler(app)
    assert not scheduler.running
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {RENDER_JOB, ENQUEUE_JOB} <= set(jobs)  # and each capability's own (app.jobs.JOB_MODULES)
    for job in jobs.values():
        assert job.misfire_grace_time >= 3600
        assert job.coalesce is True
        assert job.max_instances == 1
    assert jobs[RENDER_JOB].trigger.interval.total_seconds() <= 10


def test_the_web_app_starts_no_scheduler(app):
    """create_app() (every web worker) must not start APScheduler: in this test process…"""
    from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler

    running = [obj for obj in gc.get_objects()
               if isinstance(obj, BaseScheduler) and obj.state != STATE_STOPPED]
    assert running == []
    names = [t.name for t in threading.enumerate()]
    assert not any("APScheduler" in n or "apscheduler" in n.lower() for n in names), names


def test_create_app_in_a_fresh_process_starts_no_thread(tmp_path):
    """…and in a fresh process, where nothing else could have started a thread."""
    code = (
        "import threading, sys\n"
        "from config import TestConfig\n"
        "from app import create_app\n"
        f"url = 'sqlite:///{tmp_path}/fresh.db'\n"
        "app = create_app(type('C', (TestConfig,), {'SQLALCHEMY_DATABASE_URI': url}))\n"
        "print(threading.active_count(), 'apscheduler.schedulers.blocking' in sys.modules)\n"
    )
    env = {**os.environ, "BEIAN_INSTANCE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["1", "False"]
