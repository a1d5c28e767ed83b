"""Files bulk filing hands out: the template of each filing type (xlsx with text-formatted ID
columns, drop-down lists and a notes row; CSV in UTF-8 with BOM) and a batch's rows downloaded
back with an error column, safe against formula injection (app.services.tabular)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from app.domain.bulk.columns import COLUMNS, ERROR_COLUMN_HEADER, cell_text
from app.domain.bulk.rows import CodeLookup, row_error_text
from app.domain.filings import FilingType
from app.extensions import db
from app.models.bulk import BulkBatch, BulkRow, RowStatus
from app.services.bulk import common, engine
from app.services.bulk.common import filing_type_of
from app.services.tabular import UTF8_BOM, csv_bytes, safe_cell, xlsx_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
CODES_SHEET = "代码表"
FORMATS = ("xlsx", "csv")


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    return fmt


def template(filing_type: FilingType, fmt: str, codes: dict[str, CodeLookup],
             max_rows: int) -> tuple[bytes, str, str]:
    """(content, download name, mimetype) of the template of a filing type."""
    columns = COLUMNS[filing_type]
    name = f"{filing_type.value}备案批量导入模板.{_format(fmt)}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.header_zh for c in columns])
        writer.writerow([c.note_zh for c in columns])
        return UTF8_BOM + out.getvalue().encode("utf-8"), name, CSV_MIME
    return _xlsx_template(filing_type, columns, codes, max_rows), name, XLSX_MIME


def _xlsx_template(filing_type: FilingType, columns, codes: dict[str, CodeLookup],
                   max_rows: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{filing_type.value}备案"
    lists = wb.create_sheet(CODES_SHEET)
    lists.sheet_state = "hidden"
    header_font = Font(bold=True)
    required_font = Font(bold=True, color="C00000")
    note_font = Font(italic=True, color="666666", size=9)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index, value=column.header_zh)
        head.font = required_font if column.required else header_font
        head.fill = header_fill
        note = ws.cell(row=2, column=index, value=column.note_zh)
        note.font = note_font
        note.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = max(12, min(36, len(column.header_zh) * 2 + 4))
        if column.is_text_column:
            # New cells typed into the column are text: an 18-digit ID keeps every digit.
            ws.column_dimensions[letter].number_format = "@"
        if column.codelist:
            list_column += 1
            _drop_down(ws, lists, column, letter, list_column, codes, max_rows + 2)
    ws.row_dimensions[2].height = 48
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _drop_down(ws, lists, column, letter: str, list_column: int,
               codes: dict[str, CodeLookup], last_row: int) -> None:
    """A coded column's drop-down list, its values on the hidden code-list sheet."""
    labels = codes[column.codelist].labels()
    list_letter = get_column_letter(list_column)
    lists.cell(row=1, column=list_column, value=column.header_zh)
    for offset, label in enumerate(labels, start=2):
        lists.cell(row=offset, column=list_column, value=label)
    source = (f"{quote_sheetname(CODES_SHEET)}!${list_letter}$2:"
              f"${list_letter}${len(labels) + 1}")
    validation = DataValidation(
        type="list", formula1=source, allow_blank=True, showErrorMessage=True,
        errorTitle="请从下拉列表选择", error=f"“{column.header_zh}”请从下拉列表中选择。",
        promptTitle=column.header_zh, prompt=column.note_zh[:250], showInputMessage=True)
    validation.add(f"{letter}3:{letter}{last_row}")
    ws.add_data_validation(validation)


def report(batch, fmt: str, rows: Iterable[tuple[dict, str]]) -> tuple[bytes, str, str]:
    """A batch's rows as uploaded, with the error column first (ignored on re-upload)."""
    columns = COLUMNS[batch.filing_type]
    headers = [ERROR_COLUMN_HEADER] + [c.header_zh for c in columns]
    table = ([error] + [safe_cell(cell_text(cells.get(c.key))) for c in columns]
             for cells, error in rows)
    name = f"批次{batch.id}-{batch.filing_type.value}备案-错误报告.{_format(fmt)}"
    if fmt == "csv":
        return csv_bytes(headers, table), name, CSV_MIME
    text_columns = [i + 1 for i, c in enumerate(columns) if c.is_text_column]
    return (xlsx_bytes(headers, table, sheet_title=f"{batch.filing_type.value}备案",
                       text_columns=text_columns), name, XLSX_MIME)


def template_file(filing_type, fmt: str) -> tuple[bytes, str, str]:
    """(content, download name, mimetype) of a filing type's template."""
    return template(filing_type_of(filing_type), fmt, engine.code_lookups(), common.max_rows())


def error_report(batch: BulkBatch, fmt: str, *,
                 only_errors: bool = False) -> tuple[bytes, str, str]:
    """The batch's rows as uploaded with an error column, to fix and upload again."""
    stmt = (select(BulkRow.cells, BulkRow.status, BulkRow.errors)
            .where(BulkRow.batch_id == batch.id).order_by(BulkRow.row_number))
    if only_errors:
        stmt = stmt.where(BulkRow.status == RowStatus.INVALID)
    rows = ((cells, row_error_text(errors or []) if status == RowStatus.INVALID
             else ("已备案" if status == RowStatus.FILED else ""))
            for cells, status, errors in db.session.execute(stmt))
    return report(batch, fmt, rows)
