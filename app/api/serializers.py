"""Objects → the JSON the API answers with (shapes described by app.api.schemas). ID numbers are
masked; nothing here writes."""

from __future__ import annotations

from flask import request
from sqlalchemy import func, select

from app.domain.filings import EmploymentStatus, ReviewFlags
from app.domain.identifiers import mask_citizen_id
from app.extensions import db
from app.models.documents import Document
from app.models.filings import Employment, Filing
from app.models.units import Unit


def _day(value):
    return value.isoformat() if value is not None else None


def _moment(value):
    """RFC 3339 (OpenAPI date-time): the stored naive local time with the server's offset."""
    return value.astimezone().isoformat(timespec="seconds") if value is not None else None


def base_url() -> str:
    return request.url_root.rstrip("/")


def filing_url(filing_id: int) -> str:
    return f"{base_url()}/api/v1/filing/{filing_id}"


def documents_of(filing_ids) -> dict[int, Document]:
    ids = list(filing_ids)
    if not ids:
        return {}
    return {d.filing_id: d for d in db.session.scalars(
        select(Document).where(Document.filing_id.in_(ids)))}


def filing_dict(filing: Filing, documents: dict[int, Document] | None = None) -> dict:
    from app.services.documents.agency import verify_url
    from app.services.documents.queue import is_documentable

    if documents is None:
        documents = documents_of([filing.id])
    document = documents.get(filing.id)
    documentable = is_documentable(filing)
    flags = ReviewFlags(overdue=filing.is_overdue,
                        multiple_employment=filing.is_multiple_employment,
                        attachment_review=filing.needs_attachment_review,
                        district_approval=filing.needs_district_approval).labels()
    return {
        "id": filing.id, "receipt_number": filing.receipt_number,
        "type": filing.filing_type.name, "type_label": filing.filing_type.value,
        "status": filing.status.name, "status_label": filing.status.value,
        "channel": filing.channel.name, "unit_id": filing.unit_id,
        "unit_name": filing.unit.name, "to_unit_id": filing.to_unit_id,
        "person": {"id": filing.person_id, "name": filing.person_name,
                   "citizen_id_masked": mask_citizen_id(filing.person_citizen_id)},
        "employment_id": filing.employment_id, "new_employment_id": filing.new_employment_id,
        "start_date": _day(filing.start_date), "end_date": _day(filing.end_date),
        "contract_type": filing.contract_type_code,
        "contract_start": _day(filing.contract_start), "contract_end": _day(filing.contract_end),
        "employment_form": filing.employment_form_code,
        "hours_per_day": filing.hours_per_day, "hours_per_week": filing.hours_per_week,
        "probation_months": filing.probation_months, "job_title": filing.job_title or "",
        "termination_reason": filing.termination_reason_code, "note": filing.note or "",
        "is_overdue": bool(filing.is_overdue),
        "is_multiple_employment": bool(filing.is_multiple_employment),
        "needs_district_approval": bool(filing.needs_district_approval),
        "needs_attachment_review": bool(filing.needs_attachment_review),
        "flags": list(flags),
        "return_reason_code": filing.return_reason_code,
        "return_message": filing.return_message,
        "submitted_at": _moment(filing.submitted_at), "filed_at": _moment(filing.filed_at),
        "cancelled_at": _moment(filing.cancelled_at), "cancel_reason": filing.cancel_reason,
        "version": filing.version, "supersedes_id": filing.supersedes_id,
        "url": filing_url(filing.id),
        "document_url": f"{filing_url(filing.id)}/document" if documentable else None,
        "verification_url": verify_url(document) if documentable and document else None,
    }


def employment_dict(employment: Employment) -> dict:
    person = employment.person
    return {
        "id": employment.id, "unit_id": employment.unit_id,
        "person": {"id": person.id, "name": person.name,
                   "citizen_id_masked": mask_citizen_id(person.citizen_id)},
        "status": employment.status.name, "status_label": employment.status.value,
        "start_date": _day(employment.start_date), "end_date": _day(employment.end_date),
        "employment_form": employment.employment_form_code,
        "hours_per_day": employment.hours_per_day, "hours_per_week": employment.hours_per_week,
        "contract_type": employment.contract_type_code,
        "contract_start": _day(employment.contract_start),
        "contract_end": _day(employment.contract_end), "job_title": employment.job_title or "",
        "termination_reason": employment.termination_reason_code,
    }


def active_counts(unit_ids) -> dict[int, int]:
    ids = list(unit_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Employment.unit_id, func.count(Employment.id)).where(
        Employment.unit_id.in_(ids), Employment.status == EmploymentStatus.ACTIVE)
        .group_by(Employment.unit_id))
    return dict(rows.all())


def unit_dict(unit: Unit, active: int) -> dict:
    return {
        "id": unit.id, "name": unit.name, "credit_code": unit.credit_code,
        "status": unit.status.name, "status_label": unit.status.value,
        "employer_type_code": unit.employer_type_code,
        "industry_section_code": unit.industry_section_code,
        "industry_division_code": unit.industry_division_code,
        "district": unit.district.name if unit.district else "",
        "street": unit.street.name if unit.street else "",
        "address": unit.address or "", "contact_name": unit.contact_name or "",
        "contact_phone": unit.contact_phone or "", "headcount": unit.headcount or 0,
        "active_employees": active,
    }
