"""Aggregate tables of the employment barometer (issue "Statistics").

Written only by app.services.stats (full rebuild and the nightly incremental run); dashboards and
exports read nothing else, so a page costs the same at a million filings as at a thousand.
Keys are plain codes and ids (no foreign keys): the tables are derived data, rebuilt at will.

Counted filings are the current version of every filed record (status FILED): a corrected filing
counts once as its latest version, a cancelled one not at all. A filing belongs to the day it was
submitted (申报日期) and to its unit's district."""

from __future__ import annotations

import datetime
import enum

from flask_appbuilder import Model
from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.domain.stats import PushRule, PushService, PushStatus
from app.models.units import Unit


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=32)


# On SQLite the primary key is the table itself (WITHOUT ROWID): a page's range scan over
# (period_kind, period_start, …) reads neighbouring rows with their counts, no second lookup.
CLUSTERED = {"sqlite_with_rowid": False}


def _key(name: str, length: int = 32) -> Mapped[str]:
    return mapped_column(String(length), primary_key=True, default="")


class StatsFilingCount(Model):  # 备案量: period × district × type × channel × industry × …
    __tablename__ = "stats_filing_count"
    __table_args__ = CLUSTERED
    period_kind: Mapped[str] = mapped_column(String(1), primary_key=True)  # D / M / Q
    period_start: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_type: Mapped[str] = _key("filing_type")
    channel: Mapped[str] = _key("channel")
    industry_section: Mapped[str] = _key("industry_section")
    ownership_type: Mapped[str] = _key("ownership_type")
    employment_form: Mapped[str] = _key("employment_form")
    filings: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    overdue: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StatsFilingVolume(Model):  # the same counts rolled up to type × channel (for the pages)
    __tablename__ = "stats_filing_volume"
    __table_args__ = CLUSTERED
    period_kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    period_start: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_type: Mapped[str] = _key("filing_type")
    channel: Mapped[str] = _key("channel")
    filings: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    overdue: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StatsTermination(Model):  # 退工原因 × 提出方
    __tablename__ = "stats_termination"
    __table_args__ = CLUSTERED
    period_kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    period_start: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason_code: Mapped[str] = _key("reason_code")
    initiator: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    terminations: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StatsSpecialGroup(Model):  # 特殊群体: hires and terminations of persons in a group
    __tablename__ = "stats_special_group"
    __table_args__ = CLUSTERED
    period_kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    period_start: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_code: Mapped[str] = _key("group_code")
    filing_type: Mapped[str] = _key("filing_type")
    filings: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StatsReturnReason(Model):  # 退回原因 of filings currently returned to the filer
    __tablename__ = "stats_return_reason"
    __table_args__ = CLUSTERED
    period_kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    period_start: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason_code: Mapped[str] = _key("reason_code", 8)
    returned: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StatsSnapshot(Model):  # as of the last run: employed special groups, review backlog
    __tablename__ = "stats_snapshot"
    __table_args__ = CLUSTERED
    # "group_employed": key = special group code; "backlog": key = office id, with age buckets.
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: no district
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    age_0_3: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    age_4_7: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    age_8_15: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    age_16_plus: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    max_age_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StatsRun(Model):  # one aggregation run: what it covered, how long it took
    __tablename__ = "stats_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # full / nightly
    started_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False)
    finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    # Filings changed at or after this moment are looked at by the next nightly run.
    watermark: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False)
    days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    suggestions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)


class ServicePush(Model):  # 精准推送: a service suggested to a unit, worked through by staff
    __tablename__ = "service_push"
    __table_args__ = (
        UniqueConstraint("unit_id", "rule", "period_key", name="uq_service_push_unit_rule"),
        Index("ix_service_push_status_period", "status", "period_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit: Mapped[Unit] = relationship()
    rule: Mapped[PushRule] = mapped_column(_enum(PushRule, "push_rule"), nullable=False)
    service: Mapped[PushService] = mapped_column(_enum(PushService, "push_service"),
                                                 nullable=False)
    period_key: Mapped[str] = mapped_column(String(8), nullable=False)  # e.g. 2026Q1
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    hires: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    terminations: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    workforce: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[PushStatus] = mapped_column(_enum(PushStatus, "push_status"), nullable=False,
                                               default=PushStatus.OPEN)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    contacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    contacted_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())
    updated_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
