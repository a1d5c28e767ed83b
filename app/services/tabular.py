"""Tables out as CSV and Excel, safe to open in a spreadsheet (shared by every export).

A cell that starts with = + - @ (or a tab / carriage return) would be run as a formula by Excel or
LibreOffice ("formula injection"); such strings get a leading apostrophe so they stay text.
No Flask here: callers audit and send the bytes themselves."""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = b"\xef\xbb\xbf"


def safe_cell(value):
    """The value with a leading "'" if it is a string a spreadsheet would treat as a formula.

    >>> safe_cell("=1+1"), safe_cell("-2"), safe_cell("@SUM(A1)"), safe_cell("梁溪区"), safe_cell(-2)
    ("'=1+1", "'-2", "'@SUM(A1)", '梁溪区', -2)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value):
    """Enum members as their value (the Chinese label), everything else as is."""
    if isinstance(value, enum.Enum):
        return value.value
    return value


def csv_bytes(headers: list[str], rows: Iterable[Sequence]) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel on Windows reads the Chinese), every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(_plain(v)) for v in row])
    return UTF8_BOM + out.getvalue().encode("utf-8")


def _xlsx_value(value):
    value = safe_cell(_plain(value))
    if isinstance(value, str):
        # Control characters make openpyxl refuse the cell and Excel call the file damaged.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_bytes(
    headers: list[str],
    rows: Iterable[Sequence],
    *,
    sheet_title: str = "Sheet1",
    text_columns: Sequence[int] = (),
) -> bytes:
    """One-sheet workbook (streamed, write-only): bold frozen header row, cells made safe.

    `text_columns` (0-based) are written as text with number format "@", so ID numbers, credit
    codes and leading zeros survive being opened and saved again."""
    wb = Workbook(write_only=True)
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    title = "".join(c for c in (sheet_title or "Sheet1") if c not in "[]:*?/\\")[:31] or "Sheet1"
    ws = wb.create_sheet(title=title)
    ws.freeze_panes = "A2"
    text_cols = set(text_columns)
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=_xlsx_value(h))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        out = []
        for i, v in enumerate(row):
            v = _xlsx_value(v)
            if i in text_cols:
                cell = WriteOnlyCell(ws, value=None if v is None else str(v))
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
