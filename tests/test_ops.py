"""Operations: health and readiness, metrics for operators only, request ids, the proxy's
client address, settings from a file and the environment, and refusing to start without what
production needs (one clear line per problem)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_without_login(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_checks_database_and_migrations(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "not used"}


def test_readyz_is_unavailable_when_redis_is_unreachable(app):
    saved = app.config["RATELIMIT_STORAGE_URI"]
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = app.test_client().get("/readyz")
    finally:
        app.config["RATELIMIT_STORAGE_URI"] = saved
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["redis"].startswith("unreachable")


def test_readyz_reaches_the_running_redis(app):
    saved = app.config["RATELIMIT_STORAGE_URI"]
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
    try:
        response = app.test_client().get("/readyz")
    finally:
        app.config["RATELIMIT_STORAGE_URI"] = saved
    if response.json["checks"]["redis"].startswith("unreachable"):
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert response.status_code == 200


def test_metrics_are_served_to_operators_only(app):
    client = app.test_client()
    client.get("/healthz")
    inside = client.get("/metrics")
    assert inside.status_code == 200
    text = inside.get_data(as_text=True)
    for name in ("beian_http_requests_total", "beian_http_request_seconds", "beian_filings",
                 "beian_document_queue", "beian_document_queue_oldest_seconds",
                 "beian_bulk_batches_in_progress", "beian_job_last_claimed_timestamp_seconds"):
        assert name in text, name
    assert 'endpoint="health.healthz"' in text
    outside = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 404


def test_every_response_carries_a_request_id(app):
    client = app.test_client()
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "nginx-0123456789abcdef"})
    assert kept.headers["X-Request-ID"] == "nginx-0123456789abcdef"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert forged.headers["X-Request-ID"] != "<script>"


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("BEIAN_", "SECRET_KEY",
                                                                         "DATABASE_URL"))}
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True,
                          text=True, timeout=120)


def test_behind_a_proxy_the_client_address_is_the_forwarded_one(tmp_path):
    code = ("from app import create_app\n"
            "from flask import request\n"
            "app = create_app()\n"
            "@app.get('/_addr')\n"
            "def addr():\n"
            "    return request.remote_addr\n"
            "print(app.test_client().get('/_addr', headers={'X-Forwarded-For': '198.51.100.7'},"
            " environ_base={'REMOTE_ADDR': '127.0.0.1'}).get_data(as_text=True))\n")
    env = {"BEIAN_INSTANCE_DIR": str(tmp_path), "BEIAN_PROXY_HOPS": "1"}
    assert _python(code, env).stdout.strip() == "198.51.100.7"
    env["BEIAN_PROXY_HOPS"] = "0"
    assert _python(code, env).stdout.strip() == "127.0.0.1"


def test_a_malformed_setting_stops_the_start_with_one_line(tmp_path):
    result = _python("import run", {"BEIAN_INSTANCE_DIR": str(tmp_path),
                                    "BEIAN_BULK_MAX_ROWS": "many"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "BEIAN_BULK_MAX_ROWS='many': expected int" in result.stderr


def test_production_refuses_to_start_without_what_it_needs(tmp_path):
    result = _python("import run", {"BEIAN_INSTANCE_DIR": str(tmp_path),
                                    "BEIAN_ENV": "production"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("FAIL")]
    failing = {line.split()[1].rstrip(":") for line in lines}
    assert failing == {"SECRET_KEY", "BEIAN_PUBLIC_URL", "BEIAN_SIGNING_KEY",
                       "BEIAN_SIGNING_CERT", "DATABASE_URL", "RATELIMIT_STORAGE_URI"}


def test_settings_file_then_environment(tmp_path):
    settings_file = tmp_path / "config.py"
    settings_file.write_text("BEIAN_BULK_MAX_ROWS = 123\nBEIAN_AGENCY_NAME = '无锡市人力资源市场'\n")
    code = ("from app import create_app\n"
            "app = create_app()\n"
            "print(app.config['BEIAN_BULK_MAX_ROWS'], app.config['BEIAN_AGENCY_NAME'])\n")
    env = {"BEIAN_INSTANCE_DIR": str(tmp_path), "BEIAN_CONFIG": str(settings_file)}
    assert _python(code, env).stdout.strip() == "123 无锡市人力资源市场"
    env["BEIAN_BULK_MAX_ROWS"] = "7"
    assert _python(code, env).stdout.strip() == "7 无锡市人力资源市场"


def test_check_config_prints_each_check(app):
    result = app.test_cli_runner().invoke(args=["beian", "check-config"])
    lines = result.output.splitlines()
    names = {line.split()[1].rstrip(":") for line in lines}
    assert {"settings", "SECRET_KEY", "BEIAN_PUBLIC_URL", "BEIAN_SIGNING_KEY", "DATABASE_URL",
            "RATELIMIT_STORAGE_URI", "database", "redis"} <= names
    assert all(line.startswith(("PASS", "FAIL")) for line in lines)
    assert result.exit_code == (0 if all(line.startswith("PASS") for line in lines) else 1)
