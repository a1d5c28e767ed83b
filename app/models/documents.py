"""Printed documents (备案表 / 回执) of filings, their rendering queue, batch downloads, units'
uploaded seals, and the claim rows that make each scheduled job run exactly once."""

from __future__ import annotations

import datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
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
from app.domain.documents import DocumentStatus
from app.models.filings import Filing
from app.models.units import Unit


class Document(Model):  # 备案文书: one per filed filing version
    __tablename__ = "document"
    __table_args__ = (Index("ix_document_status_priority_id", "status", "priority", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filing.id", ondelete="CASCADE"),
                                           unique=True, nullable=False)
    filing: Mapped[Filing] = relationship()
    verification_code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    status: Mapped[DocumentStatus] = mapped_column(
        Enum(DocumentStatus, name="document_status", native_enum=False, length=16),
        nullable=False, default=DocumentStatus.QUEUED)
    # Where the QR code points: BEIAN_PUBLIC_URL, or the host the first request came to.
    verify_base_url: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # Loaded only when asked for: lists and status polls never read the PDF.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Someone is waiting for it (PRIORITY_WAITING) or it is backlog (0): the queue renders the
    # documents people wait for first, then the backlog in order.
    priority: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    claimed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    # The renderer's lease (app.services.leases): renewed while it works, taken over once past.
    lease_until: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    rendered_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())

    def __str__(self) -> str:
        return f"document {self.verification_code}"


class DocumentBatch(Model):  # 批量下载: all documents of a bulk operation as one ZIP
    __tablename__ = "document_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unguessable handle used in URLs (the owner and every filing are re-checked anyway).
    token: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True,
                                                      index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), nullable=True)
    unit: Mapped[Unit | None] = relationship()
    date_from: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    date_to: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())


class DocumentBatchItem(Model):
    __tablename__ = "document_batch_item"
    batch_id: Mapped[int] = mapped_column(ForeignKey("document_batch.id", ondelete="CASCADE"),
                                          primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filing.id", ondelete="CASCADE"),
                                           primary_key=True)


class UnitSeal(Model):  # 单位上传的电子印章图像 (replaces the drawn one on new documents)
    __tablename__ = "unit_seal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), unique=True,
                                         nullable=False)
    png: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    uploaded_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                           default=clock.now, server_default=func.now())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)


class JobClaim(Model):  # one row per scheduled job run: the INSERT that wins runs the job
    __tablename__ = "job_claim"
    __table_args__ = (UniqueConstraint("job_name", "run_key", name="uq_job_claim_run"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_name: Mapped[str] = mapped_column(String(64), nullable=False)
    run_key: Mapped[str] = mapped_column(String(64), nullable=False)
    claimed_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())
    claimed_by: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    # The run's lease: a run whose lease ran out with no finished_at is run again, once.
    lease_until: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
