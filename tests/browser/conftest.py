"""Browser smoke-test fixtures: the session `app` served by a real HTTP server and driven by
a headless Debian chromium through Playwright (its own browser downloads are not used).

BEIAN_CHROMIUM=/path/to/chromium picks the browser; BEIAN_CHROMIUM=none (or a path that
does not exist) skips every browser test."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

PASSWORD = "Beian@2026demo"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
_HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives a real (headless) chromium against a live server")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def find_chromium() -> str | None:
    """BEIAN_CHROMIUM if set ("none" → no browser), else Debian's, else one on PATH."""
    env = os.environ.get("BEIAN_CHROMIUM")
    if env is not None:
        if env.strip().lower() in {"", "none", "0", "off"}:
            return None
        return env if os.access(env, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def live_server(app):
    """Base URL (http://127.0.0.1:PORT) of the session app served in a daemon thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="beian-live-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        pytest.skip("no chromium installed")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        tab.close()
        context.close()


def login(page, base_url, username, password=PASSWORD):
    """Log in through the real form; fails loudly if we stay on /login/."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form [type=submit]")
    assert "/login" not in page.url, f"login of {username} failed (still at {page.url})"
    return page
