"""Register a unit: from plain data (commands, demo, tests), or its online account opening
(单位开户注册) with its first Employer login, the two written together."""

from __future__ import annotations

from app.domain.roles import ROLE_EMPLOYER
from app.extensions import appbuilder, db
from app.models.units import Unit, UnitStatus
from app.services.actor import Actor
from app.services.audit import record
from app.services.transaction import transaction
from app.services.units.prepare import prepare_unit, snapshot


class UserNotCreated(Exception):
    """FAB's add_user failed (it logs why and rolls the session back)."""


def register_unit(data: dict, *, actor: Actor | None = None,
                  status: UnitStatus = UnitStatus.PENDING, may_override: bool = False) -> Unit:
    """Register a unit from plain data (CLI, demo, API, online account opening)."""
    actor = actor or Actor.system()
    with transaction():
        unit = Unit(status=status, **data)
        prepare_unit(unit, may_override=may_override)
        db.session.add(unit)
        db.session.flush()
        record(actor, "unit", unit.id, "create", after=snapshot(unit))
    return unit


def open_account(actor: Actor, data: dict, *, username: str, contact_name: str, email: str,
                 password: str) -> Unit:
    """The unit (PENDING, for its district office to approve) and its Employer login, committed
    together: a failure of either leaves neither."""
    sm = appbuilder.sm
    with transaction():
        unit = register_unit(data, actor=actor, status=UnitStatus.PENDING)
        user = sm.add_user(username=username, first_name=contact_name, last_name="",
                           email=email, role=sm.find_role(ROLE_EMPLOYER), password=password,
                           commit=False)
        if not user:
            raise UserNotCreated()
        user.unit_id = unit.id
    return unit
