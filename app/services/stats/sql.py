"""Date bucketing in SQL, the one dialect-specific helper of the aggregation: SQLite (strftime)
and PostgreSQL (date_trunc) group a timestamp by day, month or quarter differently."""

from __future__ import annotations

from sqlalchemy import Date, literal_column

from app.domain import stats as ds
from app.extensions import db


def dialect() -> str:
    return db.session.get_bind().dialect.name


def bucket(kind: str, column_sql: str):
    """SQL for the first day of the day/month/quarter of a timestamp or date column, as a
    literal expression (no bound parameters: PostgreSQL needs the GROUP BY expression to be
    textually the SELECT's)."""
    if dialect() == "postgresql":
        if kind == ds.DAY:
            sql = f"CAST({column_sql} AS DATE)"
        else:
            unit = "month" if kind == ds.MONTH else "quarter"
            sql = f"CAST(date_trunc('{unit}', {column_sql}) AS DATE)"
        return literal_column(sql, Date)
    if kind == ds.DAY:
        sql = f"date({column_sql})"
    elif kind == ds.MONTH:
        sql = f"strftime('%Y-%m-01', {column_sql})"
    else:
        sql = (f"printf('%s-%02d-01', strftime('%Y', {column_sql}), "
               f"((CAST(strftime('%m', {column_sql}) AS INTEGER) - 1) / 3) * 3 + 1)")
    return literal_column(sql, Date)
