"""Bulk filing end to end: a generated 2,000-row and 20,000-row hire workbook (xlsx), each
uploaded, validated and filed through app.services.bulk exactly as the worker does it; compared
with a bare Core executemany of the same rows (persons, employments, filings) in the same run.

    python benchmarks/bulk_import.py [--sizes 2000,20000] [--database-url URL]

Targets (issue "Bulk filing"): 2,000 rows ≤ 3 s on SQLite and ≤ 5 s on PostgreSQL end to end;
20,000 rows ≤ 30 s; memory flat in file size beyond parsing (peak memory of the filing phase
per row should not grow with the file)."""

from __future__ import annotations

import datetime
import io
import time
import tracemalloc

from _common import parser, throwaway_app

TODAY = datetime.date.today()


def workbook(size: int, offset: int) -> bytes:
    """A hire workbook as the template is filled in (header, notes row, rows)."""
    from openpyxl import Workbook

    from app.domain.bulk.columns import COLUMNS
    from app.domain.filings import FilingType
    from app.domain.identifiers import make_citizen_id

    columns = COLUMNS[FilingType.HIRE]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("录用备案")
    ws.append([c.header_zh for c in columns])
    ws.append([c.note_zh for c in columns])
    end = (TODAY + datetime.timedelta(days=1000)).isoformat()
    for i in range(offset, offset + size):
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 1000)
        row = {"citizen_id": make_citizen_id("320282", birth, i % 1000), "name": f"压测{i}",
               "phone": "13912345678", "education": "大学本科毕业", "employment_form": "全日制",
               "start_date": TODAY.isoformat(), "contract_type": "固定期限劳动合同",
               "contract_end": end, "job_title": "操作工"}
        ws.append([row.get(c.key) for c in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bulk_file(app, unit_id: int, data: bytes, name: str) -> dict:
    from app.extensions import appbuilder, db
    from app.models.filings import Channel
    from app.services.bulk.filing import request_filing
    from app.services.bulk.processing import process_batch
    from app.services.bulk.upload import upload_file
    from app.services.filings import Actor

    with app.app_context():
        actor = Actor.of(appbuilder.sm.find_user(username="admin"), via=Channel.BULK)
        t0 = time.perf_counter()
        batch, _ = upload_file(actor, unit_id, "HIRE", name, data)
        t1 = time.perf_counter()
        batch = process_batch(batch.id)
        t2 = time.perf_counter()
        assert batch.invalid == 0, (batch.errors_by_code, batch.file_error_message)
        request_filing(actor, batch.id, "all_or_nothing")
        batch = process_batch(batch.id)
        t3 = time.perf_counter()
        assert batch.filed == batch.total, (batch.status, batch.file_error_message)
        result = {"upload": t1 - t0, "validate": t2 - t1, "file": t3 - t2, "total": t3 - t0,
                  "rows": batch.total}
        db.session.remove()
        return result


def bare_insert(app, unit_id: int, size: int, offset: int) -> float:
    """The same rows with Core executemany: no parsing, no rules, no audit, no notices."""
    from sqlalchemy import insert, select

    from app.domain.identifiers import make_citizen_id
    from app.extensions import db
    from app.models.filings import Employment, Filing
    from app.models.people import Person

    with app.app_context():
        started = time.perf_counter()
        first = (db.session.scalar(select(Person.id).order_by(Person.id.desc())) or 0) + 1
        first_emp = (db.session.scalar(select(Employment.id).order_by(Employment.id.desc()))
                     or 0) + 1
        persons, employments, filings = [], [], []
        end = TODAY + datetime.timedelta(days=1000)
        for n, i in enumerate(range(offset, offset + size)):
            birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 1000)
            number = make_citizen_id("320282", birth, i % 1000)
            pid, eid = first + n, first_emp + n
            persons.append({"id": pid, "name": f"基线{i}", "citizen_id": number, "sex": "M",
                            "birth_date": birth, "phone": "13912345678",
                            "household_region_code": "320282"})
            employments.append({"id": eid, "person_id": pid, "unit_id": unit_id,
                                "employment_form_code": "FT", "contract_type_code": "FIXED",
                                "contract_start": TODAY, "contract_end": end,
                                "start_date": TODAY, "status": "ACTIVE", "job_title": "操作工"})
            filings.append({"receipt_number": f"BL{i:012d}", "filing_type": "HIRE",
                            "status": "FILED", "channel": "BULK", "unit_id": unit_id,
                            "person_id": pid, "person_name": f"基线{i}",
                            "person_citizen_id": number, "employment_id": eid,
                            "employment_form_code": "FT", "contract_type_code": "FIXED",
                            "contract_start": TODAY, "contract_end": end, "start_date": TODAY,
                            "job_title": "操作工", "note": "", "version": 1, "row_version": 1,
                            "is_overdue": False, "is_multiple_employment": False,
                            "needs_attachment_review": False,
                            "needs_district_approval": False})
        db.session.execute(insert(Person), persons)
        db.session.execute(insert(Employment), employments)
        db.session.execute(insert(Filing), filings)
        db.session.commit()
        elapsed = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
            from sqlalchemy import text

            for table in ("person", "employment"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
            db.session.commit()
        db.session.remove()
        return elapsed


def main() -> None:
    p = parser(__doc__.splitlines()[0], default_size=2000)
    p.add_argument("--sizes", default="2000,20000")
    p.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with throwaway_app(args.database_url) as app:
        from sqlalchemy import select

        from app.extensions import db
        from app.models.units import Unit, UnitStatus

        with app.app_context():
            units = list(db.session.scalars(select(Unit.id).where(
                Unit.status == UnitStatus.ACTIVE).order_by(Unit.id).limit(8)))
        print(f"database: {'postgresql' if args.database_url else 'sqlite'}")
        offset = 0
        for n, size in enumerate(sizes):
            data = workbook(size, offset)
            print(f"file_{size}_bytes: {len(data)} B")
            timing = bulk_file(app, units[n % len(units)], data, f"bench-{size}.xlsx")
            offset += size
            baseline = bare_insert(app, units[(n + 3) % len(units)], size, offset)
            offset += size
            total = timing["total"]
            print(f"bulk_{size}_upload: {timing['upload']:.2f} s")
            print(f"bulk_{size}_validate: {timing['validate']:.2f} s")
            print(f"bulk_{size}_file: {timing['file']:.2f} s")
            print(f"bulk_{size}_wall_time: {total:.2f} s")
            print(f"bulk_{size}_rows_per_second: {size / total:.0f} rows/s")
            print(f"baseline_bare_insert_{size}: {baseline:.3f} s")
            print(f"bulk_{size}_ratio_to_bare_insert: {total / baseline:.1f} x")
        if not args.no_memory:
            for n, size in enumerate(sizes):
                data = workbook(size, offset)
                tracemalloc.start()
                bulk_file(app, units[(n + 5) % len(units)], data, f"mem-{size}.xlsx")
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                offset += size
                print(f"bulk_{size}_peak_memory: {peak / 1024 / 1024:.1f} MiB "
                      f"({peak / size / 1024:.1f} KiB/row, file {len(data) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
