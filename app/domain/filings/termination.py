"""A termination (退工) ends an active employment, with a coded reason, on or after its start;
one employment has one termination under review at a time."""

from __future__ import annotations

import datetime

from app.domain.codelists import (
    TERMINATION_ECONOMIC_LAYOFF,
    TERMINATION_SERIOUS_MISCONDUCT,
    TerminationReason,
)
from app.domain.filings.errors import (
    DUPLICATE_FILING,
    TERMINATION_ATTACHMENT_REQUIRED,
    TERMINATION_END_BEFORE_START,
    TERMINATION_END_REQUIRED,
    TERMINATION_NOT_ACTIVE,
    TERMINATION_REASON_REQUIRED,
)
from app.domain.filings.types import EmploymentStatus, _coerce

# Which document a reason needing review must be supported by (shown in the refusal).
_TERMINATION_ATTACHMENTS = {
    TERMINATION_SERIOUS_MISCONDUCT: ("用人单位规章制度及劳动者违纪事实材料",
                                     "the unit's work rules and evidence of the misconduct"),
    TERMINATION_ECONOMIC_LAYOFF: ("裁员方案及向劳动行政部门报告材料",
                                  "the layoff plan and the report to the labour administration"),
}
_DEFAULT_ATTACHMENT = ("解除劳动合同的依据材料", "documents supporting the termination")


def check_termination(employment_status: EmploymentStatus | str,
                      reason: TerminationReason | None,
                      end_date: datetime.date | None,
                      start_date: datetime.date,
                      attachments_count: int) -> None:
    """A termination (退工) ends an active employment, with a coded reason, on or after its start.

    Reasons that need staff review (Art. 39(2) serious misconduct, Art. 41 economic layoff) must
    come with supporting documents; they are then sent to review (``ReviewFlags``).
    """
    if _coerce(EmploymentStatus, employment_status) is not EmploymentStatus.ACTIVE:
        raise TERMINATION_NOT_ACTIVE(what="再次办理退工", what_en="terminated again")
    if reason is None:
        raise reason_required()
    if end_date is None:
        raise TERMINATION_END_REQUIRED()
    if end_date < start_date:
        raise TERMINATION_END_BEFORE_START(
            detail=f"退工日期（{end_date:%Y年%m月%d日}）早于用工起始日期（{start_date:%Y年%m月%d日}），"
            "请核对退工日期。",
            detail_en=f"The end date ({end_date.isoformat()}) is before the start of the "
            f"employment ({start_date.isoformat()}); check the end date.")
    if reason.needs_review and attachments_count < 1:
        doc_zh, doc_en = _TERMINATION_ATTACHMENTS.get(reason.code, _DEFAULT_ATTACHMENT)
        raise TERMINATION_ATTACHMENT_REQUIRED(reason=reason.name, article=reason.article,
                                              doc=doc_zh, code=reason.code, doc_en=doc_en)



def reason_required():
    """TERMINATION_REASON_REQUIRED, as the filing and the correction pages show it."""
    return TERMINATION_REASON_REQUIRED(
        detail="请选择解除或终止劳动合同的原因（按劳动合同法条款）。",
        detail_en="Choose the reason for the termination (by Labour Contract Law article).")


def check_corrected_termination(reason: TerminationReason | None, end_date: datetime.date | None,
                                start_date: datetime.date | None) -> None:
    """A corrected termination keeps a known reason and an end date on or after the start."""
    if reason is None:
        raise TERMINATION_REASON_REQUIRED(detail="请选择退工原因。",
                                          detail_en="Choose a termination reason.")
    if end_date is None or (start_date is not None and end_date < start_date):
        raise TERMINATION_END_BEFORE_START(detail="退工日期不能早于用工起始日期，请核对。",
                                           detail_en="The end date is before the start.")


def check_no_pending_termination(pending_receipt: str | None) -> None:
    """One employment has one termination under review at a time (DUPLICATE_FILING)."""
    if pending_receipt:
        raise DUPLICATE_FILING(
            field="employment",
            detail=f"该劳动者的退工备案已提交、正在审核（回执号 {pending_receipt}），请勿重复提交。",
            detail_en="A termination of this employment is already pending.")
