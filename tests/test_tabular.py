"""The shared export helper: CSV/Excel that open cleanly and never run a formula."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io

import pytest
from openpyxl import load_workbook

from app.services.tabular import UTF8_BOM, csv_bytes, safe_cell, xlsx_bytes


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")', "-"],
)
def test_formula_like_strings_get_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["梁溪区", "a=b", "1-2", "", " =1", "'quoted"])
def test_ordinary_strings_are_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, 3.5, None, dt.date(2026, 1, 1), True])
def test_non_strings_are_unchanged(value):
    assert safe_cell(value) == value


def _read_csv(data: bytes):
    assert data.startswith(UTF8_BOM)
    return list(csv.reader(io.StringIO(data[len(UTF8_BOM):].decode("utf-8"))))


def test_csv_has_bom_header_and_neutralised_cells():
    data = csv_bytes(["区", "=人数"], [["梁溪区", 12], ["=cmd|' /C calc'!A0", -3], [None, "@x"]])
    rows = _read_csv(data)
    assert rows[0] == ["区", "'=人数"]
    assert rows[1] == ["梁溪区", "12"]
    assert rows[2] == ["'=cmd|' /C calc'!A0", "-3"]  # a negative number stays a number
    assert rows[3] == ["", "'@x"]


def test_csv_quotes_commas_and_newlines():
    rows = _read_csv(csv_bytes(["a"], [["x,y\nz"]]))
    assert rows[1] == ["x,y\nz"]


class Colour(enum.Enum):
    RED = "红"


def test_enum_members_are_written_as_their_label():
    assert _read_csv(csv_bytes(["c"], [[Colour.RED]]))[1] == ["红"]
    wb = load_workbook(io.BytesIO(xlsx_bytes(["c"], [[Colour.RED]])))
    assert wb.active["A2"].value == "红"


def test_xlsx_opens_with_values_bold_frozen_header_and_no_formulas():
    data = xlsx_bytes(
        ["月份", "人数", "备注"],
        [["2026-01", 120, "=SUM(B2:B3)"], ["2026-02", 80, "+39"], ["2026-03", -4, "正常"]],
        sheet_title="备案量/月",
    )
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "备案量月"  # "/" is not allowed in a sheet title
    assert [c.value for c in ws[1]] == ["月份", "人数", "备注"]
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value == 120 and ws["B4"].value == -4
    assert ws["C2"].value == "'=SUM(B2:B3)"
    assert ws["C2"].data_type == "s"  # a string, not a formula
    assert ws["C3"].value == "'+39"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_xlsx_text_columns_keep_leading_zeros_and_long_numbers_as_text():
    data = xlsx_bytes(
        ["编号", "统一社会信用代码", "人数"],
        [["00123", "91320200MA1XXXXX0X", 5], [123456789012345678, None, 6]],
        text_columns=[0, 1],
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == "00123" and ws["A2"].number_format == "@"
    assert ws["A3"].value == "123456789012345678" and ws["A3"].data_type == "s"
    assert ws["B2"].number_format == "@"
    assert ws["C2"].value == 5 and ws["C2"].number_format != "@"


def test_xlsx_drops_control_characters_instead_of_failing():
    ws = load_workbook(io.BytesIO(xlsx_bytes(["a"], [["bad\x01value"]]))).active
    assert ws["A2"].value == "badvalue"


def test_xlsx_accepts_a_generator_and_dates():
    rows = ((dt.date(2026, 1, i), i) for i in range(1, 4))
    ws = load_workbook(io.BytesIO(xlsx_bytes(["日", "n"], rows))).active
    assert ws.max_row == 4
    assert ws["A2"].value.date() == dt.date(2026, 1, 1)
