"""A draft filing from an input: the unit and employment checked against the actor's
jurisdiction, the person found (or registered, for a hire). Not yet added to the session."""

from __future__ import annotations

from app import clock
from app.domain.errors import DomainError
from app.domain.filings import (
    FilingStatus,
    FilingType,
    check_name_matches,
    check_receiving_unit_known,
    check_unit_active,
)
from app.domain.identifiers import validate_citizen_id
from app.extensions import db
from app.models.filings import Filing
from app.models.people import Person
from app.models.units import Unit, UnitStatus
from app.services.actor import Actor
from app.services.audit import record
from app.services.filings.access import employment_for, required, unit_for
from app.services.filings.facts import facts, today
from app.services.filings.inputs import HireInput, RenewalInput, TerminationInput, TransferInput


def _person_for_hire(inp: HireInput, actor: Actor) -> Person:
    try:
        cid = validate_citizen_id(inp.citizen_id, today=clock.today())
    except DomainError as exc:
        raise exc.for_field("citizen_id") from exc
    name = required((inp.name or "").strip(), "name", "姓名")
    person = facts().person_by_citizen_id(cid.number)
    if person is not None:
        check_name_matches(person.name, name)
        return person
    person = Person(name=name, citizen_id=cid.number, phone=inp.phone or "",
                    education_code=inp.education_code or None)
    district = facts().district_by_code(cid.region_code)
    if district is not None:
        person.district_id = district.id
    facts().prepare_new_person(person)
    db.session.add(person)
    if facts().person_created(person):
        record(actor, "person", person.id, "create", after={"name": person.name},
               reason="录用备案登记")
    return person


def _new_filing(kind: FilingType, actor: Actor, unit: Unit, person: Person, **values) -> Filing:
    # Keys as well as relationships: the checks query by id before anything is flushed.
    for name in ("employment", "to_unit"):
        if values.get(name) is not None:
            values[f"{name}_id"] = values[name].id
    return Filing(filing_type=kind, status=FilingStatus.DRAFT, channel=actor.channel,
                  unit=unit, unit_id=unit.id, person=person, person_id=person.id,
                  person_name=person.name, person_citizen_id=person.citizen_id,
                  office=facts().handling_office(unit, actor), submitted_by_id=actor.user_id,
                  **values)


def _build_hire(inp: HireInput, actor: Actor) -> Filing:
    unit = unit_for(actor, inp.unit_id)
    required(inp.start_date, "start_date", "入职日期")
    person = _person_for_hire(inp, actor)
    return _new_filing(
        FilingType.HIRE, actor, unit, person, start_date=inp.start_date,
        employment_form_code=inp.employment_form_code, hours_per_day=inp.hours_per_day,
        hours_per_week=inp.hours_per_week, probation_months=inp.probation_months,
        contract_type_code=inp.contract_type_code,
        contract_start=inp.contract_start or inp.start_date, contract_end=inp.contract_end,
        job_title=(inp.job_title or "").strip(), note=inp.note or "")


def _build_renewal(inp: RenewalInput, actor: Actor) -> Filing:
    employment = employment_for(actor, inp.employment_id)
    unit_for(actor, employment.unit_id)
    required(inp.contract_type_code, "contract_type", "合同期限类型")
    return _new_filing(
        FilingType.RENEWAL, actor, employment.unit, employment.person, employment=employment,
        contract_type_code=inp.contract_type_code,
        contract_start=inp.contract_start or employment.contract_end or today(),
        contract_end=inp.contract_end, employment_form_code=employment.employment_form_code,
        previous_contract_type_code=employment.contract_type_code,
        previous_contract_end=employment.contract_end, note=inp.note or "")


def _build_transfer(inp: TransferInput, actor: Actor) -> Filing:
    employment = employment_for(actor, inp.employment_id)
    unit_for(actor, employment.unit_id)
    required(inp.transfer_date, "transfer_date", "调动日期")
    code = (inp.to_unit_credit_code or "").strip().upper()
    required(code, "to_unit", "调入单位统一社会信用代码")
    to_unit = facts().unit_by_credit_code(code)
    check_receiving_unit_known(code, to_unit is not None, facts().city_prefix())
    check_unit_active(to_unit.status == UnitStatus.ACTIVE, to_unit.status.value, receiving=True)
    return _new_filing(
        FilingType.TRANSFER, actor, employment.unit, employment.person, employment=employment,
        to_unit=to_unit, start_date=inp.transfer_date, end_date=inp.transfer_date,
        employment_form_code=employment.employment_form_code,
        hours_per_day=employment.hours_per_day, hours_per_week=employment.hours_per_week,
        contract_type_code=inp.contract_type_code, contract_start=inp.transfer_date,
        contract_end=inp.contract_end, job_title=(inp.job_title or employment.job_title),
        note=inp.note or "")


def _build_termination(inp: TerminationInput, actor: Actor) -> Filing:
    employment = employment_for(actor, inp.employment_id)
    unit_for(actor, employment.unit_id)
    return _new_filing(
        FilingType.TERMINATION, actor, employment.unit, employment.person, employment=employment,
        end_date=inp.end_date, termination_reason_code=inp.termination_reason_code or None,
        employment_form_code=employment.employment_form_code, note=inp.note or "")


_BUILDERS = {HireInput: _build_hire, RenewalInput: _build_renewal,
             TransferInput: _build_transfer, TerminationInput: _build_termination}


def build_filing(inp, actor: Actor) -> Filing:
    """A draft filing from a form/row input (the unit and employment checked against the
    actor's jurisdiction); not added to the session."""
    return _BUILDERS[type(inp)](inp, actor)
