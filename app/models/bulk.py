"""Bulk filing batches from spreadsheet uploads (issue "Bulk filing").

A batch (批量导入批次) is first-class: the uploaded file and its hash, who uploaded it and when,
its counts and the filings it produced. Each data row keeps its cells as uploaded, its errors
(code, field, messages) and the filing it became, so the error report can be downloaded back and
the batch re-checked without the file."""

from __future__ import annotations

import datetime
import enum

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app import clock
from app.domain.filings import FilingType
from app.models.units import Unit


class BatchStatus(enum.StrEnum):  # 批次状态
    QUEUED = "排队校验"          # uploaded, waiting for the worker to check it
    VALIDATING = "正在校验"
    VALIDATED = "校验完成"       # counts known; waiting for the user to file
    FILE_QUEUED = "排队备案"
    FILING = "正在备案"
    FILED = "已备案"             # its filings exist (some may wait for review / approval)
    REJECTED = "未备案"          # the file cannot be taken, or all-or-nothing with errors
    FAILED = "处理出错"          # an unexpected failure; nothing of it was filed


class ApprovalState(enum.StrEnum):  # 整批属地审批的办理状态
    QUEUED = "排队办理"          # a district officer decided; the worker has not started
    RUNNING = "正在办理"
    DONE = "办理完成"


class RowStatus(enum.StrEnum):
    PENDING = "待校验"
    VALID = "正确"
    INVALID = "有错误"
    FILED = "已备案"


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32)


class BulkBatch(Model):  # 批量导入批次
    __tablename__ = "bulk_batch"
    __table_args__ = (
        # The same file for the same unit and filing type is one batch (uploading it again
        # finds the first one).
        UniqueConstraint("unit_id", "filing_type", "content_hash", name="uq_bulk_batch_file"),
        Index("ix_bulk_batch_unit_created", "unit_id", "created_at"),
        Index("ix_bulk_batch_status", "status"),
        Index("ix_bulk_batch_approval_state", "approval_state"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    unit: Mapped[Unit] = relationship()
    filing_type: Mapped[FilingType] = mapped_column(_enum(FilingType, "bulk_filing_type"),
                                                    nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False, default="all_or_nothing")
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="upload")
    status: Mapped[BatchStatus] = mapped_column(_enum(BatchStatus, "bulk_batch_status"),
                                                nullable=False, default=BatchStatus.QUEUED)
    # The file: kept (size-limited) until the batch is done, so the worker can read it.
    file_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    file_kind: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    file_size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # Who and when.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True,
                                                      index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())
    client_ip: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    file_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    file_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"),
                                                             nullable=True)
    file_requested_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    # Counts.
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    valid: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    invalid: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    filed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pending_review: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    district_approval: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    progress_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors_by_code: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    notes: Mapped[list | None] = mapped_column(JSON, nullable=True)
    file_error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The worker that holds it (an atomic UPDATE claims it) and the timings.
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    claimed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    # The claimer's lease (app.services.leases): renewed while it works, taken over once past.
    lease_until: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    validated_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    validation_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    # A staff upload tied to a special service case (1+3 services: plant closure …).
    service_case_id: Mapped[int | None] = mapped_column(ForeignKey("service_case.id"),
                                                        nullable=True)

    # The district office's decision on the batch's filings waiting for 属地审批 (approve all,
    # or return all with a coded reason): recorded by the request, carried out by the worker
    # filing by filing (each through filings.approve / return_filing), with its progress.
    approval_state: Mapped[ApprovalState | None] = mapped_column(
        _enum(ApprovalState, "bulk_approval_state"), nullable=True)
    approval_action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    approval_reason_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    approval_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    approval_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"),
                                                                 nullable=True)
    approval_requested_at: Mapped[datetime.datetime | None] = mapped_column(DateTime,
                                                                            nullable=True)
    approval_claimed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime,
                                                                          nullable=True)
    approval_finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTime,
                                                                           nullable=True)
    approval_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                server_default="0")
    approval_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                               server_default="0")
    approval_failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                 server_default="0")

    def __str__(self) -> str:
        return f"批量{self.filing_type.value}备案 #{self.id}"


class BulkRow(Model):  # 批次中的一行
    __tablename__ = "bulk_row"
    __table_args__ = (UniqueConstraint("batch_id", "row_number", name="uq_bulk_row_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("bulk_batch.id", ondelete="CASCADE"),
                                          nullable=False)
    row_number: Mapped[int] = mapped_column(Integer, nullable=False)
    cells: Mapped[dict] = mapped_column(JSON, nullable=False)
    status: Mapped[RowStatus] = mapped_column(_enum(RowStatus, "bulk_row_status"),
                                              nullable=False, default=RowStatus.PENDING)
    errors: Mapped[list | None] = mapped_column(JSON, nullable=True)
    flags: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filing.id"), nullable=True,
                                                  index=True)
