"""The issue's "done when", end to end over HTTP (the slower bulk tests, 2,000 rows each):
an employer downloads the hire template, fills 2,000 rows with 12 deliberate mistakes, uploads,
gets exactly those 12 explained, fixes them in the downloaded error report, re-uploads, and all
2,000 hires are filed; then a plant closure uploads 2,000 terminations and they go to the
district's approval as one batch."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
from sqlalchemy import func, select

from app.domain.bulk.columns import COLUMNS
from app.domain.filings import FilingStatus, FilingType
from app.domain.identifiers import citizen_id_check_char
from app.domain.roles import ROLE_EMPLOYER
from tests import factories as make
from tests.conftest import login
from tests.test_bulk_helpers import FAR, TODAY, fresh_ids, purge_unit

SIZE = 2000
HIRE_COLUMNS = [c.key for c in COLUMNS[FilingType.HIRE]]


def col(key: str) -> int:
    return HIRE_COLUMNS.index(key) + 1


def batch_id_from(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return int(re.search(r"/batch/(\d+)$", response.headers["Location"]).group(1))


def upload(client, kind: str, data: bytes, name: str) -> int:
    return batch_id_from(client.post("/portal/bulk/upload", data={
        "filing_type": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data"))


def process(app, batch_id):
    from app.services.bulk.processing import process_batch

    with app.app_context():
        return process_batch(batch_id)


def test_2000_hires_with_12_mistakes_then_fixed_then_a_2000_worker_plant_closure(
        app, client_for):
    with app.app_context():  # a fresh unit of 梁溪区 (the demo employer's unit is shared)
        unit_id = make.unit(headcount=SIZE).id
    username = make.user(ROLE_EMPLOYER, unit_id=unit_id, username=f"bulkemployer{unit_id}")
    try:
        _scenario(app, client_for, unit_id, username)
    finally:
        with app.app_context():
            purge_unit(unit_id)


def _scenario(app, client_for, unit_id, username):
    client = login(app.test_client(), username)

    # 1. The hire template, filled in as a user would.
    template = client.get("/portal/bulk/template/HIRE.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(template.data))
    ws = wb.worksheets[0]
    with app.app_context():
        ids = fresh_ids(SIZE + 1)
    end = FAR.isoformat()
    for i in range(SIZE):
        r = 3 + i
        values = {"citizen_id": ids[i], "name": f"大批{i}", "phone": "13912345678",
                  "employment_form": "全日制", "start_date": TODAY.isoformat(),
                  "contract_type": "固定期限劳动合同", "contract_end": end, "job_title": "装配工"}
        for key, value in values.items():
            ws.cell(row=r, column=col(key), value=value)
    young = ids[SIZE][:6] + (TODAY - datetime.timedelta(days=365 * 12)).strftime("%Y%m%d") + "123"
    young += citizen_id_check_char(young)
    wrong_check = ids[100][:17] + ("X" if ids[100][17] != "X" else "1")
    mistakes = {  # row → (column, value, expected code)
        103: ("citizen_id", wrong_check, "ID_CHECKSUM"),
        250: ("name", None, "FIELD_REQUIRED"),
        400: ("start_date", "2026/02/31", "BULK_DATE_FORMAT"),
        555: ("employment_form", "临时工", "BULK_CODE_UNKNOWN"),
        700: ("contract_end", (TODAY - datetime.timedelta(days=1)).isoformat(),
              "CONTRACT_END_BEFORE_START"),
        801: ("citizen_id", young, "HIRE_UNDER_AGE"),
        950: ("citizen_id", ids[10], "BULK_DUPLICATE_ROW"),
        1100: ("job_title", "=A1&B1", "BULK_FORMULA"),
        1234: ("contract_end", None, "CONTRACT_END_REQUIRED"),
        1500: ("citizen_id", float(ids[1497][:17] + "1"), "ID_EXCEL_DAMAGED"),
        # (one that is not by chance a valid number, another row's maybe: fresh_ids depend on
        # the tests run before, and a number ending in 000 is valid one time in 11)
        1777: ("citizen_id", next(ids[i][:15] + "000" for i in range(1774, 1000, -100)
                                  if citizen_id_check_char(ids[i][:15] + "00") != "0"),
               "ID_EXCEL_DAMAGED"),
        2001: ("probation_months", "三个月", "BULK_NUMBER_FORMAT"),
    }
    for row, (key, value, _) in mistakes.items():
        ws.cell(row=row, column=col(key)).value = value  # (cell(value=None) keeps it)
    buf = io.BytesIO()
    wb.save(buf)

    # 2. Upload: exactly those 12 rows are explained.
    batch_id = upload(client, "HIRE", buf.getvalue(), "秋季招聘.xlsx")
    batch = process(app, batch_id)
    assert (batch.total, batch.valid, batch.invalid) == (SIZE, SIZE - 12, 12)
    status = client.get(f"/portal/bulk/batch/{batch_id}/status").get_json()
    assert status["invalid"] == 12 and sum(status["errors_by_code"].values()) == 12
    with app.app_context():
        from app.services.bulk.status import batch_status
        from tests.test_bulk_helpers import actor

        rows = batch_status(batch_id, actor(username), only_errors=True)["rows"]
    assert {r["row"]: [e["code"] for e in r["errors"]] for r in rows} == {
        row: [code] for row, (_, _, code) in mistakes.items()}

    # 3. Fix them in the downloaded error report and upload it again.
    report = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/portal/bulk/batch/{batch_id}/report.xlsx").data))
    rs = report.worksheets[0]
    fixes = {"citizen_id": None, "name": "补名", "start_date": TODAY.isoformat(),
             "employment_form": "全日制", "contract_end": end, "job_title": "装配工",
             "probation_months": None}
    spare = iter(fresh_ids(12))
    for row, (key, _, _) in mistakes.items():
        value = next(spare) if key == "citizen_id" else fixes[key]
        # The report has no notes row and the error column first: row - 1, column + 1.
        rs.cell(row=row - 1, column=col(key) + 1).value = value
    buf = io.BytesIO()
    report.save(buf)
    fixed_id = upload(client, "HIRE", buf.getvalue(), "秋季招聘-修正.xlsx")
    fixed = process(app, fixed_id)
    assert (fixed.valid, fixed.invalid) == (SIZE, 0), fixed.errors_by_code
    client.post(f"/portal/bulk/batch/{fixed_id}/file", data={"mode": "all_or_nothing"})
    fixed = process(app, fixed_id)
    assert fixed.status.name == "FILED" and fixed.filed == SIZE
    with app.app_context():
        from app.domain.filings import EmploymentStatus
        from app.extensions import db
        from app.models.filings import Employment

        active = db.session.scalar(select(func.count(Employment.id)).where(
            Employment.unit_id == unit_id, Employment.status == EmploymentStatus.ACTIVE))
    assert active == SIZE

    # 4. The plant closes: 2,000 terminations in one CSV go to district approval as one batch.
    with app.app_context():
        from app.models.people import Person

        workers = db.session.execute(select(Person.citizen_id, Person.name).join(
            Employment, Employment.person_id == Person.id).where(
            Employment.unit_id == unit_id)).all()
    lines = ["公民身份号码,姓名,解除（终止）日期,解除（终止）原因,备注"]
    lines += [f"{cid},{name},{TODAY.isoformat()},劳动合同订立时所依据的客观情况发生重大变化，"
              f"未能就变更劳动合同达成协议,整厂关停" for cid, name in workers]
    closure_id = upload(client, "TERMINATION", ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"),
                        "关停退工.csv")
    closure = process(app, closure_id)
    assert (closure.valid, closure.invalid) == (SIZE, 0), closure.errors_by_code
    client.post(f"/portal/bulk/batch/{closure_id}/file", data={"mode": "all_or_nothing"})
    closure = process(app, closure_id)
    assert closure.status.name == "FILED" and closure.district_approval == SIZE
    with app.app_context():
        from app.models.bulk import BulkRow
        from app.models.filings import Filing

        statuses = dict(db.session.execute(
            select(Filing.status, func.count()).join(BulkRow, BulkRow.filing_id == Filing.id)
            .where(BulkRow.batch_id == closure_id).group_by(Filing.status)).all())
    assert statuses == {FilingStatus.PENDING_DISTRICT_APPROVAL: SIZE}
    page = client.get(f"/portal/bulk/batch/{closure_id}").get_data(as_text=True)
    assert "作为一个批次等待单位所在区经办机构审批" in page
    # The district office sees the batch and may approve it as a whole.
    district = client_for("district")
    html = district.get(f"/counter/bulk/batch/{closure_id}").get_data(as_text=True)
    assert 'id="approve-district"' in html
    queue = district.get("/review/district").get_data(as_text=True)
    assert int(re.search(r'id="queue-count">(\d+)<', queue).group(1)) >= SIZE
    # One row for the batch (not 40 pages of filings), linking to the batch page.
    row = re.search(rf'<tr id="queue-batch-{closure_id}">(.*?)</tr>', queue, re.S).group(1)
    assert f"<strong>{SIZE}</strong>" in row and username in row
    assert f"/counter/bulk/batch/{closure_id}" in row
    with app.app_context():
        receipts = list(db.session.scalars(
            select(Filing.receipt_number).join(BulkRow, BulkRow.filing_id == Filing.id)
            .where(BulkRow.batch_id == closure_id).limit(3)))
    assert not any(r in queue for r in receipts)
    other = client_for("district2").get("/review/district").get_data(as_text=True)
    assert f'id="queue-batch-{closure_id}"' not in other
    city = client_for("city").get("/review/district").get_data(as_text=True)
    assert f'id="queue-batch-{closure_id}"' in city and 'id="read-only"' in city

    # 5. "整批通过" returns at once (the worker approves), and the page shows the progress.
    response = district.post(f"/counter/bulk/batch/{closure_id}/approve")
    assert response.status_code == 302
    state = district.get(f"/counter/bulk/batch/{closure_id}/status").get_json()
    assert state["approval"]["state"] == "QUEUED" and state["done"] is False
    page = district.get(f"/counter/bulk/batch/{closure_id}").get_data(as_text=True)
    assert 'id="approval-state"' in page and 'id="bulk-poll"' in page
    again = district.post(f"/counter/bulk/batch/{closure_id}/approve", follow_redirects=True)
    assert "BULK_APPROVAL_IN_PROGRESS" in again.get_data(as_text=True)
    with app.app_context():
        from app.services.bulk.approval import process_approval

        done = process_approval(closure_id)
        assert (done.approval_done, done.approval_failed, done.filed) == (SIZE, 0, SIZE)
    state = district.get(f"/counter/bulk/batch/{closure_id}/status").get_json()
    assert state["approval"]["state"] == "DONE" and state["done"] is True
