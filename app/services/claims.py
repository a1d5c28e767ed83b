"""Leases of scheduled runs: one row in `job_claim` per (job, run key); the INSERT that wins
runs the job, so a second scheduler or a restart inside the same window never runs it twice."""

from __future__ import annotations

import datetime
import os
import socket
import threading

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models.documents import JobClaim
from app.services.transaction import transaction


def worker_name() -> str:
    """Who claims: host, process and thread, so a stuck claim can be traced to its owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def _insert_ignoring_conflict(values: dict):
    """INSERT … ON CONFLICT DO NOTHING: a lost claim is not an error, so the database logs none
    (a failed INSERT caught in a savepoint would still log a 'duplicate key' ERROR on
    PostgreSQL for every lost claim)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the two databases we run on
        return None
    return (insert(JobClaim.__table__).values(**values)
            .on_conflict_do_nothing(index_elements=["job_name", "run_key"])
            .returning(JobClaim.__table__.c.id))


def claim_run(job_name: str, run_key: str, claimed_by: str | None = None) -> bool:
    """Claim a job run: True for exactly one caller per (job_name, run_key), on SQLite and
    PostgreSQL alike. The unique constraint decides; the loser gets False, quietly."""
    values = {"job_name": job_name, "run_key": run_key,
              "claimed_by": (claimed_by or worker_name())[:128],
              "claimed_at": clock.now()}
    with transaction():
        statement = _insert_ignoring_conflict(values)
        if statement is not None:
            return db.session.execute(statement).scalar() is not None
        try:  # pragma: no cover - another database: the savepoint way
            with db.session.begin_nested():
                db.session.add(JobClaim(**values))
        except IntegrityError:
            return False
    return True


def prune_claims(keep: datetime.timedelta = datetime.timedelta(days=2)) -> int:
    """Forget claims older than `keep` (their windows are long past). Returns how many."""
    cutoff = clock.now() - keep
    with transaction():
        result = db.session.execute(delete(JobClaim).where(JobClaim.claimed_at < cutoff)
                                    .execution_options(synchronize_session=False))
    return result.rowcount or 0
