"""Login hardening and secrets: complexity, rate limiting, CSRF, safe redirects, no caching."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask_appbuilder.exceptions import PasswordComplexityValidationError

from app.security import password_complexity

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "ALLUPPER123456",
                                      "1234567890123"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(PasswordComplexityValidationError) as info:
        password_complexity(password)
    assert "至少 10 位" in str(info.value)


@pytest.mark.parametrize("password", ["Beian@2026demo", "correct-Horse-battery", "Abcdefgh123"])
def test_strong_passwords_are_accepted(password):
    password_complexity(password)


def test_login_page_is_not_cached(app):
    response = app.test_client().get("/login/")
    assert "no-store" in response.headers["Cache-Control"]


def test_pages_of_a_logged_in_user_are_not_cached(client_for):
    response = client_for("district").get("/unitview/list/")
    assert "no-store" in response.headers["Cache-Control"]


def test_production_settings_turn_on_csrf_rate_limits_and_complexity():
    from config import Config

    assert Config.WTF_CSRF_ENABLED is True
    assert Config.AUTH_RATE_LIMITED is True and Config.RATELIMIT_ENABLED is True
    assert Config.FAB_PASSWORD_COMPLEXITY_ENABLED is True
    assert Config.FAB_SAFE_REDIRECT_HOSTS
    assert Config.FAB_UPDATE_PERMS is False and Config.FAB_CREATE_DB is False


def _run(script: str, env: dict) -> dict:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                            env={**os.environ, **env}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    script = """
        import json, os, stat, config
        path = config.INSTANCE_DIR / "secret_key"
        print(json.dumps({"key": config.Config.SECRET_KEY,
                          "mode": oct(stat.S_IMODE(os.stat(path).st_mode))}))
    """
    env = {"BEIAN_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": ""}
    first, second = _run(script, env), _run(script, env)
    assert first["key"] == second["key"] and len(first["key"]) >= 40
    assert first["mode"] == "0o600"
    assert first["key"] not in (ROOT / "config.py").read_text()


def test_login_is_rate_limited_with_csrf_on(tmp_path, database_url):
    """The real Config (CSRF on, rate limits on): repeated failed logins get HTTP 429."""
    if not database_url.startswith("sqlite"):
        pytest.skip("one database is enough for this check")
    script = """
        import json, re
        from app import create_app
        app = create_app("config.Config")
        client = app.test_client()
        page = client.get("/login/").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        statuses = [client.post("/login/", data={"username": "district", "password": "wrong",
                                                 "csrf_token": token}).status_code
                    for _ in range(12)]
        no_token = app.test_client().post("/login/", data={"username": "x", "password": "y"})
        print(json.dumps({"statuses": statuses, "no_token": no_token.status_code}))
    """
    out = _run(script, {"BEIAN_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": database_url})
    assert 429 in out["statuses"]
    assert out["statuses"][0] != 429
    assert out["no_token"] == 400


def test_open_redirect_after_login_is_refused(app):
    response = app.test_client().post("/login/?next=https://evil.example/", data={
        "username": "district", "password": "Beian@2026demo"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
