"""A unit's account (账户状态): district staff approve an account opened online, or suspend one."""

from __future__ import annotations

from app.domain.organisation import check_unit_can_be_approved
from app.models.units import Unit, UnitStatus
from app.services.actor import Actor
from app.services.audit import plain, record
from app.services.signals import unit_approved
from app.services.transaction import use_case
from app.services.units.prepare import snapshot


@use_case
def approve_unit(actor: Actor, unit: Unit) -> Unit:
    """Pending → active. Features listen to ``unit_approved`` (outreach invites the new unit to
    its training, 新网报单位业务培训) in the same transaction."""
    check_unit_can_be_approved(plain(unit.status))
    before = snapshot(unit)
    unit.status = UnitStatus.ACTIVE
    record(actor, "unit", unit.id, "approve", before=before, after=snapshot(unit))
    unit_approved.send(unit, actor=actor)
    return unit


@use_case
def suspend_unit(actor: Actor, unit: Unit, reason: str = "") -> Unit:
    before = snapshot(unit)
    unit.status = UnitStatus.SUSPENDED
    record(actor, "unit", unit.id, "suspend", before=before, after=snapshot(unit), reason=reason)
    return unit
