"""The PDF templates' Jinja environment, the Chinese date filter, and what a form shows."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path

from flask import current_app
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app import clock
from app.domain.documents import form_for, format_code
from app.domain.filings import FilingStatus
from app.domain.identifiers import mask_citizen_id
from app.extensions import db
from app.models.documents import Document
from app.models.filings import Filing
from app.services.documents import seals
from app.services.documents.agency import agency_name, office_of, verify_url
from app.services.documents.qr import png_data_uri, qr_png
from app.services.documents.resources import FONT_FAMILY

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"


@functools.lru_cache(maxsize=1)
def jinja_env() -> Environment:
    """The PDF templates' environment: autoescaping on for everything, undefined names fail."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["cn_date"] = cn_date
    return env


def cn_date(value) -> str:
    """A date as printed on a form.

    >>> cn_date(datetime.date(2026, 3, 5)), cn_date(None)
    ('2026年03月05日', '—')
    """
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = value.date()
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"


def render_html(filing: Filing, document: Document) -> str:
    spec = form_for(filing.filing_type)
    return jinja_env().get_template(spec.template).render(**document_context(filing, document))


def show_full_id() -> bool:
    """Does this city print the full ID number (BEIAN_DOCUMENT_FULL_ID)? Masked otherwise."""
    return bool(current_app.config["BEIAN_DOCUMENT_FULL_ID"])


def _code_name(obj) -> str:
    return obj.name if obj is not None else "—"


def _hours(value) -> str:
    return "—" if value is None else f"{value:g} 小时"


def _status_note(filing: Filing) -> str | None:
    if filing.status == FilingStatus.SUPERSEDED:
        return "本备案已被更正，本表已失效，请以核验页面所示的最新版本为准。"
    if filing.status == FilingStatus.CANCELLED:
        return "本备案已撤销，本表已失效。"
    return None


def _flags(filing: Filing) -> str:
    flags = []
    if filing.is_overdue:
        flags.append("逾期备案")
    if filing.is_multiple_employment:
        flags.append("多重用工")
    return "、".join(flags)


def _contract(filing: Filing) -> dict:
    previous = None
    if filing.previous_contract_type_code:
        from app.models.codes import ContractType

        previous = db.session.get(ContractType, filing.previous_contract_type_code)
    return {
        "contract_type": _code_name(filing.contract_type),
        "contract_start": cn_date(filing.contract_start),
        "contract_end": (cn_date(filing.contract_end) if filing.contract_end
                         else ("无固定期限" if filing.contract_type_code == "OPEN" else "—")),
        "previous_contract_type": _code_name(previous),
        "previous_contract_end": cn_date(filing.previous_contract_end),
    }


def _filing_fields(filing: Filing) -> dict:
    reason = filing.termination_reason
    employment = filing.employment
    return {
        "receipt_number": filing.receipt_number or "—",
        "type": filing.filing_type.value,
        "channel": filing.channel.value,
        "version": filing.version,
        "filed_on": cn_date(filing.filed_at or filing.decided_at or filing.submitted_at),
        "start_date": cn_date(filing.start_date),
        "end_date": cn_date(filing.end_date),
        **_contract(filing),
        "employment_form": _code_name(filing.employment_form),
        "is_part_time": filing.employment_form_code == "PT",
        "hours_per_day": _hours(filing.hours_per_day),
        "hours_per_week": _hours(filing.hours_per_week),
        "probation": f"{filing.probation_months} 个月" if filing.probation_months else "无",
        "job_title": filing.job_title or "—",
        "termination_reason": (f"{reason.name}（{reason.article}）" if reason is not None
                               and reason.article else _code_name(reason)),
        "employment_start": cn_date(employment.start_date if employment else None),
        "note": filing.note or "",
        "flags": _flags(filing),
        "correction_reason": filing.correction_reason or "",
        "status_note": _status_note(filing),
    }


def _unit(unit) -> dict | None:
    if unit is None:
        return None
    return {"name": unit.name, "credit_code": unit.credit_code, "address": unit.address or "—"}


def document_context(filing: Filing, document: Document, *, rendered_at=None) -> dict:
    """Everything a form shows, as display strings (the template only lays them out)."""
    spec = form_for(filing.filing_type)
    office = office_of(filing)
    person = filing.person
    url = verify_url(document)
    agency = agency_name()
    return {
        "title": spec.title,
        "is_receipt": spec.is_receipt,
        "kind": filing.filing_type.name,
        "font_family": FONT_FAMILY,
        "filing": _filing_fields(filing),
        "person": {
            "name": filing.person_name,
            "citizen_id": (filing.person_citizen_id if show_full_id()
                           else mask_citizen_id(filing.person_citizen_id)),
            "sex": person.sex_label if person is not None else "—",
        },
        "unit": _unit(filing.unit),
        "to_unit": _unit(filing.to_unit),
        "office": {"name": office.name if office else agency,
                   "address": office.address if office else "",
                   "phone": office.phone if office else ""},
        "verification": {"code": format_code(document.verification_code), "url": url},
        "images": {
            "qr": png_data_uri(qr_png(url)),
            "unit_seal": png_data_uri(seals.unit_seal(filing.unit)),
            "agency_seal": png_data_uri(seals.agency_seal(office, agency)),
        },
        "printed_on": cn_date(rendered_at or clock.now()),
        "agency": agency,
    }

