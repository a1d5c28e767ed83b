"""Create a staff or employer user (`flask beian create-user`), linked to its office or unit."""

from __future__ import annotations

from sqlalchemy import select

from app.domain import accounts as errors
from app.domain.passwords import PASSWORD_RULE, is_complex
from app.extensions import appbuilder, db
from app.models.org import Office
from app.models.units import Unit
from app.services.actor import Actor
from app.services.audit import record
from app.services.transaction import transaction


def create_user(actor: Actor, *, username: str, name: str, email: str, role: str,
                password: str, office_name: str | None = None,
                unit_credit_code: str | None = None):
    """The new user; nothing is written when a check fails."""
    if not is_complex(password):
        raise errors.PASSWORD_TOO_SIMPLE(rule=PASSWORD_RULE, rule_en="10+ characters of three "
                                         "kinds (upper, lower, digits, symbols)")
    sm = appbuilder.sm
    with transaction():
        role_obj = sm.find_role(role)
        if role_obj is None:
            raise errors.ROLE_UNKNOWN(role=role)
        office = unit = None
        if office_name:
            office = db.session.scalar(select(Office).where(Office.name == office_name))
            if office is None:
                raise errors.OFFICE_UNKNOWN(office=office_name)
        if unit_credit_code:
            unit = db.session.scalar(select(Unit).where(Unit.credit_code == unit_credit_code))
            if unit is None:
                raise errors.UNIT_UNKNOWN()
        if sm.find_user(username=username) or sm.find_user(email=email):
            raise errors.USER_EXISTS(username=username)
        user = sm.add_user(username=username, first_name=name, last_name="", email=email,
                           role=role_obj, password=password, commit=False)
        if not user:
            raise errors.USER_EXISTS(username=username)
        user.office, user.unit = office, unit
        db.session.flush()
        record(actor, "user", user.id, "create",
               after={"username": username, "role": role, "office": office_name,
                      "unit": unit.id if unit else None})
    return user
