"""Individual accounts: real-name verification codes, change requests (信息变更申请) and
disputes (异议) about filings."""

from __future__ import annotations

import datetime

from flask_appbuilder import Model
from sqlalchemy import DateTime, Enum, ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.domain.individuals import ChangeField, DisputeKind, DisputeStatus, RequestStatus
from app.models.filings import Filing
from app.models.people import Person


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32)


class VerificationAttempt(Model):  # 实名认证 (one row per start; a code only when details match)
    __tablename__ = "verification_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    started_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, index=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    salt: Mapped[str] = mapped_column(String(32), nullable=False)
    sent_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)


class ChangeRequest(Model):  # 信息变更申请
    __tablename__ = "change_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    person: Mapped[Person] = relationship()
    field: Mapped[ChangeField] = mapped_column(_enum(ChangeField, "change_field"), nullable=False)
    old_value: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    new_value: Mapped[str] = mapped_column(String(64), nullable=False)
    proof_filename: Mapped[str | None] = mapped_column(String(200), nullable=True)
    proof_content_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    proof: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "request_status"),
                                                  nullable=False, index=True)
    # Routed at submission: the household district/street, else the current employer's.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), nullable=True,
                                                    index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), nullable=True)
    submitted_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                            default=clock.now, server_default=func.now())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    decided_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Dispute(Model):  # 异议: "this filing is not me / is wrong"
    __tablename__ = "dispute"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    person: Mapped[Person] = relationship()
    filing_id: Mapped[int] = mapped_column(ForeignKey("filing.id"), nullable=False, index=True)
    filing: Mapped[Filing] = relationship(foreign_keys=[filing_id])
    kind: Mapped[DisputeKind] = mapped_column(_enum(DisputeKind, "dispute_kind"), nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[DisputeStatus] = mapped_column(_enum(DisputeStatus, "dispute_status"),
                                                  nullable=False, index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    resolved_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    correction_filing_id: Mapped[int | None] = mapped_column(ForeignKey("filing.id"),
                                                             nullable=True)


class IndividualAccount(Model):  # 个人账户: the identity a worker's login claims until verified
    __tablename__ = "individual_account"
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())
    verified_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
