"""What a filed filing does (its effect on the employment, the worker's notice), its receipt
number and the snapshot the audit log keeps of it."""

from __future__ import annotations

from app.domain.filings import EmploymentStatus, FilingType, make_receipt_number
from app.extensions import db
from app.models.filings import Employment, Filing
from app.services.audit import plain
from app.services.filings.facts import now
from app.services.notices import notify_person, public_link


def apply_filed(filing: Filing) -> None:
    kind = filing.filing_type
    if kind == FilingType.HIRE:
        filing.employment = Employment(
            person_id=filing.person_id, unit_id=filing.unit_id,
            employment_form_code=filing.employment_form_code,
            hours_per_day=filing.hours_per_day, hours_per_week=filing.hours_per_week,
            contract_type_code=filing.contract_type_code, contract_start=filing.contract_start,
            contract_end=filing.contract_end, job_title=filing.job_title,
            start_date=filing.start_date, status=EmploymentStatus.ACTIVE)
        db.session.add(filing.employment)
    elif kind == FilingType.RENEWAL:
        employment = filing.employment
        employment.contract_type_code = filing.contract_type_code
        employment.contract_end = filing.contract_end
    elif kind == FilingType.TRANSFER:
        old = filing.employment
        old.status, old.end_date = EmploymentStatus.ENDED, filing.start_date
        filing.new_employment = Employment(
            person_id=filing.person_id, unit_id=filing.to_unit_id,
            employment_form_code=old.employment_form_code, hours_per_day=old.hours_per_day,
            hours_per_week=old.hours_per_week, contract_type_code=filing.contract_type_code,
            contract_start=filing.start_date, contract_end=filing.contract_end,
            job_title=filing.job_title, start_date=filing.start_date,
            status=EmploymentStatus.ACTIVE)
        db.session.add(filing.new_employment)
    elif kind == FilingType.TERMINATION:
        employment = filing.employment
        employment.status = EmploymentStatus.ENDED
        employment.end_date = filing.end_date
        employment.termination_reason_code = filing.termination_reason_code
    filing.filed_at = now()


def notify_filed(filing: Filing, what: str = "办理") -> None:
    date = filing.start_date or filing.end_date or filing.contract_start
    link = public_link("/me/")  # BEIAN_PUBLIC_URL; none when the platform has no public address
    notify_person(filing.person,
                  f"【用工备案】{filing.person_name}您好：{filing.unit.name}已为您{what}"
                  f"{filing.filing_type.value}备案（回执号 {filing.receipt_number}，日期 {date}）。"
                  f"如有异议，请登录平台{f'（{link}）' if link else ''}或联系经办机构。",
                  filing=filing)


def snapshot(filing: Filing) -> dict:
    names = ("status", "filing_type", "person_name", "person_citizen_id", "start_date",
             "end_date", "contract_type_code", "contract_start", "contract_end",
             "employment_form_code", "hours_per_day", "hours_per_week", "termination_reason_code",
             "to_unit_id", "job_title", "is_overdue", "is_multiple_employment",
             "needs_attachment_review", "needs_district_approval")
    return {n: plain(getattr(filing, n)) for n in names}


def assign_receipt(filing: Filing) -> None:
    """BA + date + office region + serial. The serial derives from the row id, so it is unique
    without a shared counter (a city files a few thousand a day, far below a million)."""
    region = filing.office.region.code if filing.office else filing.unit.district.code
    filing.receipt_number = make_receipt_number(
        (filing.submitted_at or now()).date(), region, filing.id % 999_999 + 1)
