"""The barometer as a new user meets it in the browser: a city officer sees the Q1/Q3 pattern
and the online share at a glance; a district officer sees only their district, exports a chart's
table to Excel that opens cleanly, and works through the service-push list."""

from __future__ import annotations

import datetime
import io
import uuid

from openpyxl import load_workbook

from .conftest import login


def _setup(app) -> dict:
    """Two units of ours with five years of generated filings, a unit with a layoff this
    quarter, and the aggregates built."""
    from sqlalchemy import select

    from app.demo.history import generate
    from app.domain.identifiers import make_credit_code
    from app.extensions import db
    from app.models.filings import Filing
    from app.models.org import Region
    from app.models.people import Person
    from app.models.units import Unit, UnitStatus
    from app.services.stats import build as stats_build

    token = str(uuid.uuid4().int % 10**6).zfill(6)
    today = datetime.date.today()
    with app.app_context():
        region = dict(db.session.execute(select(Region.code, Region.id)).all())

        def unit(name, district, street, tail):
            u = Unit(name=f"{name}{token}", credit_code=make_credit_code(f"91{district}TJ{tail}"
                                                                          f"{token}"),
                     employer_type_code="10", industry_division_code="39",
                     industry_section_code="C", ownership_type_code="173",
                     district_id=region[district], street_id=region[street], address="测试路",
                     contact_name="赵经理", contact_phone="13900000002", headcount=80,
                     status=UnitStatus.ACTIVE)
            db.session.add(u)
            db.session.flush()
            return u.id

        lx = unit("浏览器统计梁溪公司", "320213", "320213001", "1")
        bh = unit("浏览器统计滨湖公司", "320211", "320211001", "2")
        layoff = unit("浏览器统计裁员公司", "320213", "320213001", "3")
        person = db.session.scalar(select(Person).order_by(Person.id).limit(1))
        quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        for i in range(15):
            day = min(quarter + datetime.timedelta(days=i), today)
            at = datetime.datetime.combine(day, datetime.time(10))
            db.session.add(Filing(
                filing_type="TERMINATION", status="FILED", channel="ONLINE", unit_id=layoff,
                person_id=person.id, person_name=person.name, person_citizen_id=person.citizen_id,
                end_date=day, termination_reason_code="A41", submitted_at=at, filed_at=at,
                job_title=""))
        db.session.commit()
        generate(2500, unit_ids=[lx, bh], reuse_persons=False, seed=5)
        stats_build.rebuild()
        names = {"layoff": f"浏览器统计裁员公司{token}", "bh_district": region["320211"]}
        db.session.remove()
    return names


def test_city_and_district_officers_use_the_barometer(app, live_server, page, tmp_path):
    made = _setup(app)

    # The city officer: online share and the seasonal pattern at a glance.
    login(page, live_server, "city")
    page.goto(f"{live_server}/stats/")
    assert page.locator("#kpi-online").inner_text().strip().endswith("%")
    assert "网上办理率" in page.content()
    season = page.locator("#kpi-season").inner_text()
    assert "一季度退工多于录用" in season and "三季度录用多于退工" in season
    page.wait_for_selector('#chart-season_by_quarter[data-drawn="1"] canvas')
    page.wait_for_selector('#chart-online_share[data-drawn="1"] canvas')
    page.screenshot(path=str(tmp_path / "city-overview.png"), full_page=True)
    page.context.clear_cookies()

    # The district officer: only 梁溪区, another district refused.
    login(page, live_server, "district")
    page.goto(f"{live_server}/stats/")
    assert "梁溪区" in page.locator("#district-fixed").inner_text()
    assert page.locator("select#district").count() == 0
    response = page.goto(f"{live_server}/stats/?district={made['bh_district']}")
    assert response.status == 403
    page.goto(f"{live_server}/stats/")

    # … exports the table behind the quarterly chart to Excel, which opens cleanly.
    with page.expect_download() as info:
        page.locator("#panel-season_by_quarter a.stats-export", has_text="导出 Excel").click()
    target = tmp_path / "season.xlsx"
    info.value.save_as(target)
    assert info.value.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(target.read_bytes())).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("季度", "录用", "退工", "净增（录用−退工）")
    assert len(rows) > 4 and all(isinstance(v, int) for v in rows[1][1:])

    # … and works through the service-push list.
    page.goto(f"{live_server}/stats/push/")
    row = page.locator("tr.push-row", has_text=made["layoff"]).first
    assert "退工激增" in row.inner_text() and "裁员及稳岗指导" in row.inner_text()
    row.locator("textarea[name=note]").fill("已电话联系单位人事，约定下周上门指导裁员方案")
    with page.expect_navigation():
        row.locator("button[value=CONTACTED]").click()
    assert "已保存处理结果" in page.content()
    page.goto(f"{live_server}/stats/push/?status=CONTACTED")
    done = page.locator("tr.push-row", has_text=made["layoff"]).first
    assert "已联系" in done.inner_text()
    assert "上门指导" in done.locator("textarea[name=note]").input_value()
