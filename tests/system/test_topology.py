"""Production topology, for real: nginx in front of two gunicorn hosts, two schedulers, one
PostgreSQL database, one Redis. Sessions survive moving between hosts, the login limit is one
count per client address across hosts, queued documents render once, the nightly statistics run
once, and killing a host or a scheduler loses nothing but what it had in hand.
`pytest -s -m slow tests/system/test_topology.py` prints the figures."""

from __future__ import annotations

import collections
import datetime
import itertools
import json
import os
import secrets
import shutil
import signal
import time

import pytest

from tests.system import topology as topo

pytestmark = pytest.mark.slow

SCHEDULER_A, SCHEDULER_B = "scheduler-a", "scheduler-b"
LOGIN_LIMIT = 5  # per client address, over every host (AUTH_RATE_LIMIT below)
FIGURES: dict[str, object] = {}
_HIRES = itertools.count(1)


def _skip_unless_available() -> None:
    if not os.access(topo.NGINX, os.X_OK):
        pytest.skip(f"{topo.NGINX} is missing (apt-get install nginx): no topology test")
    if not shutil.which("openssl"):
        pytest.skip("openssl is missing: no signing pair for the topology test")
    if not topo.reachable("127.0.0.1", 5432):
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    if not topo.reachable("127.0.0.1", 6379):
        pytest.skip("no Redis on 127.0.0.1:6379")


def _environment(folder, database_url: str) -> dict:
    """Production settings, the same on every process (as /etc/beian/beian.env would be)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BEIAN_", "DATABASE_URL", "TEST_DATABASE_URL", "RATELIMIT_",
                                "SECRET_KEY", "PROMETHEUS_", "AUTH_RATE", "SESSION_COOKIE"))}
    env.update({
        "BEIAN_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": f"{topo.REDIS_URL}/{topo.REDIS_DB}",
        "BEIAN_SIGNING_KEY": str(folder / "signing.key"),
        "BEIAN_SIGNING_CERT": str(folder / "signing.crt"),
        "BEIAN_PUBLIC_URL": "http://127.0.0.1",
        "BEIAN_PROXY_HOPS": "1",
        "BEIAN_LOG_FORMAT": "json",
        "BEIAN_DEMO_MODE": "1",
        "BEIAN_RENDER_EVERY_SECONDS": "1",
        "BEIAN_INSTANCE_DIR": str(folder / "instance-setup"),
        "AUTH_RATE_LIMIT": f"{LOGIN_LIMIT} per 5 minute",
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP here; production sets cookies Secure
        "FAB_SAFE_REDIRECT_HOSTS": "127.0.0.1",
    })
    return env


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The topology, started once for the module and always stopped and dropped after."""
    _skip_unless_available()
    folder = tmp_path_factory.mktemp("topology")
    topo.signing_pair(folder)
    name, url = topo.create_database()
    topo.flush_redis()
    city = topo.Topology(folder, _environment(folder, url), url, name)
    try:
        started = time.monotonic()
        city.flask("db", "upgrade")
        city.flask("beian", "init")
        city.flask("beian", "demo", "--units", "20", "--persons", "200", "--hires", "20")
        check = city.flask("beian", "check-config")
        assert "FAIL" not in check, check
        for host in ("host-a", "host-b"):
            city.start_web(host)
        for host, port in city.host_ports.items():
            city.wait_ready(f"http://127.0.0.1:{port}/readyz", process=city.processes[host])
        city.start_nginx()
        city.wait_ready(f"{city.base}/healthz", process=city.processes["nginx"])
        city.start_scheduler(SCHEDULER_A)
        city.start_scheduler(SCHEDULER_B)
        FIGURES["set-up seconds"] = round(time.monotonic() - started, 1)
        yield city
    finally:
        city.stop_all()
        topo.drop_database(name)
        topo.flush_redis()
        for line in (f"{k}: {v}" for k, v in FIGURES.items()):
            print(f"topology figure — {line}")


def login(city, session, username="admin"):
    page = session.get(f"{city.base}/login/", timeout=30)
    response = session.post(f"{city.base}/login/", timeout=30, allow_redirects=False, data={
        "username": username, "password": topo.PASSWORD, "csrf_token": topo.csrf_token(page.text)})
    assert response.status_code == 302, (response.status_code, response.text[:500])
    return response


def failed_login(city, session):
    """A wrong password (with the session's CSRF token, fetched once: only POSTs count, and
    back-to-back POSTs go to one host, then the other)."""
    if not getattr(session, "beian_csrf", None):
        page = session.get(f"{city.base}/login/", timeout=30)
        session.beian_csrf = topo.csrf_token(page.text)
    return session.post(f"{city.base}/login/", timeout=30, allow_redirects=False, data={
        "username": "admin", "password": "wrong-password",
        "csrf_token": session.beian_csrf})


# ---------------------------------------------------------------------------------------------

def test_static_files_and_metrics_are_nginx_business(city):
    for path in ("/static/img/beian-logo.svg", "/static/appbuilder/css/ab.css"):
        response = topo.client().get(f"{city.base}{path}", timeout=10)
        assert response.status_code == 200, path
        assert response.headers.get("X-Upstream", "") == "", f"{path} went to gunicorn"
    assert topo.client().get(f"{city.base}/metrics", timeout=10).status_code == 404
    direct = topo.client().get(f"http://127.0.0.1:{city.host_ports['host-a']}/metrics", timeout=30)
    assert direct.status_code == 200 and "beian_http_requests_total" in direct.text


def test_a_logged_in_user_moves_between_hosts_without_losing_the_session(city):
    session = topo.client()
    login(city, session)
    served = collections.Counter()
    for _ in range(20):
        response = session.get(f"{city.base}/users/userinfo/", timeout=30, allow_redirects=False)
        assert response.status_code == 200, (response.status_code, response.headers)
        assert "admin" in response.text
        assert response.headers.get("X-Request-ID")
        served[city.host_of(response)] += 1
    FIGURES["requests per host (20 logged-in pages)"] = dict(served)
    assert set(served) == {"host-a", "host-b"}
    assert min(served.values()) >= 5
    # nginx's request id is the one in the response and in the serving host's JSON access line.
    request_id, host = response.headers["X-Request-ID"], city.host_of(response)
    assert len(request_id) == 32
    time.sleep(0.5)
    lines = [json.loads(line) for line in city.processes[host].log.read_text().splitlines()
             if request_id in line and "gunicorn.access" in line]
    assert [(line["path"], line["status"]) for line in lines] == [("/users/userinfo/", 200)]


def test_the_login_limit_is_shared_by_the_hosts_and_kept_per_client_address(city):
    attacker, bystander = topo.client("127.0.0.2"), topo.client("127.0.0.3")
    statuses = []
    for _ in range(LOGIN_LIMIT + 4):
        response = failed_login(city, attacker)
        statuses.append((response.status_code, city.host_of(response)))
    allowed = [host for status, host in statuses if status != 429]
    refused = [host for status, host in statuses if status == 429]
    FIGURES["failed logins of one client (status, host)"] = statuses
    assert len(allowed) == LOGIN_LIMIT, statuses
    assert set(allowed) == {"host-a", "host-b"}, "the counted attempts were not spread"
    assert set(refused) == {"host-a", "host-b"}, "a host did not know the other's count"
    # A forged X-Forwarded-For is not another client: nginx appends the real address, the app
    # trusts one hop.
    forged = attacker.post(f"{city.base}/login/", timeout=30, allow_redirects=False,
                           headers={"X-Forwarded-For": "10.20.30.40"},
                           data={"username": "admin", "password": "x",
                                 "csrf_token": attacker.beian_csrf})
    assert forged.status_code == 429
    # Another address still has its own allowance, on either host.
    for _ in range(2):
        assert failed_login(city, bystander).status_code != 429
    login(city, bystander)


def _file_hires(city, count: int) -> list[int]:
    """File hires through nginx with an API key of a unit, and queue their documents through
    host-a; the filings' ids."""
    from app.domain.identifiers import make_citizen_id

    credit_code = city.sql("SELECT credit_code FROM unit WHERE status = 'ACTIVE' "
                           "ORDER BY id LIMIT 1")[0][0]
    key = city.flask("beian", "api-key", "create", "--unit", credit_code,
                     "--name", "topology").strip().splitlines()[-1]
    session, ids = topo.client(), []
    today = datetime.date.today()
    for _ in range(count):
        n = next(_HIRES)
        body = {"citizen_id": make_citizen_id("320213", datetime.date(1990, 1, 1)
                                              + datetime.timedelta(days=7 * n), n % 1000),
                "name": "拓扑测试", "start_date": today.isoformat(), "contract_type": "FIXED",
                "contract_end": (today + datetime.timedelta(days=3 * 365)).isoformat(),
                "job_title": "操作工"}
        response = session.post(f"{city.base}/api/v1/filing/hire", json=body, timeout=60,
                                headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 201, response.text[:800]
        ids.append(response.json()["id"])
        # Asking for the document queues it (ahead of the backlog) — on one host, host-a.
        path = "/" + response.json()["document_url"].split("/", 3)[-1].lstrip("/") \
            if "://" in response.json()["document_url"] else response.json()["document_url"]
        host_a = f"http://127.0.0.1:{city.host_ports['host-a']}"
        asked = session.get(f"{host_a}{path}", timeout=60,
                            headers={"Authorization": f"Bearer {key}"})
        assert asked.status_code in (200, 202), (asked.status_code, asked.text[:500])
    return ids


def _wait_rendered(city, timeout: float = 240) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        waiting = city.sql("SELECT count(*) FROM document WHERE status IN ('QUEUED', 'RENDERING')")
        if waiting[0][0] == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"documents still waiting after {timeout}s: "
                         f"{city.sql('SELECT status, count(*) FROM document GROUP BY status')}")


def _renderers(city) -> dict[str, int]:
    pids = {str(p.popen.pid): name for name, p in city.processes.items()}
    counts = collections.Counter()
    for (claimed_by, n) in city.sql("SELECT claimed_by, count(*) FROM document "
                                    "WHERE status = 'READY' GROUP BY claimed_by"):
        pid = (claimed_by or "::").split(":")[1]
        counts[pids.get(pid, claimed_by)] += n
    return dict(counts)


def test_documents_queued_through_one_host_render_exactly_once(city):
    filed = _file_hires(city, 5)
    seconds = _wait_rendered(city)
    rows = city.sql("SELECT status, attempts, count(*) FROM document GROUP BY status, attempts")
    assert rows == [("READY", 1, rows[0][2])], rows
    ready = rows[0][2]
    assert ready >= 20 + len(filed)
    documents_of_filed = city.sql("SELECT count(*) FROM document WHERE filing_id = ANY(%s) "
                                  "AND status = 'READY' AND attempts = 1", filed)
    assert documents_of_filed[0][0] == len(filed)
    FIGURES["documents rendered once (of them filed through nginx)"] = f"{ready} ({len(filed)})"
    FIGURES["documents rendered by scheduler"] = _renderers(city)
    FIGURES["queue drained in seconds"] = round(seconds, 1)


def test_the_nightly_statistics_run_happens_once(city):
    """Both scheduler processes fire the nightly job for the same night: one claim, one run."""
    at = datetime.datetime.combine(datetime.date.today(), datetime.time(2, 30))
    start_at = time.time() + 8  # both processes loaded, then racing for the claim
    code = f"""
import json, time, datetime
from run import app
from app.jobs import jobs
from app.jobs.scheduler import run_claimed
job = next(j for j in jobs(app) if j.name.startswith("stats") and j.cron)
time.sleep(max(0, {start_at} - time.time()))
result = run_claimed(app, job, at=datetime.datetime.fromisoformat("{at.isoformat()}"))
print(json.dumps({{"job": job.name, "ran": result is not None}}))
"""
    racers = [city.python(code, env=city.host_env(name)) for name in (SCHEDULER_A, SCHEDULER_B)]
    outcomes = []
    for racer in racers:
        out, err = racer.communicate(timeout=300)
        assert racer.returncode == 0, err[-2000:]
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    job = outcomes[0]["job"]
    assert [o["ran"] for o in outcomes].count(True) == 1, outcomes
    claims = city.sql("SELECT run_key, count(*) FROM job_claim WHERE job_name = %s "
                      "GROUP BY run_key", job)
    assert claims == [(at.replace(hour=0, minute=0).isoformat(timespec="seconds"), 1)], claims
    FIGURES[f"{job} runs (claims) for one night, two schedulers"] = 1


def test_killing_a_web_host_loses_no_request(city):
    session = topo.client()
    login(city, session)
    served, failures, after_kill = collections.Counter(), [], []
    killed_at = None
    for i in range(30):
        if i == 10:
            city.processes["host-b"].kill(signal.SIGKILL)
            killed_at = time.monotonic()
        started = time.monotonic()
        try:
            response = session.get(f"{city.base}/users/userinfo/", timeout=30,
                                   allow_redirects=False)
        except Exception as exc:  # noqa: BLE001 - counted, then asserted
            failures.append(repr(exc))
            continue
        if response.status_code != 200:
            failures.append(response.status_code)
        served[city.host_of(response)] += 1
        if killed_at is not None:
            after_kill.append((city.host_of(response), time.monotonic() - started))
    FIGURES["requests per host around the kill of host-b"] = dict(served)
    FIGURES["slowest request after the kill (s)"] = round(max(s for _, s in after_kill), 3)
    assert failures == []
    assert {host for host, _ in after_kill} == {"host-a"}
    assert city.processes["host-b"].popen.wait(timeout=10) == -signal.SIGKILL


def test_killing_a_scheduler_lets_the_other_render_everything_once(city):
    city.processes[SCHEDULER_A].kill(signal.SIGKILL)
    killed_at = time.monotonic()
    before = city.sql("SELECT count(*) FROM document")[0][0]
    filed = _file_hires(city, 5)
    _wait_rendered(city)
    FIGURES["failover: kill of scheduler-a to the last new document rendered (s)"] = round(
        time.monotonic() - killed_at, 1)
    rows = city.sql("SELECT status, attempts, count(*) FROM document GROUP BY status, attempts")
    assert rows == [("READY", 1, before + len(filed))], rows
    new = city.sql("SELECT claimed_by FROM document WHERE filing_id = ANY(%s)", filed)
    survivor = str(city.processes[SCHEDULER_B].popen.pid)
    assert {c.split(":")[1] for (c,) in new} == {survivor}
    FIGURES["documents rendered by scheduler (after the kill)"] = _renderers(city)
