"""Bulk filing in a real browser, as an employer does it: download the hire template, upload a
filled file, watch the progress bar, see the row with a mistake explained, file the valid rows,
and see the batch in the history (the worker job is run by the test, as the scheduler would)."""

from __future__ import annotations

import re

import openpyxl

from tests.test_bulk_helpers import fresh_ids, hire_row

from .conftest import login


def _run_worker(app, batch_id):
    from app.services.bulk.processing import process_batch

    with app.app_context():
        return process_batch(batch_id)


def test_employer_uploads_a_hire_file_sees_the_error_and_files_the_valid_rows(
        app, live_server, page, tmp_path):
    login(page, live_server, "employer")
    page.goto(f"{live_server}/portal/bulk/")
    assert "批量导入备案" in page.inner_text("h3")

    with page.expect_download() as download_info:
        page.click("#template-HIRE-xlsx")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    with app.app_context():
        ids = fresh_ids(3)
    rows = [hire_row(ids[0], "浏览器甲"), hire_row(ids[1], "浏览器乙", start_date="2026-02-30"),
            hire_row(ids[2], "浏览器丙")]
    from app.domain.bulk.columns import COLUMNS
    from app.domain.filings import FilingType

    keys = {c.header_zh: c.key for c in COLUMNS[FilingType.HIRE]}
    for r, row in enumerate(rows, start=3):
        for c, header in enumerate(headers, start=1):
            value = row.get(keys[header], "")
            ws.cell(row=r, column=c).value = value or None
    filled = tmp_path / "入职名单.xlsx"
    wb.save(filled)

    page.select_option("#filing_type", "HIRE")
    page.set_input_files("#file", str(filled))
    with page.expect_navigation():
        page.click("#upload-button")
    batch_id = int(re.search(r"/batch/(\d+)$", page.url).group(1))
    assert page.is_visible("#bulk-progress-bar")

    _run_worker(app, batch_id)  # the page polls and reloads by itself when done
    page.wait_for_selector("#count-invalid", timeout=15_000)
    assert page.inner_text("#count-invalid") == "1"
    assert "BULK_DATE_FORMAT" in page.inner_text("#invalid-rows")
    assert page.is_disabled("#file-all")

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#file-valid")
    _run_worker(app, batch_id)
    page.wait_for_selector("#filed-summary", timeout=15_000)
    assert "已备案 2 条" in page.inner_text("#filed-summary")

    page.goto(f"{live_server}/portal/bulk/")
    assert f"#{batch_id}" in page.inner_text("#batches")
