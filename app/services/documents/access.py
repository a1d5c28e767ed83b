"""Who may have a filing's document, its file name, and the audit of each download: a filing is
in a jurisdiction when its unit is (or, for a transfer, the receiving unit)."""

from __future__ import annotations

from app.domain.documents import form_for
from app.extensions import db
from app.models.documents import Document
from app.models.filings import Filing
from app.queries.jurisdiction import Jurisdiction
from app.services.actor import Actor
from app.services.audit import record_access
from app.services.documents.queue import is_documentable
from app.services.documents.templates import show_full_id


def filing_for(actor: Actor, filing_id) -> Filing | None:
    """A documentable filing the actor may see (employer: own unit; staff: covers_unit), else
    None — the same answer for "no such filing", "not yours" and "not filed"."""
    try:
        filing = db.session.get(Filing, int(filing_id))
    except (TypeError, ValueError):
        return None
    if not is_documentable(filing) or not covers(actor.jurisdiction, filing):
        return None
    return filing


def covers(scope: Jurisdiction, filing: Filing) -> bool:
    """A filing is in a jurisdiction when its unit is; a transfer receipt also belongs to the
    receiving unit (调入单位) and its offices; and every document about a verified worker
    belongs to that worker."""
    if scope.scope == "person":
        return filing.person_id == scope.person_id
    return scope.covers_unit(filing.unit) or (
        filing.to_unit is not None and scope.covers_unit(filing.to_unit))


def file_name(filing_type, receipt_number) -> str:
    return f"{form_for(filing_type).title}-{receipt_number}.pdf"


def download_name(filing: Filing) -> str:
    return file_name(filing.filing_type, filing.receipt_number or filing.id)


def record_download(actor: Actor, filing: Filing, document: Document, *,
                    batch: int | None = None) -> None:
    """Audit a download (its own transaction): which filing, and whether the full ID number
    was printed on it."""
    record_access(actor, "document", document.id, "download", filing=filing.id,
                  receipt_number=filing.receipt_number, full_id=show_full_id(),
                  **({"batch": batch} if batch else {}))
