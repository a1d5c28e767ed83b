"""Leases: a batch, a document render and a scheduled job run are each held by a worker's lease.

The holder writes `lease_until = now + BEIAN_LEASE_SECONDS` when it claims the work and renews it
(its heartbeat) every third of the lease while it works: the bulk worker between chunks, the
renderer between documents, a job run from a heartbeat thread. Another worker may take the work
once `lease_until < now` — with one UPDATE … WHERE lease_until < now, which exactly one worker
wins — so a dead worker's work is taken over, and done once: the holder's last write (the
batch's filing transaction, the document's READY, the run's finished_at) is made only WHERE the
lease is still its own."""

from __future__ import annotations

import datetime
import logging
import threading
import time

from flask import current_app
from sqlalchemy import and_, or_, update

from app import clock
from app.extensions import db

log = logging.getLogger(__name__)


def lease_seconds() -> float:
    return float(current_app.config["BEIAN_LEASE_SECONDS"])


def lease_until() -> datetime.datetime:
    """The end of a lease taken or renewed now."""
    return clock.now() + datetime.timedelta(seconds=lease_seconds())


def expired(column):
    """The condition 'this lease has run out' (a row never leased has not)."""
    return and_(column.is_not(None), column < clock.now())


def free_or_expired(status_column, free_status, held_status, lease_column):
    """The row is waiting (free_status), or held (held_status) by a lease that ran out."""
    return or_(status_column == free_status,
               and_(status_column == held_status, expired(lease_column)))


class Heartbeat:
    """Renews a lease: `beat()` between steps renews it when a third of the lease has passed;
    `running()` renews it from a thread for work with no steps to beat between.

    `renew(until)` does the UPDATE … WHERE <held by me> and says whether the lease is still
    held; `in_session` renews through the caller's session (SQLite, inside the worker's own
    write transaction: another connection could not write meanwhile), else through a
    connection of its own so other workers see the renewal at once."""

    def __init__(self, table, held, lease_column, *, in_session: bool = False):
        """`held`: the condition that picks the row while this worker holds it."""
        self.statement = (update(table).where(held)
                          .execution_options(synchronize_session=False))
        self.lease_column, self.in_session = lease_column, in_session
        self.every = lease_seconds() / 3
        self.last = time.monotonic()
        self.app = current_app._get_current_object()

    def renew(self) -> bool:
        values = {self.lease_column.key: lease_until()}
        self.last = time.monotonic()
        if self.in_session:
            return db.session.execute(self.statement.values(**values)).rowcount == 1
        with db.engine.begin() as conn:
            return conn.execute(self.statement.values(**values)).rowcount == 1

    def beat(self) -> None:
        if time.monotonic() - self.last >= self.every:
            try:
                self.renew()
            except Exception:  # noqa: BLE001 - a missed beat only shortens the lease
                log.warning("lease not renewed", exc_info=True)

    def running(self) -> _Beating:
        return _Beating(self)


class _Beating:
    """A thread renewing the lease every third of it until the block ends."""

    def __init__(self, heartbeat: Heartbeat):
        self.heartbeat, self.stop = heartbeat, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="lease-heartbeat")

    def _run(self) -> None:
        with self.heartbeat.app.app_context():
            while not self.stop.wait(self.heartbeat.every):
                try:
                    self.heartbeat.renew()
                except Exception:  # noqa: BLE001 - a missed beat only shortens the lease
                    log.warning("lease not renewed", exc_info=True)
                finally:
                    db.session.remove()

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self.heartbeat

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
