"""Render printed forms (备案表) as the scheduler does, and compare with xhtml2pdf alone.

    python benchmarks/documents.py [--size 2000] [--samples 100] [--workers 2] [--database-url URL]

Prints, one `name: value unit` a line:
  - one form's render time (median, p95), unsigned and signed (context + seals + QR + Jinja +
    xhtml2pdf [+ PAdES signature]), and the baseline: xhtml2pdf rendering the same HTML with
    nothing else, in the same process; the ratios to it;
  - --size forms (default 2,000, e.g. a plant closure) rendered from the queue by --workers
    processes as `flask beian documents work` runs them (forked from one warm parent, each with
    its own database connection): wall time, throughput, and each worker's peak memory as RSS,
    PSS and USS (see app/services/documents/workers.py).

Targets (issue "E-stamped documents"): p95 ≤ 100 ms unsigned, ≤ 150 ms signed; 2,000 forms
≤ 120 s with two workers; ≤ 150 MB per worker."""

from __future__ import annotations

import datetime
import io
import multiprocessing
import os
import resource
import statistics
import time

from _common import parser, report, throwaway_app


def _load_filings(app, count: int) -> list[int]:
    """`count` filed hires (persons, employments, filings with receipt numbers), bulk-inserted
    with Core: the benchmark is about documents, not about submitting filings."""
    from sqlalchemy import insert, select

    from app.domain.identifiers import make_citizen_id
    from app.extensions import db
    from app.models.filings import Employment, Filing
    from app.models.org import Office
    from app.models.people import Person
    from app.models.units import Unit, UnitStatus

    with app.app_context():
        units = list(db.session.execute(select(Unit.id, Unit.street_id)
                                        .where(Unit.status == UnitStatus.ACTIVE)))
        offices = {region: office for region, office in db.session.execute(
            select(Office.region_id, Office.id))}
        next_person = (db.session.scalar(select(Person.id).order_by(Person.id.desc())) or 0) + 1
        next_emp = (db.session.scalar(select(Employment.id).order_by(Employment.id.desc()))
                    or 0) + 1
        today = datetime.date.today()
        filed_at = datetime.datetime.combine(today, datetime.time(9))
        persons, employments, filings = [], [], []
        for i in range(count):
            unit_id, street_id = units[i % len(units)]
            number = make_citizen_id("320213", datetime.date(1970, 1, 1)
                                     + datetime.timedelta(days=i // 900), i % 900 + 50)
            pid, eid = next_person + i, next_emp + i
            persons.append({"id": pid, "name": "孙" + "一二三四五六七八九十"[i % 10] + "明",
                            "citizen_id": number, "sex": "M",
                            "birth_date": datetime.date(1980, 1, 1), "phone": "",
                            "household_region_code": "320213"})
            employments.append({"id": eid, "person_id": pid, "unit_id": unit_id,
                                "employment_form_code": "FT", "contract_type_code": "FIXED",
                                "contract_start": today, "contract_end": today.replace(
                                    year=today.year + 3), "start_date": today,
                                "status": "ACTIVE", "job_title": "操作工"})
            filings.append({"receipt_number": f"BA{today:%Y%m%d}320213{i + 1:06d}",
                            "filing_type": "HIRE", "status": "FILED", "channel": "ONLINE",
                            "unit_id": unit_id, "person_id": pid, "person_name": persons[-1]["name"],
                            "person_citizen_id": number, "employment_id": eid,
                            "employment_form_code": "FT", "contract_type_code": "FIXED",
                            "contract_start": today,
                            "contract_end": employments[-1]["contract_end"], "start_date": today,
                            "job_title": "操作工", "note": "", "version": 1, "row_version": 1,
                            "office_id": offices.get(street_id), "is_overdue": False,
                            "is_multiple_employment": False, "needs_attachment_review": False,
                            "needs_district_approval": False, "filed_at": filed_at})
        for start in range(0, count, 2000):
            db.session.execute(insert(Person), persons[start:start + 2000])
            db.session.execute(insert(Employment), employments[start:start + 2000])
            db.session.execute(insert(Filing), filings[start:start + 2000])
        db.session.commit()
        return list(db.session.scalars(select(Filing.id).where(Filing.receipt_number.in_(
            [f["receipt_number"] for f in filings])).order_by(Filing.id)))


def _single_form(app, filing_id: int, samples: int) -> None:
    from xhtml2pdf import pisa

    from app.extensions import db
    from app.models.filings import Filing
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render
    from app.services.documents import resources as doc_resources
    from app.services.documents import templates as doc_templates

    with app.app_context():
        filing = db.session.get(Filing, filing_id)
        document = doc_queue.request_document(filing)
        html = doc_templates.render_html(filing, document)
        doc_render.render_document_pdf(filing, document, sign=True)  # warm: font, key, seals

        def baseline():
            pisa.CreatePDF(html, dest=io.BytesIO(), path=str(doc_resources.STATIC_DIR / "document.html"))

        # Interleaved, so that whatever else the machine does falls on all three alike.
        runs = {"base": (baseline, []),
                "unsigned": (lambda: doc_render.render_document_pdf(filing, document, sign=False), []),
                "signed": (lambda: doc_render.render_document_pdf(filing, document, sign=True), [])}
        for _ in range(samples):
            for func, values in runs.values():
                started = time.perf_counter()
                func()
                values.append((time.perf_counter() - started) * 1000)
        base, unsigned, signed = (runs[k][1] for k in ("base", "unsigned", "signed"))
        pdf = doc_render.render_document_pdf(filing, document, sign=True)
        db.session.rollback()
    base_median, base_p95 = report("baseline_xhtml2pdf_same_html", base)
    median, p95 = report("form_unsigned", unsigned)
    signed_median, signed_p95 = report("form_signed", signed)
    print(f"form_unsigned_vs_baseline_median: {median / base_median:.2f} x")
    print(f"form_signed_vs_baseline_median: {signed_median / base_median:.2f} x")
    print(f"signing_cost_median: {signed_median - median:.2f} ms")
    print(f"form_pdf_size: {len(pdf) / 1024:.1f} KB")


def _pool(database_url: str, instance_dir: str, workers: int, queue) -> None:
    """What `flask beian documents work --processes N --once` does, in a fresh process: its own
    app, warmed once, forking the render workers."""
    os.environ["BEIAN_INSTANCE_DIR"] = instance_dir
    from app import create_app
    from app.services.documents.workers import run_pool
    from config import TestConfig

    app = create_app(type("BenchWorker", (TestConfig,),
                          {"SQLALCHEMY_DATABASE_URI": database_url}))
    queue.put(run_pool(app, workers, once=True))


def _batch(app, filing_ids: list[int], workers: int) -> None:
    from app.services.documents import queue as doc_queue

    with app.app_context():
        started = time.perf_counter()
        doc_queue.enqueue_missing(limit=len(filing_ids) + 10)
        enqueue_ms = (time.perf_counter() - started) * 1000
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    pool = context.Process(target=_pool, args=(url, os.environ["BEIAN_INSTANCE_DIR"], workers,
                                                queue))
    started = time.perf_counter()
    pool.start()
    outcome = queue.get(timeout=3600)
    pool.join()
    wall = time.perf_counter() - started
    results = outcome["workers"]
    rendered = sum(r["rendered"] for r in results)
    failed = sum(r["failed"] for r in results)
    print(f"batch_forms: {len(filing_ids)} forms")
    print(f"batch_enqueue: {enqueue_ms:.0f} ms")
    print(f"batch_workers: {workers} processes (forked from one warm parent)")
    print(f"batch_rendered: {rendered} forms")
    print(f"batch_failed: {failed} forms")
    print(f"batch_wall_time: {wall:.1f} s (start-up and warm-up included)")
    print(f"batch_throughput: {rendered / wall:.1f} forms/s")
    for r in results:
        name = r["name"].replace("-", "_")
        print(f"batch_{name}_rendered: {r['rendered']} forms")
        print(f"batch_{name}_render_time: {r['seconds']:.1f} s")
        for kind in ("rss", "pss", "uss"):
            print(f"batch_{name}_peak_{kind}: {r.get(f'peak_{kind}_mb', 0):.0f} MB")
    for kind in ("rss", "pss", "uss"):
        print(f"batch_peak_{kind}_max: {max(r.get(f'peak_{kind}_mb', 0) for r in results):.0f} MB")
    # What the pool really costs (parent and workers at one instant), divided among the workers.
    total = outcome["pool"].get("pss", 0)
    print(f"batch_pool_peak_pss_total: {total:.0f} MB (parent + {workers} workers)")
    print(f"batch_pool_pss_per_worker: {total / workers:.0f} MB (parent's share included)")
    print("batch_memory_note: rss counts the pages a worker shares with the warm parent in full; "
          "pss shares them out (what the worker costs); uss is the worker's own")
    per_form = [r["seconds"] * 1000 / max(1, r["rendered"]) for r in results]
    print(f"batch_ms_per_form_per_worker: {statistics.mean(per_form):.1f} ms")
    _check_zip(app, filing_ids)


def _check_zip(app, filing_ids: list[int]) -> None:
    """Stream the whole batch as a ZIP (as the download does) and measure this process's growth."""
    from app.extensions import appbuilder
    from app.services.actor import Actor
    from app.services.documents import batches as doc_batches

    with app.app_context():
        user = appbuilder.sm.find_user(username="city")
        batch = doc_batches.create_batch(Actor.of(user), filing_ids)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        total = sum(len(chunk) for chunk in doc_batches.iter_batch_zip(batch))
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"zip_size: {total / 1024 / 1024:.1f} MB")
    print(f"zip_stream_time: {elapsed:.1f} s")
    print(f"zip_peak_rss_growth: {after - before:.0f} MB")


def main() -> None:
    p = parser(__doc__.splitlines()[0], default_size=2000)
    p.add_argument("--samples", type=int, default=100, help="renders per single-form figure")
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    # Other work on the machine skews every figure: say how busy it was.
    print(f"load_average_before: {os.getloadavg()[0]:.2f} processes")
    with throwaway_app(args.database_url, units=40, persons=100) as app:
        started = time.perf_counter()
        filing_ids = _load_filings(app, args.size + 1)
        print(f"setup_filings: {args.size + 1} in {time.perf_counter() - started:.1f} s")
        _single_form(app, filing_ids[0], args.samples)
        _batch(app, filing_ids[1:], args.workers)
    print(f"load_average_after: {os.getloadavg()[0]:.2f} processes")


if __name__ == "__main__":
    main()


