"""The tables behind every dashboard chart, read from the aggregate tables only (a page costs the
same at a million filings as at a thousand). Each dataset is one function of the viewer's scope
(districts, months) returning a Table — the chart draws it, the export writes it."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app import clock
from app.domain import stats as ds
from app.domain.filings import RETURN_REASONS
from app.extensions import db
from app.models.codes import IndustrySection, OwnershipType, SpecialGroup, TerminationReason
from app.models.org import Office, Region, RegionLevel
from app.models.stats import (
    StatsFilingCount,
    StatsFilingVolume,
    StatsReturnReason,
    StatsRun,
    StatsSnapshot,
    StatsSpecialGroup,
    StatsTermination,
)
from app.queries.jurisdiction import Jurisdiction

TYPES = ("HIRE", "RENEWAL", "TRANSFER", "TERMINATION")
CHANNELS = ("ONLINE", "COUNTER", "BULK", "API")


@dataclass(frozen=True)
class Scope:
    """What a viewer asked for, already limited to their jurisdiction. `memo` keeps query
    results that several tables of one page share (one request, one scope)."""

    months: ds.PeriodRange
    district_id: int | None = None      # None: the whole city
    district_name: str = "全市"
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def cached(self, key, compute):
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def where(self, model, kind: str):
        """Clauses for the rows of `model` of period kind `kind` inside the scope."""
        lo = self.months.start if kind != ds.QUARTER else self.months.quarter_start
        clauses = [model.period_kind == kind, model.period_start >= lo,
                   model.period_start < self.months.end_exclusive]
        if self.district_id is not None:
            clauses.append(model.district_id == self.district_id)
        return clauses

    def snapshot_where(self):
        if self.district_id is None:
            return []
        return [StatsSnapshot.district_id == self.district_id]

    def describe(self) -> dict:
        return {"start": f"{self.months.start:%Y-%m}", "end": f"{self.months.end:%Y-%m}",
                "district": self.district_name}


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[tuple]
    chart: dict = field(default_factory=dict)
    note: str = ""

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "headers": self.headers,
                "rows": [list(r) for r in self.rows], "chart": self.chart, "note": self.note}


# --------------------------------------------------------------------------------------------
# Scope from the request (jurisdiction first)
# --------------------------------------------------------------------------------------------

class OutsideJurisdiction(Exception):
    """A district was asked for that the viewer may not see."""


def districts_for(jurisdiction: Jurisdiction) -> list[tuple[int, str]]:
    """The districts a viewer may pick: all for city-wide staff, else their own (a street
    office sees its district's figures)."""
    stmt = select(Region.id, Region.name).where(Region.level == RegionLevel.DISTRICT)
    if jurisdiction.is_city_wide:
        return list(db.session.execute(stmt.order_by(Region.code)).all())
    own = _own_district(jurisdiction)
    if own is None:
        return []
    return list(db.session.execute(stmt.where(Region.id == own)).all())


def _own_district(jurisdiction: Jurisdiction) -> int | None:
    if jurisdiction.scope == "district":
        return jurisdiction.region_id
    if jurisdiction.scope == "street":
        return jurisdiction.parent_region_id
    return None


def scope_for(jurisdiction: Jurisdiction, start: str | None, end: str | None,
              district: str | None, today: datetime.date) -> Scope:
    """The viewer's scope: DomainError for a bad period, OutsideJurisdiction for a district
    they may not see. District staff always get their district, whatever they ask for."""
    months = ds.period_range(start, end, today)
    allowed = dict(districts_for(jurisdiction))
    wanted = None
    if (district or "").strip():
        try:
            wanted = int(district)
        except ValueError:
            raise OutsideJurisdiction(district) from None
        if wanted not in allowed:
            raise OutsideJurisdiction(district)
    if jurisdiction.is_city_wide:
        return Scope(months, wanted, allowed.get(wanted, "全市") if wanted else "全市")
    own = _own_district(jurisdiction)
    if own is None or own not in allowed:
        raise OutsideJurisdiction(district)
    return Scope(months, own, allowed[own])


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------

def _names(model) -> dict[str, str]:
    return dict(db.session.execute(select(model.code, model.name)).all())


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _label(kind: str, start) -> str:
    if not isinstance(start, datetime.date):
        start = datetime.date.fromisoformat(str(start)[:10])
    return ds.period_label(kind, start)


# --------------------------------------------------------------------------------------------
# Datasets
# --------------------------------------------------------------------------------------------

def _volume(scope: Scope, kind: str):
    """(period label → filing type → count), (period label → channel → count) and (period
    label → overdue count)."""
    return scope.cached(("volume", kind), lambda: _volume_query(scope, kind))


def _volume_query(scope: Scope, kind: str):
    v = StatsFilingVolume
    by_type, by_channel = defaultdict(lambda: defaultdict(int)), defaultdict(
        lambda: defaultdict(int))
    overdue = defaultdict(int)
    rows = db.session.execute(
        select(v.period_start, v.filing_type, v.channel, func.sum(v.filings), func.sum(v.overdue))
        .where(*scope.where(v, kind)).group_by(v.period_start, v.filing_type, v.channel))
    for start, ftype, channel, n, late in rows:
        label = _label(kind, start)
        by_type[label][ftype] += int(n)
        by_channel[label][channel] += int(n)
        overdue[label] += int(late or 0)
    return by_type, by_channel, overdue


def volume_by_month(scope: Scope) -> Table:
    by_type, _, _ = _volume(scope, ds.MONTH)
    rows = [(label, *(t[k] for k in TYPES), sum(t.values()))
            for label, t in sorted(by_type.items())]
    return Table("volume_by_month", "备案量（按月、按类型）",
                 ["月份", *(ds.FILING_TYPE_LABELS[k] for k in TYPES), "合计"], rows,
                 {"type": "stack", "series": [1, 2, 3, 4]})


def online_share(scope: Scope) -> Table:
    _, by_channel, _ = _volume(scope, ds.MONTH)
    rows = []
    for label, c in sorted(by_channel.items()):
        total = sum(c.values())
        rows.append((label, *(c[k] for k in CHANNELS), total,
                     _pct(sum(c[k] for k in ds.ONLINE_CHANNELS), total)))
    return Table("online_share", "网上办理率（按月）",
                 ["月份", *(ds.CHANNEL_LABELS[k] for k in CHANNELS), "合计", "网上办理率（%）"],
                 rows, {"type": "line", "series": [6], "percent": True},
                 "网上办理含单位网上申报、批量导入和系统对接，不含窗口办理。")


def season_by_quarter(scope: Scope) -> Table:
    by_type, _, _ = _volume(scope, ds.QUARTER)
    rows = [(label, t["HIRE"], t["TERMINATION"], t["HIRE"] - t["TERMINATION"])
            for label, t in sorted(by_type.items())]
    return Table("season_by_quarter", "录用与退工（按季度）", ["季度", "录用", "退工", "净增（录用−退工）"],
                 rows, {"type": "bar", "series": [1, 2], "line": [3], "highlight": ["Q1", "Q3"]},
                 "一季度春节前后退工集中，三季度高校毕业生入职带来录用高峰。")


def season_pattern(scope: Scope) -> Table:
    by_type, _, _ = _volume(scope, ds.QUARTER)
    pattern = ds.seasonal_pattern(
        (datetime.date(int(label[:4]), (int(label[-1]) - 1) * 3 + 1, 1), t["HIRE"],
         t["TERMINATION"]) for label, t in by_type.items())
    rows = []
    for q in (1, 2, 3, 4):
        b = pattern[q]
        years = max(b.years, 1)
        rows.append((f"Q{q}", round(b.hires / years), round(b.terminations / years),
                     round(b.net / years), b.years))
    return Table("season_pattern", "季节规律（各季度年均）", ["季度", "年均录用", "年均退工", "年均净增", "年数"],
                 rows, {"type": "bar", "series": [1, 2], "line": [3]},
                 ds.seasonal_summary(pattern))


def _fact_by(scope: Scope, column) -> dict[str, dict[str, int]]:
    """Filed filings in scope by `column` and filing type (quarter rows when the range is made
    of whole quarters, else month rows)."""
    return scope.cached(("fact", column.key), lambda: _fact_by_query(scope, column))


def _fact_by_query(scope: Scope, column) -> dict[str, dict[str, int]]:
    f = StatsFilingCount
    kind = ds.QUARTER if scope.months.whole_quarters(clock.today()) else ds.MONTH
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, ftype, n in db.session.execute(
            select(column, f.filing_type, func.sum(f.filings)).where(*scope.where(f, kind))
            .group_by(column, f.filing_type)):
        out[key][ftype] += int(n)
    return out


def industry_distribution(scope: Scope) -> Table:
    names = _names(IndustrySection)
    data = _fact_by(scope, StatsFilingCount.industry_section)
    rows = sorted(((f"{code} {names.get(code, '')}", *(t[k] for k in TYPES), sum(t.values()))
                   for code, t in data.items()), key=lambda r: -r[-1])
    return Table("industry_distribution", "备案量（按行业门类）",
                 ["行业门类", *(ds.FILING_TYPE_LABELS[k] for k in TYPES), "合计"], rows,
                 {"type": "hbar", "series": [1, 2, 3, 4], "stack": True})


def ownership_distribution(scope: Scope) -> Table:
    names = _names(OwnershipType)
    data = _fact_by(scope, StatsFilingCount.ownership_type)
    rows = sorted(((names.get(code, code or "未填"), sum(t.values())) for code, t in data.items()),
                  key=lambda r: -r[1])
    return Table("ownership_distribution", "备案量（按登记注册类型）", ["登记注册类型", "备案量"], rows,
                 {"type": "pie", "series": [1]})


def net_by_industry(scope: Scope) -> Table:
    names = _names(IndustrySection)
    data = _fact_by(scope, StatsFilingCount.industry_section)
    rows = sorted(((f"{code} {names.get(code, '')}", t["HIRE"], t["TERMINATION"],
                    t["HIRE"] - t["TERMINATION"]) for code, t in data.items()),
                  key=lambda r: r[-1])
    return Table("net_by_industry", "净增就业（按行业，录用−退工）", ["行业门类", "录用", "退工", "净增"],
                 rows, {"type": "hbar", "series": [3], "signed": True},
                 "市内调动在行业之间转移，不计入净增。")


def _terminations(scope: Scope, kind: str):
    return scope.cached(("terminations", kind), lambda: _terminations_query(scope, kind))


def _terminations_query(scope: Scope, kind: str):
    t = StatsTermination
    return db.session.execute(
        select(t.period_start, t.reason_code, t.initiator, func.sum(t.terminations))
        .where(*scope.where(t, kind)).group_by(t.period_start, t.reason_code, t.initiator)).all()


def termination_reasons(scope: Scope) -> Table:
    names = _names(TerminationReason)
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for _, code, initiator, n in _terminations(scope, ds.MONTH):
        sums[(code, initiator)] += int(n)
    total = sum(sums.values())
    rows = sorted(((names.get(code, code), ds.INITIATOR_LABELS.get(who, who), n, _pct(n, total))
                   for (code, who), n in sums.items()), key=lambda r: -r[2])
    return Table("termination_reasons", "退工原因", ["退工原因", "提出方", "人次", "占比（%）"], rows,
                 {"type": "hbar", "series": [2]})


def termination_initiators(scope: Scope) -> Table:
    sums: dict[str, int] = defaultdict(int)
    for _, _, initiator, n in _terminations(scope, ds.MONTH):
        sums[initiator] += int(n)
    total = sum(sums.values())
    rows = [(ds.INITIATOR_LABELS.get(k, k), sums[k], _pct(sums[k], total))
            for k in ds.INITIATOR_LABELS if k in sums]
    return Table("termination_initiators", "退工提出方", ["提出方", "人次", "占比（%）"], rows,
                 {"type": "pie", "series": [1]},
                 "劳动者提出：辞职及因单位过错解除；用人单位提出：过失性辞退、无过失辞退和经济性裁员。")


def initiators_by_quarter(scope: Scope) -> Table:
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for start, _, initiator, n in _terminations(scope, ds.QUARTER):
        sums[_label(ds.QUARTER, start)][initiator] += int(n)
    keys = list(ds.INITIATOR_LABELS)
    rows = [(label, *(v[k] for k in keys), sum(v.values())) for label, v in sorted(sums.items())]
    return Table("initiators_by_quarter", "退工提出方（按季度）",
                 ["季度", *ds.INITIATOR_LABELS.values(), "合计"], rows,
                 {"type": "stack", "series": [1, 2, 3, 4]})


def special_groups(scope: Scope) -> Table:
    names = _names(SpecialGroup)
    g = StatsSpecialGroup
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, ftype, n in db.session.execute(
            select(g.group_code, g.filing_type, func.sum(g.filings))
            .where(*scope.where(g, ds.MONTH)).group_by(g.group_code, g.filing_type)):
        sums[code][ftype] += int(n)
    employed = dict(db.session.execute(
        select(StatsSnapshot.key, func.sum(StatsSnapshot.value))
        .where(StatsSnapshot.kind == "group_employed", *scope.snapshot_where())
        .group_by(StatsSnapshot.key)).all())
    codes = sorted(set(sums) | set(employed), key=lambda c: list(names).index(c)
                   if c in names else 99)
    rows = [(names.get(c, c), sums[c]["HIRE"], sums[c]["TERMINATION"],
             sums[c]["HIRE"] - sums[c]["TERMINATION"], int(employed.get(c) or 0)) for c in codes]
    return Table("special_groups", "特殊群体就业", ["群体", "录用", "退工", "净增", "当前在职"], rows,
                 {"type": "bar", "series": [1, 2, 4]},
                 "录用、退工为所选期间的备案人次；当前在职为最近一次统计时的在职人数。")


def review_backlog(scope: Scope) -> Table:
    s = StatsSnapshot
    offices = dict(db.session.execute(select(Office.id, Office.name)).all())
    rows = []
    for key, n, a, b, c, d, oldest in db.session.execute(
            select(s.key, func.sum(s.value), func.sum(s.age_0_3), func.sum(s.age_4_7),
                   func.sum(s.age_8_15), func.sum(s.age_16_plus), func.max(s.max_age_days))
            .where(s.kind == "backlog", *scope.snapshot_where()).group_by(s.key)):
        name = offices.get(int(key), "未指定经办机构") if key.isdigit() else key
        rows.append((name, int(n), int(a), int(b), int(c), int(d), int(oldest)))
    rows.sort(key=lambda r: -r[1])
    return Table("review_backlog", "待审核积压（按经办机构）",
                 ["经办机构", "待审核", "0–3天", "4–7天", "8–15天", "16天以上", "最长等待（天）"], rows,
                 {"type": "hbar", "series": [2, 3, 4, 5], "stack": True},
                 "最近一次统计时仍在“待审核”或“待属地审批”的备案。")


def overdue_by_month(scope: Scope) -> Table:
    by_type, _, overdue = _volume(scope, ds.MONTH)
    rows = []
    for label, t in sorted(by_type.items()):
        total = sum(t.values())
        rows.append((label, total, overdue[label], _pct(overdue[label], total)))
    return Table("overdue_by_month", "逾期备案（按月）", ["月份", "备案量", "逾期", "逾期率（%）"], rows,
                 {"type": "line", "series": [3], "percent": True},
                 "录用逾期：用工之日起 30 日后才备案；退工逾期：终止之日起 15 日后才备案。")


def return_reasons(scope: Scope) -> Table:
    labels = dict(RETURN_REASONS)
    r = StatsReturnReason
    data = db.session.execute(
        select(r.reason_code, func.sum(r.returned)).where(*scope.where(r, ds.MONTH))
        .group_by(r.reason_code)).all()
    total = sum(int(n) for _, n in data)
    rows = sorted(((labels.get(code, code or "未填"), int(n), _pct(int(n), total))
                   for code, n in data), key=lambda x: -x[1])
    return Table("return_reasons", "退回原因", ["退回原因", "件数", "占比（%）"], rows,
                 {"type": "pie", "series": [1]}, "目前处于“已退回”、等待单位补正的备案。")


DATASETS: dict[str, Callable[[Scope], Table]] = {
    f.__name__: f for f in (
        volume_by_month, online_share, season_by_quarter, season_pattern,
        industry_distribution, ownership_distribution, net_by_industry,
        termination_reasons, termination_initiators, initiators_by_quarter,
        special_groups, review_backlog, overdue_by_month, return_reasons)
}

PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "overview": ("总览", ("season_by_quarter", "online_share", "volume_by_month",
                          "season_pattern")),
    "industry": ("行业与经济类型", ("industry_distribution", "net_by_industry",
                              "ownership_distribution")),
    "terminations": ("退工原因", ("termination_initiators", "termination_reasons",
                              "initiators_by_quarter")),
    "groups": ("特殊群体", ("special_groups",)),
    "operations": ("经办运营", ("review_backlog", "return_reasons", "overdue_by_month")),
}


def headline(scope: Scope, tables: dict[str, Table]) -> dict:
    """The overview's big numbers: online share in the range and in its last month, filings,
    and the seasonal sentence."""
    share = tables["online_share"].rows
    total = sum(r[5] for r in share)
    online = sum(r[1] + r[3] + r[4] for r in share)
    last = share[-1] if share else None
    year_ago = share[-13] if len(share) >= 13 else None
    return {
        "online_share": _pct(online, total) if total else None,
        "last_month": last[0] if last else None,
        "last_month_share": last[6] if last else None,
        "trend": round(last[6] - year_ago[6], 1) if last and year_ago else None,
        "filings": total,
        "season": tables["season_pattern"].note,
    }


def last_run() -> StatsRun | None:
    return db.session.scalar(select(StatsRun).where(StatsRun.finished_at.is_not(None))
                             .order_by(StatsRun.id.desc()).limit(1))
