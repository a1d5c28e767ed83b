"""The barometer's pure rules: periods, the dashboards' filter, the seasonal pattern and the
service-push rules."""

from __future__ import annotations

import datetime

import pytest

from app.domain import stats as ds
from app.domain.errors import DomainError

D = datetime.date


@pytest.mark.parametrize(("day", "quarter"), [
    (D(2026, 1, 1), D(2026, 1, 1)), (D(2026, 3, 31), D(2026, 1, 1)),
    (D(2026, 4, 1), D(2026, 4, 1)), (D(2026, 9, 30), D(2026, 7, 1)),
    (D(2026, 12, 31), D(2026, 10, 1)),
])
def test_quarter_start(day, quarter):
    assert ds.period_start(ds.QUARTER, day) == quarter


def test_period_end_crosses_the_year():
    assert ds.period_end(ds.MONTH, D(2025, 12, 1)) == D(2026, 1, 1)
    assert ds.period_end(ds.QUARTER, D(2025, 10, 1)) == D(2026, 1, 1)
    assert ds.period_end(ds.DAY, D(2025, 12, 31)) == D(2026, 1, 1)


def test_touched_periods_cover_day_month_and_quarter():
    touched = ds.touched_periods([D(2026, 2, 3), D(2026, 3, 9), D(2024, 7, 1)])
    assert touched[ds.DAY] == {D(2026, 2, 3), D(2026, 3, 9), D(2024, 7, 1)}
    assert touched[ds.MONTH] == {D(2026, 2, 1), D(2026, 3, 1), D(2024, 7, 1)}
    assert touched[ds.QUARTER] == {D(2026, 1, 1), D(2024, 7, 1)}


def test_date_ranges_merge_neighbouring_days():
    assert ds.date_ranges([D(2026, 1, 2), D(2026, 1, 1), D(2026, 1, 5)]) == [
        (D(2026, 1, 1), D(2026, 1, 3)), (D(2026, 1, 5), D(2026, 1, 6))]


@pytest.mark.parametrize("text", ["2026-01", "2026/1", "2026年1月", " 2026-1 "])
def test_month_formats_accepted(text):
    assert ds.parse_month(text, "start") == D(2026, 1, 1)


@pytest.mark.parametrize("text", ["2026-13", "26-01", "abc", "2026-00", "1999-05"])
def test_bad_month_is_refused_naming_the_field(text):
    with pytest.raises(DomainError) as exc:
        ds.parse_month(text, "end")
    assert exc.value.code == "STATS_MONTH_INVALID"
    assert exc.value.field == "end"
    assert "截止月份" in exc.value.message and "2026-01" in exc.value.message


def test_default_range_is_the_last_12_quarters():
    r = ds.period_range(None, None, D(2026, 11, 26))
    assert (r.start, r.end) == (D(2024, 1, 1), D(2026, 11, 1))
    assert r.end_exclusive == D(2026, 12, 1)
    assert r.whole_quarters(D(2026, 11, 26))


def test_quarter_rows_serve_only_whole_quarters():
    today = D(2026, 11, 26)
    assert ds.period_range("2025-01", "2025-06", today).whole_quarters(today)
    assert not ds.period_range("2025-02", "2025-06", today).whole_quarters(today)
    assert not ds.period_range("2025-01", "2025-05", today).whole_quarters(today)


def test_reversed_range_is_refused():
    with pytest.raises(DomainError) as exc:
        ds.period_range("2026-05", "2026-01", D(2026, 11, 26))
    assert exc.value.code == "STATS_RANGE_REVERSED" and exc.value.field == "start"


def test_range_longer_than_ten_years_is_refused():
    with pytest.raises(DomainError) as exc:
        ds.period_range("2010-01", "2026-01", D(2026, 11, 26))
    assert exc.value.code == "STATS_RANGE_TOO_LONG"


def test_online_share_counts_bulk_and_api_as_online():
    assert ds.online_share({"ONLINE": 70, "BULK": 4, "API": 2, "COUNTER": 24}) == 0.76
    assert ds.online_share({}) is None


def test_seasonal_summary_names_q1_and_q3():
    pattern = ds.seasonal_pattern([(D(2025, 1, 1), 80, 120), (D(2025, 7, 1), 150, 90),
                                   (D(2024, 1, 1), 70, 100)])
    assert pattern[1].years == 2 and pattern[1].net == -70
    text = ds.seasonal_summary(pattern)
    assert text.startswith("一季度退工多于录用") and "三季度录用多于退工" in text


PAST = [ds.UnitQuarter(D(2025, m, 1), hires=5, terminations=4) for m in (1, 4, 7, 10)]


def _rules(current, history=PAST, workforce=60, **policy):
    return [(s.rule, s.service) for s in ds.push_suggestions(
        current, history, workforce, ds.PushPolicy(**policy))]


def test_termination_surge_mostly_by_the_employer_suggests_layoff_guidance():
    q = ds.UnitQuarter(D(2026, 1, 1), hires=2, terminations=12, employer_terminations=9)
    assert _rules(q) == [(ds.PushRule.TERMINATION_SURGE, ds.PushService.LAYOFF_GUIDANCE)]


def test_termination_surge_of_resignations_suggests_recruitment():
    q = ds.UnitQuarter(D(2026, 1, 1), hires=2, terminations=12, employer_terminations=1)
    assert _rules(q) == [(ds.PushRule.TERMINATION_SURGE, ds.PushService.RECRUITMENT)]


def test_hiring_surge_of_graduates_suggests_training_else_onboarding():
    grads = ds.UnitQuarter(D(2026, 7, 1), hires=14, terminations=3, graduate_hires=8)
    plain = ds.UnitQuarter(D(2026, 7, 1), hires=14, terminations=3, graduate_hires=0)
    assert _rules(grads) == [(ds.PushRule.HIRING_SURGE, ds.PushService.TRAINING)]
    assert _rules(plain) == [(ds.PushRule.HIRING_SURGE, ds.PushService.ONBOARDING)]


def test_high_turnover_suggests_outsourcing():
    q = ds.UnitQuarter(D(2026, 4, 1), hires=9, terminations=8)
    history = [ds.UnitQuarter(D(2025, m, 1), hires=8, terminations=8) for m in (1, 4, 7, 10)]
    assert _rules(q, history, workforce=15) == [
        (ds.PushRule.HIGH_TURNOVER, ds.PushService.OUTSOURCING)]
    assert _rules(q, history, workforce=100) == []


def test_shrinking_workforce_over_two_quarters_suggests_layoff_guidance():
    history = PAST[:-1] + [ds.UnitQuarter(D(2025, 10, 1), hires=1, terminations=6)]
    q = ds.UnitQuarter(D(2026, 1, 1), hires=1, terminations=6)
    assert (ds.PushRule.SHRINKING, ds.PushService.LAYOFF_GUIDANCE) in _rules(q, history, 30)
    assert (ds.PushRule.SHRINKING, ds.PushService.LAYOFF_GUIDANCE) not in _rules(q, history, 300)


def test_small_numbers_never_trigger_a_push():
    q = ds.UnitQuarter(D(2026, 1, 1), hires=0, terminations=4, employer_terminations=4)
    assert _rules(q, history=[]) == []


def test_push_policy_reads_settings():
    p = ds.PushPolicy.from_mapping({"BEIAN_PUSH_MIN_EVENTS": "8", "BEIAN_PUSH_SURGE_FACTOR": 3})
    assert p.min_events == 8 and p.surge_factor == 3.0 and p.turnover_ratio == 0.5
