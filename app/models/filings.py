"""Employments (劳动关系) and the filings (备案) that are the events on them.

A filed record is never edited in place: a correction adds a new version that supersedes the old
one (supersedes_id), a cancellation (撤销) records who, when and why. The current state of an
employment follows from its filed filings."""

from __future__ import annotations

import datetime
import enum

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.domain.filings import EmploymentStatus, FilingStatus, FilingType
from app.domain.notices import NoticeStatus
from app.models.codes import ContractType, EmploymentForm, TerminationReason
from app.models.org import Office
from app.models.people import Person
from app.models.units import Unit


class Channel(enum.StrEnum):
    ONLINE = "网上"
    COUNTER = "窗口"
    BULK = "批量导入"   # spreadsheet upload (online, many at once)
    API = "系统对接"    # payroll / HR software through the REST API


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32)


class Employment(Model):  # 劳动关系
    __tablename__ = "employment"
    __table_args__ = (
        Index("ix_employment_person_status", "person_id", "status"),
        Index("ix_employment_unit_status", "unit_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False)
    person: Mapped[Person] = relationship()
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    unit: Mapped[Unit] = relationship()
    employment_form_code: Mapped[str] = mapped_column(ForeignKey("employment_form.code"),
                                                      nullable=False)
    employment_form: Mapped[EmploymentForm] = relationship()
    hours_per_day: Mapped[float | None] = mapped_column(Float, nullable=True)
    hours_per_week: Mapped[float | None] = mapped_column(Float, nullable=True)
    contract_type_code: Mapped[str] = mapped_column(ForeignKey("contract_type.code"),
                                                    nullable=False)
    contract_type: Mapped[ContractType] = relationship()
    contract_start: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    contract_end: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    job_title: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    start_date: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    status: Mapped[EmploymentStatus] = mapped_column(_enum(EmploymentStatus, "employment_status"),
                                                     nullable=False)
    end_date: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    termination_reason_code: Mapped[str | None] = mapped_column(
        ForeignKey("termination_reason.code"), nullable=True)
    termination_reason: Mapped[TerminationReason | None] = relationship()
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.unit.name}"


class Filing(Model):  # 备案
    __tablename__ = "filing"
    __table_args__ = (
        Index("ix_filing_unit_status", "unit_id", "status"),
        Index("ix_filing_person", "person_id"),
        Index("ix_filing_status_type", "status", "filing_type"),
        Index("ix_filing_unit_type_end", "unit_id", "filing_type", "end_date"),
        Index("ix_filing_dup", "person_id", "unit_id", "start_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Set right after the row is inserted (it embeds the id, so it is unique without a counter).
    receipt_number: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    filing_type: Mapped[FilingType] = mapped_column(_enum(FilingType, "filing_type"),
                                                    nullable=False)
    status: Mapped[FilingStatus] = mapped_column(_enum(FilingStatus, "filing_status"),
                                                 nullable=False)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "filing_channel"), nullable=False)

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), nullable=True)
    to_unit: Mapped[Unit | None] = relationship(foreign_keys=[to_unit_id])
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False)
    person: Mapped[Person] = relationship()
    # The worker as filed: a correction of the name or ID number shows in the version history.
    person_name: Mapped[str] = mapped_column(String(64), nullable=False)
    person_citizen_id: Mapped[str] = mapped_column(String(18), nullable=False)
    employment_id: Mapped[int | None] = mapped_column(ForeignKey("employment.id"),
                                                      nullable=True, index=True)
    employment: Mapped[Employment | None] = relationship(foreign_keys=[employment_id])
    new_employment_id: Mapped[int | None] = mapped_column(ForeignKey("employment.id"),
                                                          nullable=True)
    new_employment: Mapped[Employment | None] = relationship(foreign_keys=[new_employment_id])

    # What was filed (by type: hire/transfer use the contract fields and start_date; renewal the
    # contract fields; termination end_date and the reason).
    employment_form_code: Mapped[str | None] = mapped_column(ForeignKey("employment_form.code"),
                                                             nullable=True)
    employment_form: Mapped[EmploymentForm | None] = relationship()
    hours_per_day: Mapped[float | None] = mapped_column(Float, nullable=True)
    hours_per_week: Mapped[float | None] = mapped_column(Float, nullable=True)
    probation_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contract_type_code: Mapped[str | None] = mapped_column(ForeignKey("contract_type.code"),
                                                           nullable=True)
    contract_type: Mapped[ContractType | None] = relationship()
    contract_start: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    contract_end: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    job_title: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    start_date: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    termination_reason_code: Mapped[str | None] = mapped_column(
        ForeignKey("termination_reason.code"), nullable=True)
    termination_reason: Mapped[TerminationReason | None] = relationship()
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # A renewal keeps the contract it replaced, so cancelling the renewal can restore it.
    previous_contract_type_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    previous_contract_end: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)

    # Automatic checks (review flags).
    is_overdue: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_multiple_employment: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    needs_attachment_review: Mapped[bool] = mapped_column(Boolean, nullable=False,
                                                          default=False)
    needs_district_approval: Mapped[bool] = mapped_column(Boolean, nullable=False,
                                                          default=False)

    # Who and when.
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), nullable=True)
    office: Mapped[Office | None] = relationship()
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    submitted_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    decided_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    filed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True,
                                                               index=True)
    return_reason_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    return_message: Mapped[str | None] = mapped_column(Text, nullable=True)

    # Version chain: a correction supersedes the version it replaces.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    root_id: Mapped[int | None] = mapped_column(ForeignKey("filing.id"), nullable=True,
                                                index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("filing.id"), nullable=True,
                                                      unique=True)
    supersedes: Mapped[Filing | None] = relationship(remote_side=[id],
                                                     foreign_keys=[supersedes_id])
    correction_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    cancelled_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    # A double-submitted form carries the same key and creates one filing.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # Optimistic locking: two reviewers deciding at once — the second one's UPDATE finds
    # a different row_version and fails.
    row_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())

    __mapper_args__ = {"version_id_col": row_version}

    attachments: Mapped[list[FilingAttachment]] = relationship(
        back_populates="filing", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.filing_type.value} {self.receipt_number}"


class FilingAttachment(Model):  # 附件 (e.g. 违纪事实材料, 裁员方案)
    __tablename__ = "filing_attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filing.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    filing: Mapped[Filing] = relationship(back_populates="attachments")
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    uploaded_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                           default=clock.now, server_default=func.now())


class Notice(Model):  # 通知 outbox (SMS / WeChat text), delivered by the scheduler's sender
    __tablename__ = "notice"
    # The delivery job's question: which notices are due (status, next_attempt_at <= now)?
    __table_args__ = (Index("ix_notice_status_next_attempt", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True,
                                                  index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), nullable=True, index=True)
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filing.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)  # sms / wechat / portal
    recipient: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now(), index=True)
    sent_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    read_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    # Delivery (app.services.notices.delivery): QUEUED → SENDING → SENT, or RETRY (back-off)
    # and in the end FAILED. While SENDING, next_attempt_at is the end of the sender's lease.
    status: Mapped[NoticeStatus] = mapped_column(
        Enum(NoticeStatus, name="notice_status", native_enum=False, length=16),
        nullable=False, default=NoticeStatus.QUEUED, server_default="QUEUED")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                          server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    next_attempt_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime, nullable=True, default=datetime.datetime.now)


class CorrectionRule(Model):  # 数据修改操作口径: which office level may correct which field
    __tablename__ = "correction_rule"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_level: Mapped[str] = mapped_column(String(16), nullable=False)  # street/district/city
    field_name: Mapped[str] = mapped_column(String(64), nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    __table_args__ = (Index("uq_correction_rule", "office_level", "field_name", unique=True),)
