"""Bulk filing through the service (app.services.bulk): the same rules and messages as single
filings, row by row; batches first-class; all-or-nothing; bad files refused with a clear
message; nothing half-written. The worker's job is run directly (process_batch)."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from sqlalchemy import func, select
from sqlalchemy import update as sa_update

from app.domain.errors import DomainError
from app.domain.filings import EmploymentStatus, FilingStatus, FilingType
from tests.factories import unit as new_unit
from tests.test_bulk_helpers import (
    FAR,
    TODAY,
    actor,
    csv_of,
    file_batch,
    fresh_ids,
    hire_row,
    hire_rows,
    row_errors,
    upload_and_check,
    xlsx_of,
)

HIRE, RENEWAL, TRANSFER, TERMINATION = (FilingType.HIRE, FilingType.RENEWAL,
                                        FilingType.TRANSFER, FilingType.TERMINATION)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        from app.extensions import db

        db.session.rollback()


def count(model, **where) -> int:
    from app.extensions import db

    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def filings_of(batch_id):
    from app.extensions import db
    from app.models.bulk import BulkRow
    from app.models.filings import Filing

    return list(db.session.scalars(select(Filing).join(BulkRow, BulkRow.filing_id == Filing.id)
                                   .where(BulkRow.batch_id == batch_id)
                                   .order_by(BulkRow.row_number)))


def persons_with(ids) -> int:
    from app.extensions import db
    from app.models.people import Person

    return db.session.scalar(select(func.count(Person.id)).where(Person.citizen_id.in_(ids)))


def hired_unit(n: int, **kw):
    """A fresh unit with n workers hired through a bulk batch (as district staff)."""
    unit = new_unit(**kw)
    rows = hire_rows(n, prefix="在职")
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows))
    assert batch.invalid == 0, row_errors(batch.id)
    batch = file_batch("district", batch.id)
    assert batch.filed == n
    return unit, rows


# --------------------------------------------------------------------------------------------
# The main path
# --------------------------------------------------------------------------------------------

def test_valid_hire_file_is_checked_then_filed_with_channel_bulk_and_receipts(ctx):
    from app.models.bulk import BatchStatus
    from app.models.filings import Channel

    unit = new_unit()
    rows = hire_rows(4)
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows))
    assert (batch.status, batch.total, batch.valid, batch.invalid) == (
        BatchStatus.VALIDATED, 4, 4, 0)
    assert persons_with([r["citizen_id"] for r in rows]) == 0  # checking writes nothing
    batch = file_batch("district", batch.id)
    assert batch.status == BatchStatus.FILED and batch.filed == 4
    filings = filings_of(batch.id)
    assert [f.person_name for f in filings] == [r["name"] for r in rows]
    assert all(f.channel == Channel.BULK and f.status == FilingStatus.FILED for f in filings)
    assert all(f.receipt_number and f.employment.status == EmploymentStatus.ACTIVE
               for f in filings)
    assert filings[0].person.education_code == "21"


def test_every_kind_of_row_mistake_is_explained_on_its_row_with_the_single_filing_code(ctx):
    unit = new_unit()
    ids = fresh_ids(14)
    young = fresh_ids(1)[0][:6] + (TODAY - datetime.timedelta(days=365 * 10)).strftime(
        "%Y%m%d") + "0011"
    from app.domain.identifiers import citizen_id_check_char

    young = young[:17] + citizen_id_check_char(young[:17])
    rows = [
        hire_row(ids[0], "正确甲"),                                        # row 3
        hire_row(ids[1][:17] + ("0" if ids[1][17] != "0" else "1"), "校验码错"),  # 4
        hire_row(ids[2], ""),                                              # 5 name missing
        hire_row(ids[3], "日期错", start_date="2026-02-30"),                 # 6
        hire_row(ids[4], "代码错", employment_form="兼职"),                   # 7
        hire_row(ids[5], "非全超时", employment_form="非全日制", hours_per_day="6",
                 hours_per_week="20"),                                     # 8
        hire_row(ids[6], "合同倒挂", contract_end=(TODAY - datetime.timedelta(days=10))
                 .isoformat()),                                           # 9
        hire_row(young, "未满十六"),                                        # 10
        hire_row(ids[0], "重复行"),                                          # 11 duplicate of 3
        hire_row(ids[7], "公式", job_title="=HYPERLINK(\"x\")"),            # 12
        hire_row(ids[8], "固定无终止", contract_end=""),                     # 13
        hire_row(ids[9], "数值身份证"),                                      # 14 (number cell)
        hire_row(ids[10], "末尾零"),                                         # 15
        hire_row(ids[11], "正确乙"),                                         # 16
    ]
    raw = {(11, "citizen_id"): float(ids[9][:17] + "0"),
           (12, "citizen_id"): ids[10][:15] + "000"}
    if ids[10][:15] + "000" == ids[10]:  # pragma: no cover - 1 in 1000
        pytest.skip("the fresh number happens to end in 000")
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows, raw=raw))
    assert row_errors(batch.id) == {
        4: ["ID_CHECKSUM"], 5: ["FIELD_REQUIRED"], 6: ["BULK_DATE_FORMAT"],
        7: ["BULK_CODE_UNKNOWN"], 8: ["PT_HOURS_DAY"], 9: ["CONTRACT_END_BEFORE_START"],
        10: ["HIRE_UNDER_AGE"], 11: ["BULK_DUPLICATE_ROW"], 12: ["BULK_FORMULA"],
        13: ["CONTRACT_END_REQUIRED"], 14: ["ID_EXCEL_DAMAGED"], 15: ["ID_EXCEL_DAMAGED"]}
    assert batch.valid == 2 and batch.invalid == 12
    from app.services.bulk.status import batch_status

    status = batch_status(batch.id, actor("district"))
    by_row = {r["row"]: r for r in status["rows"]}
    # The same messages as the single-filing form, naming the column.
    assert "最后一位校验码" in by_row[4]["errors"][0]["message_zh"]
    assert by_row[5]["errors"][0]["message_zh"] == "请填写“姓名”。"
    assert by_row[6]["errors"][0]["message_zh"].startswith("“入职日期”：")
    assert "文本" in by_row[14]["errors"][0]["message_zh"]  # Excel damage: format as text
    assert "第 3 行" in by_row[11]["errors"][0]["message_zh"]
    assert status["errors_by_code"]["ID_EXCEL_DAMAGED"] == 2


def test_all_or_nothing_files_nothing_while_any_row_is_wrong(ctx):
    from app.services.bulk.filing import request_filing

    unit = new_unit()
    rows = hire_rows(3)
    rows[2]["start_date"] = "明天"
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows))
    with pytest.raises(DomainError) as refused:
        request_filing(actor("district"), batch.id, "all_or_nothing")
    assert refused.value.code == "BULK_HAS_ERRORS"
    assert persons_with([r["citizen_id"] for r in rows]) == 0


def test_valid_rows_only_files_the_valid_rows_on_explicit_choice(ctx):
    unit = new_unit()
    rows = hire_rows(3)
    rows[1]["contract_type"] = "口头约定"
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows))
    batch = file_batch("district", batch.id, "valid_only")
    assert (batch.filed, batch.invalid) == (2, 1)
    assert persons_with([rows[1]["citizen_id"]]) == 0
    assert persons_with([rows[0]["citizen_id"], rows[2]["citizen_id"]]) == 2


def test_api_batch_in_all_or_nothing_mode_with_an_error_is_rejected_and_files_nothing(ctx):
    from app.models.bulk import BatchStatus
    from app.services.bulk.processing import process_batch
    from app.services.bulk.upload import submit_rows

    unit = new_unit()
    rows = hire_rows(3)
    rows[0]["name"] = ""
    batch = submit_rows(actor=actor("district", bulk=False), unit_id=unit.id, filing_type=HIRE,
                        rows=rows)
    assert batch.status == BatchStatus.QUEUED
    batch = process_batch(batch.id)
    assert batch.status == BatchStatus.REJECTED
    assert batch.file_error_code == "BULK_HAS_ERRORS"
    assert persons_with([r["citizen_id"] for r in rows]) == 0


def test_api_rows_are_validated_and_filed_off_the_request_and_reported_row_by_row(ctx):
    from app.models.bulk import BatchStatus
    from app.services.bulk.processing import process_batch
    from app.services.bulk.status import batch_status
    from app.services.bulk.upload import submit_rows

    unit = new_unit()
    rows = hire_rows(2)
    batch = submit_rows(actor=actor("district"), unit_id=unit.id, filing_type=HIRE, rows=rows,
                        idempotency_key="bulk-test-key-1")
    again = submit_rows(actor=actor("district"), unit_id=unit.id, filing_type=HIRE, rows=rows,
                        idempotency_key="bulk-test-key-1")
    assert again.id == batch.id
    batch = process_batch(batch.id)
    assert batch.status == BatchStatus.FILED
    status = batch_status(batch.id, actor("district"))
    assert {k for k in status} >= {"id", "status", "filing_type", "mode", "total", "valid",
                                    "invalid", "filed", "progress", "errors_by_code", "rows"}
    assert status["progress"] == 100 and status["filed"] == 2
    assert [r["status"] for r in status["rows"]] == ["filed", "filed"]
    assert all(r["receipt_number"] and r["filing_id"] for r in status["rows"])
    with pytest.raises(DomainError) as hidden:
        batch_status(batch.id, actor("district2"))
    assert hidden.value.code == "BULK_BATCH_NOT_FOUND"


def test_api_rows_with_unknown_fields_or_too_many_rows_are_refused(app, ctx):
    from app.services.bulk.upload import submit_rows

    unit = new_unit()
    with pytest.raises(DomainError) as unknown:
        submit_rows(actor=actor("district"), unit_id=unit.id, filing_type=HIRE,
                    rows=[{**hire_rows(1)[0], "salary": "9000"}])
    assert unknown.value.code == "BULK_FIELD_UNKNOWN"
    previous = app.config["BEIAN_BULK_MAX_ROWS"]
    app.config["BEIAN_BULK_MAX_ROWS"] = 2
    try:
        with pytest.raises(DomainError) as too_many:
            submit_rows(actor=actor("district"), unit_id=unit.id, filing_type=HIRE,
                        rows=hire_rows(3))
        assert too_many.value.code == "BULK_TOO_MANY_ROWS"
    finally:
        app.config["BEIAN_BULK_MAX_ROWS"] = previous


# --------------------------------------------------------------------------------------------
# Batches are first-class
# --------------------------------------------------------------------------------------------

def test_the_same_file_uploaded_twice_points_to_the_first_batch_and_files_once(ctx):
    from app.models.bulk import BulkBatch
    from app.services.bulk.upload import upload_file

    unit = new_unit()
    rows = hire_rows(2)
    data = xlsx_of(HIRE, rows)
    batch = upload_and_check("district", unit.id, HIRE, data)
    file_batch("district", batch.id)
    second, created = upload_file(actor("district"), unit.id, HIRE, "again.xlsx", data)
    assert not created and second.id == batch.id
    assert count(BulkBatch, unit_id=unit.id) == 1
    assert len(filings_of(batch.id)) == 2


def test_a_batch_records_hash_who_when_counts_and_its_filings(ctx):
    import hashlib

    from app.extensions import db
    from app.models.audit import AuditLog

    unit = new_unit()
    data = xlsx_of(HIRE, hire_rows(2))
    batch = file_batch("street", upload_and_check("street", unit.id, HIRE, data).id)
    assert batch.content_hash == hashlib.sha256(data).hexdigest()
    assert batch.created_by_id == actor("street").user_id and batch.created_at
    assert (batch.total, batch.valid, batch.filed) == (2, 2, 2)
    assert batch.file_data is None  # the file is not kept once the batch is done
    filing = filings_of(batch.id)[0]
    entry = db.session.scalar(select(AuditLog).where(
        AuditLog.object_type == "filing", AuditLog.object_id == str(filing.id)))
    assert entry.username == "street"  # the worker acts as the uploader


def test_a_unit_outside_the_jurisdiction_is_refused(ctx, known):
    from app.services.bulk.upload import submit_rows, upload_file

    data = xlsx_of(HIRE, hire_rows(1))
    for who, unit_id in (("district", known["unit_out"]), ("employer", known["unit_out"]),
                         ("street", known["unit_pending_in"])):
        with pytest.raises(DomainError) as refused:
            upload_file(actor(who), unit_id, HIRE, "x.xlsx", data)
        assert refused.value.code == "UNIT_OUT_OF_JURISDICTION"
        with pytest.raises(DomainError):
            submit_rows(actor=actor(who), unit_id=unit_id, filing_type=HIRE, rows=hire_rows(1))


def test_a_second_worker_cannot_process_a_batch_another_holds(ctx):
    from app.models.bulk import BatchStatus
    from app.services.bulk.processing import claim, process_batch, requeue_stale
    from app.services.bulk.upload import upload_file

    unit = new_unit()
    batch, _ = upload_file(actor("district"), unit.id, HIRE, "a.xlsx",
                           xlsx_of(HIRE, hire_rows(1)))
    assert claim(batch.id, BatchStatus.QUEUED, BatchStatus.VALIDATING)
    assert not claim(batch.id, BatchStatus.QUEUED, BatchStatus.VALIDATING)
    assert process_batch(batch.id).status == BatchStatus.VALIDATING  # left alone
    assert requeue_stale(datetime.timedelta(seconds=-1)) >= 1
    assert process_batch(batch.id).status == BatchStatus.VALIDATED


def test_the_scheduled_job_processes_queued_batches(app, ctx):
    from app.jobs.bulk import jobs as bulk_jobs
    from app.services.bulk.upload import upload_file

    jobs = bulk_jobs(app)
    assert [j.name for j in jobs] == ["bulk_batches"] and jobs[0].every_seconds == 2
    unit = new_unit()
    batch, _ = upload_file(actor("district"), unit.id, HIRE, "a.xlsx",
                           xlsx_of(HIRE, hire_rows(1)))
    assert jobs[0].func()["processed"] >= 1
    from app.extensions import db

    db.session.refresh(batch)
    assert batch.status.name == "VALIDATED"


# --------------------------------------------------------------------------------------------
# Terminations, transfers, renewals
# --------------------------------------------------------------------------------------------

def termination_rows(rows, reason="劳动合同订立时所依据的客观情况发生重大变化，未能就变更劳动合同达成协议"):
    return [{"citizen_id": r["citizen_id"], "name": r["name"], "end_date": TODAY.isoformat(),
             "termination_reason": reason, "note": ""} for r in rows]


def test_a_mass_termination_goes_to_district_approval_as_one_batch(ctx):
    from app.services.bulk.approval import approve_district, process_approval
    from app.services.bulk.status import batch_status

    unit, rows = hired_unit(30)
    data = csv_of(TERMINATION, termination_rows(rows[:25]))
    batch = upload_and_check("district", unit.id, TERMINATION, data, name="closure.csv")
    assert batch.invalid == 0, row_errors(batch.id)
    batch = file_batch("district", batch.id)
    filings = filings_of(batch.id)
    assert batch.district_approval == 25 and batch.filed == 0
    assert all(f.status == FilingStatus.PENDING_DISTRICT_APPROVAL and f.needs_district_approval
               for f in filings)
    # Only the unit's own district office approves, and it does so for the whole batch.
    with pytest.raises(DomainError) as street:
        approve_district(actor("street", bulk=False), batch.id)
    assert street.value.code == "DISTRICT_APPROVAL_ONLY"
    # The request records the decision and returns at once; nothing is approved yet.
    requested = approve_district(actor("district", bulk=False), batch.id)
    assert requested.approval_state.name == "QUEUED" and requested.approval_total == 25
    assert requested.approval_requested_by_id == actor("district").user_id
    assert all(f.status == FilingStatus.PENDING_DISTRICT_APPROVAL for f in filings_of(batch.id))
    # A second click (or a second approver) while it runs: one wins, the other is told.
    with pytest.raises(DomainError) as twice:
        approve_district(actor("district", bulk=False), batch.id)
    assert twice.value.code == "BULK_APPROVAL_IN_PROGRESS" and "请勿重复提交" in twice.value.message
    status = batch_status(batch.id, actor("district"), rows=False)
    assert status["done"] is False and status["approval"]["state"] == "QUEUED"
    # The worker approves them, each through filings.approve.
    done = process_approval(batch.id)
    assert done.approval_state.name == "DONE"
    assert (done.approval_done, done.approval_failed) == (25, 0)
    assert (done.filed, done.district_approval) == (25, 0)
    assert all(f.status == FilingStatus.FILED for f in filings_of(batch.id))
    assert all(f.employment.status == EmploymentStatus.ENDED for f in filings_of(batch.id))
    assert all(f.decided_by_id == actor("district").user_id for f in filings_of(batch.id))
    status = batch_status(batch.id, actor("district"), rows=False)
    assert status["done"] is True and status["approval"]["progress"] == 100
    with pytest.raises(DomainError) as nothing:
        approve_district(actor("district", bulk=False), batch.id)
    assert nothing.value.code == "BULK_NOTHING_TO_APPROVE"


def mass_termination_batch(size=25):
    unit, rows = hired_unit(size + 5)
    data = csv_of(TERMINATION, termination_rows(rows[:size]))
    batch = upload_and_check("district", unit.id, TERMINATION, data, name="closure.csv")
    batch = file_batch("district", batch.id)
    assert batch.district_approval == size
    return batch


def test_the_district_approval_runs_in_the_scheduled_job_and_other_districts_may_not(app, ctx):
    from app.jobs.bulk import jobs as bulk_jobs
    from app.services.bulk.approval import approve_district

    batch = mass_termination_batch()
    for who in ("district2", "city"):  # another district; the city is not the unit's district
        with pytest.raises(DomainError) as refused:
            approve_district(actor(who, bulk=False), batch.id)
        assert refused.value.code in ("BULK_BATCH_NOT_FOUND", "DISTRICT_APPROVAL_ONLY")
    approve_district(actor("admin", bulk=False), batch.id)
    result = bulk_jobs(app)[0].func()
    assert result["approvals"] >= 1
    assert all(f.status == FilingStatus.FILED for f in filings_of(batch.id))


def test_a_batch_approval_resumes_after_a_crash_and_skips_what_was_decided_singly(ctx):
    from app.extensions import db
    from app.services import filings as fs
    from app.services.bulk.approval import approve_district, process_approval

    batch = mass_termination_batch()
    first = filings_of(batch.id)[0]
    fs.approve(first.id, actor("district", bulk=False))  # decided on its own meanwhile
    approve_district(actor("district", bulk=False), batch.id)
    # A worker claimed it and died: a fresh claim is left alone, a stale one is resumed.
    from app.models.bulk import ApprovalState, BulkBatch

    db.session.execute(sa_update(BulkBatch).where(BulkBatch.id == batch.id).values(
        approval_state=ApprovalState.RUNNING, approval_claimed_at=datetime.datetime.now()))
    db.session.commit()
    assert process_approval(batch.id).approval_state == ApprovalState.RUNNING
    db.session.execute(sa_update(BulkBatch).where(BulkBatch.id == batch.id).values(
        approval_claimed_at=datetime.datetime.now() - datetime.timedelta(hours=1)))
    db.session.commit()
    done = process_approval(batch.id)
    assert done.approval_state == ApprovalState.DONE and done.approval_failed == 0
    assert (done.filed, done.district_approval) == (25, 0)


def test_a_batch_return_needs_a_coded_reason_and_returns_every_filing(ctx):
    from app.services.bulk.approval import approve_district, process_approval, return_district

    batch = mass_termination_batch()
    with pytest.raises(DomainError) as no_reason:
        return_district(actor("district", bulk=False), batch.id, "", "请补充材料")
    assert no_reason.value.code == "RETURN_REASON_REQUIRED"
    requested = return_district(actor("district", bulk=False), batch.id, "R01",
                                "请补充职工代表大会决议")
    assert requested.approval_action == "return"
    with pytest.raises(DomainError) as busy:
        approve_district(actor("district", bulk=False), batch.id)
    assert busy.value.code == "BULK_APPROVAL_IN_PROGRESS" and "整批退回" in busy.value.message
    done = process_approval(batch.id)
    assert (done.approval_done, done.district_approval, done.filed) == (25, 0, 0)
    filings = filings_of(batch.id)
    assert all(f.status == FilingStatus.RETURNED and f.return_reason_code == "R01"
               for f in filings)


def test_a_few_terminations_below_the_threshold_are_filed_at_once(ctx):
    unit, rows = hired_unit(30)
    batch = upload_and_check("district", unit.id, TERMINATION,
                             xlsx_of(TERMINATION, termination_rows(rows[:2])))
    batch = file_batch("district", batch.id)
    assert (batch.filed, batch.district_approval) == (2, 0)


def test_termination_rows_for_workers_not_employed_or_with_another_name_are_explained(ctx):
    unit, rows = hired_unit(3)
    bad = termination_rows(rows)
    bad[0]["citizen_id"] = fresh_ids(1)[0]
    bad[1]["name"] = "别人"
    bad[2]["termination_reason"] = "严重违反用人单位的规章制度"
    batch = upload_and_check("district", unit.id, TERMINATION, xlsx_of(TERMINATION, bad))
    assert row_errors(batch.id) == {3: ["EMPLOYMENT_NOT_FOUND"], 4: ["PERSON_NAME_MISMATCH"],
                                    5: ["TERMINATION_ATTACHMENT_REQUIRED"]}


def test_a_transfer_batch_moves_every_worker_atomically_per_row(ctx):
    from app.extensions import db
    from app.models.filings import Employment

    unit, rows = hired_unit(3)
    target = new_unit()
    transfer = [{"citizen_id": r["citizen_id"], "name": r["name"],
                 "to_unit_credit_code": target.credit_code, "transfer_date": TODAY.isoformat(),
                 "contract_type": "无固定期限劳动合同", "contract_end": "", "job_title": "",
                 "note": ""} for r in rows]
    transfer[2]["to_unit_credit_code"] = unit.credit_code  # to itself: refused
    batch = upload_and_check("district", unit.id, TRANSFER, xlsx_of(TRANSFER, transfer))
    assert row_errors(batch.id) == {5: ["TRANSFER_SAME_UNIT"]}
    batch = file_batch("district", batch.id, "valid_only")
    assert batch.filed == 2
    for filing in filings_of(batch.id):
        assert filing.employment.status == EmploymentStatus.ENDED
        assert filing.new_employment.unit_id == target.id
        assert filing.new_employment.status == EmploymentStatus.ACTIVE
    active = db.session.scalar(select(func.count(Employment.id)).where(
        Employment.unit_id == unit.id, Employment.status == EmploymentStatus.ACTIVE))
    assert active == 1


def test_a_renewal_batch_extends_the_contracts(ctx):
    unit, rows = hired_unit(2)
    later = (FAR + datetime.timedelta(days=365)).isoformat()
    renewal = [{"citizen_id": r["citizen_id"], "name": r["name"],
                "contract_type": "固定期限劳动合同", "contract_start": "", "contract_end": later,
                "note": ""} for r in rows]
    renewal[1]["contract_end"] = TODAY.isoformat()
    batch = upload_and_check("district", unit.id, RENEWAL, xlsx_of(RENEWAL, renewal))
    assert row_errors(batch.id) == {4: ["RENEWAL_END_NOT_LATER"]}
    batch = file_batch("district", batch.id, "valid_only")
    assert filings_of(batch.id)[0].employment.contract_end.isoformat() == later


# --------------------------------------------------------------------------------------------
# Nothing half-written
# --------------------------------------------------------------------------------------------

def test_a_crash_in_the_middle_of_filing_leaves_nothing_filed(ctx, monkeypatch):
    from app.models.bulk import BatchStatus
    from app.services import filings as fs

    unit = new_unit()
    rows = hire_rows(5)
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows))
    calls = {"n": 0}
    real = fs.complete_submission

    def crash_on_the_fourth(filing, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("power cut")
        return real(filing, *args, **kwargs)

    monkeypatch.setattr(fs, "complete_submission", crash_on_the_fourth)
    batch = file_batch("district", batch.id)
    assert batch.status == BatchStatus.FAILED and calls["n"] == 4
    assert "没有备案任何记录" in batch.file_error_message
    assert persons_with([r["citizen_id"] for r in rows]) == 0


def test_rows_that_changed_since_the_check_reject_an_all_or_nothing_batch(ctx):
    from app.models.bulk import BatchStatus
    from app.services import filings as fs

    unit = new_unit()
    rows = hire_rows(3)
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows))
    fs.submit(fs.HireInput(unit_id=unit.id, citizen_id=rows[1]["citizen_id"],
                           name=rows[1]["name"], start_date=TODAY, contract_end=FAR),
              actor("district", bulk=False))
    batch = file_batch("district", batch.id)
    assert batch.status == BatchStatus.REJECTED
    assert batch.file_error_code == "BULK_CHANGED_SINCE_CHECK"
    assert row_errors(batch.id) == {4: ["HIRE_ALREADY_EMPLOYED"]}
    assert persons_with([rows[0]["citizen_id"], rows[2]["citizen_id"]]) == 0


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------

def rejected(unit_id, data, name="f.xlsx", kind=HIRE):
    batch = upload_and_check("district", unit_id, kind, data, name=name)
    assert batch.status.name == "REJECTED", batch.status
    return batch


def test_reordered_columns_are_matched_by_header_and_said_so(ctx):
    from app.domain.bulk.columns import COLUMNS

    unit = new_unit()
    order = list(reversed([c.key for c in COLUMNS[HIRE]]))
    batch = upload_and_check("district", unit.id, HIRE,
                             xlsx_of(HIRE, hire_rows(2), template=False, order=order))
    assert batch.valid == 2
    assert any("列顺序" in note for note in batch.notes)


def test_a_missing_column_is_named(ctx):
    from app.domain.bulk.columns import COLUMNS

    unit = new_unit()
    order = [c.key for c in COLUMNS[HIRE] if c.key != "start_date"]
    batch = rejected(unit.id, xlsx_of(HIRE, hire_rows(1), template=False, order=order))
    assert batch.file_error_code == "BULK_COLUMN_MISSING"
    assert "“入职日期”" in batch.file_error_message


def test_a_file_of_another_filing_type_is_explained(ctx):
    unit = new_unit()
    batch = rejected(unit.id, xlsx_of(TERMINATION, []), kind=HIRE)
    assert batch.file_error_code in ("BULK_COLUMN_MISSING", "BULK_HEADER_NOT_FOUND")


def test_blank_rows_and_the_notes_row_are_skipped(ctx):
    unit = new_unit()
    rows = hire_rows(2)
    rows.insert(1, {})
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows))
    assert (batch.total, batch.valid) == (2, 2)


def test_more_rows_than_the_setting_allows_is_refused(app, ctx):
    unit = new_unit()
    previous = app.config["BEIAN_BULK_MAX_ROWS"]
    app.config["BEIAN_BULK_MAX_ROWS"] = 3
    try:
        batch = rejected(unit.id, xlsx_of(HIRE, hire_rows(4)))
    finally:
        app.config["BEIAN_BULK_MAX_ROWS"] = previous
    assert batch.file_error_code == "BULK_TOO_MANY_ROWS" and "3 行" in batch.file_error_message
    assert count(__import__("app.models.bulk", fromlist=["BulkRow"]).BulkRow,
                 batch_id=batch.id) == 0


def test_merged_cells_are_refused_with_their_range(ctx):
    import openpyxl

    unit = new_unit()
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_of(HIRE, hire_rows(2))))
    wb.worksheets[0].merge_cells("B3:B4")
    buf = io.BytesIO()
    wb.save(buf)
    batch = rejected(unit.id, buf.getvalue())
    assert batch.file_error_code == "BULK_MERGED_CELLS" and "B3:B4" in batch.file_error_message


def test_csv_in_utf8_with_bom_and_in_gb18030_are_read_and_the_encoding_said(ctx):
    unit = new_unit()
    for encoding, label in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        batch = upload_and_check("district", unit.id, HIRE,
                                 csv_of(HIRE, hire_rows(2), encoding=encoding), name="h.csv")
        assert batch.valid == 2, (encoding, row_errors(batch.id))
        assert any(label in note for note in batch.notes)


@pytest.mark.parametrize("name,data,code", [
    ("hires.txt", b"a,b\r\n", "BULK_FILE_TYPE"),
    ("hires.xlsx", b"%PDF-1.4 not a workbook", "BULK_FILE_RENAMED"),
    ("hires.xlsx", "公民身份号码,姓名\r\n".encode(), "BULK_FILE_RENAMED"),
    ("hires.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "BULK_FILE_OLD_EXCEL"),
    ("hires.xlsx", b"PK\x03\x04 broken", "BULK_FILE_DAMAGED"),
    ("hires.xlsx", b"", "BULK_FILE_EMPTY"),
])
def test_bad_files_are_refused_at_upload_with_a_clear_message(ctx, name, data, code):
    from app.models.bulk import BulkBatch
    from app.services.bulk.upload import upload_file

    unit = new_unit()
    with pytest.raises(DomainError) as refused:
        upload_file(actor("district"), unit.id, HIRE, name, data)
    assert refused.value.code == code
    assert refused.value.message  # Chinese, saying what to do
    assert count(BulkBatch, unit_id=unit.id) == 0


def test_a_word_document_renamed_to_xlsx_is_refused(ctx):
    from app.services.bulk.upload import upload_file

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(DomainError) as refused:
        upload_file(actor("district"), new_unit().id, HIRE, "x.xlsx", buf.getvalue())
    assert refused.value.code == "BULK_FILE_RENAMED"


def test_a_zip_bomb_is_refused_before_anything_is_decompressed(ctx):
    from app.services.bulk.upload import upload_file

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    assert len(buf.getvalue()) < 1024 * 1024
    with pytest.raises(DomainError) as refused:
        upload_file(actor("district"), new_unit().id, HIRE, "x.xlsx", buf.getvalue())
    assert refused.value.code == "BULK_FILE_ZIP_BOMB"


# --------------------------------------------------------------------------------------------
# Templates and the error report
# --------------------------------------------------------------------------------------------

def test_the_hire_template_has_text_id_column_drop_downs_notes_row_and_a_frozen_header(ctx):
    import openpyxl

    from app.domain.bulk.columns import COLUMNS
    from app.services.bulk.files import template_file

    data, name, mimetype = template_file("HIRE", "xlsx")
    assert name.endswith(".xlsx") and "spreadsheetml" in mimetype
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    columns = COLUMNS[HIRE]
    assert [c.value for c in ws[1]] == [c.header_zh for c in columns]
    assert [c.value for c in ws[2]] == [c.note_zh for c in columns]
    assert ws.column_dimensions["A"].number_format == "@"
    assert ws.freeze_panes == "A3"
    codes = wb["代码表"]
    assert codes.sheet_state == "hidden"
    validated = {str(dv.sqref).split(":")[0][0] for dv in ws.data_validations.dataValidation}
    letters = {chr(ord("A") + i) for i, c in enumerate(columns) if c.codelist}
    assert validated == letters
    assert "全日制" in [c.value for c in codes["B"]] or "全日制" in [c.value for c in codes["A"]]
    csv_data, _, _ = template_file("TERMINATION", "csv")
    assert csv_data.startswith(b"\xef\xbb\xbf")
    assert csv_data.decode("utf-8-sig").splitlines()[0].startswith("公民身份号码,姓名")


def test_the_error_report_can_be_fixed_and_uploaded_again(ctx):
    import openpyxl

    from app.services.bulk.files import error_report

    unit = new_unit()
    rows = hire_rows(3)
    rows[1]["start_date"] = "2026-13-01"
    rows[2]["job_title"] = "=1+1"
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, rows))
    data, _, _ = error_report(batch, "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert ws["A1"].value == "错误说明"
    assert "BULK_DATE_FORMAT" in ws["A3"].value and ws["A2"].value in (None, "")
    assert ws.cell(row=4, column=ws.max_column - 1).value == "'=1+1"  # not a formula any more
    ws.cell(row=3, column=9).value = TODAY.isoformat()   # 入职日期 (after the error column)
    ws.cell(row=4, column=14).value = "质检员"           # 工作岗位
    buf = io.BytesIO()
    wb.save(buf)
    again = upload_and_check("district", unit.id, HIRE, buf.getvalue(), name="fixed.xlsx")
    assert (again.valid, again.invalid) == (3, 0), row_errors(again.id)
    assert any("不在模板中" in n for n in again.notes or []) is False
    only, _, _ = error_report(batch, "csv", only_errors=True)
    lines = only.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("错误说明,")


def test_a_failed_batch_is_tried_again_when_its_file_is_uploaded_again(ctx, monkeypatch):
    from app.models.bulk import BatchStatus
    from app.services.bulk import engine
    from app.services.bulk.processing import process_batch
    from app.services.bulk.upload import upload_file

    unit = new_unit()
    data = xlsx_of(HIRE, hire_rows(2))
    real = engine.run

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(engine, "run", broken)
    batch = upload_and_check("district", unit.id, HIRE, data)
    assert batch.status == BatchStatus.FAILED and batch.file_error_code == "BULK_FAILED"
    monkeypatch.setattr(engine, "run", real)
    again, created = upload_file(actor("district"), unit.id, HIRE, "again.xlsx", data)
    assert created and again.id == batch.id and again.status == BatchStatus.QUEUED
    assert process_batch(batch.id).status == BatchStatus.VALIDATED


def _columns(obj, skip=()):
    from sqlalchemy import inspect as sa_inspect

    return {c.key: getattr(obj, c.key) for c in sa_inspect(obj).mapper.column_attrs
            if c.key not in skip}


def test_bulk_writes_exactly_the_rows_a_single_submission_writes(ctx):
    """The bulk writer batches the INSERTs (ids and database timestamps given up front on
    SQLite): the rows must be those filings.submit writes for the same input."""
    from app.extensions import db
    from app.models.audit import AuditLog
    from app.models.filings import Employment, Filing, Notice
    from app.services import filings as fs

    unit = new_unit()
    single_id, bulk_id = fresh_ids(2)
    outcome = fs.submit(fs.HireInput(
        unit_id=unit.id, citizen_id=single_id, name="逐条甲", start_date=TODAY, phone="13912345678",
        education_code="21", employment_form_code="FT", contract_type_code="FIXED",
        contract_end=FAR, job_title="操作工"), actor("district"))
    batch = upload_and_check("district", unit.id, HIRE, xlsx_of(HIRE, [
        hire_row(bulk_id, "批量乙")]))
    batch = file_batch("district", batch.id)
    assert batch.filed == 1, row_errors(batch.id)
    single = db.session.get(Filing, outcome.filing.id)
    made = filings_of(batch.id)[0]
    varying = {"id", "receipt_number", "person_id", "person_name", "person_citizen_id",
               "employment_id", "created_at", "submitted_at", "filed_at", "idempotency_key"}
    assert _columns(made, varying) == _columns(single, varying)
    assert made.receipt_number[:-6] == single.receipt_number[:-6]
    assert made.created_at is not None and made.filed_at is not None
    person_varying = {"id", "name", "citizen_id", "birth_date", "sex", "created_at"}
    assert _columns(made.person, person_varying) == _columns(single.person, person_varying)
    assert made.person.created_at is not None
    emp_varying = {"id", "person_id", "created_at"}
    assert (_columns(db.session.get(Employment, made.employment_id), emp_varying)
            == _columns(db.session.get(Employment, single.employment_id), emp_varying))
    notice_varying = {"id", "person_id", "filing_id", "body", "created_at", "recipient",
                      "next_attempt_at"}  # when it is due: the moment it was queued
    notices = [db.session.scalars(select(Notice).where(Notice.filing_id == f.id)).all()
               for f in (made, single)]
    assert [_columns(n, notice_varying) for n in notices[0]] == [
        _columns(n, notice_varying) for n in notices[1]]
    audits = [db.session.scalars(select(AuditLog).where(
        AuditLog.object_type == "filing", AuditLog.object_id == str(f.id))).all()
        for f in (made, single)]
    # (the single submission here runs outside a request: its audit names "system")
    assert [(a.action, sorted(a.after)) for a in audits[0]] == [
        (a.action, sorted(a.after)) for a in audits[1]]
    assert all(a.at is not None and a.username == "district" for a in audits[0])
