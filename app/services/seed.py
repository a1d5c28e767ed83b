"""Seed the code lists from app.domain.codelists (idempotent: insert new codes, update names)."""

from __future__ import annotations

from app.domain import codelists as cl
from app.extensions import db
from app.models import codes
from app.services.transaction import use_case

_PLAIN_LISTS = (
    (codes.IndustrySection, cl.INDUSTRY_SECTIONS, None),
    (codes.IndustryDivision, cl.INDUSTRY_DIVISIONS, "section_code"),
    (codes.EmployerType, cl.EMPLOYER_TYPES, None),
    (codes.OwnershipType, cl.OWNERSHIP_TYPES, "parent_code"),
    (codes.EducationLevel, cl.EDUCATION_LEVELS, "parent_code"),
    (codes.ContractType, cl.CONTRACT_TYPES, None),
    (codes.EmploymentForm, cl.EMPLOYMENT_FORMS, None),
    (codes.SpecialGroup, cl.SPECIAL_GROUPS, None),
)


def _upsert(model, code: str, values: dict) -> bool:
    row = db.session.get(model, code)
    if row is None:
        db.session.add(model(code=code, **values))
        return True
    for key, value in values.items():
        setattr(row, key, value)
    return False


@use_case
def seed_code_lists() -> int:
    """Write every code list and the default correction rules; returns how many were new."""
    added = 0
    for model, items, parent_attr in _PLAIN_LISTS:
        for item in items:
            values = {"name": item.name, "standard": item.standard, "sort": item.sort}
            if parent_attr:
                values[parent_attr] = item.parent
            added += _upsert(model, item.code, values)
        db.session.flush()
    for reason in cl.TERMINATION_REASONS:
        added += _upsert(codes.TerminationReason, reason.code, {
            "name": reason.name, "standard": cl.LABOUR_CONTRACT_LAW, "sort": reason.sort,
            "article": reason.article, "initiator": reason.initiator,
            "needs_review": reason.needs_review,
            "counts_as_employer_initiated": reason.counts_as_employer_initiated,
        })
    added += seed_correction_rules()
    return added


def seed_correction_rules() -> int:
    """The default 数据修改操作口径, only into an empty table: administrators own it afterwards."""
    from sqlalchemy import func, select

    from app.domain.filings import DEFAULT_CORRECTION_RULES
    from app.models.filings import CorrectionRule

    if db.session.scalar(select(func.count(CorrectionRule.id))):
        return 0
    rows = [CorrectionRule(office_level=level, field_name=name)
            for level, names in DEFAULT_CORRECTION_RULES.items() for name in sorted(names)]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
