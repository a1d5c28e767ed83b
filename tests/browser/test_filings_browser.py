"""End-to-end browser tests of the filings, as new users do them in the Chinese UI:
online account opening, approval by the district, the four filings in the employer portal, the
district approval of a mass termination, a correction by city staff, and the counter.

Every test creates its own units, logins and workers (the session database is shared)."""

from __future__ import annotations

import datetime
import itertools
import re
import uuid
from contextlib import contextmanager

from .conftest import login

UNIT_PASSWORD = "Unit@2026demo!x"
_ids = itertools.count(1500)  # citizen ID numbers of this module (another module uses 1700+)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _token(digits: int = 6) -> str:
    return str(uuid.uuid4().int % 10**digits).zfill(digits)


def new_citizen_id(app, region6: str = "320213") -> str:
    """A valid ID number nobody in the session database has yet."""
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


def new_credit_code(app) -> str:
    from sqlalchemy import select

    from app.domain.identifiers import make_credit_code
    from app.extensions import db
    from app.models.units import Unit

    with app.app_context():
        while True:
            code = make_credit_code("91320213" + "BRW" + _token(6))
            if not db.session.scalar(select(Unit.id).where(Unit.credit_code == code)):
                return code


def new_phone() -> str:
    return "139" + _token(8)


def region_id(code: str) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models.org import Region

    return db.session.scalar(select(Region.id).where(Region.code == code))


def active_unit(app, name: str) -> tuple[int, str]:
    """An ACTIVE unit in 梁溪区 崇安寺街道, registered through the service layer."""
    from app.models.units import UnitStatus
    from app.services.units import register_unit

    code = new_credit_code(app)
    with app.app_context():
        unit = register_unit({
            "name": name, "credit_code": code, "employer_type_code": "10",
            "industry_division_code": "39", "ownership_type_code": "173",
            "district_id": region_id("320213"), "street_id": region_id("320213001"),
            "address": "浏览器测试路 8 号", "contact_name": "李四", "contact_phone": "13800000001",
            "headcount": 20}, status=UnitStatus.ACTIVE)
        return unit.id, code


def iso(day: datetime.date) -> str:
    return day.isoformat()


@contextmanager
def session_as(browser, base_url, username, password=None):
    """A fresh browser context (own cookies) logged in as ``username``."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        if password is None:
            login(tab, base_url, username)
        else:
            login(tab, base_url, username, password)
        yield tab
    finally:
        tab.close()
        context.close()


def submit(page, button_name: str):
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()
    page.wait_for_load_state()


def roster_action(page, base_url, worker_name: str, action: str):
    """Open the roster and click 续订 / 调动 / 退工 in the worker's row."""
    page.goto(f"{base_url}/portal/roster")
    row = page.locator("#roster tbody tr", has_text=worker_name)
    assert row.count() == 1, f"{worker_name} not (once) in the roster: {page.inner_text('#roster')}"
    with page.expect_navigation():
        row.get_by_role("link", name=action).click()
    assert page.locator("#employment-summary").inner_text().startswith(worker_name)


def filing_heading(page) -> str:
    """The heading of a portal or counter filing page: type, receipt number, status, flags."""
    return page.locator("h4:has(#receipt-number)").inner_text()


def filing_id_from(page) -> int:
    match = re.search(r"/filings/(\d+)$", page.url)
    assert match, f"not on a filing page: {page.url}"
    return int(match.group(1))


def service_hire(app, username: str, unit_id: int, name: str, start: datetime.date) -> str:
    """A hire filed through the service layer, as the employer ``username``."""
    from app.extensions import appbuilder
    from app.services import filings as fs

    citizen_id = new_citizen_id(app)
    with app.app_context():
        user = appbuilder.sm.find_user(username=username)
        outcome = fs.submit(fs.HireInput(
            unit_id=unit_id, citizen_id=citizen_id, name=name, start_date=start,
            phone=new_phone(), contract_type_code="FIXED",
            contract_end=start + datetime.timedelta(days=730), job_title="装配工"),
            fs.Actor.of(user))
        assert outcome.filing.status.name == "FILED", outcome.filing.status
        return outcome.filing.receipt_number


# --------------------------------------------------------------------------------------------
# Employer: account opening → approval → hire, renewal, transfer, mass termination → correction
# --------------------------------------------------------------------------------------------

def test_employer_opens_an_account_is_approved_and_files_hire_renewal_transfer_and_layoff(
        page, browser, live_server, app, tmp_path):
    from playwright.sync_api import expect  # here: no playwright → the fixtures skip

    base = live_server
    today = datetime.date.today()
    suffix = _token(6)
    unit_name = f"无锡浏览器测试{suffix}机械有限公司"
    credit_code = new_credit_code(app)
    username = f"brw_unit_{suffix}"

    # -- 1. anonymous: online account opening ------------------------------------------------
    page.goto(f"{base}/register/unit/")
    assert "用人单位开户注册" in page.inner_text("h3")
    page.get_by_label("单位名称").fill(unit_name)
    page.get_by_label("统一社会信用代码").fill(credit_code)
    page.locator("#employer_type").select_option("10")
    page.locator("#industry_division").select_option("39")
    page.locator("#ownership_type").select_option("173")
    page.locator("#district").select_option(label="梁溪区")
    # The page offers only the streets of the chosen district.
    assert page.locator("#street option", has_text="崇安寺街道").is_enabled()
    page.locator("#street").select_option(label="崇安寺街道")
    page.get_by_label("单位地址").fill("梁溪区中山路 100 号")
    page.get_by_label("职工人数").fill("30")
    page.locator("#contact_name").fill("王经理")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("登录用户名").fill(username)
    page.get_by_label("电子邮箱").fill(f"{username}@example.com")
    page.locator("#password").fill(UNIT_PASSWORD)
    page.get_by_label("确认密码").fill(UNIT_PASSWORD)
    submit(page, "提交开户申请")
    done = page.locator("#registration-done")
    assert done.is_visible(), page.inner_text("body")[:1500]
    assert "开户申请已提交" in done.inner_text()
    assert unit_name in done.inner_text() and "待审核" in done.inner_text()
    assert username in done.inner_text()

    # -- 2. district staff approve the unit in the unit list (checkbox + actions menu) ------
    with session_as(browser, base, "district") as staff:
        staff.goto(f"{base}/unitview/list/?_flt_0_credit_code={credit_code}")
        row = staff.locator("table tr", has_text=credit_code)
        assert row.count() == 1, staff.inner_text("body")[:1500]
        assert "待审核" in row.inner_text()
        row.locator("input.action_check").check()
        menu = staff.locator(".btn-group", has=staff.locator(".approve_menu_item"))
        menu.locator("button.dropdown-toggle").click()
        staff.locator(".approve_menu_item").click()
        confirm = staff.locator("#modal-confirm")
        confirm.wait_for(state="visible")
        assert "确认审核通过所选单位的账户" in confirm.inner_text()
        staff.locator("#modal-confirm-ok").click()  # posts the hidden action form
        expect(staff.locator("body")).to_contain_text("已审核通过 1 个单位账户")
        assert "正常" in staff.locator("table tr", has_text=credit_code).inner_text()

    # -- 3. the new employer logs in and files a hire online ---------------------------------
    login(page, base, username, UNIT_PASSWORD)
    page.goto(f"{base}/portal/")
    assert unit_name in page.inner_text(".page-header")
    assert page.locator("#unit-pending").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name="办理录用备案").click()
    first_id, first_name = new_citizen_id(app), "陈浏览"
    page.get_by_label("公民身份号码").fill(first_id)
    assert "号码校验通过" in page.locator("#citizen_id_hint").inner_text()
    page.get_by_label("姓名").fill(first_name)
    page.get_by_label("手机号码").fill(new_phone())
    page.locator("#employment_form").select_option("FT")
    page.get_by_label("入职（用工起始）日期").fill(iso(today))
    page.get_by_label("工作岗位").fill("数控车工")
    page.locator("#contract_type").select_option("FIXED")
    page.get_by_label("合同终止日期").fill(iso(today + datetime.timedelta(days=730)))
    submit(page, "提交备案")
    body = page.inner_text("body")
    assert "已备案，回执号" in body, body[:1500]
    hire_filing_id = filing_id_from(page)
    hire_receipt = page.locator("#receipt-number").inner_text().strip()
    assert re.fullmatch(r"BA\d{8}\d{6}\d{6}", hire_receipt), hire_receipt
    assert "已备案" in filing_heading(page)
    assert "网上" in page.locator("#filing-fields").inner_text()

    # -- 4. three more hires (service layer, for speed) --------------------------------------
    from sqlalchemy import select

    from app.extensions import db
    from app.models.units import Unit

    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.credit_code == credit_code))
    others = ["林浏览", "黄浏览", "周浏览"]
    for name in others:
        service_hire(app, username, unit_id, name, today - datetime.timedelta(days=10))
    page.goto(f"{base}/portal/roster")
    assert page.locator("#roster-total").inner_text() == "4"

    # -- 5. renewal of the first worker's contract (roster → 续订) ---------------------------
    roster_action(page, base, first_name, "续订")
    page.locator("#contract_type").select_option("FIXED")
    page.get_by_label("续订合同终止日期").fill(iso(today + datetime.timedelta(days=5 * 365)))
    submit(page, "提交备案")
    assert "合同续订备案" in filing_heading(page)
    assert "已备案" in filing_heading(page), page.inner_text("body")[:1500]

    # -- 6. transfer of one worker to a sister company (roster → 调动) ----------------------
    sister_name = f"无锡浏览器测试{suffix}贸易有限公司"
    _, sister_code = active_unit(app, sister_name)
    moved = others[0]
    roster_action(page, base, moved, "调动")
    page.get_by_label("调入单位统一社会信用代码").fill(sister_code)
    page.get_by_label("调动日期").fill(iso(today))
    page.locator("#contract_type").select_option("FIXED")
    page.get_by_label("调入单位合同终止日期").fill(iso(today + datetime.timedelta(days=365)))
    submit(page, "提交备案")
    heading = filing_heading(page)
    assert "市内调动备案" in heading and "已备案" in heading, page.inner_text("body")[:1500]
    assert sister_name in page.locator("#filing-fields").inner_text()
    page.goto(f"{base}/portal/roster")
    assert page.locator("#roster-total").inner_text() == "3"
    assert moved not in page.inner_text("#roster")

    # -- 7. economic layoff of the other three, with a PDF (roster → 退工) ------------------
    pdf = tmp_path / "裁员方案.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% layoff plan reported to the union\n%%EOF\n")
    laid_off = [first_name, others[1], others[2]]
    termination_pages = {}
    for name in laid_off:
        roster_action(page, base, name, "退工")
        page.get_by_label("劳动合同解除（终止）日期").fill(iso(today))
        page.locator("#termination_reason").select_option("A41")
        page.locator("#attachments").set_input_files(str(pdf))
        page.get_by_label("备注").fill("经济性裁员，已向工会说明情况")
        submit(page, "提交备案")
        heading = filing_heading(page)
        assert "退工备案" in heading, page.inner_text("body")[:1500]
        assert "待属地审批" in heading or ("待审核" in heading and "需属地审批" in heading), heading
        assert "需属地审批" in heading
        assert "等待属地审批" in page.inner_text("body")
        assert "裁员方案.pdf" in page.inner_text("#attachments")
        termination_pages[name] = filing_id_from(page)
    page.goto(f"{base}/portal/")
    assert page.locator("#count-pending").inner_text() == "3"

    # -- 8. the district approves one of them from the District approvals queue -------------
    approved = laid_off[1]
    with session_as(browser, base, "district") as staff:
        staff.goto(f"{base}/review/district")
        assert "属地审批（批量退工）" in staff.inner_text("#queue h3")
        row = staff.locator("#queue tbody tr", has_text=unit_name).filter(has_text=approved)
        assert row.count() == 1, staff.inner_text("#queue")[:2000]
        assert "需属地审批" in row.inner_text()
        with staff.expect_navigation():
            row.get_by_role("link", name="办理").click()
        assert "待属地审批" in staff.locator("#filing-show h3").inner_text()
        assert "裁员方案.pdf" in staff.inner_text("body")
        submit(staff, "审核通过")
        assert "已审核通过" in staff.inner_text("body")
        assert "已备案" in staff.locator("#filing-show h3").inner_text()
        assert re.search(rf"/filingview/show/{termination_pages[approved]}$", staff.url)
    page.goto(f"{base}/portal/filings/{termination_pages[approved]}")
    assert "已备案" in filing_heading(page)
    page.goto(f"{base}/portal/roster")
    assert page.locator("#roster-total").inner_text() == "2"

    # -- 9. city staff correct the first hire's ID number; the history lists both versions --
    corrected_id = new_citizen_id(app)
    with session_as(browser, base, "city") as staff:
        staff.goto(f"{base}/filingview/show/{hire_filing_id}")
        assert hire_receipt in staff.locator("#receipt").inner_text()
        form = staff.locator("#correct")
        form.get_by_label("身份证号码").fill(corrected_id)
        form.locator("#c_reason").fill("劳动者持身份证原件到窗口核对，原登记号码有误")
        submit(staff, "提交更正")
        body = staff.inner_text("body")
        assert "已更正：生成第 2 版" in body, body[:1500]
        new_receipt = staff.locator("#receipt").inner_text().strip()
        assert new_receipt and new_receipt != hire_receipt
        history = staff.locator("#history").inner_text()
        assert "第 1 版" in history and "第 2 版" in history
        assert hire_receipt in history and new_receipt in history
        assert "已被更正" in history
        assert "原登记号码有误" in history
        shot = tmp_path / "filing-corrected.png"
        staff.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
    shot = tmp_path / "employer-roster.png"
    page.goto(f"{base}/portal/filings")
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")


# --------------------------------------------------------------------------------------------
# Counter: street staff file a hire on behalf of a unit of their street
# --------------------------------------------------------------------------------------------

def test_street_staff_do_the_same_at_the_counter(page, live_server, app, tmp_path):
    base = live_server
    today = datetime.date.today()
    unit_name = f"无锡浏览器窗口{_token(6)}服务有限公司"
    _, code = active_unit(app, unit_name)

    login(page, base, "street")
    page.goto(f"{base}/counter/")
    assert "窗口代办" in page.inner_text(".page-header h3")
    page.locator("#q").fill(unit_name)
    with page.expect_navigation():
        page.get_by_role("button", name="查找单位").click()
    row = page.locator("#units tbody tr", has_text=code)
    assert row.count() == 1, page.inner_text("body")[:1500]
    with page.expect_navigation():
        row.get_by_role("link", name="办理").click()
    assert unit_name in page.inner_text(".page-header")
    assert "窗口代办" in page.inner_text(".page-header")
    with page.expect_navigation():
        page.get_by_role("link", name="办理录用备案").click()

    citizen_id, name = new_citizen_id(app), "赵窗口"
    page.get_by_label("公民身份号码").fill(citizen_id)
    page.get_by_label("姓名").fill(name)
    page.get_by_label("手机号码").fill(new_phone())
    page.locator("#employment_form").select_option("FT")
    page.get_by_label("入职（用工起始）日期").fill(iso(today - datetime.timedelta(days=3)))
    page.locator("#contract_type").select_option("OPEN")
    page.get_by_label("工作岗位").fill("客服专员")
    submit(page, "提交备案")
    body = page.inner_text("body")
    assert "已备案，回执号" in body, body[:1500]
    assert re.search(r"/counter/unit/\d+/filings/\d+$", page.url), page.url
    assert "已备案" in filing_heading(page)
    fields = page.locator("#filing-fields").inner_text()
    assert re.search(r"办理渠道\s*窗口", fields), fields
    assert "崇安寺" in fields  # the handling office is the street's own
    assert name in fields and unit_name in fields
    shot = tmp_path / "counter-filing.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
