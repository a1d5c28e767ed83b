"""Check and normalise a unit's record before it is saved, and audit staff edits of it."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.errors import DomainError
from app.domain.identifiers import validate_credit_code
from app.domain.organisation import (
    UNIT_DISTRICT_REQUIRED,
    UNIT_DUPLICATE,
    UNIT_HEADCOUNT,
    UNIT_INDUSTRY_REQUIRED,
    UNIT_NAME_EMPTY,
    UNIT_STREET_REQUIRED,
    check_street_in_district,
)
from app.extensions import db
from app.models.codes import IndustryDivision
from app.models.org import Region, RegionLevel
from app.models.units import Unit
from app.services.actor import Actor
from app.services.audit import pending_changes, plain, record

UNIT_AUDIT_FIELDS = ("name", "credit_code", "employer_type_code", "industry_division_code",
                     "ownership_type_code", "district_id", "street_id", "address",
                     "contact_name", "contact_phone", "headcount", "is_key_enterprise", "status")


def snapshot(unit: Unit) -> dict:
    return {f: plain(getattr(unit, f)) for f in UNIT_AUDIT_FIELDS}


def check_credit_code(code: str, *, override_reason: str | None = None,
                      may_override: bool = False) -> str:
    """Validate a credit code; a failing checksum may be accepted by staff entitled to, with a
    recorded reason (real registries hold a few historic codes that fail it)."""
    try:
        return validate_credit_code(code)
    except DomainError as exc:
        if exc.code == "USCC_CHECKSUM" and may_override and (override_reason or "").strip():
            return str(code).strip().upper()
        raise exc.for_field("credit_code") from exc


def related(obj, name: str, model, fk: str | None = None):
    """A many-to-one target, whether the caller set the relationship (forms) or the key (data)."""
    target = getattr(obj, name)
    if target is not None:
        return target
    key = getattr(obj, fk or f"{name}_id")
    return db.session.get(model, key) if key is not None else None


def _check_place(unit: Unit) -> None:
    district = related(unit, "district", Region)
    street = related(unit, "street", Region)
    if district is None or district.level != RegionLevel.DISTRICT:
        raise UNIT_DISTRICT_REQUIRED()
    if street is None or street.level != RegionLevel.STREET:
        raise UNIT_STREET_REQUIRED()
    check_street_in_district(street.parent_id, district.id)


def prepare_unit(unit: Unit, *, may_override: bool = False) -> Unit:
    """Normalise and check a unit before it is saved (new or changed). Raises DomainError."""
    unit.name = (unit.name or "").strip()
    if not unit.name:
        raise UNIT_NAME_EMPTY()
    unit.credit_code = check_credit_code(unit.credit_code,
                                         override_reason=unit.credit_code_override_reason,
                                         may_override=may_override)
    if not unit.credit_code_override_reason:
        unit.credit_code_override_reason = None
    duplicate = db.session.scalar(
        select(Unit.id).where(Unit.credit_code == unit.credit_code,
                              Unit.id != (unit.id or 0)))
    if duplicate:
        raise UNIT_DUPLICATE(credit_code=unit.credit_code)
    _check_place(unit)
    division = related(unit, "industry_division", IndustryDivision, "industry_division_code")
    if division is None:
        raise UNIT_INDUSTRY_REQUIRED()
    unit.industry_section_code = division.section_code
    if unit.headcount is None:
        unit.headcount = 0
    if unit.headcount < 0:
        raise UNIT_HEADCOUNT()
    return unit


def add_unit(actor: Actor, unit: Unit, *, may_override: bool = False) -> Unit:
    """A unit staff entered in the admin form: checked, added and audited in the form's
    transaction (Flask-AppBuilder commits it)."""
    prepare_unit(unit, may_override=may_override)
    db.session.add(unit)
    db.session.flush()
    record(actor, "unit", unit.id, "create", after=snapshot(unit))
    return unit


def unit_changes(unit: Unit) -> tuple[dict, dict]:
    """(before, after) of a unit changed in a form: read before any query (building the actor
    included) autoflushes the history away."""
    return pending_changes(unit, UNIT_AUDIT_FIELDS)


def update_unit(actor: Actor, unit: Unit, changes: tuple[dict, dict], *,
                may_override: bool = False) -> Unit:
    """A unit staff changed in the admin form (``changes``: unit_changes(unit)): checked and
    audited."""
    before, after = changes
    prepare_unit(unit, may_override=may_override)
    after = {name: plain(getattr(unit, name)) for name in after}
    record(actor, "unit", unit.id, "update", before=before, after=after)
    return unit
