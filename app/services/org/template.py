"""The organisation file's template: the header row in Chinese and example rows, as xlsx (code
columns formatted as text, drop-down lists for 类别 and 级别) or as CSV (UTF-8 with BOM)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.domain.org_file import CODE_COLUMNS, COLUMNS, EXAMPLE_ROWS, HEADERS
from app.services.tabular import csv_bytes

FORMATS = ("xlsx", "csv")
LAST_ROW = 2000  # how far the drop-down lists and text formats reach


def org_template(fmt: str = "xlsx") -> bytes:
    """The template's content in ``fmt`` (xlsx or csv)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        return csv_bytes(list(HEADERS), EXAMPLE_ROWS)
    return _xlsx()


def _xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "组织机构"
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, (key, title) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index, value=title)
        head.font, head.fill = Font(bold=True), fill
        ws.column_dimensions[letter].width = 14 if index > 1 else 10
        if key in CODE_COLUMNS:
            # Codes are text: Excel must not turn 320213001 into a number.
            ws.column_dimensions[letter].number_format = "@"
        for row_number, example in enumerate(EXAMPLE_ROWS, start=2):
            cell = ws.cell(row=row_number, column=index, value=example[index - 1] or None)
            if key in CODE_COLUMNS:
                cell.number_format = "@"
    ws.column_dimensions["B"].width = 30
    for letter, choices in (("A", "区划,经办机构"), ("C", "市,区,街道")):
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                                    showErrorMessage=True, error=f"请从下拉列表选择：{choices}")
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
