"""Jurisdiction (管辖范围): which units and persons a user may see and act on.

The read layer applies it; faces never build their own clauses.

A staff user's jurisdiction is their office's region and everything below it; an employer user's
is their own unit; an individual's is their own person record. Every view, action, dropdown,
custom endpoint and API resource filters through the clauses built here, so the rule lives once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, true

from app.domain.roles import ROLE_ADMIN, ROLE_EMPLOYER, ROLE_INDIVIDUAL, STAFF_ROLES
from app.models.org import OfficeLevel
from app.models.people import Person
from app.models.units import Unit


@dataclass(frozen=True)
class Jurisdiction:
    scope: str                 # "all" | "district" | "street" | "unit" | "person" | "none"
    region_id: int | None = None
    unit_id: int | None = None
    person_id: int | None = None
    parent_region_id: int | None = None  # a street office's district (for region pickers)

    @property
    def is_city_wide(self) -> bool:
        return self.scope == "all"

    def _match(self, target, own_scope: str, own_id, yes, no):
        """One rule for both forms: `target` is a model class (an SQL clause comes back) or a
        loaded row (a bool comes back)."""
        if self.scope == "all":
            return yes
        if self.scope == "district":
            return target.district_id == self.region_id
        if self.scope == "street":
            return target.street_id == self.region_id
        if self.scope == own_scope:
            return target.id == own_id
        return no

    # -- SQL clauses -----------------------------------------------------------------------
    def unit_clause(self, unit=Unit):
        return self._match(unit, "unit", self.unit_id, true(), false())

    def person_clause(self, person=Person):
        return self._match(person, "person", self.person_id, true(), false())

    def region_clause(self, region_model):
        """Regions a user may pick (e.g. the district/street of a unit they register)."""
        if self.scope == "all":
            return true()
        if self.scope == "district":
            return (region_model.id == self.region_id) | (region_model.parent_id == self.region_id)
        if self.scope == "street":
            return region_model.id.in_([self.region_id, self.parent_region_id])
        return false()

    # -- checks on loaded objects ------------------------------------------------------------
    def covers_unit(self, unit: Unit | None) -> bool:
        return unit is not None and self._match(unit, "unit", self.unit_id, True, False)

    def covers_person(self, person: Person | None) -> bool:
        return person is not None and self._match(person, "person", self.person_id, True, False)


NOWHERE = Jurisdiction("none")


def role_names(user) -> set[str]:
    return {r.name for r in getattr(user, "roles", None) or []}


def jurisdiction_of(user) -> Jurisdiction:
    """The jurisdiction of a user. Unauthenticated users and users without an office/unit/person
    link have none: the safe default."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOWHERE
    roles = role_names(user)
    if ROLE_ADMIN in roles:
        return Jurisdiction("all")
    office = getattr(user, "office", None)
    if roles & set(STAFF_ROLES) and office is not None:
        if office.level == OfficeLevel.CITY:
            return Jurisdiction("all")
        if office.level == OfficeLevel.DISTRICT:
            return Jurisdiction("district", region_id=office.region_id)
        if office.level == OfficeLevel.STREET:
            return Jurisdiction("street", region_id=office.region_id,
                                parent_region_id=office.region.parent_id)
    if ROLE_EMPLOYER in roles and getattr(user, "unit_id", None):
        return Jurisdiction("unit", unit_id=user.unit_id)
    if ROLE_INDIVIDUAL in roles and getattr(user, "person_id", None):
        return Jurisdiction("person", person_id=user.person_id)
    return NOWHERE
