"""Writing the aggregate tables: a full rebuild, and the nightly run that recomputes only the
periods touched since the last run. Both are one transaction (delete the periods, insert them
again from the filings), so a run is idempotent and a failed run leaves the previous figures.

Day rows come from the filings (INSERT … SELECT … GROUP BY in the database); month rows from the
day rows, quarter rows from the month rows; the page-sized roll-ups from those. Date bucketing
differs between SQLite (strftime) and PostgreSQL (date_trunc): `sql.bucket()` is the one place
that knows."""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict

from flask import current_app
from sqlalchemy import (
    and_,
    case,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
)

from app import clock
from app.domain import stats as ds
from app.domain.filings import EmploymentStatus, FilingStatus, FilingType
from app.extensions import db
from app.models.codes import TerminationReason
from app.models.filings import Employment, Filing
from app.models.org import Office, OfficeLevel, Region
from app.models.people import person_special_group
from app.models.stats import (
    StatsFilingCount,
    StatsFilingVolume,
    StatsReturnReason,
    StatsRun,
    StatsSnapshot,
    StatsSpecialGroup,
    StatsTermination,
)
from app.models.units import Unit
from app.services.stats.push import generate_suggestions
from app.services.stats.sql import bucket, dialect
from app.services.transaction import transaction

log = logging.getLogger(__name__)

# A filing committed a little after the previous run started may carry an earlier timestamp:
# the next run looks back this far before that run's start (recomputing twice is harmless).
WATERMARK_MARGIN = datetime.timedelta(minutes=30)
PENDING = (FilingStatus.PENDING_REVIEW, FilingStatus.PENDING_DISTRICT_APPROVAL)
# Period tables written from the filings (day rows) and rolled up to months and quarters.
PERIOD_TABLES = (StatsFilingCount, StatsTermination, StatsSpecialGroup, StatsReturnReason)


def now() -> datetime.datetime:
    return clock.now()


def _kind(kind: str):
    return literal_column(f"'{kind}'")


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time())


def _submitted_in(ranges) -> object:
    """Filings submitted within any of the [first, after-last) day ranges (None: all)."""
    if ranges is None:
        return Filing.submitted_at.is_not(None)
    return or_(*(and_(Filing.submitted_at >= _midnight(a), Filing.submitted_at < _midnight(b))
                 for a, b in ranges))


# --------------------------------------------------------------------------------------------
# Day rows from the filings
# --------------------------------------------------------------------------------------------

def _insert_days(ranges) -> int:
    """Insert the day rows of every period table for filings submitted in `ranges`."""
    day = bucket(ds.DAY, "filing.submitted_at")
    filed = Filing.status == FilingStatus.FILED
    where = _submitted_in(ranges)
    written = 0
    # 备案量 by district × type × channel × industry × ownership × form.
    form = func.coalesce(Filing.employment_form_code, literal_column("''"))
    cols = (day, Unit.district_id, Filing.filing_type, Filing.channel,
            Unit.industry_section_code, Unit.ownership_type_code, form)
    q = (select(_kind(ds.DAY), *cols, func.count(),
                func.sum(case((Filing.is_overdue.is_(True), 1), else_=0)))
         .select_from(Filing).join(Unit, Unit.id == Filing.unit_id)
         .where(filed, where).group_by(*cols))
    written += _run(insert(StatsFilingCount).from_select(
        ["period_kind", "period_start", "district_id", "filing_type", "channel",
         "industry_section", "ownership_type", "employment_form", "filings", "overdue"], q))
    # 退工原因 × 提出方.
    cols = (day, Unit.district_id, Filing.termination_reason_code, TerminationReason.initiator)
    q = (select(_kind(ds.DAY), *cols, func.count())
         .select_from(Filing).join(Unit, Unit.id == Filing.unit_id)
         .join(TerminationReason, TerminationReason.code == Filing.termination_reason_code)
         .where(filed, Filing.filing_type == FilingType.TERMINATION, where)
         .group_by(*cols))
    written += _run(insert(StatsTermination).from_select(
        ["period_kind", "period_start", "district_id", "reason_code", "initiator",
         "terminations"], q))
    # 特殊群体: filings of persons in each group.
    group = person_special_group.c.special_group_code
    cols = (day, Unit.district_id, group, Filing.filing_type)
    q = (select(_kind(ds.DAY), *cols, func.count())
         .select_from(Filing).join(Unit, Unit.id == Filing.unit_id)
         .join(person_special_group, person_special_group.c.person_id == Filing.person_id)
         .where(filed, where).group_by(*cols))
    written += _run(insert(StatsSpecialGroup).from_select(
        ["period_kind", "period_start", "district_id", "group_code", "filing_type",
         "filings"], q))
    # 退回原因 of filings that are returned to the filer now.
    reason = func.coalesce(Filing.return_reason_code, literal_column("''"))
    cols = (day, Unit.district_id, reason)
    q = (select(_kind(ds.DAY), *cols, func.count())
         .select_from(Filing).join(Unit, Unit.id == Filing.unit_id)
         .where(Filing.status == FilingStatus.RETURNED, where).group_by(*cols))
    written += _run(insert(StatsReturnReason).from_select(
        ["period_kind", "period_start", "district_id", "reason_code", "returned"], q))
    return written


def _run(statement) -> int:
    result = db.session.execute(statement)
    return max(result.rowcount or 0, 0)


# --------------------------------------------------------------------------------------------
# Roll-ups: months from days, quarters from months, page tables from the fact table
# --------------------------------------------------------------------------------------------

_MEASURES = {StatsFilingCount: ("filings", "overdue"), StatsTermination: ("terminations",),
             StatsSpecialGroup: ("filings",), StatsReturnReason: ("returned",)}
_CARRIED = {StatsTermination: ("initiator",)}  # depends on the key: carried with max()


def _key_columns(model) -> list[str]:
    return [c.name for c in model.__table__.primary_key.columns
            if c.name not in ("period_kind", "period_start")]


def _roll_up(model, target: str, source: str, starts: set[datetime.date] | None) -> int:
    """Insert `target`-kind rows of `model` by summing its `source`-kind rows (only the target
    periods in `starts`, or all)."""
    table = model.__table__
    start = bucket(target, f"{table.name}.period_start")
    keys = [table.c[name] for name in _key_columns(model)]
    carried = [func.max(table.c[name]) for name in _CARRIED.get(model, ())]
    measures = [func.sum(table.c[name]) for name in _MEASURES[model]]
    q = select(_kind(target), start, *keys, *carried, *measures).where(
        table.c.period_kind == source)
    if starts is not None:
        if not starts:
            return 0
        col = table.c.period_start
        q = q.where(or_(*(and_(col >= s, col < ds.period_end(target, s)) for s in starts)))
    q = q.group_by(start, *keys)
    names = (["period_kind", "period_start"] + _key_columns(model)
             + list(_CARRIED.get(model, ())) + list(_MEASURES[model]))
    return _run(insert(model).from_select(names, q))


def _roll_up_volume(kind: str, starts: set[datetime.date] | None) -> int:
    t = StatsFilingCount.__table__
    keys = (t.c.period_start, t.c.district_id, t.c.filing_type, t.c.channel)
    q = select(_kind(kind), *keys, func.sum(t.c.filings), func.sum(t.c.overdue)).where(
        t.c.period_kind == kind)
    if starts is not None:
        if not starts:
            return 0
        q = q.where(t.c.period_start.in_(sorted(starts)))
    q = q.group_by(*keys)
    return _run(insert(StatsFilingVolume).from_select(
        ["period_kind", "period_start", "district_id", "filing_type", "channel", "filings",
         "overdue"], q))


def _delete_periods(model, kind: str, starts: set[datetime.date] | None) -> None:
    stmt = delete(model).where(model.period_kind == kind)
    if starts is not None:
        if not starts:
            return
        stmt = stmt.where(model.period_start.in_(sorted(starts)))
    db.session.execute(stmt.execution_options(synchronize_session=False))


def _rebuild_periods(periods: dict[str, set[datetime.date]] | None, ranges) -> int:
    """Delete and write again the given periods (None: everything) of every period table."""
    written = 0
    for kind in ds.PERIOD_KINDS:
        starts = None if periods is None else periods[kind]
        for model in PERIOD_TABLES:
            _delete_periods(model, kind, starts)
        _delete_periods(StatsFilingVolume, kind, starts)
    written += _insert_days(ranges)
    for target, source in ((ds.MONTH, ds.DAY), (ds.QUARTER, ds.MONTH)):
        starts = None if periods is None else periods[target]
        for model in PERIOD_TABLES:
            # A touched month is rebuilt whole from its (already rebuilt) day rows.
            written += _roll_up(model, target, source, starts)
    for kind in ds.PERIOD_KINDS:
        written += _roll_up_volume(kind, None if periods is None else periods[kind])
    return written


# --------------------------------------------------------------------------------------------
# Snapshots: employed members of special groups, review backlog per office
# --------------------------------------------------------------------------------------------

def _snapshots(today: datetime.date) -> int:
    db.session.execute(delete(StatsSnapshot).execution_options(synchronize_session=False))
    group = person_special_group.c.special_group_code
    employed = db.session.execute(
        select(Unit.district_id, group, func.count())
        .select_from(Employment).join(Unit, Unit.id == Employment.unit_id)
        .join(person_special_group, person_special_group.c.person_id == Employment.person_id)
        .where(Employment.status == EmploymentStatus.ACTIVE)
        .group_by(Unit.district_id, group)).all()
    rows = [{"kind": "group_employed", "district_id": d, "key": g, "value": n}
            for d, g, n in employed]
    district_of = _office_districts()
    backlog: dict[tuple[int, str], dict] = {}
    pending = db.session.execute(
        select(Filing.office_id, Unit.district_id, Filing.submitted_at)
        .join(Unit, Unit.id == Filing.unit_id)
        .where(Filing.status.in_(PENDING)))
    for office_id, unit_district, submitted_at in pending:
        district = district_of.get(office_id, unit_district) if office_id else unit_district
        row = backlog.setdefault((district or 0, str(office_id or 0)), {
            "kind": "backlog", "district_id": district or 0, "key": str(office_id or 0),
            "value": 0, "age_0_3": 0, "age_4_7": 0, "age_8_15": 0, "age_16_plus": 0,
            "max_age_days": 0})
        age = max((today - submitted_at.date()).days, 0) if submitted_at else 0
        row["value"] += 1
        row[("age_0_3" if age <= 3 else "age_4_7" if age <= 7 else "age_8_15" if age <= 15
             else "age_16_plus")] += 1
        row["max_age_days"] = max(row["max_age_days"], age)
    rows.extend(backlog.values())
    for row in rows:
        for name in ("age_0_3", "age_4_7", "age_8_15", "age_16_plus", "max_age_days"):
            row.setdefault(name, 0)
    if rows:
        db.session.execute(insert(StatsSnapshot), rows)
    return len(rows)


def _office_districts() -> dict[int, int | None]:
    """office id → the district it belongs to (None for the city office)."""
    out = {}
    rows = db.session.execute(select(Office.id, Office.level, Region.id, Region.parent_id)
                              .join(Region, Region.id == Office.region_id))
    for office_id, level, region_id, parent_id in rows:
        out[office_id] = (region_id if level == OfficeLevel.DISTRICT
                          else parent_id if level == OfficeLevel.STREET else None)
    return out


# --------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------

def _lock() -> None:
    """One aggregation at a time: SQLite's BEGIN IMMEDIATE (the transaction's start) already
    serialises writers; on PostgreSQL a transaction-scoped advisory lock does (a CLI rebuild
    during the nightly run waits instead of interleaving deletes and inserts)."""
    if dialect() == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(742007)"))


def last_run() -> StatsRun | None:
    return db.session.scalar(select(StatsRun).where(StatsRun.finished_at.is_not(None))
                             .order_by(StatsRun.id.desc()).limit(1))


def rebuild(*, push: bool = True) -> dict:
    """Full rebuild of every aggregate table (flask beian stats rebuild)."""
    started, clock = now(), time.perf_counter()
    with transaction():
        _lock()
        rows = _rebuild_periods(None, None)
        rows += _snapshots(started.date())
        suggestions = generate_suggestions(started.date()) if push else 0
        run = _record("full", started, clock, days=0, rows=rows, suggestions=suggestions)
    return _summary(run)


def touched_days(since: datetime.datetime, today: datetime.date) -> set[datetime.date]:
    """Days (of submission) of every filing changed since `since` — submitted, decided, filed,
    corrected (the new version carries the old one's submission time) or cancelled — plus every
    day of the current month (the current period is always recomputed)."""
    day = bucket(ds.DAY, "filing.submitted_at")
    changed = or_(Filing.submitted_at >= since, Filing.decided_at >= since,
                  Filing.filed_at >= since, Filing.cancelled_at >= since)
    days = {_as_date(d) for d in db.session.scalars(
        select(day).where(Filing.submitted_at.is_not(None), changed).distinct())}
    first = today.replace(day=1)
    days.update(first + datetime.timedelta(days=i) for i in range((today - first).days + 1))
    return {d for d in days if d is not None}


def _as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _last_full() -> datetime.datetime | None:
    return db.session.scalar(select(func.max(StatsRun.started_at)).where(
        StatsRun.kind == "full", StatsRun.finished_at.is_not(None)))


def nightly(*, push: bool = True) -> dict:
    """The nightly increment: recompute the periods touched since the last run. A full rebuild
    instead when there was none, or when the last one is older than BEIAN_STATS_FULL_EVERY_DAYS
    (default 7): it also picks up what no filing timestamp shows — a unit moved to another
    district or industry, a returned filing resubmitted weeks later."""
    previous = last_run()
    every = int(current_app.config["BEIAN_STATS_FULL_EVERY_DAYS"])
    full = _last_full()
    if previous is None or full is None or now() - full > datetime.timedelta(days=every):
        return rebuild(push=push)
    started, clock = now(), time.perf_counter()
    with transaction():
        _lock()
        days = touched_days(previous.watermark, started.date())
        periods = ds.touched_periods(days)
        rows = _rebuild_periods(periods, ds.date_ranges(days))
        rows += _snapshots(started.date())
        suggestions = generate_suggestions(started.date()) if push else 0
        run = _record("nightly", started, clock, days=len(days), rows=rows,
                      suggestions=suggestions)
    return _summary(run)


def _record(kind, started, clock, **counts) -> StatsRun:
    run = StatsRun(kind=kind, started_at=started, finished_at=now(),
                   watermark=started - WATERMARK_MARGIN,
                   seconds=round(time.perf_counter() - clock, 3), **counts)
    db.session.add(run)
    db.session.flush()
    return run


def _summary(run: StatsRun) -> dict:
    return {"kind": run.kind, "days": run.days, "rows": run.rows,
            "suggestions": run.suggestions, "seconds": run.seconds}


def period_counts() -> dict[str, int]:
    """Rows per period kind of the fact table (for the CLI's report)."""
    out = defaultdict(int)
    for kind, n in db.session.execute(select(StatsFilingCount.period_kind, func.count())
                                      .group_by(StatsFilingCount.period_kind)):
        out[kind] = n
    return dict(out)

