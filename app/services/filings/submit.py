"""Submit one filing (提交备案): build, check, then filed at once when nothing needs review, else
queued for staff. A repeated idempotency key returns the first submission."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.filings import (
    FilingAction,
    FilingStatus,
    ReviewFlags,
    automatic_check_action,
    transition,
)
from app.domain.shared_errors import IDEMPOTENCY_KEY_REUSED
from app.extensions import db
from app.models.filings import Filing
from app.services.actor import Actor
from app.services.audit import record
from app.services.filings.attachments import save_attachments
from app.services.filings.build import build_filing
from app.services.filings.checks import check_filing, set_flags
from app.services.filings.effects import apply_filed, assign_receipt, notify_filed, snapshot
from app.services.filings.facts import now
from app.services.filings.inputs import Outcome
from app.services.transaction import transaction


def _existing_for_key(key: str, actor: Actor) -> Filing | None:
    filing = db.session.scalar(select(Filing).where(Filing.idempotency_key == key))
    if filing is not None and filing.submitted_by_id != actor.user_id:
        raise IDEMPOTENCY_KEY_REUSED()
    return filing


def submit(inp, actor: Actor, *, idempotency_key: str | None = None,
           attachments=()) -> Outcome:
    """Submit one filing: checks, then filed at once when nothing needs review, else queued."""
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        existing = _existing_for_key(key, actor)
        if existing is not None:
            return Outcome(existing, created=False)
    try:
        with transaction():
            filing = build_filing(inp, actor)
            save_attachments(filing, attachments)
            filing.idempotency_key = key
            flags = check_filing(filing)
            finish_submission(filing, flags, actor)
    except IntegrityError:
        if key:  # the same form, submitted twice at once: the other request won
            existing = _existing_for_key(key, actor)
            if existing is not None:
                return Outcome(existing, created=False)
        raise
    return Outcome(filing, created=True, flags=flags.labels())


def finish_submission(filing: Filing, flags: ReviewFlags, actor: Actor,
                      action: FilingAction = FilingAction.SUBMIT) -> None:
    enter_submitted(filing, flags, action)
    if filing.id is None:
        db.session.add(filing)
        db.session.flush()
        assign_receipt(filing)
    complete_submission(filing, actor, action)
    db.session.flush()


def enter_submitted(filing: Filing, flags: ReviewFlags,
                    action: FilingAction = FilingAction.SUBMIT) -> None:
    """The automatic checks' verdict on a checked filing: its flags and its status (FILED, or
    waiting for review / district approval)."""
    set_flags(filing, flags)
    filing.status = transition(filing.status, action)
    filing.status = transition(filing.status, automatic_check_action(flags))
    filing.submitted_at = now()


def complete_submission(filing: Filing, actor: Actor,
                        action: FilingAction = FilingAction.SUBMIT, *,
                        receipt: bool = False) -> None:
    """After a submitted filing has its id: its receipt number (``receipt``), its effect on
    the employment when it is filed, the worker's notice and the audit entry."""
    if receipt:
        assign_receipt(filing)
    if filing.status == FilingStatus.FILED:
        apply_filed(filing)
        notify_filed(filing)
    what = "submit" if action == FilingAction.SUBMIT else "resubmit"
    record(actor, "filing", filing.id, what, after=snapshot(filing))
