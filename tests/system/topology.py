"""A small production topology on 127.0.0.1 for the system tests (no tests here): nginx in front
of two gunicorn hosts, two schedulers, a PostgreSQL database and a Redis db of the test's own.
Every process runs in its own process group, so a test can SIGKILL a whole "host"."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = "/usr/sbin/nginx"
PASSWORD = "Beian@2026demo"
PG_ADMIN = os.environ.get("BEIAN_TOPOLOGY_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BEIAN_TOPOLOGY_REDIS", "redis://127.0.0.1:6379")
REDIS_DB = int(os.environ.get("BEIAN_TOPOLOGY_REDIS_DB", "11"))
# Where deploy/nginx/beian-locations.conf expects the application and its virtualenv.
DEPLOY_APP_STATIC = "/opt/beian/app/app/static/"
DEPLOY_FAB_STATIC = "/opt/beian/venv/lib/python3.11/site-packages/flask_appbuilder/static/appbuilder/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def signing_pair(folder: Path) -> tuple[Path, Path]:
    """A signing key and self-signed certificate made the way docs/production.md says."""
    key, cert = folder / "signing.key", folder / "signing.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-sha256", "-days", "30",
                    "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-subj", "/C=CN/O=Beian topology test/CN=Beian topology test",
                    "-addext", "keyUsage=critical,digitalSignature,nonRepudiation"],
                   check=True, capture_output=True)
    return key, cert


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> Path:
    """The deploy site's proxy rules (the same beian-locations.conf) on plain HTTP, with paths in
    `folder`; each response names the upstream that served it (X-Upstream)."""
    import flask_appbuilder

    fab_static = Path(flask_appbuilder.__file__).parent / "static" / "appbuilder"
    rules = (DEPLOY / "nginx" / "beian-locations.conf").read_text()
    assert DEPLOY_APP_STATIC in rules and DEPLOY_FAB_STATIC in rules
    rules = rules.replace(DEPLOY_APP_STATIC, f"{ROOT / 'app' / 'static'}/")
    rules = rules.replace(DEPLOY_FAB_STATIC, f"{fab_static}/")
    (folder / "beian-locations.conf").write_text(rules)
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;"
                        for p in upstreams)
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    config = folder / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""  # workers read the test's private tmp dir
    config.write_text(f"""
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include /etc/nginx/mime.types;
    upstream beian_web {{
{servers}
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        add_header X-Upstream $upstream_addr always;
        include {folder}/beian-locations.conf;
    }}
}}
""")
    return config


class SourceAddress(HTTPAdapter):
    """Connect from a given loopback address (127.0.0.2, 127.0.0.3 …): another client."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAddress(address))
    return session


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert found, "no csrf_token in the login page"
    return found.group(1)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def kill(self, sig=signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait(timeout=10)
        else:  # its children (gunicorn workers) may outlive a killed parent
            self.kill(signal.SIGKILL)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Topology:
    folder: Path
    env: dict
    database_url: str
    database_name: str
    nginx_port: int = 0
    host_ports: dict = field(default_factory=dict)  # host name -> port
    processes: dict = field(default_factory=dict)  # name -> Process

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def host_of(self, response) -> str:
        """Which host served a response (the last upstream nginx tried)."""
        upstream = response.headers.get("X-Upstream", "").split(",")[-1].strip()
        port = int(upstream.rsplit(":", 1)[-1]) if upstream else 0
        return next((name for name, p in self.host_ports.items() if p == port), upstream)

    def flask(self, *args: str, env: dict | None = None, timeout: int = 600) -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "run", *args], cwd=ROOT,
                              env={**self.env, **(env or {})}, capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def python(self, code: str, env: dict | None = None, timeout: int = 300):
        """A Python process of the platform (same settings) running `code`; its Popen."""
        return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                                env={**self.env, **(env or {})}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def start(self, name: str, argv: list[str], env: dict) -> Process:
        log = self.folder / f"{name}.log"
        popen = subprocess.Popen(argv, cwd=ROOT, env={**self.env, **env},
                                 stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                 start_new_session=True)
        self.processes[name] = Process(name, popen, log)
        return self.processes[name]

    def host_env(self, name: str) -> dict:
        """A host's own instance folder, with its own copy of the signing pair."""
        instance = self.folder / f"instance-{name}"
        instance.mkdir(exist_ok=True)
        for part in ("signing.key", "signing.crt"):
            shutil.copy2(self.folder / part, instance / part)
        return {"BEIAN_INSTANCE_DIR": str(instance),
                "BEIAN_SIGNING_KEY": str(instance / "signing.key"),
                "BEIAN_SIGNING_CERT": str(instance / "signing.crt")}

    def start_web(self, name: str) -> Process:
        port = free_port()
        self.host_ports[name] = port
        metrics = self.folder / f"metrics-{name}"
        return self.start(name, [sys.executable, "-m", "gunicorn", "-c",
                                 str(DEPLOY / "gunicorn.conf.py")],
                          {**self.host_env(name), "BEIAN_BIND": f"127.0.0.1:{port}",
                           "BEIAN_WEB_WORKERS": "1", "BEIAN_WEB_THREADS": "4",
                           "PROMETHEUS_MULTIPROC_DIR": str(metrics)})

    def start_scheduler(self, name: str) -> Process:
        return self.start(name, [sys.executable, "-m", "flask", "--app", "run", "beian",
                                 "scheduler"], self.host_env(name))

    def start_nginx(self) -> Process:
        self.nginx_port = free_port()
        folder = self.folder / "nginx"
        folder.mkdir(exist_ok=True)
        config = nginx_config(folder, self.nginx_port, list(self.host_ports.values()))
        subprocess.run([NGINX, "-t", "-c", str(config), "-e", str(folder / "error.log")],
                       check=True, capture_output=True)
        return self.start("nginx", [NGINX, "-c", str(config), "-e", str(folder / "error.log"),
                                    "-g", "daemon off;"], {})

    def wait_ready(self, url: str, timeout: float = 90, process: Process | None = None) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if process is not None and process.popen.poll() is not None:
                raise AssertionError(f"{process.name} exited:\n{process.tail()}")
            try:
                last = requests.get(url, timeout=5)
                if last.status_code == 200:
                    return
            except requests.RequestException as exc:
                last = exc
            time.sleep(0.3)
        raise AssertionError(f"{url} not ready: {last}\n"
                             + (process.tail() if process else ""))

    def stop_all(self) -> None:
        for process in reversed(list(self.processes.values())):
            with contextlib.suppress(Exception):
                process.stop()

    def sql(self, query: str, *params):
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()


def create_database() -> tuple[str, str]:
    import psycopg

    name = f"beian_topology_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(f"{REDIS_URL}/{REDIS_DB}").flushdb()
