"""Use cases on employers (用人单位): register, validate, approve, suspend."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.errors import DomainError
from app.domain.identifiers import validate_credit_code
from app.domain.organisation import check_street_in_district, check_unit_can_be_approved
from app.extensions import db
from app.models.codes import IndustryDivision
from app.models.org import Region, RegionLevel
from app.models.units import Unit, UnitStatus
from app.services.audit import plain, record

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


def prepare_unit(unit: Unit, *, may_override: bool = False) -> Unit:
    """Normalise and check a unit before it is saved (new or changed). Raises DomainError."""
    unit.name = (unit.name or "").strip()
    if not unit.name:
        raise DomainError("UNIT_NAME_EMPTY", "请填写单位名称。", "Unit name is required.",
                          field="name")
    unit.credit_code = check_credit_code(unit.credit_code,
                                         override_reason=unit.credit_code_override_reason,
                                         may_override=may_override)
    if not unit.credit_code_override_reason:
        unit.credit_code_override_reason = None
    duplicate = db.session.scalar(
        select(Unit.id).where(Unit.credit_code == unit.credit_code,
                              Unit.id != (unit.id or 0)))
    if duplicate:
        raise DomainError("UNIT_DUPLICATE",
                          f"统一社会信用代码 {unit.credit_code} 已登记为另一单位，不能重复登记。"
                          "请在单位列表中查找该单位。",
                          "A unit with this credit code is already registered.",
                          field="credit_code")
    district = related(unit, "district", Region)
    street = related(unit, "street", Region)
    if district is None or district.level != RegionLevel.DISTRICT:
        raise DomainError("UNIT_DISTRICT_REQUIRED", "请选择单位所在的区（县级市）。",
                          "Choose the unit's district.", field="district")
    if street is None or street.level != RegionLevel.STREET:
        raise DomainError("UNIT_STREET_REQUIRED", "请选择单位所在的街道（镇）。",
                          "Choose the unit's street.", field="street")
    check_street_in_district(street.parent_id, district.id)
    division = related(unit, "industry_division", IndustryDivision, "industry_division_code")
    if division is None:
        raise DomainError("UNIT_INDUSTRY_REQUIRED", "请选择单位的行业（国民经济行业分类大类）。",
                          "Choose the unit's industry division.", field="industry_division")
    unit.industry_section_code = division.section_code
    if unit.headcount is None:
        unit.headcount = 0
    if unit.headcount < 0:
        raise DomainError("UNIT_HEADCOUNT", "职工人数不能为负数。", "Headcount must be ≥ 0.",
                          field="headcount")
    return unit


def register_unit(data: dict, *, status: UnitStatus = UnitStatus.PENDING,
                  may_override: bool = False, commit: bool = True) -> Unit:
    """Register a unit from plain data (CLI, demo, API, online account opening)."""
    unit = Unit(status=status, **data)
    prepare_unit(unit, may_override=may_override)
    db.session.add(unit)
    db.session.flush()
    record("unit", unit.id, "create", after=snapshot(unit))
    if commit:
        db.session.commit()
    return unit


def approve_unit(unit: Unit) -> Unit:
    """District staff approve an account opened online (pending → active)."""
    check_unit_can_be_approved(plain(unit.status))
    before = snapshot(unit)
    unit.status = UnitStatus.ACTIVE
    record("unit", unit.id, "approve", before=before, after=snapshot(unit))
    from app.services.outreach import invite_new_unit  # 新网报单位业务培训 (outreach)
    invite_new_unit(unit)
    return unit


def suspend_unit(unit: Unit, reason: str = "") -> Unit:
    before = snapshot(unit)
    unit.status = UnitStatus.SUSPENDED
    record("unit", unit.id, "suspend", before=before, after=snapshot(unit), reason=reason)
    return unit
