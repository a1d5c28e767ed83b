"""Leases of scheduled runs: one row in `job_claim` per (job, run key); the INSERT that wins
runs the job, so a second scheduler or a restart inside the same window never runs it twice.

The winner holds the run by a lease (`lease_until`, renewed by a heartbeat thread while the job
runs, app.services.leases) and marks it `finished_at` when done. A run whose scheduler died
before finishing (lease run out, no finished_at) is taken over by another scheduler with one
UPDATE that exactly one wins (`take_over`); a finished run is never run again."""

from __future__ import annotations

import datetime
import os
import socket
import threading

from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models.documents import JobClaim
from app.services.leases import Heartbeat, expired, lease_until
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
              "claimed_at": clock.now(), "lease_until": lease_until()}
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


def take_over(job_name: str | None = None, claimed_by: str | None = None) -> JobClaim | None:
    """Take over one run (of `job_name`, or of any job) whose holder's lease ran out before it
    finished: the UPDATE … WHERE lease_until < now AND finished_at IS NULL that exactly one
    scheduler wins. The run taken (to be run again and finished), or None."""
    me = (claimed_by or worker_name())[:128]
    with transaction(write=False):
        query = select(JobClaim.id).where(JobClaim.finished_at.is_(None),
                                          expired(JobClaim.lease_until))
        if job_name is not None:
            query = query.where(JobClaim.job_name == job_name)
        ids = list(db.session.scalars(query.order_by(JobClaim.id).limit(8)))
    for claim_id in ids:
        with transaction():
            won = db.session.execute(
                update(JobClaim).where(JobClaim.id == claim_id, JobClaim.finished_at.is_(None),
                                       expired(JobClaim.lease_until))
                .values(claimed_by=me, claimed_at=clock.now(), lease_until=lease_until())
                .execution_options(synchronize_session=False)).rowcount == 1
        if won:
            return db.session.get(JobClaim, claim_id)
    return None


def finish_run(job_name: str, run_key: str, claimed_by: str | None = None) -> bool:
    """Mark a run finished (only while this scheduler holds it): it is never run again."""
    me = (claimed_by or worker_name())[:128]
    with transaction():
        return db.session.execute(
            update(JobClaim).where(JobClaim.job_name == job_name, JobClaim.run_key == run_key,
                                   JobClaim.claimed_by == me, JobClaim.finished_at.is_(None))
            .values(finished_at=clock.now(), lease_until=None)
            .execution_options(synchronize_session=False)).rowcount == 1


def run_heartbeat(job_name: str, run_key: str, claimed_by: str | None = None) -> Heartbeat:
    """The heartbeat that keeps a run's lease while it runs (use `.running()`)."""
    me = (claimed_by or worker_name())[:128]
    table = JobClaim.__table__
    return Heartbeat(table, and_(table.c.job_name == job_name, table.c.run_key == run_key,
                                 table.c.claimed_by == me, table.c.finished_at.is_(None)),
                     table.c.lease_until)


def prune_claims(keep: datetime.timedelta = datetime.timedelta(days=2)) -> int:
    """Forget claims older than `keep` (their windows are long past). Returns how many."""
    cutoff = clock.now() - keep
    with transaction():
        result = db.session.execute(delete(JobClaim).where(JobClaim.claimed_at < cutoff)
                                    .execution_options(synchronize_session=False))
    return result.rowcount or 0
