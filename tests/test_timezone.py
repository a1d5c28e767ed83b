"""The city's time zone (BEIAN_TIMEZONE, Asia/Shanghai by default) decides every "today", deadline,
statistics period and scheduled time, whatever the server's zone: the process here runs in UTC at
an instant when it is already the next day in Shanghai (and still the same day in Berlin)."""

from __future__ import annotations

import datetime
import os
import time

import pytest

from app.domain import stats as ds
from tests.factories import hire, unit

UTC = datetime.UTC
# 17:00 UTC on 31 March 2026: 01:00 on 1 April in Shanghai, 19:00 on 31 March in Berlin.
INSTANT = datetime.datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
# A hire starting on 1 March is due by 31 March (30 days): late on 1 April, on time on 31 March.
START = datetime.date(2026, 3, 1)


@pytest.fixture()
def server_in_utc():
    """The process in UTC (as a server often is), the app's clock frozen at INSTANT."""
    from app import clock

    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        with clock.frozen(INSTANT):
            yield
    finally:
        os.environ["TZ"] = previous or "Asia/Shanghai"
        time.tzset()


def nightly_fire_time(app) -> datetime.datetime:
    from apscheduler.schedulers.background import BackgroundScheduler

    from app.jobs.scheduler import build_scheduler
    from app.jobs.stats import NIGHTLY_JOB

    scheduler = build_scheduler(app, BackgroundScheduler)
    return scheduler.get_job(NIGHTLY_JOB).trigger.get_next_fire_time(None, INSTANT)


def test_today_deadline_period_and_schedule_follow_shanghai(app, server_in_utc):
    from app import clock

    with app.app_context():
        assert app.config["BEIAN_TIMEZONE"] == "Asia/Shanghai"
        assert clock.today() == datetime.date(2026, 4, 1)
        filing = hire(unit(), start_date=START)
        assert filing.submitted_at == datetime.datetime(2026, 4, 1, 1, 0)
        assert filing.is_overdue  # 1 April in the city: a day late
        assert ds.quarter_key(filing.submitted_at.date()) == "2026Q2"
        fire = nightly_fire_time(app)
    assert fire.utcoffset() == datetime.timedelta(hours=8)
    assert (fire.date(), fire.time()) == (datetime.date(2026, 4, 1), datetime.time(2, 30))
    assert fire.astimezone(UTC) == datetime.datetime(2026, 3, 31, 18, 30, tzinfo=UTC)


def test_another_city_zone_moves_them(app, server_in_utc, monkeypatch):
    from app import clock

    monkeypatch.setitem(app.config, "BEIAN_TIMEZONE", "Europe/Berlin")
    with app.app_context():
        assert clock.today() == datetime.date(2026, 3, 31)
        filing = hire(unit(), start_date=START)
        assert filing.submitted_at == datetime.datetime(2026, 3, 31, 19, 0)
        assert not filing.is_overdue  # still 31 March in Berlin: on time
        assert ds.quarter_key(filing.submitted_at.date()) == "2026Q1"
        fire = nightly_fire_time(app)
    assert fire.utcoffset() == datetime.timedelta(hours=2)
    assert fire.astimezone(UTC) == datetime.datetime(2026, 4, 1, 0, 30, tzinfo=UTC)


def test_an_unknown_zone_is_a_malformed_setting():
    import config
    from app.ops.checks import static_checks

    setting = next(s for s in config.SETTINGS if s.name == "BEIAN_TIMEZONE")
    assert setting.default == "Asia/Shanghai"
    assert setting.parse("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(config.MalformedSetting):
        setting.parse("Asia/Wuxi")
    failed = [c.name for c in static_checks({"BEIAN_TIMEZONE": "Asia/Wuxi"}) if not c.ok]
    assert "BEIAN_TIMEZONE" in failed
