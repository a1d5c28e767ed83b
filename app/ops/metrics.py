"""Prometheus metrics at /metrics, for operators only (client addresses in BEIAN_METRICS_ALLOW;
nginx does not pass /metrics on). Request counts and latency come from every worker (gunicorn's
workers share them through PROMETHEUS_MULTIPROC_DIR); the platform's state — filings by status,
the document queue, bulk batches in progress, each job's last success — is read from the
database when scraped, at most once every BEIAN_METRICS_CACHE_SECONDS."""

from __future__ import annotations

import ipaddress
import threading
import time

from flask import Blueprint, Flask, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from app import clock
from app.extensions import db

metrics = Blueprint("metrics", __name__)

REQUESTS = Counter("beian_http_requests_total", "HTTP requests served",
                   ["method", "endpoint", "status"])
LATENCY = Histogram("beian_http_request_seconds", "HTTP request latency", ["method", "endpoint"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10))


class PlatformCollector:
    """Gauges read from the database at scrape time, cached for a short while."""

    def __init__(self, app: Flask):
        self.app = app
        self._lock = threading.Lock()
        self._cached: tuple[float, list] = (0.0, [])

    def collect(self):
        ttl = float(self.app.config["BEIAN_METRICS_CACHE_SECONDS"])
        with self._lock:
            taken, families = self._cached
            if time.monotonic() - taken > ttl:
                with self.app.app_context():
                    families = self._read()
                    db.session.remove()
                self._cached = (time.monotonic(), families)
        yield from families

    def _read(self) -> list:
        from app.models.bulk import BatchStatus, BulkBatch
        from app.models.documents import Document, DocumentStatus, JobClaim
        from app.models.filings import Filing

        filings = GaugeMetricFamily("beian_filings", "Filings by status", labels=["status"])
        for status, count in db.session.execute(
                select(Filing.status, func.count()).group_by(Filing.status)):
            filings.add_metric([getattr(status, "name", str(status))], count)
        queue = GaugeMetricFamily("beian_document_queue", "Documents waiting to be rendered")
        oldest_age = GaugeMetricFamily("beian_document_queue_oldest_seconds",
                                       "Age of the oldest document waiting to be rendered")
        waiting = Document.status.in_((DocumentStatus.QUEUED, DocumentStatus.RENDERING))
        count, oldest = db.session.execute(
            select(func.count(), func.min(Document.created_at)).where(waiting)).one()
        queue.add_metric([], count or 0)
        now = clock.now()
        oldest_age.add_metric([], (now - oldest).total_seconds() if oldest else 0)
        active = (BatchStatus.QUEUED, BatchStatus.VALIDATING, BatchStatus.FILE_QUEUED,
                  BatchStatus.FILING)
        batches = GaugeMetricFamily("beian_bulk_batches_in_progress",
                                    "Bulk batches queued or being processed")
        batches.add_metric([], db.session.scalar(
            select(func.count()).select_from(BulkBatch).where(BulkBatch.status.in_(active))) or 0)
        jobs = GaugeMetricFamily("beian_job_last_claimed_timestamp_seconds",
                                 "When each scheduled job last ran (claimed its window)",
                                 labels=["job"])
        for name, last in db.session.execute(
                select(JobClaim.job_name, func.max(JobClaim.claimed_at)).group_by(JobClaim.job_name)):
            jobs.add_metric([name], last.timestamp() if last else 0)
        return [filings, queue, oldest_age, batches, jobs]


def _allowed(address: str) -> bool:
    networks = [n.strip() for n in current_app.config["BEIAN_METRICS_ALLOW"].split(",") if n.strip()]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


@metrics.get("/metrics")
def scrape():
    if not _allowed(request.remote_addr or ""):
        abort(404)
    return generate_latest(current_app.extensions["beian_metrics"]), 200, {
        "Content-Type": CONTENT_TYPE_LATEST}


class _ThisProcess:
    """The request metrics of this process (when the workers do not share a directory)."""

    def collect(self):
        from prometheus_client import REGISTRY

        yield from REGISTRY.collect()


def _registry(app: Flask) -> CollectorRegistry:
    """One registry per app: the workers' request metrics and the platform's gauges."""
    registry = CollectorRegistry()
    if app.config["PROMETHEUS_MULTIPROC_DIR"]:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(PlatformCollector(app))
    return registry


def register_metrics(app: Flask) -> None:
    app.extensions["beian_metrics"] = _registry(app)
    app.register_blueprint(metrics)

    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("metrics_started", None)
        if started is not None and request.endpoint != "metrics.scrape":
            endpoint = request.endpoint or "unmatched"
            LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
            REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        return response
