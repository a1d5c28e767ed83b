"""The unit, employment or filing a use case acts on, looked up inside the actor's jurisdiction
(the same answer for "no such record" and "not yours": nothing leaks)."""

from __future__ import annotations

from app.domain.filings import check_unit_active
from app.domain.shared_errors import (
    EMPLOYMENT_NOT_FOUND,
    FIELD_REQUIRED,
    FILING_NOT_FOUND,
    UNIT_OUT_OF_JURISDICTION,
)
from app.extensions import db
from app.models.filings import Employment, Filing
from app.models.units import Unit, UnitStatus
from app.services.actor import Actor
from app.services.filings.facts import facts


def unit_for(actor: Actor, unit_id, *, must_be_active=True, field_name="unit") -> Unit:
    unit = facts().unit(unit_id) if unit_id else None
    if unit is None or not actor.jurisdiction.covers_unit(unit):
        raise UNIT_OUT_OF_JURISDICTION(field=field_name)
    if must_be_active:
        check_unit_active(unit.status == UnitStatus.ACTIVE, unit.status.value)
    return unit


def employment_for(actor: Actor, employment_id) -> Employment:
    employment = facts().employment(employment_id) if employment_id else None
    if employment is None or not actor.jurisdiction.covers_unit(employment.unit):
        raise EMPLOYMENT_NOT_FOUND()
    return employment


def filing_for(actor: Actor, filing_id) -> Filing:
    filing = db.session.get(Filing, filing_id) if filing_id else None
    if filing is None or not actor.jurisdiction.covers_unit(filing.unit):
        raise FILING_NOT_FOUND()
    return filing


def required(value, field_name, label):
    if value in (None, ""):
        raise FIELD_REQUIRED(field=field_name, label=label, name=field_name)
    return value
