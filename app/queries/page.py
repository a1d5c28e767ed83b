"""A page of a list (Page): its items, the cursor of the next page and a count that stops at a cap.

Deep lists (10 million filings) are paged by keyset — the cursor is the last row's sort key and
id, opaque base64 — never by OFFSET, and counted up to ``cap`` + 1 rows only ("10000+").

>>> decode_cursor(encode_cursor((datetime.datetime(2024, 6, 15, 9, 30), 42)))
(datetime.datetime(2024, 6, 15, 9, 30), 42)
>>> Page([], count=10000, count_is_capped=True).count_label
'10000+'
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from app.extensions import db


@dataclass(frozen=True)
class Page:
    items: list = field(default_factory=list)
    next_cursor: str | None = None
    count: int | None = None
    count_is_capped: bool = False

    @property
    def count_label(self) -> str:
        if self.count is None:
            return ""
        return f"{self.count}+" if self.count_is_capped else str(self.count)


def _plain(value: Any):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return value


def _typed(value: Any):
    if isinstance(value, dict) and "dt" in value:
        return datetime.datetime.fromisoformat(value["dt"])
    if isinstance(value, dict) and "d" in value:
        return datetime.date.fromisoformat(value["d"])
    return value


def encode_cursor(key: Sequence) -> str:
    """The opaque cursor of a row's sort key (its last element is the id)."""
    raw = json.dumps([_plain(v) for v in key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple:
    """The sort key in a cursor; ValueError for one we did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ValueError("malformed cursor") from exc
    if not isinstance(values, list) or not values:
        raise ValueError("malformed cursor")
    return tuple(_typed(v) for v in values)


def capped_count(stmt: Select, cap: int | None) -> tuple[int, bool]:
    """(count, capped): the rows of ``stmt``, counted up to ``cap`` + 1 (None: exactly)."""
    if cap is None:
        return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0, False
    counted = db.session.scalar(select(func.count()).select_from(
        stmt.order_by(None).limit(cap + 1).subquery())) or 0
    return min(counted, cap), counted > cap


def _after(columns: Sequence, key: tuple, descending: bool):
    """The rows after ``key`` in the (columns…) order: a row-value comparison, spelled out."""
    clauses = []
    for i, column in enumerate(columns):
        earlier = [columns[j] == key[j] for j in range(i)]
        beyond = column < key[i] if descending else column > key[i]
        clauses.append(and_(*earlier, beyond))
    return or_(*clauses)


def keyset_page(stmt: Select, columns: Sequence, *, size: int, cursor: str | None = None,
                descending: bool = True, count_cap: int | None = None) -> Page:
    """One page of ``stmt`` ordered by ``columns`` (unique together: the id last), after the
    row the cursor names."""
    counted = capped_count(stmt, count_cap) if count_cap is not None else (None, False)
    if cursor:
        stmt = stmt.where(_after(columns, decode_cursor(cursor), descending))
    order = [c.desc() if descending else c.asc() for c in columns]
    rows = db.session.execute(stmt.add_columns(*columns).order_by(*order).limit(size + 1)).all()
    items = [row[0] for row in rows[:size]]
    next_cursor = encode_cursor(tuple(rows[size - 1][1:])) if len(rows) > size else None
    return Page(items, next_cursor, counted[0], counted[1])


def offset_page(stmt: Select, order: Sequence, *, page: int, size: int,
                count_cap: int | None = None) -> Page:
    """Page number ``page`` (from 1) of ``stmt``: for lists with page links and small depth."""
    count, capped = capped_count(stmt, count_cap)
    items = db.session.scalars(stmt.order_by(*order).offset((page - 1) * size).limit(size)).all()
    return Page(list(items), None, count, capped)
