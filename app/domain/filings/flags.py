"""Automatic checks → review flags → the next status of a submitted filing."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.filings.transitions import transition
from app.domain.filings.types import FilingAction, FilingStatus


@dataclass(frozen=True)
class ReviewFlags:
    """What the automatic checks found on a submitted filing.

    ``overdue`` (逾期) is only a mark: a late filing is accepted and filed. The others need staff:
    ``multiple_employment`` (多重用工) and ``attachment_review`` (需审核附件) a review,
    ``district_approval`` (需属地审批) the approval of the unit's own district — which also looks at
    the attachments when both are set.
    """

    overdue: bool = False
    multiple_employment: bool = False
    attachment_review: bool = False
    district_approval: bool = False

    _LABELS = (
        ("overdue", "逾期"),
        ("multiple_employment", "多重用工"),
        ("attachment_review", "需审核附件"),
        ("district_approval", "需属地审批"),
    )

    @property
    def needs_review(self) -> bool:
        """Staff must look at the filing before it is filed (overdue alone does not count)."""
        return self.multiple_employment or self.attachment_review or self.district_approval

    def labels(self) -> tuple[str, ...]:
        """Chinese labels of the set flags, in a fixed order (for lists and printed forms)."""
        return tuple(label for name, label in self._LABELS if getattr(self, name))


def automatic_check_action(flags: ReviewFlags) -> FilingAction:
    """The action the automatic checks take on a SUBMITTED filing."""
    if flags.district_approval:
        return FilingAction.SEND_TO_DISTRICT
    if flags.needs_review:
        return FilingAction.SEND_TO_REVIEW
    return FilingAction.AUTO_FILE


def next_status(flags: ReviewFlags) -> FilingStatus:
    """Where a submitted filing goes: FILED at once when nothing needs staff, else
    PENDING_DISTRICT_APPROVAL (mass termination) or PENDING_REVIEW."""
    return transition(FilingStatus.SUBMITTED, automatic_check_action(flags))

