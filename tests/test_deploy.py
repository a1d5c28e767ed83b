"""The deployment files in deploy/: every setting documented for operators, gunicorn's settings
and JSON access log, the metrics directory emptied at start, nginx's site valid as shipped."""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import runpy
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

# prometheus_client picks its value class (per process, or shared through
# PROMETHEUS_MULTIPROC_DIR) when first imported: import it before a test sets that variable for
# gunicorn's configuration, so the app's metrics in later tests stay per process.
import prometheus_client  # noqa: F401
import pytest

import config as settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
NGINX = "/usr/sbin/nginx"


def _gunicorn_config(monkeypatch, **env) -> dict:
    for name in ("BEIAN_BIND", "BEIAN_WEB_WORKERS", "BEIAN_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_every_setting_is_in_the_environment_example():
    example = (DEPLOY / "beian.env.example").read_text()
    names = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    missing = [s.name for s in settings.SETTINGS if s.name not in names]
    assert missing == []
    required = {"BEIAN_ENV", "SECRET_KEY", "BEIAN_PUBLIC_URL", "DATABASE_URL",
                "RATELIMIT_STORAGE_URI", "BEIAN_SIGNING_KEY", "BEIAN_SIGNING_CERT"}
    uncommented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert required <= uncommented


def test_gunicorn_runs_threaded_recycled_workers_on_the_configured_address(monkeypatch):
    conf = _gunicorn_config(monkeypatch, BEIAN_BIND="10.0.0.11:8000", BEIAN_WEB_WORKERS="3")
    assert conf["wsgi_app"] == "run:app" and conf["worker_class"] == "gthread"
    assert conf["bind"] == ["10.0.0.11:8000"] and conf["workers"] == 3
    assert conf["threads"] >= 2 and conf["timeout"] > 0
    assert conf["max_requests"] > 0 and 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["control_socket_disable"] is True
    assert _gunicorn_config(monkeypatch)["bind"] == ["127.0.0.1:8000"]


def test_gunicorn_access_lines_are_json_with_the_request_id(monkeypatch, capsys):
    from gunicorn.config import Config

    conf = _gunicorn_config(monkeypatch)
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = conf["JsonAccessLogger"](cfg)
    response = SimpleNamespace(status="201 CREATED", sent=42,
                               headers=[("X-Request-ID", "abcdef0123456789")])
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/api/v1/filing/hire?x=1",
               "PATH_INFO": "/api/v1/filing/hire", "QUERY_STRING": "x=1",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.2",
               "HTTP_X_FORWARDED_FOR": "203.0.113.9", "HTTP_USER_AGENT": "payroll \"system\""}
    logger.access(response, SimpleNamespace(headers=[]), environ,
                  datetime.timedelta(milliseconds=37))
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["request_id"] == "abcdef0123456789"
    assert line["status"] == 201 and line["method"] == "POST" and line["ms"] == 37
    assert line["forwarded_for"] == "203.0.113.9" and line["user_agent"] == 'payroll "system"'


def test_the_metrics_directory_is_emptied_at_start_and_dead_workers_marked(monkeypatch, tmp_path):
    directory = tmp_path / "metrics"
    (directory / "old").mkdir(parents=True)
    (directory / "counter_123.db").write_bytes(b"x")
    (directory / "gauge_livesum_123.db").write_bytes(b"x")
    conf = _gunicorn_config(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(directory))
    server = SimpleNamespace(log=logging.getLogger("test"))
    conf["on_starting"](server)
    assert directory.is_dir() and list(directory.iterdir()) == []
    (directory / "gauge_livesum_77.db").write_bytes(b"")
    conf["child_exit"](server, SimpleNamespace(pid=77))
    assert not (directory / "gauge_livesum_77.db").exists()


@pytest.mark.skipif(not os.access(NGINX, os.X_OK), reason="nginx is not installed")
def test_the_nginx_site_is_valid_as_shipped(tmp_path):
    """`nginx -t` (which binds no port) on deploy/nginx/beian.conf, its files under tmp_path."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is missing")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=beian.example.gov.cn", "-keyout", str(tmp_path / "privkey.pem"),
                    "-out", str(tmp_path / "fullchain.pem")], check=True, capture_output=True)
    site = (DEPLOY / "nginx" / "beian.conf").read_text()
    site = site.replace("/etc/ssl/beian/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    site = site.replace("/etc/nginx/snippets/", f"{DEPLOY / 'nginx'}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  include {tmp_path}/site.conf;\n}}\n")
    checked = subprocess.run([NGINX, "-t", "-c", str(tmp_path / "nginx.conf"),
                              "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
