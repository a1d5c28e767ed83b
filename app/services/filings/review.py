"""Staff review (审核): approve a filing pending review or district approval, or return it to
the submitter with a coded reason. The first reviewer wins; a second sees FILING_ALREADY_DECIDED."""

from __future__ import annotations

from app.domain.filings import (
    RETURN_REASONS,
    FilingAction,
    FilingStatus,
    FilingType,
    check_return_reason,
    transition,
)
from app.domain.filings.errors import FILING_ALREADY_DECIDED, REVIEW_NOT_ALLOWED
from app.domain.shared_errors import DISTRICT_APPROVAL_ONLY
from app.models.filings import Filing
from app.models.org import OfficeLevel
from app.services.actor import Actor
from app.services.audit import record
from app.services.filings.access import filing_for
from app.services.filings.checks import check_filing
from app.services.filings.effects import apply_filed, notify_filed, snapshot
from app.services.filings.facts import now
from app.services.notices import notify_unit
from app.services.transaction import transaction


def check_version(filing: Filing, expected_row_version) -> None:
    """The filing is still the one the user saw (optimistic locking)."""
    if expected_row_version is not None and int(expected_row_version) != filing.row_version:
        raise FILING_ALREADY_DECIDED()


def may_decide(filing: Filing, actor: Actor) -> bool:
    """May this actor approve or return this filing? A mass termination (属地化报批) is decided
    only by staff of the unit's own district office."""
    if actor.is_employer or actor.jurisdiction.scope in ("none", "person"):
        return False
    if filing.status != FilingStatus.PENDING_DISTRICT_APPROVAL or actor.is_admin:
        return True
    office = actor.office
    return (office is not None and office.level == OfficeLevel.DISTRICT
            and office.region_id == filing.unit.district_id)


def _check_reviewer(filing: Filing, actor: Actor) -> None:
    if actor.is_employer or actor.jurisdiction.scope in ("none", "person"):
        raise REVIEW_NOT_ALLOWED()
    if not may_decide(filing, actor):
        raise DISTRICT_APPROVAL_ONLY(district=filing.unit.district.name)


def _decide(filing_id, actor: Actor, expected_row_version, decide) -> Filing:
    with transaction(on_stale=FILING_ALREADY_DECIDED):
        filing = filing_for(actor, filing_id)
        check_version(filing, expected_row_version)
        _check_reviewer(filing, actor)
        decide(filing)
        filing.decided_by_id = actor.user_id
        filing.decided_at = now()
    return filing


def approve(filing_id, actor: Actor, *, expected_row_version=None) -> Filing:
    """Staff approve a filing pending review (or district approval): it is filed."""
    def decide(filing: Filing) -> None:
        before = snapshot(filing)
        filing.status = transition(filing.status, FilingAction.APPROVE)
        # The facts may have changed while it waited (e.g. the worker was terminated meanwhile).
        if filing.filing_type != FilingType.HIRE:
            check_filing(filing)
        apply_filed(filing)
        record(actor, "filing", filing.id, "approve", before=before, after=snapshot(filing))
        notify_filed(filing)
        if before["needs_district_approval"]:
            notify_unit(filing.unit, f"退工备案 {filing.receipt_number}（{filing.person_name}）"
                                     "已经属地审批通过并完成备案。", filing=filing)

    return _decide(filing_id, actor, expected_row_version, decide)


def return_filing(filing_id, actor: Actor, reason_code: str, message: str, *,
                  expected_row_version=None) -> Filing:
    """Staff return a filing to the submitter with a coded reason and a message."""
    code, text = check_return_reason(reason_code, message)

    def decide(filing: Filing) -> None:
        before = snapshot(filing)
        filing.status = transition(filing.status, FilingAction.RETURN)
        filing.return_reason_code, filing.return_message = code, text
        record(actor, "filing", filing.id, "return", before=before, after=snapshot(filing),
               reason=f"{code} {text}")
        label = dict(RETURN_REASONS).get(code, code)
        notify_unit(filing.unit, f"{filing.filing_type.value}备案 {filing.receipt_number}"
                                 f"（{filing.person_name}）被退回：{label}。{text}", filing=filing)

    return _decide(filing_id, actor, expected_row_version, decide)
