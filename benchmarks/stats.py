"""Benchmark of the employment barometer: full rebuild, nightly increment and dashboard pages on
N generated filings (default 1,000,000), with the baseline of one GROUP BY over the raw filings
measured in the same run.

    .venv/bin/python benchmarks/stats.py --size 200000
    .venv/bin/python benchmarks/stats.py --size 200000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Targets (SQLite, this machine): rebuild ≤ 60 s, nightly ≤ 5 s, every page ≤ 300 ms p95."""

from __future__ import annotations

import time

from _common import parser, report, throwaway_app

REQUESTS = 20
PAGES = ("/stats/", "/stats/industry", "/stats/terminations", "/stats/groups",
         "/stats/operations", "/stats/push/", "/stats/export/volume_by_month.xlsx")


def _baseline_group_by() -> float:
    """One GROUP BY over the raw filings: month × district × type × channel × industry ×
    ownership × form (what the month rows hold), read into Python."""
    from sqlalchemy import func, select

    from app.domain import stats as ds
    from app.extensions import db
    from app.models.filings import Filing
    from app.models.units import Unit
    from app.services.stats.sql import bucket

    month = bucket(ds.MONTH, "filing.submitted_at")
    cols = (month, Unit.district_id, Filing.filing_type, Filing.channel,
            Unit.industry_section_code, Unit.ownership_type_code, Filing.employment_form_code)
    started = time.perf_counter()
    db.session.execute(select(*cols, func.count()).join(Unit, Unit.id == Filing.unit_id)
                       .where(Filing.status == "FILED").group_by(*cols)).all()
    seconds = time.perf_counter() - started
    db.session.rollback()
    return seconds


def main() -> None:
    args = parser(__doc__.splitlines()[0], 1_000_000).parse_args()
    with throwaway_app(args.database_url, units=300, persons=5000) as app:
        with app.app_context():
            from app.demo.history import generate
            from app.extensions import db
            from app.services.stats import build as stats_build

            print(f"database: {db.engine.dialect.name}")
            started = time.perf_counter()
            added = generate(args.size)
            print(f"filings_generated: {added} filings")
            print(f"generate_time: {time.perf_counter() - started:.1f} s")

            baseline = min(_baseline_group_by() for _ in range(2))
            print(f"baseline_group_by_raw_filings: {baseline:.2f} s")
            started = time.perf_counter()
            result = stats_build.rebuild()
            rebuild = time.perf_counter() - started
            print(f"full_rebuild: {rebuild:.2f} s")
            print(f"full_rebuild_vs_group_by: {rebuild / baseline:.1f} x")
            print(f"fact_rows_by_period: {stats_build.period_counts()}")
            print(f"push_suggestions: {result['suggestions']}")

            day = max(args.size // 1800, 50)  # about one day's filings
            generate(day, days=1, seed=99)
            started = time.perf_counter()
            nightly = stats_build.nightly()
            seconds = time.perf_counter() - started
            print(f"nightly_increment: {seconds:.2f} s ({nightly['days']} days recomputed, "
                  f"after adding {day} filings)")
            print(f"nightly_vs_group_by: {seconds / baseline:.2f} x")
            db.session.remove()

        from tests.conftest import login

        for username in ("city", "district"):
            client = login(app.test_client(), username)
            worst = 0.0
            for url in PAGES:
                for _ in range(2):  # warm-up: templates compiled, caches filled
                    assert client.get(url).status_code == 200, url
                times = []
                for _ in range(REQUESTS):
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, url
                name = url.strip("/").replace("/", "_").replace(".", "_") or "stats"
                _, p95 = report(f"page_{username}_{name}", times)
                worst = max(worst, p95)
            print(f"page_{username}_worst_p95: {worst:.2f} ms")
            print(f"page_{username}_worst_p95_vs_group_by: {worst / 1000 / baseline:.3f} x")


if __name__ == "__main__":
    main()
