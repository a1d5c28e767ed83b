"""A batch's rows in the database: written in chunks, read back a chunk at a time (a 20,000-row
file is never all in memory), and their results saved with one executemany per chunk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models.bulk import BulkBatch, BulkRow, RowStatus
from app.services.bulk import engine

ROW_INSERT_CHUNK = 1000


def insert_rows(batch_id: int, rows: Iterable[tuple[int, dict]]) -> int:
    """Insert (row number, cells) rows as PENDING in the caller's transaction; their count."""
    table = BulkRow.__table__
    buffer, count = [], 0
    for number, cells in rows:
        buffer.append({"batch_id": batch_id, "row_number": number, "cells": cells,
                       "status": RowStatus.PENDING.name, "flags": ""})
        if len(buffer) >= ROW_INSERT_CHUNK:
            db.session.execute(table.insert(), buffer)
            count += len(buffer)
            buffer = []
    if buffer:
        db.session.execute(table.insert(), buffer)
        count += len(buffer)
    return count


def stored_rows(batch_id: int, statuses=None,
                chunk: int = 500) -> Iterator[tuple[int, int, dict]]:
    """The batch's stored rows in file order, read a chunk at a time (keyset on the id, so no
    cursor stays open while the rows are checked and filed): the decoded cells of a 20,000-row
    file are never all in memory at once."""
    last = 0
    while True:
        stmt = (select(BulkRow.id, BulkRow.row_number, BulkRow.cells)
                .where(BulkRow.batch_id == batch_id, BulkRow.id > last)
                .order_by(BulkRow.id).limit(chunk))
        if statuses:
            stmt = stmt.where(BulkRow.status.in_(statuses))
        rows = db.session.execute(stmt).all()
        if not rows:
            return
        for row in rows:
            yield tuple(row)
        last = rows[-1][0]


def row_source(batch: BulkBatch, statuses=None) -> engine.RowSource:
    """The batch's rows, parsed as they stream (engine.run reads them twice)."""
    filing_type, batch_id, codes = batch.filing_type, batch.id, engine.code_lookups()
    return lambda: engine.parsed_stream(filing_type, stored_rows(batch_id, statuses), codes)


def save_results(results: list[engine.RowResult], *, filed: bool) -> None:
    """Each row's status, errors, flags and filing, in the caller's transaction."""
    table = BulkRow.__table__
    params = []
    for r in results:
        if r.errors:
            status = RowStatus.INVALID
        elif filed and r.filing_id:
            status = RowStatus.FILED
        else:
            status = RowStatus.VALID
        params.append({"b_id": r.row_id, "status": status.name, "errors": r.errors or None,
                       "flags": r.flags[:64], "filing_id": r.filing_id})
    stmt = (table.update().where(table.c.id == bindparam("b_id"))
            .values(status=bindparam("status"), errors=bindparam("errors"),
                    flags=bindparam("flags"), filing_id=bindparam("filing_id")))
    for start in range(0, len(params), ROW_INSERT_CHUNK):
        db.session.execute(stmt, params[start:start + ROW_INSERT_CHUNK])


def has_rows(batch_id: int) -> bool:
    return db.session.scalar(select(BulkRow.id).where(BulkRow.batch_id == batch_id)
                             .limit(1)) is not None
