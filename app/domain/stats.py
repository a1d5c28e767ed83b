"""The employment barometer (就业晴雨表) as pure rules: period keys, filters, the seasonal pattern
and the service-push rules (精准推送). No Flask, no database.

>>> import datetime
>>> d = datetime.date(2026, 8, 17)
>>> period_start(QUARTER, d), period_start(MONTH, d), period_start(DAY, d)
(datetime.date(2026, 7, 1), datetime.date(2026, 8, 1), datetime.date(2026, 8, 17))
>>> period_label(QUARTER, d), period_label(MONTH, d), quarter_key(d)
('2026Q3', '2026-08', '2026Q3')
>>> parse_month("2026-1", "start").isoformat()
'2026-01-01'
>>> sorted(p.isoformat() for p in touched_periods([d])[QUARTER])
['2026-07-01']
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.errors import Conflict, Invalid, define

STATS_MONTH_INVALID = define(
    "STATS_MONTH_INVALID", Invalid, "{label}“{text}”无法识别。请按“年-月”填写，例如 2026-01。",
    "Month {text!r} is not valid; use YYYY-MM, e.g. 2026-01.")
STATS_RANGE_REVERSED = define(
    "STATS_RANGE_REVERSED", Invalid, "起始月份 {start} 晚于截止月份 {end}，请对调或重新选择。",
    "The start month is after the end month.", "start")
STATS_RANGE_TOO_LONG = define(
    "STATS_RANGE_TOO_LONG", Invalid, "统计期间最长 10 年，请缩短起止月份。",
    "The period may span at most 10 years.", "start")
PUSH_STATUS_INVALID = define(
    "PUSH_STATUS_INVALID", Invalid, "请选择处理结果：已联系、无需服务或待联系。",
    "Choose a valid status.", "status")
PUSH_NOTE_TOO_LONG = define(
    "PUSH_NOTE_TOO_LONG", Invalid, "备注最多 {maximum} 字，请精简后再保存。",
    "The note may have at most {maximum} characters.", "note")
PUSH_NOTE_REQUIRED = define(
    "PUSH_NOTE_REQUIRED", Invalid, "请在“备注”中写明联系情况（联系人、方式、单位需求），再保存。",
    "Describe the contact in the note.", "note")
DEMO_CITY_MISSING = define(
    "DEMO_CITY_MISSING", Conflict,
    "还没有演示单位。请先运行 flask beian demo（不带 --filings）生成演示城市。",
    "Build the demo city first.")

DAY, MONTH, QUARTER = "D", "M", "Q"
PERIOD_KINDS = (DAY, MONTH, QUARTER)
PERIOD_KIND_LABELS = {DAY: "日", MONTH: "月", QUARTER: "季度"}

# Filing channels that count as "online" (网上办理): the web portal, spreadsheet upload and the
# REST API all reach the platform without a counter visit.
ONLINE_CHANNELS = ("ONLINE", "BULK", "API")
CHANNEL_LABELS = {"ONLINE": "网上", "COUNTER": "窗口", "BULK": "批量导入", "API": "系统对接"}
FILING_TYPE_LABELS = {"HIRE": "录用", "RENEWAL": "合同续订", "TRANSFER": "市内调动",
                      "TERMINATION": "退工"}
INITIATOR_LABELS = {"worker": "劳动者提出", "employer": "用人单位提出", "mutual": "协商一致",
                    "expiry": "期满及法定终止"}
DEFAULT_QUARTERS = 12  # dashboards open on the last twelve quarters: three Q1s and three Q3s


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------

def period_start(kind: str, day: datetime.date) -> datetime.date:
    """First day of the day / month / quarter containing `day`."""
    if kind == DAY:
        return day
    if kind == MONTH:
        return day.replace(day=1)
    if kind == QUARTER:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    raise ValueError(f"unknown period kind {kind!r}")


def period_end(kind: str, start: datetime.date) -> datetime.date:
    """First day after the period that starts on `start`.

    >>> period_end(QUARTER, datetime.date(2025, 10, 1))
    datetime.date(2026, 1, 1)
    """
    if kind == DAY:
        return start + datetime.timedelta(days=1)
    months = 1 if kind == MONTH else 3
    month = start.month - 1 + months
    return datetime.date(start.year + month // 12, month % 12 + 1, 1)


def period_label(kind: str, start: datetime.date) -> str:
    if kind == DAY:
        return start.isoformat()
    if kind == MONTH:
        return f"{start:%Y-%m}"
    return quarter_key(start)


def quarter_key(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def add_months(day: datetime.date, months: int) -> datetime.date:
    """
    >>> add_months(datetime.date(2026, 1, 1), -35)
    datetime.date(2023, 2, 1)
    """
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def touched_periods(days: Iterable[datetime.date]) -> dict[str, set[datetime.date]]:
    """The day, month and quarter periods that contain any of `days` (what an incremental run
    recomputes)."""
    out: dict[str, set[datetime.date]] = {k: set() for k in PERIOD_KINDS}
    for day in days:
        for kind in PERIOD_KINDS:
            out[kind].add(period_start(kind, day))
    return out


def date_ranges(days: Iterable[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Contiguous [first, after-last) ranges covering the given days (few ranges → few scans).

    >>> D = datetime.date
    >>> date_ranges([D(2026, 1, 3), D(2026, 1, 1), D(2026, 1, 2), D(2026, 3, 1)])
    [(datetime.date(2026, 1, 1), datetime.date(2026, 1, 4)), (datetime.date(2026, 3, 1), datetime.date(2026, 3, 2))]
    """
    ranges: list[list[datetime.date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] == day:
            ranges[-1][1] = day + datetime.timedelta(days=1)
        else:
            ranges.append([day, day + datetime.timedelta(days=1)])
    return [(a, b) for a, b in ranges]


# --------------------------------------------------------------------------------------------
# Dashboard filters
# --------------------------------------------------------------------------------------------

_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def parse_month(text: str, field_name: str) -> datetime.date:
    """A month typed as 2026-01 (also 2026/1, 2026年1月) → its first day."""
    match = _MONTH_RE.match(text or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    label = "起始月份" if field_name == "start" else "截止月份"
    raise STATS_MONTH_INVALID(field=field_name, label=label, text=text)


@dataclass(frozen=True)
class PeriodRange:
    """Months [start, end] inclusive (both first days of their month)."""

    start: datetime.date
    end: datetime.date

    @property
    def end_exclusive(self) -> datetime.date:
        return add_months(self.end, 1)

    @property
    def quarter_start(self) -> datetime.date:
        return period_start(QUARTER, self.start)

    def whole_quarters(self, today: datetime.date) -> bool:
        """Do the quarter rows hold exactly these months (nothing before the start, nothing
        after the end)?"""
        return self.start == self.quarter_start and (
            self.end.month % 3 == 0 or self.end_exclusive > today)

    def label(self) -> str:
        return f"{self.start:%Y-%m} 至 {self.end:%Y-%m}"


def period_range(start_text: str | None, end_text: str | None,
                 today: datetime.date) -> PeriodRange:
    """The dashboards' period filter; blank means from the start of the quarter
    DEFAULT_QUARTERS - 1 quarters back to this month (whole quarters: the quarter rows serve)."""
    end = parse_month(end_text, "end") if (end_text or "").strip() else today.replace(day=1)
    start = (parse_month(start_text, "start") if (start_text or "").strip()
             else add_months(period_start(QUARTER, end), -3 * (DEFAULT_QUARTERS - 1)))
    if start > end:
        raise STATS_RANGE_REVERSED(start=f"{start:%Y-%m}", end=f"{end:%Y-%m}")
    if (end.year - start.year) * 12 + end.month - start.month >= 120:
        raise STATS_RANGE_TOO_LONG()
    return PeriodRange(start, end)


def online_share(by_channel: Mapping[str, int]) -> float | None:
    """Share of filings made without a counter visit (网上办理率), None without filings.

    >>> online_share({"ONLINE": 70, "BULK": 4, "API": 2, "COUNTER": 24})
    0.76
    """
    total = sum(by_channel.values())
    if not total:
        return None
    return round(sum(by_channel.get(c, 0) for c in ONLINE_CHANNELS) / total, 4)


# --------------------------------------------------------------------------------------------
# The seasonal pattern (Q1 terminations exceed hires; Q3 hires exceed terminations)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuarterBalance:
    quarter: int          # 1..4
    years: int            # how many years of this quarter were seen
    hires: int
    terminations: int

    @property
    def net(self) -> int:
        return self.hires - self.terminations


def seasonal_pattern(rows: Iterable[tuple[datetime.date, int, int]]) -> dict[int, QuarterBalance]:
    """Hires and terminations summed per calendar quarter over the years given
    (rows: quarter start, hires, terminations).

    >>> D = datetime.date
    >>> p = seasonal_pattern([(D(2025, 1, 1), 80, 120), (D(2025, 7, 1), 150, 90)])
    >>> p[1].net, p[3].net, p[2].years
    (-40, 60, 0)
    """
    sums = {q: [0, 0, 0] for q in (1, 2, 3, 4)}
    for start, hires, terminations in rows:
        s = sums[quarter_of(start)]
        s[0] += 1
        s[1] += hires or 0
        s[2] += terminations or 0
    return {q: QuarterBalance(q, s[0], s[1], s[2]) for q, s in sums.items()}


def seasonal_summary(pattern: Mapping[int, QuarterBalance]) -> str:
    """One Chinese sentence for the dashboard headline.

    >>> D = datetime.date
    >>> seasonal_summary(seasonal_pattern([(D(2025, 1, 1), 80, 120), (D(2025, 7, 1), 150, 90)]))
    '一季度退工多于录用（净减少 40 人次），三季度录用多于退工（净增加 60 人次）。'
    """
    parts = []
    q1, q3 = pattern.get(1), pattern.get(3)
    if q1 and q1.years:
        parts.append(f"一季度{'退工多于录用' if q1.net < 0 else '录用不少于退工'}"
                     f"（净{'减少' if q1.net < 0 else '增加'} {abs(q1.net)} 人次）")
    if q3 and q3.years:
        parts.append(f"三季度{'录用多于退工' if q3.net > 0 else '退工不少于录用'}"
                     f"（净{'增加' if q3.net > 0 else '减少'} {abs(q3.net)} 人次）")
    return "，".join(parts) + "。" if parts else "所选期间内没有一季度或三季度的数据。"


# --------------------------------------------------------------------------------------------
# Service push (精准推送)
# --------------------------------------------------------------------------------------------

class PushRule(StrEnum):
    TERMINATION_SURGE = "退工激增"
    HIRING_SURGE = "招用激增"
    HIGH_TURNOVER = "人员流动频繁"
    SHRINKING = "用工规模持续缩减"


class PushService(StrEnum):
    RECRUITMENT = "招聘服务"
    OUTSOURCING = "人力资源外包"
    ONBOARDING = "入职及档案办理"
    TRAINING = "岗前及技能培训"
    LAYOFF_GUIDANCE = "裁员及稳岗指导"


class PushStatus(StrEnum):
    OPEN = "待联系"
    CONTACTED = "已联系"
    DECLINED = "无需服务"


@dataclass(frozen=True)
class PushPolicy:
    """Thresholds of the push rules (BEIAN_PUSH_* settings)."""

    min_events: int = 5            # a surge needs at least this many filings in the quarter
    surge_factor: float = 2.0      # … and this many times the unit's usual quarter
    turnover_ratio: float = 0.5    # hires and terminations each ≥ this share of the workforce
    shrink_quarters: int = 2       # net loss in this many consecutive quarters …
    shrink_ratio: float = 0.2      # … adding up to this share of the workforce
    employer_share: float = 0.5    # terminations mostly decided by the employer → layoff guidance
    graduate_share: float = 0.3    # hires mostly graduates → training

    @classmethod
    def from_mapping(cls, config: Mapping) -> PushPolicy:
        names = {"min_events": int, "surge_factor": float, "turnover_ratio": float,
                 "shrink_quarters": int, "shrink_ratio": float, "employer_share": float,
                 "graduate_share": float}
        values = {n: t(config[f"BEIAN_PUSH_{n.upper()}"]) for n, t in names.items()
                  if config.get(f"BEIAN_PUSH_{n.upper()}") not in (None, "")}
        return cls(**values)


@dataclass(frozen=True)
class UnitQuarter:
    """One unit's filings in one quarter."""

    start: datetime.date
    hires: int = 0
    terminations: int = 0
    employer_terminations: int = 0
    graduate_hires: int = 0

    @property
    def net(self) -> int:
        return self.hires - self.terminations


@dataclass(frozen=True)
class Suggestion:
    rule: PushRule
    service: PushService
    period_key: str
    reason: str
    metrics: dict = field(default_factory=dict)


def _usual(history: list[UnitQuarter], attr: str) -> float:
    values = [getattr(q, attr) for q in history]
    return sum(values) / len(values) if values else 0.0


def push_suggestions(current: UnitQuarter, history: list[UnitQuarter], workforce: int,
                     policy: PushPolicy | None = None) -> list[Suggestion]:
    """What to offer a unit for the quarter `current`, from its own past (`history`: earlier
    quarters, most recent last) and its workforce (active employments, or the declared headcount).

    >>> D = datetime.date
    >>> past = [UnitQuarter(D(2025, m, 1), hires=5, terminations=4) for m in (1, 4, 7, 10)]
    >>> s = push_suggestions(UnitQuarter(D(2026, 1, 1), hires=3, terminations=20,
    ...                                  employer_terminations=15), past, 60)
    >>> [(x.rule.name, x.service.name) for x in s]
    [('TERMINATION_SURGE', 'LAYOFF_GUIDANCE')]
    """
    p = policy or PushPolicy()
    key = quarter_key(current.start)
    out: list[Suggestion] = []
    metrics = {"hires": current.hires, "terminations": current.terminations,
               "employer_terminations": current.employer_terminations,
               "graduate_hires": current.graduate_hires, "workforce": workforce}

    usual_t = _usual(history[-4:], "terminations")
    if current.terminations >= p.min_events and current.terminations >= p.surge_factor * max(
            usual_t, 1.0):
        employer = current.employer_terminations / current.terminations
        service = (PushService.LAYOFF_GUIDANCE if employer >= p.employer_share
                   else PushService.RECRUITMENT)
        out.append(Suggestion(
            PushRule.TERMINATION_SURGE, service, key,
            f"{key}退工 {current.terminations} 人，为以往季度平均（{usual_t:.1f}）的 "
            f"{current.terminations / max(usual_t, 1.0):.1f} 倍；其中单位提出 "
            f"{current.employer_terminations} 人。", {**metrics, "usual": round(usual_t, 1)}))

    usual_h = _usual(history[-4:], "hires")
    if current.hires >= p.min_events and current.hires >= p.surge_factor * max(usual_h, 1.0):
        graduates = current.graduate_hires / current.hires
        service = (PushService.TRAINING if graduates >= p.graduate_share
                   else PushService.ONBOARDING)
        out.append(Suggestion(
            PushRule.HIRING_SURGE, service, key,
            f"{key}录用 {current.hires} 人，为以往季度平均（{usual_h:.1f}）的 "
            f"{current.hires / max(usual_h, 1.0):.1f} 倍；其中高校毕业生 {current.graduate_hires} 人。",
            {**metrics, "usual": round(usual_h, 1)}))

    base = max(workforce, 1)
    if (min(current.hires, current.terminations) >= p.min_events
            and current.hires >= p.turnover_ratio * base
            and current.terminations >= p.turnover_ratio * base):
        out.append(Suggestion(
            PushRule.HIGH_TURNOVER, PushService.OUTSOURCING, key,
            f"{key}录用 {current.hires} 人、退工 {current.terminations} 人，均达到在职人数"
            f"（{workforce}）的 {p.turnover_ratio:.0%} 以上。", metrics))

    recent = (history + [current])[-p.shrink_quarters:]
    loss = -sum(q.net for q in recent)
    if (len(recent) == p.shrink_quarters and all(q.net < 0 for q in recent)
            and loss >= p.min_events and loss >= p.shrink_ratio * (workforce + loss)):
        out.append(Suggestion(
            PushRule.SHRINKING, PushService.LAYOFF_GUIDANCE, key,
            f"连续 {p.shrink_quarters} 个季度净减员，合计减少 {loss} 人"
            f"（期初约 {workforce + loss} 人）。", {**metrics, "loss": loss}))
    return out
