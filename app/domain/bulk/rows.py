"""One row of a bulk file: its cells turned into typed values (dates, numbers, codes, ID
numbers), the errors found in them, and rows for the same worker twice. Pure Python.

Its errors are about what is in a cell ("not a date") and name the column by its Chinese
header, so the user finds it in the spreadsheet.

>>> parse_date("2026/3/1"), parse_date("2026年3月1日"), parse_date("20260301")
(datetime.date(2026, 3, 1), datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))
>>> lookup = CodeLookup([("FT", "全日制"), ("PT", "非全日制")])
>>> lookup.code("非全日制"), lookup.code("ft"), lookup.code("PT 非全日制"), lookup.code("兼职")
('PT', 'FT', 'PT', None)
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.domain.bulk.columns import (
    CITIZEN_ID,
    CODE,
    COLUMNS,
    CREDIT_CODE,
    DATE,
    INTEGER,
    NUMBER,
    Column,
    cell_text,
)
from app.domain.bulk.errors import (
    BULK_CODE_UNKNOWN,
    BULK_DATE_FORMAT,
    BULK_DUPLICATE_ROW,
    BULK_FORMULA,
    BULK_INTEGER_FORMAT,
    BULK_NUMBER_FORMAT,
    BULK_TEXT_TOO_LONG,
)
from app.domain.errors import DomainError
from app.domain.filings import FilingType
from app.domain.identifiers import validate_citizen_id, validate_credit_code
from app.domain.shared_errors import FIELD_REQUIRED

__all__ = ["CodeLookup", "ParsedRow", "duplicate_key", "find_duplicates", "flag_duplicate",
           "parse_date", "parse_row", "row_error_text"]

_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: object) -> datetime.date | None:
    """A date from a cell: a date object, 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日,
    20260301, or a spreadsheet date serial number. None when it is not a date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value < 80000 and float(value).is_integer():  # 1954–2119 as a serial
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        value = cell_text(value)
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = re.sub(r"\s+00:00(:00)?$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


class CodeLookup:
    """A code list as a user may write it: the code, the name, or "code name"."""

    def __init__(self, entries: Iterable[tuple[str, str]]):
        self.entries = list(entries)
        self._map: dict[str, str] = {}
        for code, name in self.entries:
            self._map[self._key(code)] = code
            self._map[self._key(name)] = code
            self._map[self._key(f"{code} {name}")] = code

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()

    def code(self, value: object) -> str | None:
        text = cell_text(value)
        found = self._map.get(self._key(text))
        if found is None and " " in text:  # "A41 经济性裁员（…）": the code before a space
            found = self._map.get(self._key(text.split()[0]))
        return found

    def labels(self) -> list[str]:
        return [name for _, name in self.entries]


@dataclass
class ParsedRow:
    """One data row: its number in the file (1-based, as the spreadsheet shows it), the typed
    values by column key, and the errors found in its cells."""

    row_number: int
    values: dict[str, object]
    errors: list[DomainError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell_error(error, column: Column, text: str = "", **params) -> DomainError:
    return error(field=column.key, header=column.header_zh, key=column.key, text=text[:40],
                 **params)


def _parse_identifier(column: Column, raw: object, text: str):
    validate = validate_citizen_id if column.kind == CITIZEN_ID else validate_credit_code
    try:
        value = validate(raw if not isinstance(raw, str) else text)
    except DomainError as exc:
        return None, exc.for_field(column.key)
    return (value.number if column.kind == CITIZEN_ID else value), None


def _parse_number(column: Column, text: str):
    try:
        number = float(unicodedata.normalize("NFKC", text))
    except ValueError:
        number = None
    if number is None or number != number:
        return None, _cell_error(BULK_NUMBER_FORMAT, column, text)
    if column.kind == INTEGER:
        if not number.is_integer():
            return None, _cell_error(BULK_INTEGER_FORMAT, column, text)
        return int(number), None
    return number, None


def _parse_code(column: Column, raw: object, text: str, codes: Mapping[str, CodeLookup]):
    lookup = codes.get(column.codelist or "")
    code = lookup.code(raw) if lookup is not None else None
    if code is None:
        shown = lookup.labels() if lookup is not None else []
        choices = "、".join(shown) if len(shown) <= 4 else "模板“代码表”工作表中的值"
        return None, _cell_error(BULK_CODE_UNKNOWN, column, text, choices=choices)
    return code, None


def _parse_cell(column: Column, raw: object, codes: Mapping[str, CodeLookup]):
    """(value, error) of one cell."""
    text = cell_text(raw)
    if isinstance(raw, str) and raw.lstrip().startswith("="):
        return None, _cell_error(BULK_FORMULA, column, text)
    if text == "":
        if column.required:
            return None, FIELD_REQUIRED(field=column.key, label=column.header_zh,
                                        name=column.key)
        return None, None
    if column.kind in (CITIZEN_ID, CREDIT_CODE):
        return _parse_identifier(column, raw, text)
    if column.kind == DATE:
        value = parse_date(raw)
        if value is None:
            return None, _cell_error(BULK_DATE_FORMAT, column, text)
        return value, None
    if column.kind in (NUMBER, INTEGER):
        return _parse_number(column, text)
    if column.kind == CODE:
        return _parse_code(column, raw, text, codes)
    if column.max_length and len(text) > column.max_length:
        return None, _cell_error(BULK_TEXT_TOO_LONG, column, text, length=len(text),
                                 max_length=column.max_length)
    return text, None


def parse_row(filing_type: FilingType, row_number: int, cells: Mapping[str, object],
              codes: Mapping[str, CodeLookup]) -> ParsedRow:
    """Type every cell of a row (cells by column key; missing keys are empty cells). All of a
    row's cell errors are reported at once, so one round of fixing is enough."""
    row = ParsedRow(row_number, {})
    for column in COLUMNS[filing_type]:
        value, error = _parse_cell(column, cells.get(column.key), codes)
        row.values[column.key] = value
        if error is not None:
            row.errors.append(error)
    return row


# --------------------------------------------------------------------------------------------
# The file as a whole
# --------------------------------------------------------------------------------------------

def duplicate_key(row: ParsedRow) -> str | None:
    """Rows of one file for the same worker (one filing per worker and file)."""
    return row.values.get("citizen_id")  # type: ignore[return-value]


def flag_duplicate(row: ParsedRow, first: dict[str, int]) -> bool:
    """Flag `row` when an earlier row (recorded in `first`: worker → row number) is for the
    same worker: the first one stands. Rows can so be checked as they stream by."""
    key = duplicate_key(row)
    if not key:
        return False
    if key in first:
        row.errors.append(BULK_DUPLICATE_ROW(first=first[key]))
        return True
    first[key] = row.row_number
    return False


def find_duplicates(rows: Iterable[ParsedRow]) -> int:
    """Flag every later row for the same worker as an earlier one (the first one stands).
    Returns how many rows were flagged."""
    first: dict[str, int] = {}
    return sum(1 for row in rows if flag_duplicate(row, first))


def row_error_text(errors: Iterable[Mapping[str, object]]) -> str:
    """The error column of a downloaded-back file: every error of the row, with its code."""
    return "；".join(f"{e['message_zh']}（{e['code']}）" for e in errors)
