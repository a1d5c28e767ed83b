"""Render worker processes for the document queue: one warm parent, N forked workers.

`flask beian documents work --processes N` loads everything rendering needs once in the parent —
xhtml2pdf and ReportLab with the CJK font registered, pyHanko with the signing key parsed, the
templates compiled, one form rendered and signed — then takes those objects out of the garbage
collector's reach (gc.freeze: a collection never writes to their pages) and forks the workers.
The workers share those pages copy-on-write, so what each worker adds is what its own renders
need, not another copy of the libraries (about 190 MB of resident memory each when every worker
imports them itself). Each worker works the shared queue (claims are atomic, see
app.services.documents.queue.claim_next) until stopped, or until the queue is empty with `once`.

Memory figures per worker come from /proc/self/smaps_rollup: RSS counts shared pages in full in
every process; PSS divides each shared page between the processes sharing it (so the PSS of all
processes adds up to the memory really used); USS is the memory only this process holds."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

from flask import Flask

from app.extensions import db
from app.services.documents.render import render_pending
from app.services.documents.resources import FONT_FAMILY, html_to_pdf, register_font
from app.services.documents.signing import sign_pdf, signing_enabled
from app.services.documents.templates import jinja_env

log = logging.getLogger(__name__)

MEMORY_SAMPLE_SECONDS = 0.25


def memory_now(pid: int | str = "self") -> dict[str, float]:
    """A process's memory in MB: rss, pss, uss (Linux; empty elsewhere or once it has gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    values: dict[str, int] = {}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            values[name.strip()] = int(parts[0])  # kB
    uss = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return {"rss": values.get("Rss", 0) / 1024, "pss": values.get("Pss", 0) / 1024,
            "uss": uss / 1024}


class PeakMemory:
    """Samples the memory of this process (and of `children()`, summed) in a daemon thread and
    keeps each figure's peak: the sum at one instant is what the processes use together."""

    def __init__(self, every: float = MEMORY_SAMPLE_SECONDS, children=lambda: ()):
        self.peak: dict[str, float] = {}
        self._every = every
        self._children = children
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)

    def _sample(self) -> None:
        total: dict[str, float] = {}
        for pid in ("self", *self._children()):
            for key, value in memory_now(pid).items():
                total[key] = total.get(key, 0.0) + value
        for key, value in total.items():
            self.peak[key] = max(self.peak.get(key, 0.0), value)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._sample()

    def __enter__(self) -> PeakMemory:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def warm() -> None:
    """Load, compile and parse once what every render needs (inside an app context)."""
    register_font()
    env = jinja_env()
    for name in env.list_templates(filter_func=lambda n: n.startswith("documents/pdf")):
        env.get_template(name)
    pdf = html_to_pdf(f'<p style="font-family: {FONT_FAMILY}">用工备案 预热</p>')
    if signing_enabled():
        sign_pdf(pdf)


def _worker(app: Flask, name: str, once: bool, poll_seconds: float, results,
            limit: int | None = None) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl+C and stops us
    rendered = failed = 0
    started = time.perf_counter()
    with PeakMemory() as peak, app.app_context():
        db.engine.dispose(close=False)  # never use the parent's connections
        while not stop.is_set():
            left = 50 if limit is None else min(50, limit - rendered - failed)
            if left <= 0:
                break
            result = render_pending(limit=left, worker=f"{name}:{os.getpid()}")
            rendered, failed = rendered + result["rendered"], failed + result["failed"]
            if once and not any(result.values()):
                break
            if not any(result.values()):
                stop.wait(poll_seconds)
        db.session.remove()
    if results is not None:
        results.put({"name": name, "rendered": rendered, "failed": failed,
                     "seconds": time.perf_counter() - started,
                     **{f"peak_{k}_mb": v for k, v in peak.peak.items()}})


def run_pool(app: Flask, processes: int = 2, *, once: bool = False,
             poll_seconds: float = 2.0, limit: int | None = None) -> dict:
    """Warm up, fork `processes` workers and wait for them (until the queue is empty with
    `once`, or each rendered `limit` documents, else until interrupted). Returns {"workers":
    each worker's figures, "pool": the peak memory of the parent and the workers together}."""
    with app.app_context():
        warm()
        db.session.remove()
        db.engine.dispose()  # the children open their own connections
    gc.collect()
    gc.freeze()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_worker, name=f"render-{i}",
                               args=(app, f"render-{i}", once, poll_seconds, results, limit))
               for i in range(processes)]
    for worker in workers:
        worker.start()
    log.info("render workers started: %s", ", ".join(str(w.pid) for w in workers))
    figures = []
    alive = [w.pid for w in workers]
    with PeakMemory(children=lambda: alive) as pool:
        try:
            for _ in workers:
                figures.append(results.get())
        except KeyboardInterrupt:
            for worker in workers:
                worker.terminate()
            for _ in workers:
                figures.append(results.get(timeout=60))
        finally:
            for worker in workers:
                worker.join(60)
            gc.unfreeze()
            alive.clear()
    return {"workers": sorted(figures, key=lambda f: f["name"]), "pool": pool.peak}
