"""Who issues the documents and where their QR codes point: the agency's name, the handling
office, the platform's public address."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models.documents import Document
from app.models.filings import Filing
from app.models.org import Office, OfficeLevel

FALLBACK_BASE_URL = "http://localhost:5000"
FALLBACK_AGENCY = "用工登记备案平台"


def office_of(filing: Filing) -> Office | None:
    """The office that handled the filing, else the city's."""
    if filing.office is not None:
        return filing.office
    return db.session.scalar(select(Office).where(Office.level == OfficeLevel.CITY))


def agency_name() -> str:
    """The agency that signs every document (the city's public employment service)."""
    configured = current_app.config["BEIAN_AGENCY_NAME"]
    if configured:
        return str(configured)
    try:
        name = db.session.scalar(select(Office.name).where(Office.level == OfficeLevel.CITY)
                                 .order_by(Office.id))
    except SQLAlchemyError:  # no table yet (e.g. before migrations)
        name = None
    return name or FALLBACK_AGENCY


def default_base_url() -> str:
    """Where QR codes point when the face did not say: BEIAN_PUBLIC_URL, else localhost. (A
    web face passes the request's host when it is a safe one, see app.web.public_base_url.)"""
    return str(current_app.config["BEIAN_PUBLIC_URL"] or FALLBACK_BASE_URL).rstrip("/")


def verify_url(document: Document) -> str:
    """The public verification page of a document (printed and in its QR code)."""
    base = document.verify_base_url or default_base_url()
    return f"{base}/verify/{document.verification_code}"
