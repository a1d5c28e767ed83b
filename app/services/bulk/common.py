"""What the bulk use cases share: the settings, the clock, checking a user's choices (unit,
filing type, mode), the batch's people as Actors, and small writes of a batch's columns."""

from __future__ import annotations

import datetime

from flask import current_app
from sqlalchemy import select, update

from app import clock
from app.domain.bulk.columns import MODES, cell_text
from app.domain.bulk.errors import BULK_FILING_TYPE_UNKNOWN, BULK_MODE_UNKNOWN
from app.domain.bulk.files import FileLimits
from app.domain.filings import FilingType
from app.domain.shared_errors import UNIT_OUT_OF_JURISDICTION
from app.extensions import db
from app.models.bulk import BatchStatus, BulkBatch, BulkRow
from app.models.filings import Channel, Filing
from app.models.units import Unit
from app.services.actor import Actor
from app.services.transaction import transaction

STALE_CLAIM = datetime.timedelta(minutes=30)
ACTIVE_STATUSES = (BatchStatus.QUEUED, BatchStatus.VALIDATING, BatchStatus.FILE_QUEUED,
                   BatchStatus.FILING)
APPROVE, RETURN = "approve", "return"


def max_rows() -> int:
    """BEIAN_BULK_MAX_ROWS: data rows in one file or API batch."""
    return int(current_app.config["BEIAN_BULK_MAX_ROWS"])


def limits() -> FileLimits:
    return FileLimits(max_bytes=int(current_app.config["BEIAN_BULK_MAX_BYTES"]),
                      max_rows=max_rows())


def now() -> datetime.datetime:
    return clock.now()


def unit_in_scope(actor: Actor, unit_id) -> Unit:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not actor.jurisdiction.covers_unit(unit):
        raise UNIT_OUT_OF_JURISDICTION()
    return unit


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise BULK_MODE_UNKNOWN()
    return mode


def filing_type_of(value) -> FilingType:
    if isinstance(value, FilingType):
        return value
    if isinstance(value, str) and value in FilingType.__members__:
        return FilingType[value]
    raise BULK_FILING_TYPE_UNKNOWN()


def jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return cell_text(value)


def user_of(user_id):
    from app.extensions import appbuilder

    return db.session.get(appbuilder.sm.user_model, user_id) if user_id else None


def actor_of(user_id, batch: BulkBatch, via: Channel | None = Channel.BULK) -> Actor:
    """The worker acts as the batch's user (the uploader, the one who asked to file, the
    district officer who decided), from the address the batch came from."""
    return Actor.of(user_of(user_id), via=via, ip=batch.client_ip or "")


def set_batch(batch_id: int, **values) -> None:
    """Write some of a batch's columns in a transaction of their own (other processes see
    them at once: a progress bar, a claim, a final status)."""
    with transaction():
        db.session.execute(update(BulkBatch).where(BulkBatch.id == batch_id).values(**values)
                           .execution_options(synchronize_session=False))


def fresh_batch(batch_id: int) -> BulkBatch:
    batch = db.session.get(BulkBatch, batch_id)
    db.session.refresh(batch)
    return batch


def filing_ids(batch: BulkBatch, statuses=None) -> list[int]:
    stmt = (select(Filing.id).join(BulkRow, BulkRow.filing_id == Filing.id)
            .where(BulkRow.batch_id == batch.id))
    if statuses:
        stmt = stmt.where(Filing.status.in_(statuses))
    return list(db.session.scalars(stmt.order_by(Filing.id)))


def end_reads() -> None:
    """Close the read transaction an earlier read left open, so the next read sees what other
    processes committed since (the worker polls the queue and the batch's state)."""
    with transaction(write=False):
        pass


def fresh_scalar(stmt):
    """One value read in a transaction of its own, as other processes committed it."""
    end_reads()
    with transaction(write=False):
        return db.session.scalar(stmt)
