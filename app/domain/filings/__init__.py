"""Filing rules (备案规则): what a hire, renewal, transfer or termination filing must satisfy, what
sends it to staff review, and the workflow a filing moves through (RULES.md, "Filing rules").

Pure Python (no Flask, no database), one module per rule: ``age``, ``dates``, ``part_time``,
``hire``, ``deadlines``, ``renewal``, ``termination``, ``transfer``, ``mass_termination``,
``flags``, ``transitions``, ``reasons``, ``corrections``, ``receipts``; the codes in ``errors``.
Thresholds and deadlines come from :class:`FilingPolicy`, never from literals in the callers.

>>> import datetime
>>> policy = FilingPolicy()
>>> age_on(datetime.date(2008, 2, 29), datetime.date(2024, 2, 28))
15
>>> hire_is_overdue(datetime.date(2024, 3, 1), datetime.date(2024, 4, 1), policy)
True
>>> needs_district_approval(12, 3, 150, policy)
True
>>> flags = ReviewFlags(overdue=True)
>>> flags.labels(), next_status(flags).name
(('逾期',), 'FILED')
>>> make_receipt_number(datetime.date(2024, 6, 15), "320583", 42)
'BA20240615320583000042'
"""

from app.domain.filings.age import age_on, check_minimum_age
from app.domain.filings.corrections import (
    CORRECTION_FIELD_LABELS,
    DEFAULT_CORRECTION_RULES,
    OFFICE_LEVEL_CITY,
    OFFICE_LEVEL_DISTRICT,
    OFFICE_LEVEL_STREET,
    OFFICE_LEVELS,
    WILDCARD,
    check_correction,
    office_levels_allowed_to_correct,
)
from app.domain.filings.dates import check_dates
from app.domain.filings.deadlines import (
    deadline_for,
    hire_deadline,
    hire_is_overdue,
    termination_deadline,
    termination_is_overdue,
)
from app.domain.filings.flags import ReviewFlags, automatic_check_action, next_status
from app.domain.filings.hire import (
    check_name_matches,
    check_no_duplicate_hire,
    check_not_already_employed,
    check_unit_active,
)
from app.domain.filings.mass_termination import (
    mass_termination_threshold,
    mass_termination_window,
    needs_district_approval,
    workforce_at_window_start,
)
from app.domain.filings.part_time import (
    check_no_probation_for_part_time,
    check_part_time_hours,
    is_multiple_employment,
)
from app.domain.filings.policy import FilingPolicy
from app.domain.filings.reasons import (
    RETURN_REASONS,
    check_cancellation_reason,
    check_return_reason,
)
from app.domain.filings.receipts import check_receipt_number_format, make_receipt_number
from app.domain.filings.renewal import check_renewal
from app.domain.filings.termination import (
    check_corrected_termination,
    check_no_pending_termination,
    check_termination,
)
from app.domain.filings.transfer import (
    check_receiving_unit_known,
    check_transfer,
    check_transfer_after_start,
)
from app.domain.filings.transitions import TRANSITIONS, transition
from app.domain.filings.types import EmploymentStatus, FilingAction, FilingStatus, FilingType

__all__ = [
    "CORRECTION_FIELD_LABELS", "DEFAULT_CORRECTION_RULES", "OFFICE_LEVELS", "OFFICE_LEVEL_CITY",
    "OFFICE_LEVEL_DISTRICT", "OFFICE_LEVEL_STREET", "RETURN_REASONS", "TRANSITIONS", "WILDCARD",
    "EmploymentStatus", "FilingAction", "FilingPolicy", "FilingStatus", "FilingType",
    "ReviewFlags", "age_on", "automatic_check_action", "check_cancellation_reason",
    "check_corrected_termination", "check_correction", "check_dates", "check_minimum_age",
    "check_name_matches", "check_no_duplicate_hire", "check_no_pending_termination",
    "check_no_probation_for_part_time", "check_not_already_employed", "check_part_time_hours",
    "check_receipt_number_format", "check_receiving_unit_known", "check_renewal",
    "check_return_reason", "check_termination", "check_transfer", "check_transfer_after_start",
    "check_unit_active", "deadline_for", "hire_deadline", "hire_is_overdue",
    "is_multiple_employment", "make_receipt_number", "mass_termination_threshold",
    "mass_termination_window", "needs_district_approval", "next_status",
    "office_levels_allowed_to_correct", "termination_deadline", "termination_is_overdue",
    "transition", "workforce_at_window_start",
]
