"""Change requests (信息变更申请): a verified worker asks to change the phone or education on
file; the staff of the household's (or employer's) district or street decide."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app import clock
from app.domain import individuals as rules
from app.domain.errors import DomainError
from app.domain.filings import EmploymentStatus
from app.domain.identifiers import validate_mobile
from app.domain.individuals import (
    CHANGE_FIELD_UNKNOWN,
    EDUCATION_UNKNOWN,
    REQUEST_ALREADY_DECIDED,
    REQUEST_NOT_FOUND,
    ChangeField,
    RequestStatus,
)
from app.domain.shared_errors import ATTACHMENT_TOO_LARGE, ATTACHMENT_TYPE
from app.extensions import db
from app.models.codes import EducationLevel
from app.models.filings import Employment
from app.models.individuals import ChangeRequest
from app.models.people import Person
from app.queries.jurisdiction import Jurisdiction
from app.services.actor import Actor
from app.services.audit import record
from app.services.individuals.records import my_person
from app.services.notices import notify_person
from app.services.transaction import transaction


def _route(person: Person) -> tuple[int | None, int | None]:
    """Household district/street in the city, else the current employer's."""
    if person.district_id:
        return person.district_id, person.street_id
    employment = db.session.scalar(select(Employment).where(
        Employment.person_id == person.id, Employment.status == EmploymentStatus.ACTIVE
    ).order_by(Employment.start_date.desc()))
    if employment is not None:
        return employment.unit.district_id, employment.unit.street_id
    return None, None


def _check_proof(proof) -> None:
    from app.services.filings import ATTACHMENT_TYPES

    limit = current_app.config["BEIAN_ATTACHMENT_MAX_BYTES"]
    magic = ATTACHMENT_TYPES.get(proof.content_type)
    if magic is None or not proof.data.startswith(magic):
        raise ATTACHMENT_TYPE(field="proof", filename=proof.filename)
    if len(proof.data) > limit:
        raise ATTACHMENT_TOO_LARGE(field="proof", filename=proof.filename,
                                   megabytes=limit // (1024 * 1024))


def _new_value(person: Person, field: str, value: str) -> tuple[str, str]:
    """(old value, new value normalised) of the field asked to change."""
    if field == ChangeField.PHONE.name:
        try:
            return person.phone, validate_mobile(value)
        except DomainError as exc:
            raise exc.for_field("new_value") from exc
    if db.session.get(EducationLevel, value) is None:
        raise EDUCATION_UNKNOWN()
    return person.education_code or "", value


def submit_change_request(actor: Actor, field: str, new_value: str, proof=None) -> ChangeRequest:
    person = my_person(actor.user)
    if field not in ChangeField.__members__:
        raise CHANGE_FIELD_UNKNOWN()
    value = rules.check_change_request(field, new_value, 1 if proof else 0)
    old, value = _new_value(person, field, value)
    if proof is not None:
        _check_proof(proof)
    district_id, street_id = _route(person)
    with transaction():
        request_ = ChangeRequest(person_id=person.id, field=ChangeField[field], old_value=old,
                                 new_value=value, status=RequestStatus.PENDING,
                                 district_id=district_id, street_id=street_id,
                                 proof=proof.data if proof else None,
                                 proof_filename=proof.filename if proof else None,
                                 proof_content_type=proof.content_type if proof else None)
        db.session.add(request_)
        db.session.flush()
        record(actor, "change_request", request_.id, "submit", after={"field": field})
    return request_


def change_request_clause(jurisdiction: Jurisdiction):
    if jurisdiction.scope == "all":
        return ChangeRequest.id.is_not(None)
    if jurisdiction.scope == "district":
        return ChangeRequest.district_id == jurisdiction.region_id
    if jurisdiction.scope == "street":
        return ChangeRequest.street_id == jurisdiction.region_id
    return ChangeRequest.id.is_(None)


def _apply(actor: Actor, request_: ChangeRequest) -> None:
    person = request_.person
    attr = "phone" if request_.field == ChangeField.PHONE else "education_code"
    before = {attr: getattr(person, attr)}
    setattr(person, attr, request_.new_value)
    request_.status = RequestStatus.APPROVED
    record(actor, "person", person.id, "change_request_approved", before=before,
           after={attr: request_.new_value}, reason=f"信息变更申请 #{request_.id}")
    notify_person(person, f"【用工备案】您的{request_.field.value}变更申请已通过。")


def decide_change_request(actor: Actor, request_id, *, approve: bool,
                          reason: str = "") -> ChangeRequest:
    """Staff of the request's district or street approve (the change is made) or reject it
    with a reason; the worker is told by SMS either way."""
    reason = rules.check_decision_reason(approve, reason)
    with transaction():
        request_ = db.session.scalar(select(ChangeRequest).where(
            ChangeRequest.id == request_id, change_request_clause(actor.jurisdiction)))
        if request_ is None:
            raise REQUEST_NOT_FOUND()
        if request_.status != RequestStatus.PENDING:
            raise REQUEST_ALREADY_DECIDED()
        request_.decided_by_id, request_.decided_at = actor.user_id, clock.now()
        request_.reason = reason or None
        if approve:
            _apply(actor, request_)
        else:
            request_.status = RequestStatus.REJECTED
            record(actor, "change_request", request_.id, "reject", reason=reason)
            notify_person(request_.person,
                          f"【用工备案】您的{request_.field.value}变更申请未通过：{reason}")
    return request_
