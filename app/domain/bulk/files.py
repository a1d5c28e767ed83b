"""Reading an uploaded bulk file (xlsx or CSV) safely: what it really is (by content, not by
its name), whether it is a zip bomb, merged cells, the encoding of a CSV, and its rows as
streams of cell values. Pure Python (zipfile, csv, openpyxl): no Flask, no database.

Every refusal is a DomainError (app.domain.bulk.errors) saying what is wrong and how to fix it.

>>> sniff(b"\\xef\\xbb\\xbf\\xe5\\xa7\\x93\\xe5\\x90\\x8d,x\\r\\n", "a.csv")
'csv'
>>> try:
...     sniff(b"%PDF-1.4 ...", "a.xlsx")
... except DomainError as error:
...     print(error.code)
BULK_FILE_RENAMED
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.domain.bulk.errors import (
    BULK_CSV_ENCODING,
    BULK_CSV_FORMAT,
    BULK_FILE_DAMAGED,
    BULK_FILE_EMPTY,
    BULK_FILE_OLD_EXCEL,
    BULK_FILE_RENAMED,
    BULK_FILE_TOO_LARGE,
    BULK_FILE_TYPE,
    BULK_FILE_ZIP_BOMB,
    BULK_MERGED_CELLS,
)
from app.domain.errors import DomainError  # noqa: F401  (the doctest catches it)

__all__ = ["FileLimits", "Table", "check_zip", "read_table", "sniff"]

XLSX, CSV = "xlsx", "csv"
EXTENSIONS = {".xlsx": XLSX, ".csv": CSV}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # .xls / .doc (Office 97–2003)
_ZIP = b"PK\x03\x04"
_BINARY_MAGIC = {b"%PDF": "PDF", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"Rar!": "RAR",
                 b"7z\xbc\xaf": "7z", b"\x1f\x8b": "gzip"}
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int = 10 * 1024 * 1024          # the upload itself
    max_rows: int = 20_000                      # data rows (a setting: BEIAN_BULK_MAX_ROWS)
    max_unzipped_bytes: int = 200 * 1024 * 1024  # all members of an xlsx, uncompressed
    max_ratio: int = 100                        # uncompressed / compressed, per member
    max_members: int = 500


def _extension(filename: str) -> str:
    name = (filename or "").lower().strip()
    return name[name.rfind("."):] if "." in name else ""


def sniff(data: bytes, filename: str) -> str:
    """xlsx or csv, judged by the content; the file's extension must agree with it."""
    ext = _extension(filename)
    if not data:
        raise BULK_FILE_EMPTY()
    if data.startswith(_OLE2):
        raise BULK_FILE_OLD_EXCEL()
    if ext not in EXTENSIONS:
        raise BULK_FILE_TYPE(ext=ext or '无扩展名')
    if data.startswith(_ZIP):
        kind = XLSX
    else:
        for magic, label in _BINARY_MAGIC.items():
            if data.startswith(magic):
                raise BULK_FILE_RENAMED(
                    ext=ext, content=f"是 {label} 文件，不是 Excel 工作簿或 CSV 表格（可能是改了扩展名的其他文件）",
                    fix="请上传用模板填写的 .xlsx 或 .csv 文件。",
                    message_en=f"The file is a {label} file renamed to {ext}.")
        kind = CSV if b"\x00" not in data[:4096] else ""
    if kind == "":
        raise BULK_FILE_RENAMED(
            ext=ext, content="不是 Excel 工作簿或 CSV 表格", fix="请上传用模板填写的 .xlsx 或 .csv 文件。",
            message_en="The file is neither an xlsx workbook nor a CSV text file.")
    if kind != EXTENSIONS[ext]:
        if ext == ".xlsx":
            raise BULK_FILE_RENAMED(
                ext=".xlsx", content="是文本（CSV）而不是 Excel 工作簿（可能是改了扩展名）",
                fix="请把扩展名改回“.csv”，或在 Excel 中另存为 .xlsx 后重新上传。",
                message_en="A text file renamed to .xlsx.")
        raise BULK_FILE_RENAMED(
            ext=".csv", content="是压缩文件（可能是改了扩展名的 Excel 工作簿）",
            fix="请把扩展名改回“.xlsx”后重新上传。", message_en="A zip/xlsx file renamed to .csv.")
    return kind


def check_zip(data: bytes, limits: FileLimits) -> zipfile.ZipFile:
    """Open an xlsx as a zip after checking, from its directory only, that it is a workbook
    and not a zip bomb (nothing is decompressed here)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BULK_FILE_DAMAGED(how="或不完整，无法作为 Excel 工作簿打开",
                                problem_en="is damaged") from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise BULK_FILE_RENAMED(
            ext=".xlsx", content="不是 Excel 工作簿（可能是改了扩展名的 Word 文档、压缩包等）",
            fix="请上传用模板填写的 Excel 工作簿。",
            message_en="The zip file is not an xlsx workbook.")
    total = sum(m.file_size for m in members)
    bomb = (len(members) > limits.max_members or total > limits.max_unzipped_bytes
            or any(m.file_size > 1024 * 1024
                   and m.file_size > limits.max_ratio * max(m.compress_size, 1)
                   for m in members))
    if bomb:
        raise BULK_FILE_ZIP_BOMB()
    return archive


def _merged_ranges(archive: zipfile.ZipFile, member: str, limit: int = 5) -> list[str]:
    """Merged cell ranges of a sheet, read from its XML as a stream (openpyxl's read-only
    mode does not report them)."""
    found: list[str] = []
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            buf = tail + chunk
            for match in _MERGE_RE.finditer(buf):
                found.append(match.group(1).decode())
            found = list(dict.fromkeys(found))  # a match in the overlap is seen twice
            if len(found) >= limit:
                return found[:limit]
            tail = buf[-200:]
    return found


@dataclass
class Table:
    """A file's first sheet as rows of cell values (row numbers as the spreadsheet shows)."""

    kind: str
    rows: Iterator[tuple[int, list]]
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    close: object = None


def _decode_csv(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8（带 BOM）"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        raise BULK_CSV_ENCODING() from None


def _csv_rows(text: str) -> Iterator[tuple[int, list]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise BULK_CSV_FORMAT(detail=str(exc)) from None


def _xlsx_rows(workbook) -> Iterator[tuple[int, list]]:
    sheet = workbook.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(row)


def read_table(data: bytes, filename: str, limits: FileLimits = FileLimits()) -> Table:
    """The rows of an uploaded file, or a DomainError for a file that cannot be taken."""
    if len(data) > limits.max_bytes:
        raise BULK_FILE_TOO_LARGE(megabytes=limits.max_bytes // (1024 * 1024))
    kind = sniff(data, filename)
    if kind == CSV:
        text, encoding = _decode_csv(data)
        return Table(CSV, _csv_rows(text), encoding=encoding,
                     notes=[f"CSV 文件编码识别为 {encoding}。"])
    archive = check_zip(data, limits)
    import openpyxl  # imported late: the web process rarely needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
    except Exception:  # noqa: BLE001 - any failure of the reader is a damaged workbook
        raise BULK_FILE_DAMAGED(how="或不是有效的 Excel 工作簿，无法读取",
                                problem_en="cannot be read") from None
    member = getattr(sheet, "_worksheet_path", None)
    if member:
        merged = _merged_ranges(archive, member.lstrip("/"))
        if merged:
            workbook.close()
            raise BULK_MERGED_CELLS(sheet=sheet.title, ranges="、".join(merged))
    return Table(XLSX, _xlsx_rows(workbook), close=workbook.close)
