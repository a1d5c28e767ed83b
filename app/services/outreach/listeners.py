"""What the outreach capability does when the core announces something (app.services.signals):
a unit approved online is invited to the next training for new online units."""

from __future__ import annotations

from app.services.outreach.events import invite_new_unit
from app.services.signals import unit_approved


def _invite_approved_unit(unit, **_kwargs) -> None:
    """新网报单位业务培训: in the approving use case's transaction (idempotent per unit)."""
    invite_new_unit(unit)


def connect() -> None:
    """Subscribe the listeners (idempotent: blinker keeps one connection per receiver)."""
    unit_approved.connect(_invite_approved_unit, weak=False)
