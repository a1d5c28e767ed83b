"""The automatic checks of a built filing: every rule of app.domain.filings, with the facts they
need; the first refusal is raised, else the review flags come back."""

from __future__ import annotations

from app.domain.filings import (
    FilingType,
    ReviewFlags,
    check_dates,
    check_minimum_age,
    check_no_duplicate_hire,
    check_no_pending_termination,
    check_no_probation_for_part_time,
    check_not_already_employed,
    check_part_time_hours,
    check_renewal,
    check_termination,
    check_transfer,
    check_transfer_after_start,
    hire_is_overdue,
    is_multiple_employment,
    mass_termination_window,
    needs_district_approval,
    termination_is_overdue,
    workforce_at_window_start,
)
from app.models.filings import Filing
from app.services.filings.access import required
from app.services.filings.facts import facts, policy, today


def check_filing(filing: Filing, *, extra_employer_initiated: int = 0) -> ReviewFlags:
    """Run every rule on a filing; raise the first DomainError or return the review flags.

    ``extra_employer_initiated`` counts other terminations submitted together (bulk upload)."""
    p = policy()
    on = today()
    if filing.filing_type in (FilingType.HIRE, FilingType.TRANSFER):
        required(filing.start_date, "start_date", "入职（调动）日期")
    if filing.filing_type == FilingType.HIRE:
        return _check_hire(filing, p, on)
    if filing.filing_type == FilingType.RENEWAL:
        check_renewal(filing.employment.status, filing.previous_contract_end
                      if filing.id else filing.employment.contract_end,
                      filing.contract_type_code, filing.contract_end)
        check_dates(filing.contract_start, filing.contract_end, filing.contract_type_code)
        return ReviewFlags()
    if filing.filing_type == FilingType.TRANSFER:
        return _check_transfer(filing, p, on)
    return _check_termination(filing, p, on, extra_employer_initiated)


def _check_hire(filing: Filing, p, on) -> ReviewFlags:
    check_minimum_age(filing.person.birth_date, filing.start_date, p)
    required(filing.contract_type_code, "contract_type", "合同期限类型")
    check_dates(filing.contract_start, filing.contract_end, filing.contract_type_code)
    check_part_time_hours(filing.employment_form_code, filing.hours_per_day,
                          filing.hours_per_week, p)
    check_no_probation_for_part_time(filing.employment_form_code, filing.probation_months)
    check_not_already_employed(facts().active_at(filing.person_id, filing.unit_id))
    check_no_duplicate_hire(facts().duplicate_hire(filing))
    multiple = is_multiple_employment(filing.employment_form_code,
                                      facts().active_full_time_count(filing.person_id))
    return ReviewFlags(overdue=hire_is_overdue(filing.start_date, on, p),
                       multiple_employment=multiple)


def _check_transfer(filing: Filing, p, on) -> ReviewFlags:
    check_transfer(filing.unit_id, filing.to_unit_id, True, True, filing.employment.status)
    check_transfer_after_start(filing.start_date, filing.employment.start_date)
    check_dates(filing.contract_start, filing.contract_end, filing.contract_type_code)
    already_there = bool(filing.to_unit_id and facts().active_at(filing.person_id,
                                                                 filing.to_unit_id))
    elsewhere = facts().active_full_time_count(filing.person_id, exclude_unit_id=filing.unit_id)
    multiple = is_multiple_employment(filing.employment_form_code, elsewhere - already_there)
    return ReviewFlags(overdue=hire_is_overdue(filing.start_date, on, p),
                       multiple_employment=multiple)


def _check_termination(filing: Filing, p, on, extra_employer_initiated: int) -> ReviewFlags:
    reason = facts().termination_reason(filing.termination_reason_code)
    check_termination(filing.employment.status, reason, filing.end_date,
                      filing.employment.start_date, len(filing.attachments))
    check_no_pending_termination(facts().pending_termination(filing))
    district = False
    if reason.counts_as_employer_initiated:
        first, last = mass_termination_window(filing.end_date, p)
        before, ended = facts().employer_terminations_in_window(filing, first, last)
        workforce = workforce_at_window_start(facts().active_count(filing.unit_id), ended)
        district = needs_district_approval(before + extra_employer_initiated, 1, workforce, p)
    return ReviewFlags(overdue=termination_is_overdue(filing.end_date, on, p),
                       attachment_review=reason.needs_review, district_approval=district)


def set_flags(filing: Filing, flags: ReviewFlags) -> None:
    filing.is_overdue = flags.overdue
    filing.is_multiple_employment = flags.multiple_employment
    filing.needs_attachment_review = flags.attachment_review
    filing.needs_district_approval = flags.district_approval
