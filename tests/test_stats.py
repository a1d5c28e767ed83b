"""The employment barometer end to end: aggregation (full, nightly, claimed once), dashboards
limited to the viewer's jurisdiction, exports that open cleanly and are audited, the service-push
list, and the demo generator's realism."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from tests import factories as make

ROLES = ("admin", "city", "district", "district2", "street", "coordinator", "employer", "worker")
STAFF = {"admin", "city", "district", "district2", "street"}
TODAY = datetime.date.today()


@pytest.fixture
def city(app, snapshot):
    """Two units of our own (梁溪区 崇安寺街道, 滨湖区) with five years of generated filings, and
    the aggregates built (made once; each test starts from the database holding them)."""
    return snapshot("test_stats.city", lambda: _city(app))


def _city(app):
    from app.demo.history import generate
    from app.extensions import db
    from app.services.stats import build as stats_build

    with app.app_context():
        lx = make.unit_row(street="320213001", name="统计测试梁溪制造有限公司")
        bh = make.unit_row(street="320211001", name="统计测试滨湖制造有限公司")
        db.session.commit()
        added = generate(4000, unit_ids=[lx, bh], reuse_persons=False, seed=7)
        stats_build.rebuild()
        made = {"lx": lx, "bh": bh, "added": added,
                "lx_district": make.region_id("320213"), "bh_district": make.region_id("320211")}
        db.session.remove()
    # No app context stays pushed: requests of the test clients must each get their own `g`.
    return made


def _fact_rows():
    from app.extensions import db

    tables = ("stats_filing_count", "stats_filing_volume", "stats_termination",
              "stats_special_group", "stats_return_reason")
    out = {}
    for table in tables:
        rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
        out[table] = sorted(tuple(str(v) for v in r) for r in rows)
    return out


# --------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------

def test_generator_adds_the_requested_volume_with_consistent_rows(app, city):
    from app.extensions import db
    from app.models.filings import Employment, Filing

    with app.app_context():
        assert 4000 <= city["added"] <= 4100  # plus the corrected versions
        units = [city["lx"], city["bh"]]
        n = db.session.scalar(select(func.count()).where(Filing.unit_id.in_(units)))
        assert n == city["added"]
        # A filed hire created its employment; a filed termination ended it.
        orphan_hires = db.session.scalar(select(func.count()).select_from(Filing).where(
            Filing.unit_id.in_(units), Filing.filing_type == "HIRE", Filing.status == "FILED",
            Filing.employment_id.is_(None)))
        assert orphan_hires == 0 or orphan_hires is None
        ended = db.session.execute(
            select(Employment.status, func.count()).join(
                Filing, Filing.employment_id == Employment.id)
            .where(Filing.unit_id.in_(units), Filing.filing_type == "TERMINATION",
                   Filing.status == "FILED").group_by(Employment.status)).all()
        assert {s.name for s in dict(ended)} == {"ENDED"}
        assert db.session.scalar(select(func.count()).where(
            Filing.unit_id.in_(units), Filing.status == "SUPERSEDED")) > 0


def test_generated_hire_filings_are_linked_to_their_employment(app, city):
    from app.extensions import db
    from app.models.filings import Employment, Filing

    with app.app_context():
        row = db.session.execute(
            select(Filing, Employment).join(Employment, Employment.id == Filing.employment_id)
            .where(Filing.unit_id == city["lx"], Filing.filing_type == "HIRE",
                   Filing.status == "FILED").limit(1)).first()
        filing, employment = row
        assert employment.person_id == filing.person_id
        assert employment.unit_id == filing.unit_id
        assert filing.receipt_number.startswith("BA")
        assert filing.idempotency_key.startswith("demo-history:")


def test_rebuild_counts_every_filed_filing_once_at_every_grain(app, city):
    from app.extensions import db
    from app.models.filings import Filing
    from app.models.stats import StatsFilingCount, StatsFilingVolume

    with app.app_context():
        filed = db.session.scalar(select(func.count()).where(Filing.status == "FILED",
                                                             Filing.submitted_at.is_not(None)))
        for kind in ("D", "M", "Q"):
            total = db.session.scalar(select(func.sum(StatsFilingCount.filings))
                                      .where(StatsFilingCount.period_kind == kind))
            volume = db.session.scalar(select(func.sum(StatsFilingVolume.filings))
                                       .where(StatsFilingVolume.period_kind == kind))
            assert total == filed == volume, kind


def test_seasonal_pattern_q1_terminations_and_q3_hires_dominate(app, city):
    from app.extensions import db
    from app.models.stats import StatsFilingVolume as V

    with app.app_context():
        rows = db.session.execute(
            select(V.period_start, V.filing_type, func.sum(V.filings))
            .where(V.period_kind == "Q", V.district_id.in_([city["lx_district"],
                                                            city["bh_district"]]),
                   V.period_start < datetime.date(TODAY.year, 1, 1))
            .group_by(V.period_start, V.filing_type)).all()
        by = {}
        for start, ftype, n in rows:
            start = datetime.date.fromisoformat(str(start)[:10])
            by.setdefault((start.month - 1) // 3 + 1, {}).setdefault(ftype, 0)
            by[(start.month - 1) // 3 + 1][ftype] += n
        assert by[1]["TERMINATION"] > by[1]["HIRE"]
        assert by[3]["HIRE"] > by[3]["TERMINATION"]


def test_online_share_is_about_three_in_four(app, city):
    from app.extensions import db
    from app.models.filings import Filing

    with app.app_context():
        rows = {c.name: n for c, n in db.session.execute(
            select(Filing.channel, func.count()).where(
                Filing.unit_id.in_([city["lx"], city["bh"]])).group_by(Filing.channel))}
        share = 1 - rows["COUNTER"] / sum(rows.values())
        assert 0.70 <= share <= 0.82


def test_nightly_after_corrections_and_cancellations_equals_a_full_rebuild(app, city):
    """The increment recomputes exactly what changed: a new hire today, a correction of it (it
    counts once, as its new version), an old filing cancelled years ago, a day's new filings."""
    from app.demo.history import generate
    from app.domain.identifiers import make_citizen_id
    from app.extensions import appbuilder, db
    from app.models.filings import Filing
    from app.models.stats import StatsFilingCount
    from app.services import filings as fs
    from app.services.stats import build as stats_build

    with app.app_context():
        stats_build.nightly()
        filing = make.hire(city["lx"], citizen_id=make_citizen_id(
            "320213", datetime.date(1995, 3, 3), 77), name="统计测试甲", start_date=TODAY,
            contract_type_code="OPEN")
        city_actor = fs.Actor.of(appbuilder.sm.find_user(username="city"))
        corrected = fs.correct(filing.id, city_actor, {"job_title": "统计员"}, "岗位名称填写有误")
        assert corrected.status.name == "FILED"
        old = db.session.scalar(select(Filing).where(
            Filing.unit_id == city["bh"], Filing.status == "FILED",
            Filing.submitted_at < datetime.datetime(TODAY.year - 2, 6, 1)).limit(1))
        old_day = old.submitted_at.date()
        db.session.execute(text("UPDATE filing SET status = 'CANCELLED', cancelled_at = :now "
                                "WHERE id = :id"), {"now": datetime.datetime.now(), "id": old.id})
        db.session.commit()
        generate(60, unit_ids=[city["lx"], city["bh"]], reuse_persons=False, days=1, seed=11)

        def day_count(day):
            return db.session.scalar(select(func.sum(StatsFilingCount.filings)).where(
                StatsFilingCount.period_kind == "D", StatsFilingCount.period_start == day)) or 0

        before_old = day_count(old_day)
        result = stats_build.nightly()
        assert result["kind"] == "nightly" and result["days"] >= 1
        assert day_count(old_day) == before_old - 1
        filed_today = db.session.scalar(select(func.count()).where(
            Filing.status == "FILED", func.date(Filing.submitted_at) == TODAY)
            if db.engine.dialect.name == "sqlite" else select(func.count()).where(
            Filing.status == "FILED",
            Filing.submitted_at >= datetime.datetime.combine(TODAY, datetime.time())))
        assert day_count(TODAY) == filed_today
        incremental = _fact_rows()
        stats_build.rebuild()
        assert _fact_rows() == incremental


def test_a_second_nightly_run_changes_nothing(app, city):
    from app.services.stats import build as stats_build

    with app.app_context():
        stats_build.nightly()
        first = _fact_rows()
        stats_build.nightly()
        assert _fact_rows() == first


def test_nightly_turns_into_a_full_rebuild_once_a_week(app, city):
    from app.extensions import db
    from app.services.stats import build as stats_build

    with app.app_context():
        stats_build.rebuild()
        assert stats_build.nightly()["kind"] == "nightly"
        db.session.execute(text("UPDATE stats_run SET started_at = :old WHERE kind = 'full'"),
                           {"old": datetime.datetime.now() - datetime.timedelta(days=8)})
        db.session.commit()
        assert stats_build.nightly()["kind"] == "full"
        assert stats_build.nightly()["kind"] == "nightly"


def test_nightly_job_is_claimed_once_per_day(app, city):
    from app.jobs import JOB_DEFAULTS, jobs
    from app.jobs.scheduler import build_scheduler, run_claimed
    from app.jobs.stats import NIGHTLY_JOB

    job = next(j for j in jobs(app) if j.name == NIGHTLY_JOB)
    assert job.cron == {"hour": 2, "minute": 30} and job.every_seconds == 86400
    assert job.misfire_grace_time >= 86400
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduled = build_scheduler(app, BackgroundScheduler).get_job(NIGHTLY_JOB)
    assert scheduled.misfire_grace_time >= 86400 and scheduled.coalesce is JOB_DEFAULTS[
        "coalesce"]
    at = datetime.datetime(2031, 5, 5, 2, 30)  # a day no other test claims
    first = run_claimed(app, job, at)
    second = run_claimed(app, job, at + datetime.timedelta(hours=3))  # restart, same day
    assert first is not None and first["kind"] == "nightly"
    assert second is None


def test_cli_rebuild_and_nightly(app, city):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["beian", "stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "stats rebuild" in result.output
    result = runner.invoke(args=["beian", "stats", "nightly"])
    assert result.exit_code == 0, result.output
    assert "days recomputed" in result.output


# --------------------------------------------------------------------------------------------
# Dashboards and exports: access matrix
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def logged_in(app):
    from tests.conftest import login

    return {role: login(app.test_client(), role) for role in ROLES}


@pytest.fixture
def clients(logged_in, city):
    return logged_in


PAGES = ("/stats/", "/stats/industry", "/stats/terminations", "/stats/groups",
         "/stats/operations", "/stats/push/", "/stats/export/online_share.xlsx",
         "/stats/export/termination_reasons.csv")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_access_matrix(clients, role, url):
    status = clients[role].get(url).status_code
    assert status == (200 if role in STAFF else 403), (role, url)


@pytest.mark.parametrize("role", ["district", "district2", "street"])
@pytest.mark.parametrize("url", ["/stats/", "/stats/operations",
                                 "/stats/export/volume_by_month.xlsx"])
def test_another_district_is_refused(clients, city, role, url):
    other = city["bh_district"] if role in ("district", "street") else city["lx_district"]
    assert clients[role].get(f"{url}?district={other}").status_code == 403


@pytest.mark.parametrize("role", ["admin", "city"])
def test_city_staff_may_pick_any_district(clients, city, role):
    for district in (city["lx_district"], city["bh_district"]):
        assert clients[role].get(f"/stats/?district={district}").status_code == 200


def test_nonsense_district_is_refused(clients):
    assert clients["city"].get("/stats/?district=abc").status_code == 403
    assert clients["city"].get("/stats/?district=999999").status_code == 403


def test_unknown_page_and_dataset_are_404(clients):
    assert clients["city"].get("/stats/nothing").status_code == 404
    assert clients["city"].get("/stats/export/nothing.xlsx").status_code == 404
    assert clients["city"].get("/stats/export/online_share.pdf").status_code == 404


def _tables(response) -> dict:
    html = response.get_data(as_text=True)
    return {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r'<script type="application/json" id="data-([a-z_]+)">(.*?)</script>', html, re.S)}


def _filed_in(district_id, start, end):
    from app.extensions import db
    from app.models.filings import Filing
    from app.models.units import Unit

    stmt = select(func.count()).select_from(Filing).join(Unit, Unit.id == Filing.unit_id).where(
        Filing.status == "FILED",
        Filing.submitted_at >= datetime.datetime.combine(start, datetime.time()),
        Filing.submitted_at < datetime.datetime.combine(end, datetime.time()))
    if district_id is not None:
        stmt = stmt.where(Unit.district_id == district_id)
    return db.session.scalar(stmt)


def _month_total(tables):
    return sum(r[-1] for r in tables["volume_by_month"]["rows"])


def test_district_officer_sees_only_their_districts_numbers(app, clients, city):
    from app.domain import stats as ds

    with app.app_context():
        from app.services.stats import build as stats_build

        stats_build.rebuild()
        months = ds.period_range(None, None, TODAY)
        lx = _filed_in(city["lx_district"], months.start, months.end_exclusive)
        whole = _filed_in(None, months.start, months.end_exclusive)
    district = _tables(clients["district"].get("/stats/"))
    street = _tables(clients["street"].get("/stats/"))
    city_all = _tables(clients["city"].get("/stats/"))
    city_lx = _tables(clients["city"].get(f"/stats/?district={city['lx_district']}"))
    assert _month_total(district) == lx == _month_total(city_lx) == _month_total(street)
    assert _month_total(city_all) == whole > lx
    # Asking for another district, or for none, still gives the officer's own district.
    page = clients["district"].get("/stats/").get_data(as_text=True)
    assert "梁溪区" in page and 'id="district-fixed"' in page


def test_overview_shows_online_share_and_the_q1_q3_pattern(clients, city):
    response = clients["city"].get(f"/stats/?district={city['lx_district']}&start=2022-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="kpi-online"' in html and "网上办理率" in html
    assert "一季度退工多于录用" in html and "三季度录用多于退工" in html
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    tables = _tables(response)
    assert set(tables) == {"season_by_quarter", "online_share", "volume_by_month",
                           "season_pattern"}


@pytest.mark.parametrize("page", ["industry", "terminations", "groups", "operations"])
def test_every_page_has_charts_with_exports(clients, page):
    html = clients["city"].get(f"/stats/{page}").get_data(as_text=True)
    assert html.count("导出 Excel") == html.count("导出 CSV") >= 1
    assert html.count('class="stats-chart"') >= 1


def test_bad_period_is_explained_and_the_default_shown(clients):
    response = clients["city"].get("/stats/?start=2026-13")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "起始月份" in html and "STATS_MONTH_INVALID" in html


def test_export_with_bad_period_is_refused_with_the_reason(clients):
    response = clients["city"].get("/stats/export/online_share.csv?start=2026-05&end=2026-01")
    assert response.status_code == 400
    assert "起始月份" in response.get_data(as_text=True)


def test_excel_export_opens_with_the_charts_table_and_is_audited(app, clients, city):
    from app.extensions import db
    from app.models.audit import AuditLog

    url = f"/stats/export/season_by_quarter.xlsx?district={city['lx_district']}&start=2022-01"
    page = _tables(clients["city"].get(url.replace("/export/season_by_quarter.xlsx", "/")))
    response = clients["city"].get(url)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert ".xlsx" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == page["season_by_quarter"]["headers"]
    assert rows[1:] == page["season_by_quarter"]["rows"]
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(
            AuditLog.object_type == "stats_export", AuditLog.object_id == "season_by_quarter")
            .order_by(AuditLog.id.desc()).limit(1))
        assert entry.username == "city" and entry.action == "export"
        assert entry.after["format"] == "xlsx" and entry.after["district"] == "梁溪区"


def test_csv_export_has_bom_and_the_district_officers_numbers(clients):
    response = clients["district"].get("/stats/export/volume_by_month.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    text_ = response.data.decode("utf-8-sig")
    assert text_.splitlines()[0] == "月份,录用,合同续订,市内调动,退工,合计"


def test_export_neutralises_formula_like_labels(app, clients, city):
    """A label starting with '=' (e.g. an office renamed by hand) reaches Excel as text."""
    from app.extensions import db
    from app.models.org import Office
    from app.models.stats import StatsSnapshot

    with app.app_context():
        office = db.session.scalar(select(Office).order_by(Office.id).limit(1))
        db.session.add(StatsSnapshot(kind="backlog", district_id=city["lx_district"],
                                     key=str(office.id), value=1, age_0_3=1))
        office_id, old_name = office.id, office.name
        office.name = "=HYPERLINK(\"http://x\",\"点我\")"
        db.session.commit()
    try:
        response = clients["city"].get("/stats/export/review_backlog.xlsx")
        ws = load_workbook(io.BytesIO(response.data)).active
        names = [c.value for c in ws["A"]]
        assert "'=HYPERLINK(\"http://x\",\"点我\")" in names
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    finally:
        with app.app_context():
            office = db.session.get(Office, office_id)
            office.name = old_name
            db.session.execute(text("DELETE FROM stats_snapshot WHERE kind = 'backlog' AND "
                                    "key = :k AND district_id = :d"),
                               {"k": str(office.id), "d": city["lx_district"]})
            db.session.commit()


# --------------------------------------------------------------------------------------------
# Service push
# --------------------------------------------------------------------------------------------

@pytest.fixture
def surge(app, city, snapshot):
    """A unit in 梁溪区 崇安寺街道 with a few terminations a quarter, then a layoff this
    quarter; the nightly run suggests layoff guidance (made once, on top of the city)."""
    return snapshot("test_stats.surge", lambda: _surge(app))


def _surge(app):
    from app.extensions import db
    from app.models.filings import Filing
    from app.models.people import Person
    from app.services.stats import build as stats_build

    with app.app_context():
        unit_id = make.unit_row(street="320213001", name="统计测试裁员有限公司")
        person = db.session.scalar(select(Person).order_by(Person.id).limit(1))
        quarter = datetime.date(TODAY.year, (TODAY.month - 1) // 3 * 3 + 1, 1)

        def term(day, reason):
            db.session.add(Filing(
                filing_type="TERMINATION", status="FILED", channel="ONLINE", unit_id=unit_id,
                person_id=person.id, person_name=person.name,
                person_citizen_id=person.citizen_id, end_date=day, termination_reason_code=reason,
                submitted_at=datetime.datetime.combine(day, datetime.time(10)),
                filed_at=datetime.datetime.combine(day, datetime.time(10)), job_title=""))

        for back in range(1, 5):
            month = quarter.month - 3 * back
            year = quarter.year + (month - 1) // 12
            start = datetime.date(year, (month - 1) % 12 + 1, 1)
            for i in range(2):
                term(start + datetime.timedelta(days=10 + i), "A37")
        for i in range(12):
            term(min(quarter + datetime.timedelta(days=i), TODAY), "A41")
        db.session.commit()
        stats_build.nightly()
        db.session.remove()
    return unit_id


def _push_rows(app, unit_id):
    from app.extensions import db
    from app.models.stats import ServicePush

    with app.app_context():
        return [(p.rule.name, p.service.name, p.period_key, p.status.name, p.id) for p in
                db.session.scalars(select(ServicePush).where(ServicePush.unit_id == unit_id))]


def test_layoff_quarter_is_pushed_once_with_layoff_guidance(app, surge):
    from app.domain.stats import quarter_key
    from app.services.stats import build as stats_build

    rows = _push_rows(app, surge)
    assert ("TERMINATION_SURGE", "LAYOFF_GUIDANCE", quarter_key(TODAY), "OPEN") in [
        r[:4] for r in rows]
    with app.app_context():
        stats_build.nightly()
        stats_build.rebuild()
    assert len(_push_rows(app, surge)) == len(rows)  # idempotent per unit × rule × quarter


def test_push_list_is_limited_to_the_jurisdiction(clients, surge):
    name = "统计测试裁员有限公司"
    for role, visible in (("city", True), ("district", True), ("street", True),
                          ("district2", False), ("admin", True)):
        html = clients[role].get("/stats/push/?status=ALL").get_data(as_text=True)
        assert (name in html) == visible, role


def test_staff_work_through_the_list(app, clients, surge):
    from app.extensions import db
    from app.models.audit import AuditLog
    from app.models.stats import ServicePush

    push_id = _push_rows(app, surge)[0][4]
    url = f"/stats/push/{push_id}/mark"
    # Outside the jurisdiction: not found, nothing changed.
    assert clients["district2"].post(url, data={"status": "CONTACTED", "note": "x"}
                                     ).status_code == 404
    # A contact needs a note saying what happened.
    response = clients["district"].post(url, data={"status": "CONTACTED", "note": " "},
                                        follow_redirects=True)
    assert "PUSH_NOTE_REQUIRED" in response.get_data(as_text=True)
    response = clients["district"].post(url, data={"status": "CONTACTED",
                                                   "note": "电话联系王经理，单位需要裁员方案指导"},
                                        follow_redirects=True)
    assert response.status_code == 200 and "已保存处理结果" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(ServicePush, push_id)
        assert row.status.name == "CONTACTED" and row.contacted_at is not None
        assert row.note.startswith("电话联系")
        assert db.session.scalar(select(func.count()).where(
            AuditLog.object_type == "service_push", AuditLog.object_id == str(push_id))) == 1
    # The next run keeps what staff recorded.
    with app.app_context():
        from app.services.stats import build as stats_build

        stats_build.nightly()
        assert db.session.get(ServicePush, push_id).status.name == "CONTACTED"
    open_list = clients["district"].get("/stats/push/").get_data(as_text=True)
    assert f'id="push-{push_id}"' not in open_list
    done = clients["district"].get("/stats/push/?status=CONTACTED").get_data(as_text=True)
    assert f'id="push-{push_id}"' in done


def test_bad_push_status_is_refused(app, clients, surge):
    push_id = _push_rows(app, surge)[0][4]
    response = clients["city"].post(f"/stats/push/{push_id}/mark",
                                    data={"status": "WHATEVER", "note": "x"},
                                    follow_redirects=True)
    assert "PUSH_STATUS_INVALID" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["coordinator", "employer", "worker"])
def test_non_staff_cannot_mark(app, clients, surge, role):
    push_id = _push_rows(app, surge)[0][4]
    assert clients[role].post(f"/stats/push/{push_id}/mark",
                              data={"status": "CONTACTED", "note": "x"}).status_code == 403
