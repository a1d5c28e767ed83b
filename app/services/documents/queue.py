"""The document queue: a web request only enqueues a document (one `document` row, QUEUED); a
renderer claims queued rows one at a time with an atomic UPDATE ... WHERE status='QUEUED', so
two renderers never render the same document. People waiting go first, then batches, then the
scheduler's backlog."""

from __future__ import annotations

import datetime

from flask import current_app
from sqlalchemy import and_, func, select, update
from sqlalchemy import true as sa_true
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.documents import (
    DOCUMENT_FILING_STATUSES,
    DOCUMENT_NOT_AVAILABLE,
    DocumentStatus,
    new_verification_code,
)
from app.domain.filings import FilingStatus
from app.extensions import db
from app.models.documents import Document, JobClaim
from app.models.filings import Filing
from app.services.claims import worker_name
from app.services.documents.agency import default_base_url
from app.services.leases import Heartbeat, expired, free_or_expired, lease_until
from app.services.transaction import transaction

MAX_ATTEMPTS = 3
PRIORITY_WAITING = 10  # a person asked for this document and is watching the progress bar
PRIORITY_BATCH = 5     # part of a batch ZIP someone is waiting for
PRIORITY_BACKLOG = 0   # enqueued by the scheduler's safety net
RENDER_JOB = "documents.render"
ENQUEUE_JOB = "documents.enqueue"


def now() -> datetime.datetime:
    return clock.now()


def document_of(filing_id: int) -> Document | None:
    return db.session.scalar(select(Document).where(Document.filing_id == filing_id))


def is_documentable(filing: Filing | None) -> bool:
    return filing is not None and filing.status in DOCUMENT_FILING_STATUSES


def insert_document(filing_id: int, base_url: str, priority: int = PRIORITY_BACKLOG) -> bool:
    """INSERT a queued document (inside the caller's transaction); False when one exists
    already (unique filing_id)."""
    for _ in range(3):  # a clash of random codes is astronomically rare; a clash of filing not
        try:
            with db.session.begin_nested():
                db.session.add(Document(filing_id=filing_id, status=DocumentStatus.QUEUED,
                                        verification_code=new_verification_code(),
                                        verify_base_url=base_url[:200], created_at=now(),
                                        priority=priority))
            return True
        except IntegrityError:
            if document_of(filing_id) is not None:
                return False
    raise RuntimeError("could not allocate a verification code")


def request_document(filing: Filing, *, base_url: str | None = None,
                     priority: int = PRIORITY_WAITING) -> Document:
    """The filing's document, enqueued if it has none yet (or failed before), ahead of the
    backlog when someone waits for it (a queued backlog document is moved up). `base_url` is
    where its QR code points (the web face passes a safe request host)."""
    if not is_documentable(filing):
        raise DOCUMENT_NOT_AVAILABLE()
    document = document_of(filing.id)
    if document is not None and document.status not in (DocumentStatus.FAILED,
                                                         DocumentStatus.QUEUED):
        return document
    if document is not None and document.status == DocumentStatus.QUEUED \
            and document.priority >= priority:
        return document
    with transaction():
        if document is None:
            insert_document(filing.id, base_url or default_base_url(), priority)
        else:
            if document.status == DocumentStatus.FAILED:
                document.status, document.attempts, document.error = (DocumentStatus.QUEUED, 0,
                                                                      None)
            document.priority = max(document.priority, priority)
    return document_of(filing.id)


def enqueue_missing(limit: int = 1000, base_url: str | None = None,
                    within_days: int | None = None) -> int:
    """Enqueue a document for every FILED filing that has none, filed within the last
    `within_days` (BEIAN_DOCUMENT_BACKFILL_DAYS; 0 = all): the scheduler's safety net for
    filings filed since the last run. Older filings (imported history) get theirs when
    someone asks. Returns how many were enqueued."""
    base = base_url or default_base_url()
    days = int(current_app.config["BEIAN_DOCUMENT_BACKFILL_DAYS"] if within_days is None
               else within_days)
    recent = (Filing.filed_at >= now() - datetime.timedelta(days=days)) if days > 0 \
        else sa_true()
    total = 0
    while True:
        ids = list(db.session.scalars(
            select(Filing.id).outerjoin(Document, Document.filing_id == Filing.id)
            .where(Filing.status == FilingStatus.FILED, Document.id.is_(None), recent)
            .order_by(Filing.id).limit(min(limit - total, 500))))
        if not ids:
            break
        with transaction():  # one short transaction per 500: the queue can be worked meanwhile
            added = sum(1 for filing_id in ids if insert_document(filing_id, base))
        total += added
        if total >= limit or added == 0:
            break
    return total


def requeue_stale(older_than: datetime.timedelta | None = None) -> int:
    """Documents whose renderer died mid-way (its lease ran out; or, when `older_than` is
    given, claimed longer ago than that) go back to the queue. (claim_next takes such a
    document over by itself; this only tidies the queue's view.)"""
    stale = expired(Document.lease_until) if older_than is None \
        else Document.claimed_at < now() - older_than
    with transaction():
        result = db.session.execute(
            update(Document)
            .where(Document.status == DocumentStatus.RENDERING, stale)
            .values(status=DocumentStatus.QUEUED, claimed_by=None, claimed_at=None,
                    lease_until=None)
            .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _claimable():
    """Queued, or being rendered by a renderer whose lease ran out (it died)."""
    return free_or_expired(Document.status, DocumentStatus.QUEUED, DocumentStatus.RENDERING,
                           Document.lease_until)


def claim_next(worker: str | None = None, *, candidates: int = 8) -> int | None:
    """Claim the next document for this worker — the ones people wait for first, then the
    oldest: an UPDATE that only succeeds while the row is still QUEUED (or held by a lease
    that ran out), so of two workers racing for a row exactly one wins it. The winner holds
    it by a lease (BEIAN_LEASE_SECONDS; `heartbeat` renews it). (Ends the session's
    transaction: a worker owns its session, and must see the latest queue, not a snapshot.)"""
    worker = worker or worker_name()
    with transaction(write=False):
        ids = list(db.session.scalars(
            select(Document.id).where(_claimable())
            .order_by(Document.priority.desc(), Document.id).limit(candidates)))
    for doc_id in ids:
        with transaction():
            result = db.session.execute(
                update(Document)
                .where(Document.id == doc_id, _claimable())
                .values(status=DocumentStatus.RENDERING, claimed_by=worker, claimed_at=now(),
                        lease_until=lease_until(), attempts=Document.attempts + 1)
                .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            return doc_id
    return None


def heartbeat(doc_id: int, worker: str) -> Heartbeat:
    """The lease of a document this worker renders."""
    table = Document.__table__
    return Heartbeat(table, and_(table.c.id == doc_id, table.c.claimed_by == worker,
                                 table.c.status == DocumentStatus.RENDERING),
                     table.c.lease_until)


def renderer_alive(within: datetime.timedelta = datetime.timedelta(seconds=90)) -> bool:
    """Has a scheduler claimed a render run lately? (The progress page warns when not.)"""
    latest = db.session.scalar(select(func.max(JobClaim.claimed_at))
                               .where(JobClaim.job_name == RENDER_JOB))
    return latest is not None and latest >= now() - within


def document_status(filing: Filing) -> dict:
    """A filing's document as its progress bar shows it."""
    document = document_of(filing.id)
    status = document.status if document else DocumentStatus.QUEUED
    return {"status": status.name, "label": status.value,
            "ready": status == DocumentStatus.READY,
            "failed": status == DocumentStatus.FAILED,
            "percent": {DocumentStatus.QUEUED: 10, DocumentStatus.RENDERING: 60,
                        DocumentStatus.READY: 100, DocumentStatus.FAILED: 100}[status]}
