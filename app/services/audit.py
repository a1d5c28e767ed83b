"""Writing the audit log. Called inside the use case's transaction, so the entry commits (or
rolls back) with the change it describes."""

from __future__ import annotations

from flask import g, has_request_context, request

from app.extensions import db
from app.models.audit import AuditLog


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)


def record(object_type: str, object_id, action: str, *, before: dict | None = None,
           after: dict | None = None, reason: str | None = None, user=None,
           ip: str | None = None) -> AuditLog:
    """Add an audit entry to the current session (the caller commits)."""
    if user is None and has_request_context():
        user = getattr(g, "user", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if ip is None and has_request_context():
        ip = request.remote_addr or ""
    entry = AuditLog(
        user_id=user.id if authenticated else None,
        username=user.username if authenticated else "system",
        object_type=object_type,
        object_id=str(object_id or ""),
        action=action,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        ip=ip or "",
    )
    db.session.add(entry)
    return entry


def plain(value):
    """A value as the audit log stores it: enums by name."""
    import enum

    return value.name if isinstance(value, enum.Enum) else value


def pending_changes(obj, fields) -> tuple[dict, dict]:
    """(before, after) of the changed fields of a loaded object, from SQLAlchemy's history."""
    from sqlalchemy import inspect

    state = inspect(obj)
    before, after = {}, {}
    for name in fields:
        hist = state.attrs[name].history
        if hist.has_changes():
            before[name] = plain(hist.deleted[0]) if hist.deleted else None
            after[name] = plain(hist.added[0]) if hist.added else None
    return before, after


def record_access(object_type: str, object_id, action: str = "download", **details) -> None:
    """Audit a read of personal data (a download, a full view) in its own short transaction."""
    record(object_type, object_id, action, after=details or None)
    db.session.commit()
