"""Mass termination (劳动合同法第四十一条; 属地化报批).

Only terminations the employer decides count (TerminationReason.counts_as_employer_initiated).
They are counted by end date over a rolling window that ends on this filing's end date, so a
layoff split into small batches, or filed late, is still counted as one."""

from __future__ import annotations

import datetime

from app.domain.filings.policy import FilingPolicy


def mass_termination_window(end_date: datetime.date, policy: FilingPolicy = FilingPolicy()
                            ) -> tuple[datetime.date, datetime.date]:
    """The window (first day, last day; both inclusive) of ``window_days`` days ending on
    ``end_date`` — the terminations whose end date falls in it are counted together."""
    first = end_date - datetime.timedelta(days=policy.mass_termination_window_days - 1)
    return first, end_date


def workforce_at_window_start(active_now: int, terminated_in_window: int) -> int:
    """The unit's workforce (职工总数) for the 10% rule: its headcount at the start of the window.

    ``active_now`` counts the unit's active employments *including* the people this filing is about
    to terminate (they are still on the books until it is filed); ``terminated_in_window`` is the
    employer-initiated terminations already filed in the window. Adding them back means the
    denominator does not shrink as the layoff proceeds, which would otherwise let later batches
    reach 10% sooner (or, read the other way round, let the first batches look smaller).
    Hires and resignations inside the window are not adjusted for: the window is short and the
    count stays cheap and explainable.
    """
    if active_now < 0 or terminated_in_window < 0:
        raise ValueError("counts must be >= 0")
    return active_now + terminated_in_window


def mass_termination_threshold(workforce: int, policy: FilingPolicy = FilingPolicy()) -> int:
    """The smallest number of employer-initiated terminations in the window that needs district
    approval: 10% of the workforce rounded up, but never more than 20, and at least 1.

    >>> [mass_termination_threshold(n) for n in (0, 5, 95, 100, 101, 200, 5000)]
    [1, 1, 10, 10, 11, 20, 20]
    """
    if workforce < 0:
        raise ValueError("workforce must be >= 0")
    # Ceiling in integer arithmetic: a float product can land a hair above an exact integer.
    percent_share = -(-workforce * policy.mass_termination_percent // 100)
    return max(1, min(percent_share, policy.mass_termination_people))


def needs_district_approval(employer_initiated_in_window_before: int,
                            employer_initiated_now: int, workforce: int,
                            policy: FilingPolicy = FilingPolicy()) -> bool:
    """Does this filing need approval by staff of the unit's own district (属地化报批)?

    Yes when it adds at least one employer-initiated termination and the total in the window
    (already filed + now) reaches :func:`mass_termination_threshold` — so the batch that crosses
    the threshold, and every later employer-initiated batch in the window, needs approval however
    the layoff is split. A filing with no employer-initiated termination (e.g. a resignation) never
    does: the rule is about what the employer decides.
    """
    if employer_initiated_in_window_before < 0 or employer_initiated_now < 0:
        raise ValueError("counts must be >= 0")
    if employer_initiated_now == 0:
        return False
    total = employer_initiated_in_window_before + employer_initiated_now
    return total >= mass_termination_threshold(workforce, policy)

