"""What checking or filing one row gave: its errors and flags, or its filing."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.filings import FilingStatus


@dataclass
class RowResult:
    row_id: int
    row_number: int
    errors: list[dict] = field(default_factory=list)
    flags: str = ""
    filing_id: int | None = None
    receipt_number: str | None = None
    filing_status: FilingStatus | None = None
