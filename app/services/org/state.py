"""What the database already holds of the organisation, as the plain maps the file rules read:
regions by code, offices by name, and which of them other records refer to."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.domain.org_file import Existing, KnownOffice, KnownRegion
from app.extensions import db
from app.models.org import Office, Region

# What a reference to a region or an office is, in words (a table not named here shows as is).
_USED_BY = {"region": "下级区划", "office": "经办机构", "unit": "用人单位", "person": "劳动者",
            "ab_user": "用户账号", "filing": "备案", "change_request": "变更申请",
            "desk_case": "服务台事项", "outreach_event": "宣传活动"}


def existing_organisation() -> Existing:
    parent = aliased(Region)
    regions = db.session.execute(
        select(Region.id, Region.code, Region.name, Region.level, parent.code)
        .outerjoin(parent, Region.parent_id == parent.id)).all()
    offices = db.session.execute(
        select(Office.id, Office.name, Office.level, Region.code)
        .join(Region, Office.region_id == Region.id)).all()
    region_uses, office_uses = _uses("region"), _uses("office")
    return Existing(
        regions={code: KnownRegion(name, level.name, parent_code)
                 for _, code, name, level, parent_code in regions},
        offices={name: KnownOffice(level.name, code) for _, name, level, code in offices},
        regions_in_use={code: region_uses[rid] for rid, code, *_ in regions if rid in region_uses},
        offices_in_use={name: office_uses[oid] for oid, name, *_ in offices if oid in office_uses})


def _uses(target: str) -> dict[int, str]:
    """id → "用人单位3条、劳动者12条" for every row of ``target`` some record refers to. Every
    foreign key counts, so a table added later protects what it refers to without a change here."""
    counts: dict[int, list[str]] = {}
    for table in Model.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != target:
                continue
            column = fk.parent
            label = _USED_BY.get(table.name, table.name)
            for ref, n in db.session.execute(
                    select(column, func.count()).where(column.is_not(None)).group_by(column)):
                counts.setdefault(ref, []).append(f"{label}{n}条")
    return {ref: "、".join(parts) for ref, parts in counts.items()}
