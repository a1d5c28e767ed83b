"""The "1+3" services in a real browser, as new users do them in the Chinese UI: a coordinator's
salon with 2 seats and a waiting list; a citizen reading the hire guide and searching the FAQ
without logging in; a district officer's hard case answered by the city and put on the next joint
meeting's agenda. Screenshots go to the test's tmp_path."""

from __future__ import annotations

import datetime
import uuid
from contextlib import contextmanager

from .conftest import PASSWORD, login


def _token(n: int = 6) -> str:
    return str(uuid.uuid4().int % 10**n).zfill(n)


def employer_login(app) -> tuple[int, str]:
    """A fresh active unit in 梁溪区 崇安寺街道 and its employer login."""
    from app.domain.roles import ROLE_EMPLOYER
    from tests import factories as make

    unit_id = make.unit_row(name=f"浏览器沙龙单位{_token()}有限公司")
    return unit_id, make.user(ROLE_EMPLOYER, unit_id=unit_id)


@contextmanager
def session_as(browser, base_url, username):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.on("dialog", lambda dialog: dialog.accept())  # confirm() of cancel buttons
    try:
        login(tab, base_url, username, PASSWORD)
        yield tab
    finally:
        tab.close()
        context.close()


def submit(page, selector="#submit"):
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def test_salon_with_two_seats_waiting_list_and_promotion(app, browser, live_server, tmp_path):
    topic = f"HR 经理主题沙龙（浏览器）{_token()}"
    start = datetime.datetime.now().replace(second=0, microsecond=0) + datetime.timedelta(days=9)
    with session_as(browser, live_server, "coordinator") as page:
        page.goto(f"{live_server}/outreach/events/")
        submit(page, "#new-event")
        page.select_option("#kind", "HR_SALON")
        page.fill("#topic", topic)
        page.fill("#speakers", "王老师")
        page.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#venue", "市人力资源市场 3 楼沙龙室")
        page.fill("#capacity", "2")
        page.fill("#signup_deadline", (start - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
        submit(page)
        page.screenshot(path=str(tmp_path / "event.png"), full_page=True)
        assert topic in page.inner_text("#event-topic")
        event_url = page.url

    units = [employer_login(app) for _ in range(3)]
    messages = []
    for n, (_, username) in enumerate(units):
        with session_as(browser, live_server, username) as page:
            page.goto(f"{live_server}/portal/events/")
            row = page.locator("#portal-events tbody tr", has_text=topic)
            with page.expect_navigation():
                row.get_by_role("link").last.click()
            page.fill("#attendee_name", f"参会人{n + 1}")
            page.fill("#attendee_phone", f"139{_token(8)}")
            page.fill("#attendee_position", "人事经理")
            submit(page)
            messages.append(page.inner_text("body"))
            page.screenshot(path=str(tmp_path / f"signup-{n + 1}.png"), full_page=True)
    assert "报名成功" in messages[0] and "报名成功" in messages[1]
    assert "名额已满" in messages[2] and "候补名单第 1 位" in messages[2], messages[2][:800]

    with session_as(browser, live_server, units[0][1]) as page:
        page.goto(f"{live_server}/portal/events/")
        row = page.locator("#my-signups tbody tr", has_text=topic)
        with page.expect_navigation():
            row.get_by_role("button", name="取消报名").click()
        assert "已取消" in page.inner_text("#my-signups")

    with session_as(browser, live_server, units[2][1]) as page:
        page.goto(f"{live_server}/portal/events/")
        row = page.locator("#my-signups tbody tr", has_text=topic)
        assert "已报名" in row.inner_text() and "已递补" in row.inner_text()
        page.goto(f"{live_server}/portal/notices")
        page.screenshot(path=str(tmp_path / "promoted-notice.png"), full_page=True)
        assert "已由候补转为正式报名" in page.inner_text("body")

    with session_as(browser, live_server, "coordinator") as page:
        page.goto(event_url)
        table = page.inner_text("#signups-table")
        assert table.count("已报名") == 2 and "已取消" in table and "递补" in table


def test_citizen_reads_the_hire_guide_and_finds_an_faq_without_login(page, live_server,
                                                                     tmp_path):
    page.goto(f"{live_server}/kb/")
    with page.expect_navigation():
        page.get_by_role("link", name="录用备案办事指南").click()
    article = page.inner_text("#kb-article")
    page.screenshot(path=str(tmp_path / "hire-guide.png"), full_page=True)
    assert "30 日内" in article and "办理依据" in article
    page.fill("#faq-search input[name=q]", "逾期")
    with page.expect_navigation():
        page.press("#faq-search input[name=q]", "Enter")
    results = page.inner_text("#faq-results")
    assert "员工入职超过 30 天才办理录用备案" in results
    with page.expect_navigation():
        page.locator("#faq-results a", has_text="员工入职超过 30 天").click()
    assert "逾期" in page.inner_text("#kb-article")
    assert "/login" not in page.url


def test_district_case_answered_by_city_appears_on_the_next_joint_meeting(browser, live_server,
                                                                         tmp_path):
    title = f"村委会备案主体口径（浏览器）{_token()}"
    with session_as(browser, live_server, "district") as page:
        page.goto(f"{live_server}/outreach/desk/")
        submit(page, "#new-case")
        page.select_option("#category", "HARD_CASE")
        page.fill("#title", title)
        page.fill("#description", "某村委会聘用人员，信用代码首位为 N，请明确办理口径。")
        submit(page)
        assert title in page.inner_text("#case-title")
        case_url = page.url

    with session_as(browser, live_server, "city") as page:
        page.goto(case_url)
        page.fill("#body", "村委会按“村民委员会”单位类型办理，首位代码不作限制。")
        submit(page, "#post")
        assert "已答复" in page.inner_text("#case-status")
        page.goto(f"{live_server}/outreach/meetings/")
        submit(page, "#new-meeting")
        meets = datetime.datetime.now() + datetime.timedelta(days=45)
        page.fill("#meets_at", meets.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#venue", "市人力资源市场 5 楼会议室")
        submit(page)
        page.screenshot(path=str(tmp_path / "meeting.png"), full_page=True)
        assert title in page.inner_text("#agenda")

    with session_as(browser, live_server, "district") as page:
        page.goto(case_url)
        assert "村民委员会" in page.inner_text("#thread")
