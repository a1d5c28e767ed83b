"""The organisation: regions (city → district → street) and public employment service offices."""

from __future__ import annotations

import enum

from flask_appbuilder import Model
from sqlalchemy import Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship


# Enums are stored by name ("DISTRICT"); their value is the Chinese label FAB's forms show.
class RegionLevel(enum.StrEnum):
    CITY = "市"
    DISTRICT = "区（县级市）"
    STREET = "街道（镇）"


class OfficeLevel(enum.StrEnum):
    CITY = "市级"
    DISTRICT = "区级"
    STREET = "街道级"


class Region(Model):  # 行政区划 (GB/T 2260-style codes; streets 9 digits)
    __tablename__ = "region"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    level: Mapped[RegionLevel] = mapped_column(
        Enum(RegionLevel, name="region_level", native_enum=False, length=16), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), nullable=True,
                                                  index=True)
    parent: Mapped[Region | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Region]] = relationship(back_populates="parent")

    def __str__(self) -> str:
        return self.name


class Office(Model):  # 公共就业服务经办机构 (市/区/街道)
    __tablename__ = "office"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True, nullable=False)
    level: Mapped[OfficeLevel] = mapped_column(
        Enum(OfficeLevel, name="office_level", native_enum=False, length=16), nullable=False)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    region: Mapped[Region] = relationship()
    address: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    # Name on the office's electronic filing seal (用工备案专用章), used by documents.
    seal_name: Mapped[str] = mapped_column(String(128), nullable=False, default="")

    def __str__(self) -> str:
        return self.name
