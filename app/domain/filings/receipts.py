"""Receipt numbers (备案回执编号).

"BA" + filing date (yyyymmdd) + the first 6 digits of the filing office's region code (GB/T 2260
county-level code; street offices have longer codes) + a 6-digit serial, e.g.
BA20240615320583000042: 22 characters, readable aloud over the phone and sortable by date."""

from __future__ import annotations

import datetime
import re
import unicodedata

from app.domain.filings.errors import RECEIPT_NUMBER_FORMAT

_RECEIPT_RE = re.compile(r"BA(\d{8})(\d{6})(\d{6})")


def make_receipt_number(filed_on: datetime.date, office_region_code: str, serial: int) -> str:
    """The receipt number of a filing (serial 1..999999, per office and day, from the service)."""
    if not re.fullmatch(r"\d{6,}", office_region_code or ""):
        raise ValueError("office_region_code must be at least 6 digits")
    if not 1 <= serial <= 999_999:
        raise ValueError("serial must be within 1..999999")
    return f"BA{filed_on:%Y%m%d}{office_region_code[:6]}{serial:06d}"


def check_receipt_number_format(value: str | None) -> str:
    """A receipt number typed in for verification; returns it normalised (full-width characters,
    spaces and case are forgiven).

    >>> check_receipt_number_format(" ba 2024 0615 320583 000042 ")
    'BA20240615320583000042'
    """
    text = unicodedata.normalize("NFKC", value or "")
    text = re.sub(r"[\s-]", "", text).upper()
    match = _RECEIPT_RE.fullmatch(text)
    valid = False
    if match:
        try:
            datetime.datetime.strptime(match.group(1), "%Y%m%d")
            valid = int(match.group(3)) > 0
        except ValueError:
            valid = False
    if not valid:
        raise RECEIPT_NUMBER_FORMAT()
    return text
