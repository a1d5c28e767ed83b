"""The employer's API key page in a real browser: create a key (shown once, with a copy
button), use it to file a hire through the API, see the last use and the filing in the portal,
revoke it, and the key stops working."""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.request

from .conftest import login


def _call(base_url, path, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base_url}{path}", data=data, method="POST" if body is not None else "GET",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_employer_creates_uses_and_revokes_an_api_key(live_server, page):
    from app.domain.identifiers import make_citizen_id

    login(page, live_server, "employer")
    page.goto(f"{live_server}/portal/api-keys/")
    page.fill("input[name=name]", "浏览器测试工资系统")
    page.click("#create-key")
    page.wait_for_selector("#new-key-panel")
    key = page.input_value("#new-key")
    assert key.startswith("bk_")
    assert "只显示这一次" in page.inner_text("#new-key-panel")
    page.click("#copy-key")
    page.wait_for_function("document.getElementById('copy-key').innerText.includes('已复制')")
    row = page.locator(f"tr.key-row[data-prefix='{key[:11]}']")
    assert "从未使用" in row.inner_text()

    citizen_id = make_citizen_id("320213", datetime.date(1963, 8, 8), 808)
    status, filing = _call(live_server, "/api/v1/filing/hire", key, {
        "citizen_id": citizen_id, "name": "浏览器接口", "contract_type": "OPEN",
        "start_date": datetime.date.today().isoformat()})
    assert status == 201, filing

    # The key page shows its use; the filing is in the portal's list.
    page.goto(f"{live_server}/portal/api-keys/")
    assert key not in page.content()  # never shown again
    assert "从未使用" not in row.locator(".last-used").inner_text()
    page.goto(f"{live_server}/portal/filings")
    assert filing["receipt_number"] in page.content()

    # Revoke: the key stops working at once.
    page.goto(f"{live_server}/portal/api-keys/")
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(".revoke-key").click()
    page.wait_for_load_state()
    assert "已撤销" in row.locator(".key-state").inner_text()
    status, body = _call(live_server, "/api/v1/unit/", key)
    assert status == 401 and body["errors"][0]["code"] == "API_KEY_INVALID"
