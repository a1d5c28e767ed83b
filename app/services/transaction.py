"""Transactions of use cases: one per use case, started as a writer, committed or rolled back
here and nowhere else. Views, API handlers, commands and jobs never commit.

    @use_case
    def approve(filing_id, actor): ...        # the whole function is one transaction

    with transaction():                        # or a block inside a use case
        ...

Nested use cases join the outer transaction: only the outermost commits."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_depth: ContextVar[int] = ContextVar("beian_transaction_depth", default=0)
# Work to do once the outermost transaction has committed (dropped when it rolls back).
_after: ContextVar[list[Callable[[], object]] | None] = ContextVar("beian_after_commit",
                                                                  default=None)
log = logging.getLogger(__name__)


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


class LostRace(Exception):
    """Raised out of a transaction whose optimistic lock was lost (the row changed under us);
    ``on_stale`` turns it into the use case's own refusal."""


@contextmanager
def transaction(*, on_stale: Callable[[], BaseException] | None = None,
                write: bool = True) -> Iterator[object]:
    """One use case's transaction: begin (as a writer), commit at the end, roll back on any
    error. Inside another transaction it only joins it. ``on_stale`` makes the exception raised
    when a row changed under us (SQLAlchemy's StaleDataError)."""
    depth = _depth.get()
    token = _depth.set(depth + 1)
    try:
        if depth:
            yield db.session
            return
        if write:
            begin_write()
        hooks: list[Callable[[], object]] = []
        hooks_token = _after.set(hooks)
        try:
            yield db.session
            db.session.flush()
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            if on_stale is None:
                raise
            raise on_stale() from None
        except BaseException:
            db.session.rollback()
            raise
        finally:
            _after.reset(hooks_token)
        _run_after_commit(hooks)
    finally:
        _depth.reset(token)


def after_commit(func: Callable[[], object]) -> bool:
    """Run `func` once the current (outermost) transaction has committed, outside it; forgotten
    when it rolls back. A failing `func` is logged, never raised: the use case is done. False
    (and nothing scheduled) outside any transaction."""
    hooks = _after.get()
    if hooks is None:
        return False
    hooks.append(func)
    return True


def _run_after_commit(hooks: list[Callable[[], object]]) -> None:
    for func in hooks:
        try:
            func()
        except Exception:  # noqa: BLE001 - the transaction is committed; the hook is extra
            log.exception("after-commit work failed")
            discard()


def use_case(func: Callable[P, R]) -> Callable[P, R]:
    """Run the decorated function as one transaction (joining an outer one if any)."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return func(*args, **kwargs)

    return run


def discard() -> None:
    """Forget what the session holds after a failure outside any use case (a face catching an
    error it shows): the same as a rollback, named for what it is for."""
    if _depth.get() == 0:
        db.session.rollback()
