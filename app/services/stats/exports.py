"""Exports of the dashboards: the table behind a chart as Excel or CSV (formula-safe), audited."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.actor import Actor
from app.services.audit import record_access
from app.services.stats.queries import DATASETS, Scope
from app.services.tabular import csv_bytes, xlsx_bytes

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class Export:
    filename: str
    mimetype: str
    data: bytes


def export_table(actor: Actor, name: str, scope: Scope, fmt: str) -> Export:
    """The dataset `name` of the viewer's scope in format `fmt` (a key of FORMATS)."""
    table = DATASETS[name](scope)
    if fmt == "xlsx":
        data = xlsx_bytes(table.headers, table.rows, sheet_title=table.title)
    else:
        data = csv_bytes(table.headers, table.rows)
    record_access(actor, "stats_export", name, "export",
                  **scope.describe(), format=fmt, rows=len(table.rows))
    filename = (f"{table.title}_{scope.district_name}_{scope.months.start:%Y%m}-"
                f"{scope.months.end:%Y%m}.{fmt}")
    return Export(filename, FORMATS[fmt], data)
