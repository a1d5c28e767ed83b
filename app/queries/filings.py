"""The filing lists and look-ups (备案查询) the portal, the counter, the staff queues and the API
share: the filters written once, the jurisdiction applied in one place."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.filings import Filing


def history(filing: Filing) -> list[Filing]:
    """Every version of a filing, oldest first."""
    root = filing.root_id or filing.id
    return list(db.session.scalars(select(Filing).where(
        (Filing.id == root) | (Filing.root_id == root)).order_by(Filing.version)))
