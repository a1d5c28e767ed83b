"""Reading an uploaded batch's stored file into its rows (once, by the worker): the header row
found by its names, blank and notes rows skipped, the row limit enforced; the file itself is
dropped once its rows are stored (its hash stays)."""

from __future__ import annotations

from sqlalchemy import select, update

from app.domain.bulk.columns import HeaderMatch, is_blank_row, is_notes_row, match_headers
from app.domain.bulk.errors import BULK_HEADER_NOT_FOUND, BULK_NO_ROWS, BULK_TOO_MANY_ROWS
from app.domain.bulk.files import Table, read_table
from app.domain.errors import DomainError
from app.domain.filings import FilingType
from app.extensions import db
from app.models.bulk import BatchStatus, BulkBatch
from app.services.bulk.common import jsonable, limits, max_rows, now, set_batch
from app.services.bulk.store import insert_rows
from app.services.transaction import transaction


def reject_file(batch_id: int, exc: DomainError, notes=None) -> None:
    """The batch cannot be taken: REJECTED with the reason, the file dropped."""
    set_batch(batch_id, status=BatchStatus.REJECTED, file_error_code=exc.code,
              file_error_message=exc.message, finished_at=now(), notes=notes or None,
              file_data=None)


class _DataRows:
    """The data rows of a table as (row number, cells by column key), counted; the header
    row is the first non-blank one."""

    def __init__(self, table: Table, filing_type: FilingType, limit: int):
        self.table, self.filing_type, self.limit = table, filing_type, limit
        self.match: HeaderMatch | None = None
        self.count = 0

    def __iter__(self):
        for number, values in self.table.rows:
            if self.match is None:
                if not is_blank_row(values):
                    self.match = match_headers(self.filing_type, values)
                continue
            if is_blank_row(values) or is_notes_row(self.filing_type, self.match, values):
                continue
            self.count += 1
            if self.count > self.limit:
                raise BULK_TOO_MANY_ROWS(
                    field="file",
                    message=f"文件的数据行超过 {self.limit} 行的上限。请把数据分成几个文件，"
                            f"每个不超过 {self.limit} 行，分别上传。",
                    message_en="Too many rows.")
            yield number, {key: jsonable(values[i]) if i < len(values) else None
                           for key, i in self.match.positions.items()}


def _store_rows(batch: BulkBatch, table: Table, notes: list[str]) -> None:
    """Insert the table's rows and drop the file, in one transaction (all rows or none)."""
    rows = _DataRows(table, batch.filing_type, max_rows())
    with transaction():
        inserted = insert_rows(batch.id, rows)
        if rows.match is None:
            raise BULK_HEADER_NOT_FOUND(message="文件是空的：没有找到标题行和数据。请使用模板填写后上传。",
                                        message_en="Empty file.")
        if inserted == 0:
            raise BULK_NO_ROWS(field="file",
                               message="文件中只有标题行，没有数据行。请在模板中填写数据后上传。",
                               message_en="No data rows.")
        notes += rows.match.notes_zh()
        db.session.execute(update(BulkBatch).where(BulkBatch.id == batch.id)
                           .values(total=inserted, notes=notes or None, file_data=None)
                           .execution_options(synchronize_session=False))


def read_file_rows(batch: BulkBatch) -> list[str] | None:
    """Parse the stored file into rows (once). Returns the notes, or None when rejected."""
    with transaction(write=False):
        data = db.session.scalar(select(BulkBatch.file_data).where(BulkBatch.id == batch.id))
    try:
        table = read_table(data or b"", batch.file_name, limits())
    except DomainError as exc:
        reject_file(batch.id, exc)
        return None
    del data
    notes = list(table.notes)
    try:
        _store_rows(batch, table, notes)
    except DomainError as exc:
        reject_file(batch.id, exc, notes)
        return None
    finally:
        if callable(table.close):
            table.close()
    return notes
