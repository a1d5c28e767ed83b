"""Rendering claimed documents: HTML → PDF → signature, stored on the row; a failure is
recorded on the row and retried, up to MAX_ATTEMPTS, then FAILED."""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import case, select, update
from sqlalchemy.orm import joinedload

from app.domain.documents import DocumentStatus, form_for
from app.extensions import db
from app.models.documents import Document
from app.models.filings import Filing
from app.services.claims import worker_name
from app.services.documents.agency import office_of
from app.services.documents.queue import (
    MAX_ATTEMPTS,
    claim_next,
    heartbeat,
    now,
    requeue_stale,
)
from app.services.documents.resources import ResourceGate, html_to_pdf
from app.services.documents.signing import sign_pdf, signing_enabled
from app.services.documents.templates import render_html
from app.services.transaction import discard, transaction

log = logging.getLogger(__name__)


def render_unsigned(filing: Filing, document: Document,
                    gate: ResourceGate | None = None) -> bytes:
    return html_to_pdf(render_html(filing, document), gate)


def render_document_pdf(filing: Filing, document: Document, *, sign: bool = True) -> bytes:
    pdf = render_unsigned(filing, document)
    if sign:
        office = office_of(filing)
        pdf = sign_pdf(pdf, reason=f"{form_for(filing.filing_type).title} {filing.receipt_number}",
                       location=office.name if office else "")
    return pdf


def case_failed():
    """QUEUED again while attempts remain, else FAILED (a SQL expression on the row)."""
    return case((Document.attempts >= MAX_ATTEMPTS, DocumentStatus.FAILED.name),
                else_=DocumentStatus.QUEUED.name)


def _record_failure(doc_id: int, worker: str, exc: Exception) -> None:
    log.error("rendering document %s failed", doc_id, exc_info=exc)
    discard()  # whatever the failed render left in the session
    with transaction():
        db.session.execute(
            update(Document).where(Document.id == doc_id, Document.claimed_by == worker)
            .values(status=case_failed(), error=f"{type(exc).__name__}: {exc}"[:2000],
                    claimed_by=None)
            .execution_options(synchronize_session=False))


def _store(doc_id: int, worker: str, pdf: bytes, signed: bool) -> bool:
    with transaction():
        result = db.session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.claimed_by == worker,
                   Document.status == DocumentStatus.RENDERING)
            .values(status=DocumentStatus.READY, pdf=pdf, size=len(pdf),
                    sha256=hashlib.sha256(pdf).hexdigest(), signed=signed, rendered_at=now(),
                    error=None, lease_until=None)
            .execution_options(synchronize_session=False))
    db.session.expire_all()
    return result.rowcount == 1


def render_claimed(doc_id: int, worker: str | None = None, *, sign: bool | None = None) -> bool:
    """Render, sign and store a document this worker has claimed. True when it is READY."""
    worker = worker or worker_name()
    sign = signing_enabled() if sign is None else sign
    document = db.session.get(Document, doc_id)
    if document is None:
        return False
    filing = db.session.scalar(
        select(Filing).options(joinedload(Filing.unit), joinedload(Filing.to_unit),
                               joinedload(Filing.office), joinedload(Filing.person))
        .where(Filing.id == document.filing_id))
    try:
        with heartbeat(doc_id, worker).running():  # the lease, renewed while it renders
            pdf = render_document_pdf(filing, document, sign=sign)
    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried, then FAILED
        _record_failure(doc_id, worker, exc)
        return False
    return _store(doc_id, worker, pdf, sign)


def render_pending(limit: int | None = None, worker: str | None = None) -> dict:
    """Render queued documents until the queue is empty (or `limit` were rendered)."""
    worker = worker or worker_name()
    done = failed = 0
    requeue_stale()
    while limit is None or done + failed < limit:
        doc_id = claim_next(worker)
        if doc_id is None:
            break
        if render_claimed(doc_id, worker):
            done += 1
        else:
            failed += 1
    return {"rendered": done, "failed": failed}
