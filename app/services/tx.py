"""Transactions of use cases: one per use case, started as a writer."""

from __future__ import annotations

from contextlib import contextmanager

from app.extensions import db


def begin_write() -> None:
    """Start the use case's transaction as a writer.

    On SQLite a transaction that reads first and writes later can fail with 'database is locked'
    when another writer got in between; BEGIN IMMEDIATE takes the write lock up front. A read
    transaction left open by the request (loading the user) is ended first."""
    session = db.session()  # the Session itself (scoped_session does not proxy in_transaction)
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            return
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})


@contextmanager
def unit_of_work():
    """`with unit_of_work():` — begin as a writer, commit at the end, roll back on any error."""
    begin_write()
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
