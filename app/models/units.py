"""Employers (用人单位)."""

from __future__ import annotations

import datetime
import enum

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.models.codes import EmployerType, IndustryDivision, IndustrySection, OwnershipType
from app.models.org import Region


class UnitStatus(enum.StrEnum):
    PENDING = "待审核"     # opened online, waiting for district staff
    ACTIVE = "正常"
    SUSPENDED = "已停用"


class Unit(Model):  # 用人单位
    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    # Set when staff accepted a historic code that fails the GB 32100 checksum (RULES.md).
    credit_code_override_reason: Mapped[str | None] = mapped_column(String(256), nullable=True)
    employer_type_code: Mapped[str] = mapped_column(ForeignKey("employer_type.code"),
                                                    nullable=False)
    employer_type: Mapped[EmployerType] = relationship()
    industry_division_code: Mapped[str] = mapped_column(ForeignKey("industry_division.code"),
                                                        nullable=False)
    industry_division: Mapped[IndustryDivision] = relationship()
    # Denormalised from the division for statistics and filtering.
    industry_section_code: Mapped[str] = mapped_column(ForeignKey("industry_section.code"),
                                                       nullable=False, index=True)
    industry_section: Mapped[IndustrySection] = relationship()
    ownership_type_code: Mapped[str] = mapped_column(ForeignKey("ownership_type.code"),
                                                     nullable=False)
    ownership_type: Mapped[OwnershipType] = relationship()
    district_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    district: Mapped[Region] = relationship(foreign_keys=[district_id])
    street_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    street: Mapped[Region] = relationship(foreign_keys=[street_id])
    address: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    contact_name: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    headcount: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_key_enterprise: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[UnitStatus] = mapped_column(
        Enum(UnitStatus, name="unit_status", native_enum=False, length=16),
        nullable=False, default=UnitStatus.PENDING, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())

    def __str__(self) -> str:
        return self.name
