"""gunicorn settings of a Beian web host: `gunicorn -c deploy/gunicorn.conf.py` (the app is run:app).

Threaded workers (the work is database-bound), recycled after a jittered number of requests, an
access log of one JSON object a line carrying the request id nginx sent (X-Request-ID), and
Prometheus metrics shared by the workers through PROMETHEUS_MULTIPROC_DIR. Every value can be
changed from the environment (/etc/beian/beian.env) without editing this file."""

from __future__ import annotations

import datetime
import json
import os
import shutil

from gunicorn import glogging


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "run:app"
# nginx reaches every host on this address; keep it off the public interface.
bind = [address.strip() for address in os.environ.get("BEIAN_BIND", "127.0.0.1:8000").split(",")
        if address.strip()]
worker_class = "gthread"
workers = _int("BEIAN_WEB_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("BEIAN_WEB_THREADS", 4)
# A request that takes longer than this is stuck (the slow work — PDFs, bulk files — is queued).
timeout = _int("BEIAN_WEB_TIMEOUT", 60)
graceful_timeout = _int("BEIAN_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5  # nginx keeps its upstream connections open (keepalive in the upstream block)
# Recycle a worker after this many requests (± jitter, so they do not all restart together):
# memory a long-lived worker gathers (caches, fragmentation) is given back.
max_requests = _int("BEIAN_WEB_MAX_REQUESTS", 5000)
max_requests_jitter = _int("BEIAN_WEB_MAX_REQUESTS_JITTER", 500)
# Requests are at most a bulk upload (BEIAN_BULK_MAX_BYTES) and nginx buffers them.
limit_request_line = 8190
# X-Forwarded-* are read by the app (ProxyFix, BEIAN_PROXY_HOPS), wherever nginx runs.
proc_name = "beian-web"
# gunicornc's control socket: beian-web.service puts it in its runtime directory; off otherwise
# (two gunicorns of one user would fight over the default path in $HOME).
control_socket = os.environ.get("BEIAN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
accesslog = os.environ.get("BEIAN_ACCESS_LOG", "-")  # "-": stdout, i.e. the journal
errorlog = "-"
loglevel = os.environ.get("BEIAN_LOG_LEVEL", "info").lower()
capture_output = True


class JsonAccessLogger(glogging.Logger):
    """Access lines as JSON (the app's own lines are JSON with BEIAN_LOG_FORMAT=json): a
    request's id finds its access line and its application lines on every host."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        response_headers = {name.lower(): value for name, value in getattr(resp, "headers", [])}
        line = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": response_headers.get("x-request-id")
            or environ.get("HTTP_X_REQUEST_ID", "-"),
            "remote_addr": atoms["h"],
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"] or 0,
            "ms": atoms["M"],
            "user_agent": atoms["a"],
            "process": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # a log line must never fail a request
            self.exception("access log")


logger_class = JsonAccessLogger


def on_starting(server):
    """Start from an empty metrics directory: files of a previous run's workers would be
    counted again (and their gauges would never go away)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not directory:
        return
    if os.path.isdir(directory):
        for entry in os.listdir(directory):
            path = os.path.join(directory, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
    os.makedirs(directory, mode=0o750, exist_ok=True)
    server.log.info("prometheus multiprocess directory %s ready", directory)


def child_exit(server, worker):
    """A worker that exits (recycled, killed, timed out) stops counting in live gauges; its
    counters stay summed in the files it leaves."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
