"""The public verification page (核验): what a printout's code says about its filing, masked
data only. Unknown, malformed and not-yet-filed codes all read the same "not found"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.domain.documents import (
    VerificationState,
    form_for,
    format_code,
    mask_name,
    normalise_code,
    verification_state,
)
from app.domain.identifiers import mask_citizen_id
from app.extensions import db
from app.models.documents import Document
from app.models.filings import Filing
from app.services.documents.queue import is_documentable, request_document
from app.services.documents.templates import cn_date


@dataclass(frozen=True)
class Verification:
    state: VerificationState
    code: str = ""
    title: str = ""
    filing_type: str = ""
    receipt_number: str = ""
    filed_on: str = ""
    version: int = 1
    person_name: str = ""
    citizen_id: str = ""
    unit_name: str = ""
    to_unit_name: str = ""
    office_name: str = ""
    changed_on: str = ""
    current_code: str | None = None
    current_receipt_number: str | None = None


UNKNOWN = Verification(VerificationState.NOT_FOUND)


def latest_version(filing: Filing) -> Filing:
    """The newest version of a filing (itself when it was never corrected)."""
    root = filing.root_id or filing.id
    return db.session.scalar(select(Filing).where((Filing.id == root) | (Filing.root_id == root))
                             .order_by(Filing.version.desc()).limit(1))


def _what_became_of(filing: Filing, state: VerificationState,
                    document: Document) -> tuple[str | None, str | None, str]:
    """(current code, current receipt number, date of the change) of a superseded or
    cancelled filing. The current version's document is enqueued when it has none yet."""
    if state == VerificationState.SUPERSEDED:
        latest = latest_version(filing)
        if latest.id != filing.id and is_documentable(latest):
            current = request_document(latest, base_url=document.verify_base_url)
            return current.verification_code, latest.receipt_number, cn_date(latest.filed_at)
    elif state == VerificationState.CANCELLED:
        return None, None, cn_date(filing.cancelled_at)
    return None, None, ""


def verify(code_text: str | None) -> Verification:
    """What the public page says about a verification code."""
    code = normalise_code(code_text)
    if code is None:
        return UNKNOWN
    document = db.session.scalar(select(Document).where(Document.verification_code == code))
    if document is None:
        return UNKNOWN
    filing = document.filing
    state = verification_state(filing.status)
    if state == VerificationState.NOT_FOUND:
        return UNKNOWN
    current_code, current_receipt, changed_on = _what_became_of(filing, state, document)
    office = filing.office
    return Verification(
        state=state, code=format_code(code), title=form_for(filing.filing_type).title,
        filing_type=filing.filing_type.value, receipt_number=filing.receipt_number or "",
        filed_on=cn_date(filing.filed_at), version=filing.version,
        person_name=mask_name(filing.person_name),
        citizen_id=mask_citizen_id(filing.person_citizen_id),
        unit_name=filing.unit.name, to_unit_name=filing.to_unit.name if filing.to_unit else "",
        office_name=office.name if office else "", changed_on=changed_on,
        current_code=current_code, current_receipt_number=current_receipt)
