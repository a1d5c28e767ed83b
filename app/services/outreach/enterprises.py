"""Key-enterprise designated service (特殊企业定点服务): designation, service staff, visits
(大走访) with follow-ups, and special service cases (整厂关停 / 集团重组 / 专项用工类别梳理) linked
to the filings they produce."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import clock
from app.domain.errors import DomainError
from app.domain.identifiers import validate_credit_code
from app.domain.outreach import enterprises as rules
from app.domain.outreach import errors
from app.domain.outreach.codes import FollowUpStatus, ServiceCaseKind, ServiceCaseStatus
from app.domain.roles import STAFF_ROLES
from app.extensions import db
from app.models.filings import Filing
from app.models.outreach import (
    EnterpriseVisit,
    KeyEnterprise,
    ServiceCase,
    ServiceCaseFiling,
    VisitFollowUp,
)
from app.models.units import Unit
from app.models.users import BeianUser
from app.queries.jurisdiction import jurisdiction_of
from app.services.actor import Actor
from app.services.audit import record
from app.services.documents.access import covers
from app.services.outreach.access import (
    KEY_MANAGERS,
    KEY_READERS,
    VISITORS,
    as_actor,
    has_role,
    not_found,
    now,
    require,
    scope_name,
)
from app.services.transaction import transaction


@dataclass
class VisitInput:
    visit_date: datetime.date | None
    people_met: str
    problems: str
    notes: str = ""


# -- finding units and records in the user's jurisdiction -------------------------------------

def unit_by_credit_code(code: str) -> Unit:
    try:
        normalised = validate_credit_code(code)
    except DomainError as exc:
        raise exc.for_field("credit_code") from exc
    unit = db.session.scalar(select(Unit).where(Unit.credit_code == normalised))
    if unit is None:
        raise errors.UNIT_NOT_FOUND_BY_CREDIT_CODE(code=normalised)
    return unit


def _unit_in_jurisdiction(actor: Actor, unit: Unit, what: str) -> Unit:
    if not actor.jurisdiction.covers_unit(unit):
        raise rules.out_of_jurisdiction(what, unit.name, scope_name(actor))
    return unit


def key_enterprise_for(who, key_enterprise_id: int) -> KeyEnterprise | None:
    actor = as_actor(who)
    if not has_role(actor, KEY_READERS):
        return None
    ke = db.session.get(KeyEnterprise, key_enterprise_id)
    if ke is None or not actor.jurisdiction.covers_unit(ke.unit):
        return None
    return ke


def visible_key_enterprises(who) -> list[KeyEnterprise]:
    actor = as_actor(who)
    if not has_role(actor, KEY_READERS):
        return []
    return list(db.session.scalars(
        select(KeyEnterprise).join(Unit, Unit.id == KeyEnterprise.unit_id)
        .options(joinedload(KeyEnterprise.unit))
        .where(actor.jurisdiction.unit_clause(Unit)).order_by(Unit.name)))


def key_enterprise_of_unit(unit_id: int) -> KeyEnterprise | None:
    return db.session.scalar(select(KeyEnterprise).where(KeyEnterprise.unit_id == unit_id))


def visit_for(who, visit_id: int) -> EnterpriseVisit | None:
    actor = as_actor(who)
    if not has_role(actor, KEY_READERS):
        return None
    visit = db.session.get(EnterpriseVisit, visit_id)
    if visit is None or not actor.jurisdiction.covers_unit(visit.unit):
        return None
    return visit


def visits_of_unit(unit_id: int) -> list[EnterpriseVisit]:
    return list(db.session.scalars(select(EnterpriseVisit).where(EnterpriseVisit.unit_id == unit_id)
                                   .order_by(EnterpriseVisit.visit_date.desc(),
                                             EnterpriseVisit.id.desc())))


def visible_visits(who, limit: int = 200) -> list[EnterpriseVisit]:
    actor = as_actor(who)
    if not has_role(actor, KEY_READERS):
        return []
    return list(db.session.scalars(
        select(EnterpriseVisit).join(Unit, Unit.id == EnterpriseVisit.unit_id)
        .where(actor.jurisdiction.unit_clause(Unit))
        .order_by(EnterpriseVisit.visit_date.desc(), EnterpriseVisit.id.desc()).limit(limit)))


def case_for(who, case_id: int) -> ServiceCase | None:
    """A service case the user may see: its enterprise's unit is in the user's jurisdiction."""
    actor = as_actor(who)
    if not has_role(actor, KEY_READERS):
        return None
    case = db.session.get(ServiceCase, case_id)
    if case is None or not actor.jurisdiction.covers_unit(case.key_enterprise.unit):
        return None
    return case


def staff_choices(unit: Unit) -> list[BeianUser]:
    """Staff who may serve a unit: active staff users whose jurisdiction covers it."""
    users = db.session.scalars(select(BeianUser).where(BeianUser.active.is_(True),
                                                       BeianUser.office_id.is_not(None))
                               .order_by(BeianUser.username))
    return [u for u in users if has_role(u, STAFF_ROLES)
            and jurisdiction_of(u).covers_unit(unit)]


# -- key enterprises -------------------------------------------------------------------------

def designate(unit: Unit, reason: str, actor: Actor) -> KeyEnterprise:
    """Mark a unit as key enterprise (重点企业). Idempotent: an existing one is returned."""
    require(actor, KEY_MANAGERS, "认定重点企业")
    _unit_in_jurisdiction(actor, unit, "认定重点企业")
    with transaction():
        ke = key_enterprise_of_unit(unit.id)
        if ke is None:
            ke = KeyEnterprise(unit_id=unit.id, reason=(reason or "").strip(),
                               designated_by_id=actor.user_id)
            db.session.add(ke)
            db.session.flush()
            record(actor, "key_enterprise", ke.id, "designate", after={"unit": unit.id},
                   reason=reason)
        db.session.get(Unit, unit.id).is_key_enterprise = True
    return ke


def assign_staff(key_enterprise_id: int, user_ids: list[int], actor: Actor) -> KeyEnterprise:
    require(actor, KEY_MANAGERS, "指派服务专员")
    ke = key_enterprise_for(actor, key_enterprise_id)
    if ke is None:
        raise not_found("重点企业")
    allowed = {u.id: u for u in staff_choices(ke.unit)}
    chosen = []
    for uid in dict.fromkeys(user_ids):
        if uid not in allowed:
            raise errors.STAFF_NOT_ELIGIBLE()
        chosen.append(allowed[uid])
    with transaction():
        before = sorted(u.username for u in ke.staff)
        ke.staff = chosen
        record(actor, "key_enterprise", ke.id, "assign_staff", before={"staff": before},
               after={"staff": sorted(u.username for u in chosen)})
    return ke


# -- visits (大走访) ---------------------------------------------------------------------------

def record_visit(unit: Unit, inp: VisitInput, actor: Actor,
                 today: datetime.date | None = None) -> EnterpriseVisit:
    """A visit to a unit in the staff member's jurisdiction; outside it, refused by name."""
    require(actor, VISITORS, "登记走访")
    _unit_in_jurisdiction(actor, unit, "登记走访记录")
    rules.check_visit_values(visit_date=inp.visit_date, people_met=inp.people_met,
                             problems=inp.problems, today=today or clock.today())
    with transaction():
        visit = EnterpriseVisit(unit_id=unit.id, visit_date=inp.visit_date,
                                people_met=inp.people_met.strip(), problems=inp.problems.strip(),
                                notes=(inp.notes or "").strip(),
                                visited_by_id=actor.user_id)
        db.session.add(visit)
        db.session.flush()
        record(actor, "enterprise_visit", visit.id, "create", after={"unit": unit.id})
    return visit


def add_follow_up(visit_id: int, action: str, owner_id: int | None,
                  due_date: datetime.date | None, actor: Actor) -> VisitFollowUp:
    require(actor, VISITORS, "登记跟进事项")
    visit = visit_for(actor, visit_id)
    if visit is None:
        raise not_found("走访记录")
    rules.check_follow_up(action, due_date)
    owner = db.session.get(BeianUser, owner_id) if owner_id else actor.user
    if owner is None or owner.id not in {u.id for u in staff_choices(visit.unit)}:
        raise errors.FOLLOWUP_OWNER()
    with transaction():
        follow_up = VisitFollowUp(visit_id=visit.id, action=action.strip(), owner_id=owner.id,
                                  due_date=due_date, status=FollowUpStatus.OPEN)
        db.session.add(follow_up)
        db.session.flush()
        record(actor, "visit_follow_up", follow_up.id, "create",
               after={"visit": visit.id, "owner": owner.username, "due": due_date})
    return follow_up


def set_follow_up_done(follow_up_id: int, done: bool, actor: Actor) -> VisitFollowUp:
    require(actor, VISITORS, "更新跟进事项")
    follow_up = db.session.get(VisitFollowUp, follow_up_id)
    if follow_up is None or visit_for(actor, follow_up.visit_id) is None:
        raise not_found("跟进事项")
    with transaction():
        follow_up.status = FollowUpStatus.DONE if done else FollowUpStatus.OPEN
        follow_up.done_at = now() if done else None
        record(actor, "visit_follow_up", follow_up.id, "done" if done else "reopen")
    return follow_up


# -- special service cases -------------------------------------------------------------------

def open_case(key_enterprise_id: int, kind: str, title: str, description: str,
              expected_people: int | None, actor: Actor) -> ServiceCase:
    require(actor, KEY_MANAGERS, "建立专项服务")
    ke = key_enterprise_for(actor, key_enterprise_id)
    if ke is None:
        raise not_found("重点企业")
    if kind not in ServiceCaseKind.__members__:
        raise errors.CASE_KIND()
    if not (title or "").strip():
        raise errors.CASE_TITLE_REQUIRED()
    if expected_people is not None and expected_people < 0:
        raise errors.CASE_PEOPLE()
    with transaction():
        case = ServiceCase(key_enterprise_id=ke.id, kind=ServiceCaseKind[kind],
                           title=title.strip(), description=(description or "").strip(),
                           expected_people=expected_people, status=ServiceCaseStatus.OPEN,
                           opened_by_id=actor.user_id)
        db.session.add(case)
        db.session.flush()
        record(actor, "service_case", case.id, "create", after={"kind": kind, "unit": ke.unit_id})
    return case


def close_case(case_id: int, actor: Actor) -> ServiceCase:
    require(actor, KEY_MANAGERS, "办结专项服务")
    case = case_for(actor, case_id)
    if case is None:
        raise not_found("专项服务")
    with transaction():
        case.status = ServiceCaseStatus.CLOSED
        case.closed_at = now()
        record(actor, "service_case", case.id, "close")
    return case


def link_filings(case_id: int, filing_ids: list[int], actor: Actor) -> int:
    """Link the filings a service case produced (e.g. the 2,000 terminations of a plant closure
    uploaded in bulk) to the case. The actor must see the case and every filing; links are
    idempotent. Returns how many were newly linked. Inside a caller's transaction (a bulk
    upload's) it joins it."""
    case = case_for(actor, case_id)
    if case is None:
        raise not_found("专项服务")
    ids = sorted({int(i) for i in filing_ids})
    if not ids:
        return 0
    found = {f.id: f for f in db.session.scalars(
        select(Filing).options(joinedload(Filing.unit), joinedload(Filing.to_unit))
        .where(Filing.id.in_(ids)))}
    missing = [i for i in ids if i not in found or not covers(actor.jurisdiction, found[i])]
    if missing:
        raise errors.FILINGS_NOT_FOUND(count=len(missing))
    with transaction():
        existing = set(db.session.scalars(select(ServiceCaseFiling.filing_id).where(
            ServiceCaseFiling.case_id == case.id, ServiceCaseFiling.filing_id.in_(ids))))
        new = [i for i in ids if i not in existing]
        if new:
            db.session.execute(ServiceCaseFiling.__table__.insert(), [
                {"case_id": case.id, "filing_id": i, "linked_by_id": actor.user_id,
                 "linked_at": now()} for i in new])
            record(actor, "service_case", case.id, "link_filings", after={"added": len(new)})
    return len(new)


def filing_ids_by_receipt(numbers: list[str]) -> tuple[list[int], list[str]]:
    """Filing ids for receipt numbers (回执号) typed by staff; and the numbers not found."""
    wanted = [n.strip().upper() for n in numbers if n.strip()]
    rows = dict(db.session.execute(select(Filing.receipt_number, Filing.id)
                                   .where(Filing.receipt_number.in_(wanted))).all())
    return [rows[n] for n in wanted if n in rows], [n for n in wanted if n not in rows]


def linked_filings(case_id: int) -> list[Filing]:
    return list(db.session.scalars(
        select(Filing).join(ServiceCaseFiling, ServiceCaseFiling.filing_id == Filing.id)
        .where(ServiceCaseFiling.case_id == case_id).order_by(Filing.id)))


def cases_of(key_enterprise_id: int) -> list[ServiceCase]:
    return list(db.session.scalars(select(ServiceCase)
                                   .where(ServiceCase.key_enterprise_id == key_enterprise_id)
                                   .order_by(ServiceCase.id.desc())))
