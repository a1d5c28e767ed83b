"""Writing the audit log (操作日志). Called inside the use case's transaction, so the entry
commits (or rolls back) with the change it describes. Who acted and from where come from the
use case's Actor."""

from __future__ import annotations

import enum

from sqlalchemy import inspect

from app.extensions import db
from app.models.audit import AuditLog
from app.services.actor import Actor
from app.services.transaction import transaction


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)


def record(actor: Actor | None, object_type: str, object_id, action: str, *,
           before: dict | None = None, after: dict | None = None,
           reason: str | None = None) -> AuditLog:
    """Add an audit entry to the current session (the use case's transaction commits it)."""
    actor = actor or Actor.system()
    entry = AuditLog(
        user_id=actor.user_id,
        username=actor.username,
        object_type=object_type,
        object_id=str(object_id or ""),
        action=action,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        ip=actor.ip or "",
    )
    db.session.add(entry)
    return entry


def plain(value):
    """A value as the audit log stores it: enums by name."""
    return value.name if isinstance(value, enum.Enum) else value


def pending_changes(obj, fields) -> tuple[dict, dict]:
    """(before, after) of the changed fields of a loaded object, from SQLAlchemy's history."""
    state = inspect(obj)
    before, after = {}, {}
    for name in fields:
        hist = state.attrs[name].history
        if hist.has_changes():
            before[name] = plain(hist.deleted[0]) if hist.deleted else None
            after[name] = plain(hist.added[0]) if hist.added else None
    return before, after


def record_access(actor: Actor | None, object_type: str, object_id, action: str = "download",
                  **details) -> None:
    """Audit a read of personal data (a download, a full view) as its own use case."""
    with transaction():
        record(actor, object_type, object_id, action, after=details or None)
