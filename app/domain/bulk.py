"""Bulk filing (批量导入备案): the columns of each filing type's spreadsheet, matching a file's
header row to them, turning one row's cells into typed values, and the checks that concern the
file as a whole (duplicate rows). Pure Python: no Flask, no database.

The rules a filing must obey are not here: each parsed row becomes the same input the web form
builds (app.services.filings.HireInput …) and goes through the same service checks. This module
only reads cells, so its errors are about what is in a cell ("not a date"), and it names the
column by its Chinese header so the user finds it in the spreadsheet.

>>> [c.key for c in COLUMNS[FilingType.TERMINATION]]
['citizen_id', 'name', 'end_date', 'termination_reason', 'note']
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

from app.domain.errors import DomainError
from app.domain.filings import FilingType
from app.domain.identifiers import validate_citizen_id, validate_credit_code

__all__ = [
    "COLUMNS", "ERROR_COLUMN_HEADER", "MODES", "MODE_ALL_OR_NOTHING", "MODE_VALID_ONLY",
    "CodeLookup", "Column", "HeaderMatch", "ParsedRow", "cell_text", "duplicate_key",
    "find_duplicates", "is_blank_row", "is_notes_row", "match_headers", "parse_date",
    "parse_row", "row_error_text",
]

MODE_ALL_OR_NOTHING = "all_or_nothing"  # 全部正确才备案（默认）
MODE_VALID_ONLY = "valid_only"          # 只备案正确的行
MODES = (MODE_ALL_OR_NOTHING, MODE_VALID_ONLY)

ERROR_COLUMN_HEADER = "错误说明"
"""The column added to a file downloaded back with its errors (ignored on re-upload)."""

TEXT, CITIZEN_ID, CREDIT_CODE, DATE, NUMBER, INTEGER, CODE = (
    "text", "citizen_id", "credit_code", "date", "number", "integer", "code")


@dataclass(frozen=True)
class Column:
    """One column of a bulk file: ``key`` is the English field name (also the API's JSON
    name), ``header_zh`` the header in the template, ``note_zh`` the explanation in its notes
    row, ``codelist`` the code list of a coded field (a table name of app.models.codes)."""

    key: str
    header_zh: str
    note_zh: str
    required: bool = False
    kind: str = TEXT
    codelist: str | None = None
    max_length: int | None = None
    example: str = ""

    @property
    def is_text_column(self) -> bool:
        """Formatted as text in the template (long numbers must not become numbers)."""
        return self.kind in (CITIZEN_ID, CREDIT_CODE, TEXT, CODE)


_ID = Column("citizen_id", "公民身份号码", "必填。18 位，最后一位可为 X。本列已设为文本格式，"
             "请勿改为数值，否则号码后几位会丢失。", True, CITIZEN_ID, example="320213199001011234")
_NAME = Column("name", "姓名", "必填。与身份证件一致。", True, max_length=64, example="张三")
_NOTE = Column("note", "备注", "选填。", max_length=500)
_CONTRACT_TYPE = Column("contract_type", "劳动合同期限类型", "必填。从下拉列表选择。", True, CODE,
                        "contract_type", example="固定期限劳动合同")

COLUMNS: dict[FilingType, list[Column]] = {
    FilingType.HIRE: [
        _ID, _NAME,
        Column("phone", "手机号码", "选填。11 位手机号码，用于接收备案短信。", max_length=32),
        Column("education", "文化程度", "选填。从下拉列表选择。", kind=CODE,
               codelist="education_level"),
        Column("employment_form", "用工形式", "必填。全日制或非全日制。", True, CODE,
               "employment_form", example="全日制"),
        Column("hours_per_day", "平均每日工作时间（小时）", "非全日制必填，不超过 4 小时；全日制留空。",
               kind=NUMBER),
        Column("hours_per_week", "每周工作时间（小时）", "非全日制必填，不超过 24 小时；全日制留空。",
               kind=NUMBER),
        Column("start_date", "入职日期", "必填。格式 2026-03-01。入职之日起 30 日内备案。", True,
               DATE, example="2026-03-01"),
        _CONTRACT_TYPE,
        Column("contract_start", "合同起始日期", "选填。留空则与入职日期相同。", kind=DATE),
        Column("contract_end", "合同终止日期", "固定期限合同必填；无固定期限合同留空。", kind=DATE,
               example="2029-02-28"),
        Column("probation_months", "试用期（月）", "选填。整数；非全日制用工不得约定试用期。",
               kind=INTEGER),
        Column("job_title", "工作岗位", "选填。", max_length=64, example="操作工"),
        _NOTE,
    ],
    FilingType.RENEWAL: [
        _ID, _NAME, _CONTRACT_TYPE,
        Column("contract_start", "续订合同起始日期", "选填。留空则从原合同终止日期起算。", kind=DATE),
        Column("contract_end", "续订合同终止日期", "固定期限合同必填，应晚于原合同终止日期。",
               kind=DATE),
        _NOTE,
    ],
    FilingType.TRANSFER: [
        _ID, _NAME,
        Column("to_unit_credit_code", "调入单位统一社会信用代码",
               "必填。18 位；调入单位须已开户。本列已设为文本格式。", True, CREDIT_CODE),
        Column("transfer_date", "调动日期", "必填。格式 2026-03-01。", True, DATE),
        _CONTRACT_TYPE,
        Column("contract_end", "调入单位合同终止日期", "固定期限合同必填；无固定期限合同留空。",
               kind=DATE),
        Column("job_title", "调入后工作岗位", "选填。留空则沿用原岗位。", max_length=64),
        _NOTE,
    ],
    FilingType.TERMINATION: [
        _ID, _NAME,
        Column("end_date", "解除（终止）日期", "必填。格式 2026-03-01。解除之日起 15 日内备案。",
               True, DATE),
        Column("termination_reason", "解除（终止）原因", "必填。从下拉列表选择（按劳动合同法条款）。",
               True, CODE, "termination_reason"),
        _NOTE,
    ],
}


def _norm_header(text: object) -> str:
    """A header cell compared loosely: full-width forms, spaces, the required star and
    brackets do not matter."""
    value = unicodedata.normalize("NFKC", cell_text(text))
    value = re.sub(r"[\s*＊]", "", value)
    return value.replace("（", "(").replace("）", ")").lower()


def cell_text(value: object) -> str:
    """A cell as text (None → "", integral floats without ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def is_blank_row(values: Iterable[object]) -> bool:
    return all(cell_text(v) == "" for v in values)


# --------------------------------------------------------------------------------------------
# Header row
# --------------------------------------------------------------------------------------------

@dataclass
class HeaderMatch:
    """Where each column is in the file (key → 0-based index), and what the user should know."""

    positions: dict[str, int]
    reordered: bool = False
    ignored: list[str] = field(default_factory=list)

    def notes_zh(self) -> list[str]:
        notes = []
        if self.reordered:
            notes.append("文件的列顺序与模板不同：已按列标题识别各列，无需调整顺序。")
        if self.ignored:
            notes.append("以下列不在模板中，已忽略：" + "、".join(f"“{h}”" for h in self.ignored)
                         + "。")
        return notes


def match_headers(filing_type: FilingType, header: Iterable[object]) -> HeaderMatch:
    """Find every template column in a header row by its name (the Chinese header or the
    English key). Reordered columns are fine; a missing column or one given twice is a
    DomainError naming it."""
    columns = COLUMNS[filing_type]
    names: dict[str, str] = {}
    for column in columns:
        names[_norm_header(column.header_zh)] = column.key
        names[_norm_header(column.key)] = column.key
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        text = cell_text(cell)
        if not text or _norm_header(text) == _norm_header(ERROR_COLUMN_HEADER):
            continue
        key = names.get(_norm_header(text))
        if key is None:
            ignored.append(text)
            continue
        if key in positions:
            label = next(c.header_zh for c in columns if c.key == key)
            raise DomainError(
                "BULK_COLUMN_DUPLICATE",
                f"列“{label}”在标题行中出现了两次。请删除多余的一列后重新上传。",
                f"The column '{key}' appears twice in the header row.", "file")
        positions[key] = index
    missing = [c for c in columns if c.key not in positions]
    if missing:
        if len(missing) == len(columns):
            raise DomainError(
                "BULK_HEADER_NOT_FOUND",
                f"文件第一行不是{filing_type.value}备案模板的标题行，没有找到任何模板列（如“"
                f"{columns[0].header_zh}”“{columns[1].header_zh}”）。请下载{filing_type.value}备案模板，"
                "把数据粘贴到模板中（保留第一行标题）后重新上传；也请确认选择的备案类型与文件一致。",
                "The first row is not the template's header row.", "file")
        labels = "、".join(f"“{c.header_zh}”" for c in missing)
        raise DomainError(
            "BULK_COLUMN_MISSING",
            f"文件缺少以下列：{labels}。请使用{filing_type.value}备案模板，不要删除或改名模板中的列"
            "（列的顺序可以调整）。",
            "Missing columns: " + ", ".join(c.key for c in missing) + ".", "file")
    order = [positions[c.key] for c in columns]
    return HeaderMatch(positions, reordered=order != sorted(order), ignored=ignored)


def is_notes_row(filing_type: FilingType, match: HeaderMatch, values: list[object]) -> bool:
    """The template's second row explains each column; it is not data."""
    for column in COLUMNS[filing_type]:
        index = match.positions[column.key]
        if index < len(values) and cell_text(values[index]) == column.note_zh:
            return True
    return False


# --------------------------------------------------------------------------------------------
# Cells → typed values
# --------------------------------------------------------------------------------------------

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


def _cell_error(code: str, column: Column, zh: str, en: str) -> DomainError:
    return DomainError(code, f"“{column.header_zh}”：{zh}", f"{column.key}: {en}", column.key)


def _parse_cell(column: Column, raw: object, codes: Mapping[str, CodeLookup]):
    """(value, error) of one cell."""
    text = cell_text(raw)
    if isinstance(raw, str) and raw.lstrip().startswith("="):
        return None, _cell_error(
            "BULK_FORMULA", column,
            f"单元格是公式（{text[:40]}），不能导入。请复制该列后用“选择性粘贴 → 数值”粘贴为数值，再重新上传。",
            "the cell holds a formula; paste it as values.")
    if text == "":
        if column.required:
            return None, DomainError("FIELD_REQUIRED", f"请填写“{column.header_zh}”。",
                                     f"{column.key} is required.", column.key)
        return None, None
    if column.kind == CITIZEN_ID:
        try:
            return validate_citizen_id(raw if not isinstance(raw, str) else text).number, None
        except DomainError as exc:
            return None, exc.for_field(column.key)
    if column.kind == CREDIT_CODE:
        try:
            return validate_credit_code(raw if not isinstance(raw, str) else text), None
        except DomainError as exc:
            return None, exc.for_field(column.key)
    if column.kind == DATE:
        value = parse_date(raw)
        if value is None:
            return None, _cell_error(
                "BULK_DATE_FORMAT", column,
                f"“{text[:40]}”不是有效日期。请按“年-月-日”填写，例如 2026-03-01。",
                "not a date; write it as 2026-03-01.")
        return value, None
    if column.kind in (NUMBER, INTEGER):
        try:
            number = float(unicodedata.normalize("NFKC", text))
        except ValueError:
            number = None
        if number is None or number != number:
            return None, _cell_error("BULK_NUMBER_FORMAT", column,
                                     f"“{text[:40]}”不是数字，请填写数字，例如 3.5。",
                                     "not a number.")
        if column.kind == INTEGER:
            if not number.is_integer():
                return None, _cell_error("BULK_INTEGER_FORMAT", column,
                                         f"“{text[:40]}”不是整数，请填写整数，例如 3。",
                                         "not a whole number.")
            return int(number), None
        return number, None
    if column.kind == CODE:
        lookup = codes.get(column.codelist or "")
        code = lookup.code(raw) if lookup is not None else None
        if code is None:
            shown = lookup.labels() if lookup is not None else []
            choices = ("、".join(shown) if len(shown) <= 4
                       else "模板“代码表”工作表中的值")
            return None, _cell_error(
                "BULK_CODE_UNKNOWN", column,
                f"“{text[:40]}”不是可选的值。请从下拉列表中选择：{choices}。",
                f"'{text[:40]}' is not one of the allowed values.")
        return code, None
    if column.max_length and len(text) > column.max_length:
        return None, _cell_error("BULK_TEXT_TOO_LONG", column,
                                 f"内容过长（{len(text)} 个字），最多 {column.max_length} 个字，请精简。",
                                 f"too long (at most {column.max_length} characters).")
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
        row.errors.append(DomainError(
            "BULK_DUPLICATE_ROW",
            f"与第 {first[key]} 行是同一劳动者（身份证号码相同）。一个文件中每位劳动者只能有一行，"
            "请删除重复的行或核对身份证号码。",
            f"Same worker as row {first[key]}; one row per worker and file.", "citizen_id"))
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
