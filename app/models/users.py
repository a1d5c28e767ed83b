"""Users: FAB's ab_user extended with what decides a user's jurisdiction."""

from __future__ import annotations

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.org import Office
from app.models.people import Person
from app.models.units import Unit


class BeianUser(User):
    """A staff user belongs to an office; an employer user to a unit; an individual to a person."""

    __tablename__ = "ab_user"
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), nullable=True)
    office: Mapped[Office | None] = relationship(foreign_keys=[office_id])
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), nullable=True)
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
