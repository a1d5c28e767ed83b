"""Bulk filing pages: the employer portal and the counter, as a user clicks through them, and
the access matrix of every endpoint × role × batch inside / outside the jurisdiction."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.domain.filings import FilingType
from tests.test_bulk_helpers import actor, file_batch, hire_rows, upload_and_check, xlsx_of

HIRE = FilingType.HIRE
ROLES = ("admin", "city", "district", "street", "coordinator", "employer", "worker")


def batch_id_from(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    match = re.search(r"/batch/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def process(app, batch_id):
    from app.services.bulk.processing import process_batch

    with app.app_context():
        batch = process_batch(batch_id)
        return batch.status.name


def report_downloads(app, batch_id) -> int:
    with app.app_context():
        from app.extensions import db
        from app.models.audit import AuditLog

        return db.session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.object_type == "bulk_batch", AuditLog.object_id == str(batch_id),
            AuditLog.action == "download_report"))


def test_employer_downloads_a_template_uploads_sees_errors_and_files(app, client_for, known):
    client = client_for("employer")
    page = client.get("/portal/bulk/").get_data(as_text=True)
    assert "批量导入备案" in page and "/portal/bulk/template/HIRE.xlsx" in page
    template = client.get("/portal/bulk/template/HIRE.xlsx")
    assert template.status_code == 200 and "spreadsheetml" in template.mimetype
    assert client.get("/portal/bulk/template/NOPE.xlsx").status_code == 404
    with app.app_context():
        rows = hire_rows(3, prefix="门户批量")
        rows[1]["start_date"] = "2026-02-30"
        data = xlsx_of(HIRE, rows)
    response = client.post("/portal/bulk/upload", data={
        "filing_type": "HIRE", "file": (io.BytesIO(data), "入职名单.xlsx")},
        content_type="multipart/form-data")
    batch_id = batch_id_from(response)
    queued = client.get(f"/portal/bulk/batch/{batch_id}").get_data(as_text=True)
    assert "bulk-progress-bar" in queued
    status = client.get(f"/portal/bulk/batch/{batch_id}/status").get_json()
    assert status["status"] == "QUEUED" and status["progress"] == 0 and "rows" not in status
    assert process(app, batch_id) == "VALIDATED"
    html = client.get(f"/portal/bulk/batch/{batch_id}").get_data(as_text=True)
    assert 'id="count-invalid">1<' in html and "BULK_DATE_FORMAT" in html
    assert 'id="row-4"' in html and rows[1]["citizen_id"] not in html  # masked
    assert "disabled" in html.split('id="file-all"')[1][:40]
    refused = client.post(f"/portal/bulk/batch/{batch_id}/file",
                          data={"mode": "all_or_nothing"}, follow_redirects=True)
    assert "BULK_HAS_ERRORS" in refused.get_data(as_text=True)
    downloads_before = report_downloads(app, batch_id)  # a deleted batch's id may be reused
    report = client.get(f"/portal/bulk/batch/{batch_id}/report.xlsx?only=errors")
    assert report.status_code == 200 and report.data[:2] == b"PK"
    client.post(f"/portal/bulk/batch/{batch_id}/file", data={"mode": "valid_only"})
    assert process(app, batch_id) == "FILED"
    html = client.get(f"/portal/bulk/batch/{batch_id}").get_data(as_text=True)
    assert 'id="filed-summary"' in html and "已备案 2 条" in html
    zip_response = client.post(f"/portal/bulk/batch/{batch_id}/documents")
    assert zip_response.status_code == 302 and "/documents/batch/" in zip_response.headers[
        "Location"]
    listing = client.get("/portal/bulk/").get_data(as_text=True)
    assert f"#{batch_id}" in listing and "入职名单.xlsx" in listing
    assert report_downloads(app, batch_id) == downloads_before + 1


def test_a_bad_file_is_refused_on_the_upload_page_with_its_reason(client_for):
    client = client_for("employer")
    response = client.post("/portal/bulk/upload", data={
        "filing_type": "HIRE", "file": (io.BytesIO(b"%PDF-1.4"), "scan.xlsx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "BULK_FILE_RENAMED" in response.get_data(as_text=True)
    response = client.post("/portal/bulk/upload", data={"filing_type": "HIRE"},
                           follow_redirects=True)
    assert "BULK_FILE_MISSING" in response.get_data(as_text=True)


def test_staff_upload_for_a_unit_by_credit_code_only_inside_their_jurisdiction(
        app, client_for, known):
    client = client_for("district")
    with app.app_context():
        data = xlsx_of(HIRE, hire_rows(1, prefix="窗口批量"))
    outside = client.post("/counter/bulk/upload", data={
        "credit_code": known["code_unit_out"], "filing_type": "HIRE",
        "file": (io.BytesIO(data), "a.xlsx")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert "UNIT_OUT_OF_JURISDICTION" in outside.get_data(as_text=True)
    inside = client.post("/counter/bulk/upload", data={
        "credit_code": known["code_unit_in"], "filing_type": "HIRE",
        "file": (io.BytesIO(data), "a.xlsx")}, content_type="multipart/form-data")
    batch_id = batch_id_from(inside)
    assert process(app, batch_id) == "VALIDATED"
    page = client.get("/counter/bulk/").get_data(as_text=True)
    assert "无锡测试内单位有限公司" in page


# --------------------------------------------------------------------------------------------
# Access matrix
# --------------------------------------------------------------------------------------------

@pytest.fixture
def batches(app, snapshot):
    """A filed batch of the employer's unit (梁溪区 崇安寺街道) and one of a 滨湖区 unit."""
    return snapshot("test_bulk_views.batches", lambda: _batches(app))


def _batches(app):
    from app.models.units import Unit
    from tests.conftest import KNOWN, pk_of

    with app.app_context():
        known = {k: pk_of(Unit, credit_code=KNOWN[k]) for k in ("unit_in", "unit_out")}
        inside = upload_and_check("employer", known["unit_in"], HIRE,
                                  xlsx_of(HIRE, hire_rows(1, prefix="矩阵内")))
        file_batch("employer", inside.id)
        outside = upload_and_check("city", known["unit_out"], HIRE,
                                   xlsx_of(HIRE, hire_rows(1, prefix="矩阵外")))
        file_batch("city", outside.id)
        return {"in": inside.id, "out": outside.id}


PORTAL = {"employer"}                         # BulkPortalView
COUNTER = {"admin", "city", "district", "street"}  # BulkCounterView
SEES = {  # batches each role's jurisdiction covers
    "admin": {"in", "out"}, "city": {"in", "out"}, "district": {"in"}, "street": {"in"},
    "coordinator": set(), "employer": {"in"}, "worker": set(),
}


def expected(role, allowed_roles, which=None, ok=200):
    if role not in allowed_roles and role != "admin":
        return 403
    if which is None:
        return ok
    return ok if which in SEES[role] else 404


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_of_every_bulk_endpoint(app, client_for, batches, role):
    client = client_for(role)
    seen = {}

    def check(method, url, want, **kw):
        response = client.open(url, method=method, **kw)
        seen[f"{method} {url}"] = (response.status_code, want)

    # Pages without a batch.
    check("GET", "/portal/bulk/", 404 if role == "admin" else expected(role, PORTAL))
    check("GET", "/portal/bulk/template/HIRE.csv", expected(role, PORTAL))
    check("GET", "/counter/bulk/", expected(role, COUNTER))
    check("GET", "/counter/bulk/template/TERMINATION.xlsx", expected(role, COUNTER))
    for which in ("in", "out"):
        bid = batches[which]
        for base, allowed in (("/portal/bulk", PORTAL), ("/counter/bulk", COUNTER)):
            check("GET", f"{base}/batch/{bid}", expected(role, allowed, which))
            check("GET", f"{base}/batch/{bid}/status", expected(role, allowed, which))
            check("GET", f"{base}/batch/{bid}/report.csv", expected(role, allowed, which))
            # A filed batch: "file" is refused with a message (a redirect), not done twice.
            check("POST", f"{base}/batch/{bid}/file", expected(role, allowed, which, 302),
                  data={"mode": "all_or_nothing"})
            check("POST", f"{base}/batch/{bid}/documents",
                  expected(role, allowed, which, 302))
        check("POST", f"/counter/bulk/batch/{bid}/approve",
              expected(role, {"district"}, which, 302))
        check("POST", f"/counter/bulk/batch/{bid}/return",
              expected(role, {"district"}, which, 302),
              data={"reason_code": "R01", "message": "请补充材料"})
    wrong = {k: v for k, v in seen.items() if v[0] != v[1]}
    assert not wrong, wrong


def test_no_full_id_number_is_put_in_a_url_or_on_the_batch_page(app, client_for, batches):
    from app.extensions import db
    from app.models.bulk import BulkRow

    client = client_for("employer")
    html = client.get(f"/portal/bulk/batch/{batches['in']}").get_data(as_text=True)
    with app.app_context():
        cells = db.session.scalar(select(BulkRow.cells).where(BulkRow.batch_id == batches["in"]))
    assert cells["citizen_id"] not in html


def test_employer_menu_and_staff_menu_show_bulk_filing(client_for):
    assert "/portal/bulk/" in client_for("employer").get("/portal/").get_data(as_text=True)
    assert "/counter/bulk/" in client_for("street").get("/counter/").get_data(as_text=True)


def test_actor_helper_names_the_bulk_channel(app):
    with app.app_context():
        assert actor("employer").channel.name == "BULK"
