"""Workers (劳动者)."""

from __future__ import annotations

import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.domain.identifiers import mask_citizen_id
from app.models.codes import EducationLevel, SpecialGroup
from app.models.org import Region

person_special_group = Table(
    "person_special_group",
    Model.metadata,
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("special_group_code", ForeignKey("special_group.code"), primary_key=True),
)


class Person(Model):  # 劳动者
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    citizen_id: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    # Derived from citizen_id (RULES.md: never asked for separately).
    sex: Mapped[str] = mapped_column(String(1), nullable=False)
    birth_date: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    education_code: Mapped[str | None] = mapped_column(ForeignKey("education_level.code"),
                                                       nullable=True)
    education: Mapped[EducationLevel | None] = relationship()
    # 户籍地: the GB/T 2260 code of the household registration (may lie outside the city) …
    household_region_code: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    # … and, when it lies inside the city, its district and street (jurisdiction of staff).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), nullable=True,
                                                    index=True)
    district: Mapped[Region | None] = relationship(foreign_keys=[district_id])
    street_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), nullable=True,
                                                  index=True)
    street: Mapped[Region | None] = relationship(foreign_keys=[street_id])
    special_groups: Mapped[list[SpecialGroup]] = relationship(secondary=person_special_group)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())

    @property
    def citizen_id_masked(self) -> str:
        return mask_citizen_id(self.citizen_id)

    @property
    def sex_label(self) -> str:
        return {"M": "男", "F": "女"}.get(self.sex, "")

    def __str__(self) -> str:
        return f"{self.name}（{self.citizen_id_masked}）"
