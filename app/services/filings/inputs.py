"""What a filing channel hands the use cases: one input per filing type (录用, 合同续订, 市内调动,
退工), an upload, the outcome — and ONE mapper per type that turns a channel's record (a form, a
spreadsheet row, an API body: the same field names) into the input, with the same defaults."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.domain.codelists import CONTRACT_FIXED, FORM_FULL_TIME
from app.models.filings import Filing


@dataclass
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass
class HireInput:  # 录用备案
    unit_id: int
    citizen_id: str
    name: str
    start_date: datetime.date
    phone: str = ""
    education_code: str | None = None
    employment_form_code: str = FORM_FULL_TIME
    hours_per_day: float | None = None
    hours_per_week: float | None = None
    probation_months: int | None = None
    contract_type_code: str = CONTRACT_FIXED
    contract_start: datetime.date | None = None
    contract_end: datetime.date | None = None
    job_title: str = ""
    note: str = ""


@dataclass
class RenewalInput:  # 合同续订备案
    employment_id: int
    contract_type_code: str
    contract_start: datetime.date | None = None
    contract_end: datetime.date | None = None
    note: str = ""


@dataclass
class TransferInput:  # 市内调动备案
    employment_id: int
    to_unit_credit_code: str
    transfer_date: datetime.date
    contract_type_code: str = CONTRACT_FIXED
    contract_end: datetime.date | None = None
    job_title: str = ""
    note: str = ""


@dataclass
class TerminationInput:  # 退工备案
    employment_id: int
    end_date: datetime.date
    termination_reason_code: str | None
    note: str = ""


@dataclass
class Outcome:
    filing: Filing
    created: bool = True
    flags: tuple[str, ...] = field(default_factory=tuple)


# -- the mappers: a record (form data, spreadsheet row, API body) → the input ----------------

def _text(record: Mapping[str, object], name: str) -> str:
    value = record.get(name)
    return "" if value is None else str(value).strip()


def _code(record: Mapping[str, object], name: str) -> str | None:
    """A code field: stripped, empty → None."""
    return _text(record, name) or None


def _value(record: Mapping[str, object], name: str):
    """A typed value (date, number) as the channel parsed it; an empty string is no value."""
    value = record.get(name)
    return None if value == "" else value


def hire_input(record: Mapping[str, object], *, unit_id) -> HireInput:
    """A hire from a record with the fields citizen_id, name, start_date, phone, education,
    employment_form, hours_per_day, hours_per_week, probation_months, contract_type,
    contract_start, contract_end, job_title, note."""
    return HireInput(
        unit_id=unit_id, citizen_id=_text(record, "citizen_id"), name=_text(record, "name"),
        start_date=_value(record, "start_date"), phone=_text(record, "phone"),
        education_code=_code(record, "education"),
        employment_form_code=_code(record, "employment_form") or FORM_FULL_TIME,
        hours_per_day=_value(record, "hours_per_day"),
        hours_per_week=_value(record, "hours_per_week"),
        probation_months=_value(record, "probation_months"),
        contract_type_code=_code(record, "contract_type") or CONTRACT_FIXED,
        contract_start=_value(record, "contract_start"),
        contract_end=_value(record, "contract_end"),
        job_title=_text(record, "job_title"), note=_text(record, "note"))


def renewal_input(record: Mapping[str, object], *, employment_id) -> RenewalInput:
    """A renewal from a record with contract_type, contract_start, contract_end, note."""
    return RenewalInput(
        employment_id=employment_id, contract_type_code=_code(record, "contract_type"),
        contract_start=_value(record, "contract_start"),
        contract_end=_value(record, "contract_end"), note=_text(record, "note"))


def transfer_input(record: Mapping[str, object], *, employment_id) -> TransferInput:
    """A transfer from a record with to_unit_credit_code, transfer_date, contract_type,
    contract_end, job_title, note."""
    return TransferInput(
        employment_id=employment_id, to_unit_credit_code=_text(record, "to_unit_credit_code").upper(),
        transfer_date=_value(record, "transfer_date"),
        contract_type_code=_code(record, "contract_type") or CONTRACT_FIXED,
        contract_end=_value(record, "contract_end"), job_title=_text(record, "job_title"),
        note=_text(record, "note"))


def termination_input(record: Mapping[str, object], *, employment_id) -> TerminationInput:
    """A termination from a record with end_date, termination_reason, note."""
    return TerminationInput(
        employment_id=employment_id, end_date=_value(record, "end_date"),
        termination_reason_code=_code(record, "termination_reason"),
        note=_text(record, "note"))
