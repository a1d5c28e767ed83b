"""Load the city's organisation from an xlsx or CSV file: every row checked first, then all rows
loaded in one transaction or none; loading the same file again changes nothing; nothing deleted."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.bulk.files import read_table
from app.domain.errors import DomainError
from app.domain.org_file import (
    CITY,
    DISTRICT,
    KIND_OFFICE,
    KIND_REGION,
    STREET,
    Row,
    check_rows,
    parse_rows,
)
from app.extensions import db
from app.models.org import Office, OfficeLevel, Region, RegionLevel
from app.services.actor import Actor
from app.services.audit import pending_changes, record
from app.services.org.state import existing_organisation
from app.services.transaction import transaction

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_LEVEL_ORDER = {CITY: 0, DISTRICT: 1, STREET: 2}


@dataclass
class OrgLoad:
    """What a load did (counts per kind: created/updated/unchanged) or, when refused, why."""

    errors: list[DomainError] = field(default_factory=list)
    regions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        (CREATED, UPDATED, UNCHANGED), 0))
    offices: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        (CREATED, UPDATED, UNCHANGED), 0))

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def load_org_file(actor: Actor, data: bytes, filename: str) -> OrgLoad:
    """Check every row, then load them all, or none."""
    try:
        table = read_table(data, filename)
        try:
            rows = parse_rows(table.rows)
        finally:
            if table.close:
                table.close()
    except DomainError as exc:
        return OrgLoad(errors=[exc])
    result = OrgLoad()
    with transaction():
        result.errors = check_rows(rows, existing_organisation())
        if result.errors:
            return result
        regions = [r for r in rows if r.kind == KIND_REGION]
        for row in sorted(regions, key=lambda r: _LEVEL_ORDER[r.level]):
            result.regions[_put_region(actor, row)] += 1
        for row in rows:
            if row.kind == KIND_OFFICE:
                result.offices[_put_office(actor, row)] += 1
    return result


def _region(code: str) -> Region | None:
    return db.session.scalar(select(Region).where(Region.code == code)) if code else None


def _put_region(actor: Actor, row: Row) -> str:
    region, parent = _region(row.code), _region(row.parent_code)
    level = RegionLevel[row.level]
    if region is None:
        region = Region(code=row.code, name=row.name, level=level, parent=parent)
        db.session.add(region)
        db.session.flush()
        record(actor, "region", region.id, "org_load_create",
               after={"code": row.code, "name": row.name, "level": row.level,
                      "parent": row.parent_code or None})
        return CREATED
    region.name, region.level = row.name, level
    region.parent_id = parent.id if parent else None
    return _changed(actor, "region", region, ("name", "level", "parent_id"))


def _put_office(actor: Actor, row: Row) -> str:
    office = db.session.scalar(select(Office).where(Office.name == row.name))
    region, level = _region(row.code), OfficeLevel[row.level]
    if office is None:
        office = Office(name=row.name, level=level, region=region, address=row.address,
                        phone=row.phone, seal_name=row.seal_name or f"{row.name}用工备案专用章")
        db.session.add(office)
        db.session.flush()
        record(actor, "office", office.id, "org_load_create",
               after={"name": row.name, "level": row.level, "region": row.code})
        return CREATED
    office.level, office.region_id = level, region.id
    # An empty address, phone or seal name keeps what the office has.
    for name in ("address", "phone", "seal_name"):
        if getattr(row, name):
            setattr(office, name, getattr(row, name))
    return _changed(actor, "office", office,
                    ("level", "region_id", "address", "phone", "seal_name"))


def _changed(actor: Actor, object_type: str, obj, fields: tuple[str, ...]) -> str:
    before, after = pending_changes(obj, fields)
    if not after:
        return UNCHANGED
    record(actor, object_type, obj.id, "org_load_update", before=before, after=after)
    return UPDATED
