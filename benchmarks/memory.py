"""Memory of the long-running processes: a gunicorn web worker under repeated requests, and the
scheduler process while it renders a large queue — sampled as it goes, to show a plateau.

    python benchmarks/memory.py [--size 10000] [--every 1000] [--requests 3000] [--database-url URL]

Prints, one `name: value unit` a line:
  - web_worker_rss_after_<n>: the RSS of the one gunicorn worker (deploy/gunicorn.conf.py, gthread,
    recycling switched off) after n logged-in page requests, sampled every --requests/10;
  - scheduler_rss_after_<n>: the RSS of `flask beian scheduler` after it rendered n of --size
    queued documents (signed), sampled every --every documents;
  - for each, the growth over the second half of the run: near zero means a plateau (what
    max_requests recycling in gunicorn.conf.py protects against when it is not)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import requests
from _common import ROOT, parser, throwaway_app
from documents import _load_filings

PAGES = ("/", "/filingview/list/", "/unitview/list/", "/personview/list/", "/healthz")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(app) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS_")}
    env.update({"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]
                .replace("postgresql+psycopg://", "postgresql://"),
                "BEIAN_INSTANCE_DIR": os.environ["BEIAN_INSTANCE_DIR"],
                "BEIAN_ENV": "development", "BEIAN_DEMO_MODE": "1",
                "RATELIMIT_ENABLED": "0", "AUTH_RATE_LIMITED": "0"})
    return env


def second_half_growth(samples: list[tuple[int, float]]) -> float:
    """RSS at the end minus RSS half-way: near zero on a plateau."""
    middle = samples[len(samples) // 2][1]
    return samples[-1][1] - middle


def web_worker(app, total: int) -> None:
    port = free_port()
    env = {**environment(app), "BEIAN_BIND": f"127.0.0.1:{port}", "BEIAN_WEB_WORKERS": "1",
           "BEIAN_WEB_THREADS": "4", "BEIAN_WEB_MAX_REQUESTS": "0", "BEIAN_ACCESS_LOG": "/dev/null"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c",
                               str(ROOT / "deploy" / "gunicorn.conf.py")], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        worker = children(server.pid)[0]
        session = requests.Session()
        page = session.get(f"{base}/login/", timeout=30).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        session.post(f"{base}/login/", data={"username": "city", "password": "Beian@2026demo",
                                             "csrf_token": token}, timeout=30)
        statuses = {session.get(f"{base}{path}", timeout=30).status_code for path in PAGES}
        print(f"web_pages: {len(PAGES)} pages, statuses {sorted(statuses)}")
        every = max(1, total // 10)
        samples = [(0, rss_mb(worker))]
        started = time.perf_counter()
        for n in range(1, total + 1):
            session.get(f"{base}{PAGES[n % len(PAGES)]}", timeout=30)
            if n % every == 0:
                samples.append((n, rss_mb(worker)))
        elapsed = time.perf_counter() - started
        for n, value in samples:
            print(f"web_worker_rss_after_{n}: {value:.0f} MB")
        print(f"web_requests_per_second: {total / elapsed:.1f} req/s")
        print(f"web_worker_rss_growth_second_half: {second_half_growth(samples):+.1f} MB")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def scheduler(app, size: int, every: int) -> None:
    from sqlalchemy import func, select

    from app.domain.documents import DocumentStatus
    from app.extensions import db
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue

    filing_ids = _load_filings(app, size)
    with app.app_context():
        queued = doc_queue.enqueue_missing(limit=size + 1000)
        db.session.remove()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "beian",
                                "scheduler"], cwd=ROOT, env={**environment(app),
                                "BEIAN_RENDER_EVERY_SECONDS": "1"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    print(f"scheduler_documents_queued: {queued} documents ({len(filing_ids)} loaded)")

    def ready() -> int:
        with app.app_context():
            value = db.session.scalar(select(func.count()).select_from(Document)
                                      .where(Document.status == DocumentStatus.READY))
            db.session.remove()
        return value or 0

    try:
        time.sleep(1)
        print(f"scheduler_rss_at_start: {rss_mb(process.pid):.0f} MB (before the app is loaded)")
        samples, next_mark, started = [], every, time.perf_counter()
        done = 0
        while done < queued:
            if process.poll() is not None:
                raise SystemExit("the scheduler exited")
            done = ready()
            while done >= next_mark:
                samples.append((next_mark, rss_mb(process.pid)))
                next_mark += every
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        if not samples or samples[-1][0] != done:
            samples.append((done, rss_mb(process.pid)))
        for n, value in samples:
            print(f"scheduler_rss_after_{n}: {value:.0f} MB")
        print(f"scheduler_rendered: {done} documents in {elapsed:.0f} s")
        print(f"scheduler_throughput: {done / elapsed:.1f} documents/s")
        print(f"scheduler_rss_growth_second_half: {second_half_growth(samples):+.1f} MB")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    p = parser(__doc__, 10_000)
    p.add_argument("--every", type=int, default=1000, help="sample the scheduler every N documents")
    p.add_argument("--requests", type=int, default=3000, help="requests to the web worker")
    args = p.parse_args()
    with throwaway_app(args.database_url, units=60, persons=500) as app:
        web_worker(app, args.requests)
        scheduler(app, args.size, max(1, args.every))


if __name__ == "__main__":
    main()
