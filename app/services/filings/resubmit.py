"""The submitter fixes a returned filing and submits it again (重新提交); the checks run again."""

from __future__ import annotations

from app.domain.filings import FilingAction, FilingStatus
from app.domain.filings.errors import (
    FIELD_NOT_EDITABLE,
    FILING_ALREADY_DECIDED,
    FILING_NOT_RETURNED,
)
from app.services.actor import Actor
from app.services.filings.access import filing_for
from app.services.filings.attachments import save_attachments
from app.services.filings.checks import check_filing
from app.services.filings.inputs import Outcome
from app.services.filings.review import check_version
from app.services.filings.submit import finish_submission
from app.services.transaction import transaction

RESUBMIT_FIELDS = ("start_date", "end_date", "contract_type_code", "contract_start",
                   "contract_end", "employment_form_code", "hours_per_day", "hours_per_week",
                   "probation_months", "job_title", "termination_reason_code", "note")

# A resubmission form field → the Filing attributes it sets (only RESUBMIT_FIELDS may change;
# the portal form and the API both use it).
# A transfer's date is its start and end date and the start of the new contract.
RESUBMIT_TARGETS = {
    "start_date": ("start_date",), "end_date": ("end_date",),
    "transfer_date": ("start_date", "end_date", "contract_start"),
    "contract_type": ("contract_type_code",), "contract_start": ("contract_start",),
    "contract_end": ("contract_end",), "employment_form": ("employment_form_code",),
    "hours_per_day": ("hours_per_day",), "hours_per_week": ("hours_per_week",),
    "probation_months": ("probation_months",), "job_title": ("job_title",),
    "termination_reason": ("termination_reason_code",), "note": ("note",),
}


def resubmit(filing_id, actor: Actor, changes: dict, *, attachments=(),
             expected_row_version=None) -> Outcome:
    """The submitter fixes a returned filing and submits it again (checks run again)."""
    with transaction(on_stale=FILING_ALREADY_DECIDED):
        filing = filing_for(actor, filing_id)
        check_version(filing, expected_row_version)
        if filing.status != FilingStatus.RETURNED:
            raise FILING_NOT_RETURNED()
        for name, value in changes.items():
            if name not in RESUBMIT_FIELDS:
                raise FIELD_NOT_EDITABLE(field=name, name=name)
            setattr(filing, name, value)
        save_attachments(filing, attachments)
        filing.return_reason_code = filing.return_message = None
        flags = check_filing(filing)
        finish_submission(filing, flags, actor, FilingAction.RESUBMIT)
    return Outcome(filing, created=False, flags=flags.labels())
