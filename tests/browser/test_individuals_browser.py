"""End-to-end browser test of a worker's own account (劳动者个人): registration, real-name
verification with the one-time code, the own records, a phone change decided by street staff, and
a dispute dismissed by district staff — as the people involved see it in the Chinese UI.

The test creates its own worker and filing (the session database is shared)."""

from __future__ import annotations

import datetime
import itertools
import re
import uuid
from contextlib import contextmanager

from .conftest import login

WORKER_PASSWORD = "Worker@2026demo!x"
_ids = itertools.count(1700)  # citizen ID numbers of this module (another module uses 1500+)


def _token(digits: int) -> str:
    return str(uuid.uuid4().int % 10**digits).zfill(digits)


def new_phone(app) -> str:
    """A mobile number that is nobody's phone or login name yet."""
    from sqlalchemy import select

    from app.extensions import appbuilder, db
    from app.models.people import Person

    with app.app_context():
        while True:
            phone = "137" + _token(8)
            taken = db.session.scalar(select(Person.id).where(Person.phone == phone))
            if not taken and not appbuilder.sm.find_user(username=phone):
                return phone


def new_citizen_id(app, region6: str = "320213") -> str:
    from sqlalchemy import select

    from app.domain.identifiers import make_citizen_id
    from app.extensions import db
    from app.models.people import Person

    with app.app_context():
        while True:
            n = next(_ids)
            number = make_citizen_id(region6, datetime.date(1970, 1, 1)
                                     + datetime.timedelta(days=3 * n), n % 1000)
            if not db.session.scalar(select(Person.id).where(Person.citizen_id == number)):
                return number


def person_with_a_filed_hire(app, unit_id: int, name: str, citizen_id: str, phone: str):
    """A person on file in 梁溪区 崇安寺街道 and a filed hire (city staff, at the counter).
    Returns (receipt number, unit name)."""
    from sqlalchemy import select

    from app.extensions import appbuilder, db
    from app.models.org import Region
    from app.services import filings as fs
    from app.services.persons.register import register_person

    with app.app_context():
        def region(code):
            return db.session.scalar(select(Region.id).where(Region.code == code))

        register_person({"name": name, "citizen_id": citizen_id, "phone": phone,
                         "district_id": region("320213"), "street_id": region("320213001")})
        city = appbuilder.sm.find_user(username="city")
        start = datetime.date.today() - datetime.timedelta(days=20)
        outcome = fs.submit(fs.HireInput(
            unit_id=unit_id, citizen_id=citizen_id, name=name, start_date=start,
            contract_type_code="FIXED", contract_end=start + datetime.timedelta(days=3 * 365),
            job_title="仓库管理员"), fs.Actor.of(city))
        filing = outcome.filing
        assert filing.status.name == "FILED", filing.status
        return filing.receipt_number, filing.unit.name


def latest_code(app, phone: str) -> str:
    """The one-time code in the latest SMS to ``phone`` (the outbox stands in for the phone)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models.filings import Notice

    with app.app_context():
        body = db.session.scalar(select(Notice.body).where(Notice.recipient == phone)
                                 .order_by(Notice.id.desc()))
    match = re.search(r"验证码为 (\d{6})", body or "")
    assert match, f"no code sent to {phone}: {body!r}"
    return match.group(1)


@contextmanager
def session_as(browser, base_url, username):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        login(tab, base_url, username)
        yield tab
    finally:
        tab.close()
        context.close()


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()


def test_worker_registers_verifies_sees_history_and_changes_phone(
        page, browser, live_server, app, known, tmp_path):
    from playwright.sync_api import expect  # here: no playwright → the fixtures skip

    base = live_server
    name, citizen_id, phone = "孙浏览", new_citizen_id(app), new_phone(app)
    receipt, unit_name = person_with_a_filed_hire(app, known["unit_in"], name, citizen_id, phone)

    # -- 1. the worker opens a personal account ----------------------------------------------
    page.goto(f"{base}/register/person/")
    assert "个人账户注册" in page.inner_text("body")
    page.locator("#name").fill(name)
    page.locator("#citizen_id").fill(citizen_id)
    page.locator("#phone").fill(phone)
    page.locator("#password").fill(WORKER_PASSWORD)
    page.locator("#confirm").fill(WORKER_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="注册"))
    assert "/login" in page.url, page.inner_text("body")[:1500]
    assert "注册成功" in page.inner_text("body")

    # -- 2. logs in with the phone number and verifies with the code sent to it --------------
    login(page, base, phone, WORKER_PASSWORD)
    page.goto(f"{base}/me/")
    assert "实名认证" in page.inner_text("body")
    assert citizen_id in page.inner_text("body")  # the own full number, to the account holder
    click_and_wait(page, page.locator("#send-code"))
    assert "验证码已发送到登记的手机号码" in page.locator("#verify-message").inner_text()
    page.locator("#code").fill(latest_code(app, phone))
    click_and_wait(page, page.locator("#confirm-code"))
    body = page.inner_text("body")
    assert "实名认证成功" in body, body[:1500]
    assert "我的用工记录" in body
    assert unit_name in page.locator("#my-employments").inner_text()
    filings = page.locator("#my-filings").inner_text()
    assert receipt in filings and "录用" in filings and "已备案" in filings
    assert page.locator("#my-phone").inner_text() == phone

    # -- 3. asks to change the phone number ---------------------------------------------------
    new_number = new_phone(app)
    form = page.locator("#change-form")
    form.locator("#field").select_option("PHONE")
    form.get_by_label("变更后").fill(new_number)
    click_and_wait(page, form.get_by_role("button", name="提交申请"))
    assert "变更申请已提交" in page.inner_text("body")
    request_row = page.locator("#my-requests tr", has_text=new_number)
    assert "待审核" in request_row.inner_text()

    # -- 4. street staff approve it -----------------------------------------------------------
    with session_as(browser, base, "street") as staff:
        staff.goto(f"{base}/changerequestview/list/")
        row = staff.locator("table tr", has_text=new_number)
        assert row.count() == 1, staff.inner_text("body")[:1500]
        assert name in row.inner_text() and "待审核" in row.inner_text()
        click_and_wait(staff, row.locator("a[href*='/changerequestview/show/']").first)
        assert phone in staff.inner_text("body") and new_number in staff.inner_text("body")
        click_and_wait(staff, staff.get_by_role("button", name="通过"))
        assert "已处理该变更申请" in staff.inner_text("body")
        assert "已通过" in staff.inner_text("body")

    page.reload()
    expect(page.locator("#my-phone")).to_have_text(new_number)
    assert "已通过" in page.locator("#my-requests tr", has_text=new_number).inner_text()

    # -- 5. disputes the filing; district staff dismiss it with a resolution ------------------
    row = page.locator("#my-filings tr", has_text=receipt)
    click_and_wait(page, row.get_by_role("link", name="详情 / 提出异议"))
    assert receipt in page.inner_text("h3") and unit_name in page.inner_text("body")
    page.locator("#kind").select_option(label="信息有误")
    page.get_by_label("说明").fill("入职日期有误，我实际晚一周入职。")
    click_and_wait(page, page.get_by_role("button", name="提交异议"))
    assert "异议已提交" in page.inner_text("body")
    dispute_row = page.locator("#my-requests tr", has_text=receipt)
    assert "待处理" in dispute_row.inner_text()

    resolution = f"经核对劳动合同和考勤记录，入职日期无误（{_token(4)}）。"
    with session_as(browser, base, "district") as staff:
        staff.goto(f"{base}/disputeview/list/")
        row = staff.locator("table tr", has_text=receipt)
        assert row.count() == 1, staff.inner_text("body")[:1500]
        assert "待处理" in row.inner_text()
        click_and_wait(staff, row.locator("a[href*='/disputeview/show/']").first)
        assert "入职日期有误" in staff.inner_text("body")
        staff.locator("input[name=resolution]").fill(resolution)
        click_and_wait(staff, staff.get_by_role("button", name="驳回异议"))
        assert "异议已处理" in staff.inner_text("body")

    page.goto(f"{base}/me/")
    dispute_row = page.locator("#my-requests tr", has_text=receipt)
    assert resolution in dispute_row.inner_text()
    assert "已驳回" in dispute_row.locator(".dispute-status").inner_text()
    shot = tmp_path / "my-records.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
