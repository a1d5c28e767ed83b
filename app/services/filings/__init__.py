"""Use cases of the four filings (录用, 合同续订, 市内调动, 退工): submit, review (approve / return),
resubmit, correct (更正) and cancel (撤销) — one module each, every one a single transaction: the
filing, its effect on the employment, the person it may register, the audit entries and the
notices commit together or not at all. The rules live in app.domain.filings."""

from app.services.actor import Actor
from app.services.filings.attachments import ATTACHMENT_TYPES
from app.services.filings.build import build_filing
from app.services.filings.cancel import cancel
from app.services.filings.checks import check_filing
from app.services.filings.corrections import CORRECTABLE, correct, correction_rules
from app.services.filings.facts import (
    LIVE_STATUSES,
    PENDING_STATUSES,
    Facts,
    facts,
    handling_office,
    using_facts,
)
from app.services.filings.inputs import (
    HireInput,
    Outcome,
    RenewalInput,
    TerminationInput,
    TransferInput,
    Upload,
    hire_input,
    renewal_input,
    termination_input,
    transfer_input,
)
from app.services.filings.resubmit import RESUBMIT_FIELDS, RESUBMIT_TARGETS, resubmit
from app.services.filings.review import approve, may_decide, return_filing
from app.services.filings.submit import complete_submission, enter_submitted, submit

__all__ = [
    "ATTACHMENT_TYPES", "CORRECTABLE", "LIVE_STATUSES", "PENDING_STATUSES", "RESUBMIT_FIELDS",
    "RESUBMIT_TARGETS", "Actor", "Facts", "HireInput", "Outcome", "RenewalInput",
    "TerminationInput", "TransferInput", "Upload", "approve", "build_filing", "cancel",
    "check_filing", "complete_submission", "correct", "correction_rules", "enter_submitted",
    "facts", "handling_office", "hire_input", "may_decide", "renewal_input", "resubmit",
    "return_filing", "submit", "termination_input", "transfer_input", "using_facts",
]
