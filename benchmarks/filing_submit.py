"""Submit hires one by one through the service layer and through the HTTP form, against a
database already holding --background filings; compare with a bare insert of the same rows.

    python benchmarks/filing_submit.py [--size 1000] [--background 200000] [--database-url URL]

Target (issue "Filings"): p95 under 50 ms per filing through the service on SQLite."""

from __future__ import annotations

import datetime
import itertools
import time

from _common import parser, report, throwaway_app


def _background(app, count: int) -> None:
    """Bulk-load `count` filed hires (and their employments) with Core inserts."""
    from sqlalchemy import insert, select

    from app.domain.identifiers import make_citizen_id
    from app.extensions import db
    from app.models.filings import Employment, Filing
    from app.models.people import Person
    from app.models.units import Unit

    with app.app_context():
        unit_ids = list(db.session.scalars(select(Unit.id)))
        start = datetime.date(2015, 1, 1)
        batch, emp_batch, person_batch = [], [], []
        next_person = (db.session.scalar(select(Person.id).order_by(Person.id.desc())) or 0) + 1
        next_emp = 1
        for i in range(count):
            pid = next_person + i
            day = start + datetime.timedelta(days=i % 3650)
            number = make_citizen_id("320213", datetime.date(1960, 1, 1) +
                                     datetime.timedelta(days=i // 1000), i % 1000)
            person_batch.append({"id": pid, "name": "背景", "citizen_id": number, "sex": "M",
                                 "birth_date": datetime.date(1980, 1, 1), "phone": "",
                                 "household_region_code": "320213"})
            emp_batch.append({"id": next_emp + i, "person_id": pid,
                              "unit_id": unit_ids[i % len(unit_ids)],
                              "employment_form_code": "FT", "contract_type_code": "OPEN",
                              "contract_start": day, "start_date": day, "status": "ACTIVE",
                              "job_title": ""})
            batch.append({"receipt_number": f"BG{i:012d}", "filing_type": "HIRE",
                          "status": "FILED", "channel": "ONLINE",
                          "unit_id": unit_ids[i % len(unit_ids)], "person_id": pid,
                          "person_name": "背景", "person_citizen_id": number,
                          "employment_id": next_emp + i, "employment_form_code": "FT",
                          "contract_type_code": "OPEN", "contract_start": day, "start_date": day,
                          "job_title": "", "note": "", "version": 1, "row_version": 1,
                          "is_overdue": False, "is_multiple_employment": False,
                          "needs_attachment_review": False, "needs_district_approval": False,
                          "filed_at": datetime.datetime.combine(day, datetime.time(9))})
            if len(batch) == 5000 or i == count - 1:
                db.session.execute(insert(Person), person_batch)
                db.session.execute(insert(Employment), emp_batch)
                db.session.execute(insert(Filing), batch)
                db.session.commit()
                batch, emp_batch, person_batch = [], [], []


def main() -> None:
    p = parser(__doc__.splitlines()[0], default_size=1000)
    p.add_argument("--background", type=int, default=200_000)
    args = p.parse_args()
    with throwaway_app(args.database_url) as app:
        started = time.perf_counter()
        _background(app, args.background)
        print(f"background_filings: {args.background} rows")
        print(f"background_load_time: {time.perf_counter() - started:.1f} s")

        from sqlalchemy import insert, select

        from app.domain.identifiers import make_citizen_id
        from app.extensions import appbuilder, db
        from app.models.filings import Filing
        from app.models.units import Unit, UnitStatus
        from app.services import filings as fs

        seq = itertools.count(1)
        today = datetime.date.today()

        def new_id():
            n = next(seq)
            return make_citizen_id("320211", datetime.date(1995, 1, 1) +
                                   datetime.timedelta(days=n // 1000), n % 1000)

        with app.app_context():
            unit = db.session.scalar(select(Unit).where(Unit.status == UnitStatus.ACTIVE))
            unit_id = unit.id
            user = appbuilder.sm.find_user(username="city")
            actor = fs.Actor.of(user)
            service_ms = []
            for _ in range(args.size):
                inp = fs.HireInput(unit_id=unit_id, citizen_id=new_id(), name="测速",
                                   start_date=today, contract_end=today.replace(year=today.year + 3))
                t0 = time.perf_counter()
                fs.submit(inp, actor)
                service_ms.append((time.perf_counter() - t0) * 1000)
            _, service_p95 = report("service_submit", service_ms)

            # Baseline: a bare INSERT of the same kind of row, one transaction each.
            bare_ms = []
            for i in range(args.size):
                row = {"receipt_number": f"BARE{i:010d}", "filing_type": "HIRE",
                       "status": "FILED", "channel": "ONLINE", "unit_id": unit_id,
                       "person_id": 1, "person_name": "测速", "person_citizen_id": new_id(),
                       "job_title": "", "note": "", "version": 1, "row_version": 1,
                       "is_overdue": False, "is_multiple_employment": False,
                       "needs_attachment_review": False, "needs_district_approval": False}
                t0 = time.perf_counter()
                db.session.execute(insert(Filing), [row])
                db.session.commit()
                bare_ms.append((time.perf_counter() - t0) * 1000)
            bare_median, _ = report("bare_insert", bare_ms)
            import statistics

            print(f"ratio_service_to_bare_median: {statistics.median(service_ms) / bare_median:.1f} x")

        http_ms = _http(app, unit_id, new_id, args.size, today)
        if http_ms:
            report("http_form_submit", http_ms)
        print(f"target_service_p95_under_50ms: {'met' if service_p95 < 50 else 'NOT met'}")


def _http(app, unit_id, new_id, size, today):
    """POST the counter's hire form as city staff (the same path a browser takes)."""
    client = app.test_client()
    client.post("/login/", data={"username": "city", "password": "Beian@2026demo"})
    url = f"/counter/unit/{unit_id}/hire"
    if client.get(url).status_code != 200:
        print("http_form_submit: n/a (counter hire form not available)")
        return []
    timings = []
    for _ in range(size):
        data = {"citizen_id": new_id(), "name": "测速", "start_date": today.isoformat(),
                "employment_form": "FT", "contract_type": "FIXED",
                "contract_end": today.replace(year=today.year + 3).isoformat()}
        t0 = time.perf_counter()
        response = client.post(url, data=data)
        timings.append((time.perf_counter() - t0) * 1000)
        with client.session_transaction() as session:  # a browser would show (and drop) it
            session.pop("_flashes", None)
        if response.status_code not in (200, 302):
            raise SystemExit(f"HTTP submit failed: {response.status_code}")
    return timings


if __name__ == "__main__":
    main()
