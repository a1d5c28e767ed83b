"""Self-registration of an individual login (个人注册, role Individual): it sees nothing personal
until its real-name verification."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.domain.identifiers import validate_citizen_id, validate_mobile
from app.domain.individuals import (
    ACCOUNT_EXISTS,
    NAME_REQUIRED,
    PASSWORD_MISMATCH,
    PASSWORD_WEAK,
    USERNAME_TAKEN,
)
from app.domain.passwords import is_complex
from app.domain.roles import ROLE_INDIVIDUAL
from app.extensions import appbuilder, db
from app.models.individuals import IndividualAccount
from app.services.actor import Actor
from app.services.audit import record
from app.services.transaction import transaction


def _checked(name: str, citizen_id: str, phone: str, password: str,
             confirm: str) -> tuple[str, str, str]:
    """(name, ID number, phone) normalised, or the first refusal."""
    name = (name or "").strip()
    if not name:
        raise NAME_REQUIRED()
    try:
        number = validate_citizen_id(citizen_id, today=clock.today()).number
    except DomainError as exc:
        raise exc.for_field("citizen_id") from exc
    try:
        phone = validate_mobile(phone)
    except DomainError as exc:
        raise exc.for_field("phone") from exc
    if password != confirm:
        raise PASSWORD_MISMATCH()
    if not is_complex(password):
        raise PASSWORD_WEAK()
    return name, number, phone


def register_individual(actor: Actor, *, name: str, citizen_id: str, phone: str, password: str,
                        confirm: str):
    """Create an individual login; its phone number is its login name."""
    name, number, phone = _checked(name, citizen_id, phone, password, confirm)
    sm = appbuilder.sm
    with transaction():
        if db.session.scalar(select(IndividualAccount.user_id).where(
                IndividualAccount.citizen_id == number)):
            raise ACCOUNT_EXISTS()
        if sm.find_user(username=phone):
            raise USERNAME_TAKEN()
        user = sm.add_user(username=phone, first_name=name, last_name="",
                           email=f"{uuid.uuid4().hex}@individual.beian.local",
                           role=sm.find_role(ROLE_INDIVIDUAL), password=password, commit=False)
        db.session.flush()
        db.session.add(IndividualAccount(user_id=user.id, citizen_id=number, name=name,
                                         phone=phone))
        record(Actor.of(user, ip=actor.ip), "user", user.id, "register_individual")
    return user
