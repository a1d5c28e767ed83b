"""Rules about the organisation: regions, units' places and account states, display labels."""

from __future__ import annotations

from app.domain.errors import DomainError

SEX_LABELS = {"M": "男", "F": "女"}


def check_street_in_district(street_parent_id: int | None, district_id: int | None) -> None:
    """A unit's (or person's) street must lie in the chosen district."""
    if street_parent_id is None or district_id is None:
        return
    if street_parent_id != district_id:
        raise DomainError(
            "STREET_NOT_IN_DISTRICT",
            "所选街道不属于所选区（县级市）。请先选择区，再从该区的街道中选择。",
            "The street does not belong to the chosen district; pick a street of that district.",
            field="street",
        )


def check_unit_can_be_approved(status: str) -> None:
    """Only an account opened online and not yet approved ("PENDING") can be approved."""
    if status != "PENDING":
        raise DomainError("UNIT_NOT_PENDING", "该单位账户不是“待审核”状态，无需审核。",
                          "Only pending unit accounts can be approved.", field="status")
