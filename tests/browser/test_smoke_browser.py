"""Browser smoke tests: the Chinese UI and jurisdiction filtering as a user really sees them."""

from __future__ import annotations

from .conftest import login


def test_login_page_is_chinese_by_default(page, live_server, tmp_path):
    page.goto(f"{live_server}/login/")
    shot = tmp_path / "login.png"
    page.screenshot(path=str(shot), full_page=True)
    text = page.inner_text("body")
    assert "登录" in text or "用户名" in text, f"{text[:500]!r}; screenshot: {shot}"


def test_district_staff_sees_only_their_districts_units_in_chinese(
        page, live_server, known, tmp_path):
    login(page, live_server, "district")
    response = page.goto(f"{live_server}/unitview/list/")
    assert response is not None and response.status == 200
    shot = tmp_path / "unit-list-district.png"
    page.screenshot(path=str(shot), full_page=True)
    text = page.inner_text("body")
    assert "用人单位" in text, f"no Chinese list title; screenshot: {shot}"
    assert known["code_unit_in"] in text, f"in-district unit missing; screenshot: {shot}"
    assert known["code_unit_out"] not in text, f"out-of-district unit shown; screenshot: {shot}"
