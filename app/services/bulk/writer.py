"""Writing one chunk of checked filings of a batch: the same steps as a single submission,
with the database round trips batched (ids given up front, one executemany per table)."""

from __future__ import annotations

from sqlalchemy import DateTime, bindparam, func, select, text
from sqlalchemy import inspect as sa_inspect

from app import clock
from app.extensions import db
from app.models.filings import Employment, Filing
from app.services import filings as fs
from app.services.actor import Actor
from app.services.audit import record
from app.services.bulk.facts import BatchFacts
from app.services.bulk.results import RowResult


def write_chunk(made: list[tuple[RowResult, Filing]], facts: BatchFacts,
                actor: Actor) -> None:
    """Write one chunk of checked filings: the same steps as a single submission
    (filings.complete_submission), with the database round trips batched: the inserts go out
    together, and what completing changes on the new filings (receipt number, employment,
    filing time) is written by one executemany UPDATE instead of one UPDATE per filing."""
    session = db.session
    _assign_ids(list(session.new))
    session.flush()  # persons and filings get their ids
    for person in facts.new_persons:
        record(actor, "person", person.id, "create", after={"name": person.name},
               reason="录用备案登记（批量导入）")
    changes = []
    for result, filing in made:
        fs.complete_submission(filing, actor, receipt=True)
        changes.append((filing.id, _changed_columns(filing)))
        result.filing_id = filing.id
        result.receipt_number = filing.receipt_number
        result.filing_status = filing.status
        session.expunge(filing)  # written below, with the others
    created = list(session.new)
    _assign_ids(created)
    session.flush()  # employments, notices, audit entries (and ended employments)
    groups: dict[tuple, list[dict]] = {}
    for filing_id, values in changes:
        params = {"f_id": filing_id}
        for key, value in values.items():
            params[key] = value.id if isinstance(value, Employment) else value
        groups.setdefault(tuple(sorted(values)), []).append(params)
    table = Filing.__table__
    for keys, params in groups.items():
        if keys:
            session.execute(table.update().where(table.c.id == bindparam("f_id")).values(
                {key: bindparam(key) for key in keys} | {"row_version": table.c.row_version + 1}),
                params)
    # What this chunk created is in the transaction now; keep the session (and memory) small.
    for obj in created + facts.new_persons:
        if obj in session:
            session.expunge(obj)
    facts.new_persons.clear()


def _assign_ids(objects: list) -> None:
    """Give the chunk's new rows their ids (and database timestamps) before the flush, so the
    ORM need not read anything back and sends one plain executemany per table.

    SQLite cannot return the ids of a multi-row INSERT in order: the ORM would send one
    statement per row. The batch holds SQLite's only write lock (BEGIN IMMEDIATE) for its whole
    transaction, so max(id) + 1 … are exactly the ids SQLite itself would give (the tables
    have no AUTOINCREMENT keyword). PostgreSQL: the ids come from the tables' sequences (one
    query); a multi-row INSERT … RETURNING of 1,000 rows costs psycopg more client-side query
    parsing than the executemany it replaces. now() is the transaction's start time there,
    so the timestamps are the very values the server defaults would write."""
    dialect = db.engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return
    by_table: dict = {}
    for obj in objects:
        mapper = sa_inspect(obj).mapper
        pk = mapper.primary_key
        if len(pk) != 1 or pk[0].key != "id" or getattr(obj, "id", None) is not None:
            continue
        by_table.setdefault(mapper.local_table, []).append(obj)
    if not by_table:
        return
    # The city's clock for the columns the database would fill itself (created_at, at): given,
    # they need not be read back either (reading them back is also one statement per row).
    stamp = clock.now()
    for table, objs in by_table.items():
        stamped = [c.key for c in table.c if c.server_default is not None
                   and isinstance(c.type, DateTime) and not c.primary_key]
        for n, obj in zip(_new_ids(table, len(objs), dialect), objs, strict=True):
            obj.id = n
            for key in stamped:
                if getattr(obj, key, None) is None:
                    setattr(obj, key, stamp)


def _new_ids(table, count: int, dialect: str) -> list[int]:
    if dialect == "postgresql":  # the table's own sequence: safe beside other writers
        return sorted(db.session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :n)"), {"table": table.name, "n": count}).scalars())
    last = db.session.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(last + 1, last + 1 + count))


_RELATION_COLUMNS = {"employment": "employment_id", "new_employment": "new_employment_id"}
_SKIPPED = frozenset(("unit", "to_unit", "person", "office", "attachments"))


def _changed_columns(filing: Filing) -> dict:
    """Column → new value of what changed on a flushed filing (a related new employment
    stands for its key, known after the next flush). What changed since the flush is what
    the instance state remembers the committed value of (cheaper than every attribute's
    history)."""
    state = sa_inspect(filing)
    values = {}
    columns = Filing.__table__.c
    for attr_key in state.committed_state:
        if attr_key in _SKIPPED:
            continue
        history = _history(state, attr_key)
        if not history.has_changes() or not history.added:
            continue
        key = _RELATION_COLUMNS.get(attr_key, attr_key)
        if key in columns:
            values[key] = history.added[0]
    return values


def _history(state, key):
    return state.manager[key].impl.get_history(state, state.dict)
