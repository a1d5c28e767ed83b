"""The columns of each filing type's bulk spreadsheet (批量导入模板) and matching a file's header
row to them. Pure Python: no Flask, no database.

The rules a filing must obey are not here: each parsed row becomes the same input the web form
builds and goes through the same service checks; see app.domain.bulk.rows for the cells.

>>> [c.key for c in COLUMNS[FilingType.TERMINATION]]
['citizen_id', 'name', 'end_date', 'termination_reason', 'note']
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.domain.bulk.errors import (
    BULK_COLUMN_DUPLICATE,
    BULK_COLUMN_MISSING,
    BULK_HEADER_NOT_FOUND,
)
from app.domain.filings import FilingType

__all__ = [
    "COLUMNS", "ERROR_COLUMN_HEADER", "MODES", "MODE_ALL_OR_NOTHING", "MODE_VALID_ONLY",
    "Column", "HeaderMatch", "cell_text", "is_blank_row", "is_notes_row", "match_headers",
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
            raise BULK_COLUMN_DUPLICATE(label=label, key=key)
        positions[key] = index
    missing = [c for c in columns if c.key not in positions]
    if missing:
        if len(missing) == len(columns):
            raise BULK_HEADER_NOT_FOUND(
                message=f"文件第一行不是{filing_type.value}备案模板的标题行，没有找到任何模板列（如“"
                f"{columns[0].header_zh}”“{columns[1].header_zh}”）。请下载{filing_type.value}备案模板，"
                "把数据粘贴到模板中（保留第一行标题）后重新上传；也请确认选择的备案类型与文件一致。",
                message_en="The first row is not the template's header row.")
        labels = "、".join(f"“{c.header_zh}”" for c in missing)
        raise BULK_COLUMN_MISSING(labels=labels, kind=filing_type.value,
                                  keys=", ".join(c.key for c in missing))
    order = [positions[c.key] for c in columns]
    return HeaderMatch(positions, reordered=order != sorted(order), ignored=ignored)


def is_notes_row(filing_type: FilingType, match: HeaderMatch, values: list[object]) -> bool:
    """The template's second row explains each column; it is not data."""
    for column in COLUMNS[filing_type]:
        index = match.positions[column.key]
        if index < len(values) and cell_text(values[index]) == column.note_zh:
            return True
    return False
