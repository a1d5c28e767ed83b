"""Helpers of the bulk filing tests: fresh workers and units, spreadsheets filled in as a user
would fill the downloaded template."""

from __future__ import annotations

import datetime
import io
import itertools

from sqlalchemy import select

from app.domain.identifiers import make_citizen_id

TODAY = datetime.date.today()
FAR = TODAY + datetime.timedelta(days=3 * 365)
_seq = itertools.count(1)
REGION = "320282"  # 宜兴: numbers no other test module uses


def fresh_ids(count: int) -> list[str]:
    """Distinct valid ID numbers of adults (birth dates spread over 1965–1990)."""
    start = next(_seq) * 10_000
    out = []
    for i in range(start, start + count):
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=(i // 1000) % 9000)
        out.append(make_citizen_id(REGION, birth, i % 1000))
    return out


def actor(username: str, *, bulk: bool = True):
    from app.extensions import appbuilder
    from app.models.filings import Channel
    from app.services.filings import Actor

    return Actor.of(appbuilder.sm.find_user(username=username),
                    via=Channel.BULK if bulk else None)


def hire_row(citizen_id: str, name: str, **overrides) -> dict:
    row = {"citizen_id": citizen_id, "name": name, "phone": "13912345678",
           "education": "大学本科毕业", "employment_form": "全日制", "hours_per_day": "",
           "hours_per_week": "", "start_date": TODAY.isoformat(), "contract_type": "固定期限劳动合同",
           "contract_start": "", "contract_end": FAR.isoformat(), "probation_months": "",
           "job_title": "操作工", "note": ""}
    row.update(overrides)
    return row


def hire_rows(count: int, prefix="批量") -> list[dict]:
    return [hire_row(cid, f"{prefix}{i}") for i, cid in enumerate(fresh_ids(count))]


def xlsx_of(filing_type, rows: list[dict], *, template: bool = True, raw: dict | None = None,
            order: list[str] | None = None) -> bytes:
    """A workbook as a user fills it: the template (header, notes row) with rows from row 3.
    ``raw`` maps (row index, key) → a cell value written as is (numbers, formulas)."""
    import openpyxl

    from app.domain.bulk.columns import COLUMNS

    columns = COLUMNS[filing_type]
    keys = order or [c.key for c in columns]
    if template:
        from app.services.bulk.files import template_file

        data, _, _ = template_file(filing_type, "xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(data))
        ws = wb.worksheets[0]
        if order:
            headers = {c.key: c.header_zh for c in columns}
            for index, key in enumerate(keys, start=1):
                ws.cell(row=1, column=index, value=headers[key])
        first = 3
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        headers = {c.key: c.header_zh for c in columns}
        for index, key in enumerate(keys, start=1):
            ws.cell(row=1, column=index, value=headers[key])
        first = 2
    raw = raw or {}
    for r, row in enumerate(rows):
        for index, key in enumerate(keys, start=1):
            value = raw.get((r, key), row.get(key, ""))
            cell = ws.cell(row=first + r, column=index, value=value if value != "" else None)
            if isinstance(value, str):
                cell.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_of(filing_type, rows: list[dict], *, encoding="utf-8-sig") -> bytes:
    import csv

    from app.domain.bulk.columns import COLUMNS

    columns = COLUMNS[filing_type]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header_zh for c in columns])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in columns])
    return out.getvalue().encode(encoding)


def upload_and_check(who: str, unit_id: int, filing_type, data: bytes, name="hires.xlsx"):
    """Upload as `who` and run the worker's validation; the batch (refreshed)."""
    from app.services.bulk.processing import process_batch
    from app.services.bulk.upload import upload_file

    batch, _ = upload_file(actor(who), unit_id, filing_type, name, data)
    return process_batch(batch.id)


def file_batch(who: str, batch_id: int, mode="all_or_nothing"):
    from app.services.bulk.filing import request_filing
    from app.services.bulk.processing import process_batch

    request_filing(actor(who), batch_id, mode)
    return process_batch(batch_id)


def row_errors(batch_id: int, who="admin") -> dict[int, list[str]]:
    """Row number → error codes of the invalid rows."""
    from app.services.bulk.status import batch_status

    status = batch_status(batch_id, actor(who))
    return {r["row"]: [e["code"] for e in r["errors"]] for r in status["rows"] if r["errors"]}


def purge_unit(unit_id: int) -> None:
    """Remove what a test did to a fresh unit (its batches, filings, employments, notices and
    the workers it registered), so thousands of filed rows do not stay behind in the session
    database (the document safety net works through filed filings in batches of 1,000)."""
    from sqlalchemy import delete, or_

    from app.extensions import db
    from app.models.bulk import BulkBatch, BulkRow
    from app.models.documents import Document, DocumentBatchItem
    from app.models.filings import Employment, Filing, Notice
    from app.models.people import Person

    db.session.rollback()
    batch_ids = select(BulkBatch.id).where(BulkBatch.unit_id == unit_id)
    filing_ids = list(db.session.scalars(select(Filing.id).where(
        or_(Filing.unit_id == unit_id, Filing.to_unit_id == unit_id))))
    person_ids = list(db.session.scalars(select(Employment.person_id).where(
        Employment.unit_id == unit_id)))
    employment_ids = select(Employment.id).where(Employment.unit_id == unit_id)
    for chunk in range(0, max(len(filing_ids), 1), 500):
        ids = filing_ids[chunk:chunk + 500]
        db.session.execute(delete(BulkRow).where(BulkRow.filing_id.in_(ids)))
        db.session.execute(delete(Notice).where(Notice.filing_id.in_(ids)))
        db.session.execute(delete(DocumentBatchItem).where(DocumentBatchItem.filing_id.in_(ids)))
        db.session.execute(delete(Document).where(Document.filing_id.in_(ids)))
        db.session.execute(delete(Filing).where(Filing.id.in_(ids)))
    db.session.execute(delete(BulkRow).where(BulkRow.batch_id.in_(batch_ids)))
    db.session.execute(delete(BulkBatch).where(BulkBatch.unit_id == unit_id))
    db.session.execute(delete(Employment).where(Employment.id.in_(employment_ids)))
    for chunk in range(0, len(person_ids), 500):
        ids = person_ids[chunk:chunk + 500]
        still_used = select(Employment.person_id).where(Employment.person_id.in_(ids))
        used_by_filing = select(Filing.person_id).where(Filing.person_id.in_(ids))
        gone = select(Person.id).where(Person.id.in_(ids), Person.id.not_in(still_used),
                                       Person.id.not_in(used_by_filing))
        db.session.execute(delete(Notice).where(Notice.person_id.in_(gone)))
        db.session.execute(delete(Person).where(Person.id.in_(gone)))
    db.session.commit()
