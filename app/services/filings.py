"""Use cases of the four filings (录用, 合同续订, 市内调动, 退工): submit, review (approve / return),
resubmit, correct (更正) and cancel (撤销).

Every use case is one transaction: the filing, its effect on the employment, the person it may
register, the audit entries and the notices commit together or not at all. The rules live in
app.domain.filing_rules; this module gathers the facts they need from the database."""

from __future__ import annotations

import datetime
import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.domain import filing_rules as rules
from app.domain.codelists import FORM_FULL_TIME
from app.domain.errors import DomainError
from app.domain.filing_rules import (
    EmploymentStatus,
    FilingAction,
    FilingStatus,
    FilingType,
    ReviewFlags,
)
from app.domain.identifiers import validate_citizen_id
from app.extensions import db
from app.models.codes import TerminationReason
from app.models.filings import CorrectionRule, Employment, Filing, FilingAttachment
from app.models.org import Office, OfficeLevel, Region, RegionLevel
from app.models.people import Person
from app.models.units import Unit, UnitStatus
from app.services.actor import Actor
from app.services.audit import plain, record
from app.services.notices import notify_person, notify_unit
from app.services.persons.prepare import prepare_person
from app.services.transaction import begin_write

# Filings that count as "there" for duplicates and the mass-termination window.
LIVE_STATUSES = (FilingStatus.SUBMITTED, FilingStatus.PENDING_REVIEW,
                 FilingStatus.PENDING_DISTRICT_APPROVAL, FilingStatus.FILED)
PENDING_STATUSES = (FilingStatus.PENDING_REVIEW, FilingStatus.PENDING_DISTRICT_APPROVAL)

ATTACHMENT_TYPES = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8\xff",
                    "image/png": b"\x89PNG\r\n\x1a\n"}


def policy() -> rules.FilingPolicy:
    return rules.FilingPolicy.from_mapping(current_app.config)


def today() -> datetime.date:
    return datetime.date.today()


def now() -> datetime.datetime:
    return datetime.datetime.now()


# --------------------------------------------------------------------------------------------
# Who acts
# --------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------

@dataclass
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass
class HireInput:  # 录用备案
    unit_id: int
    citizen_id: str
    name: str
    start_date: datetime.date
    phone: str = ""
    education_code: str | None = None
    employment_form_code: str = FORM_FULL_TIME
    hours_per_day: float | None = None
    hours_per_week: float | None = None
    probation_months: int | None = None
    contract_type_code: str = "FIXED"
    contract_start: datetime.date | None = None
    contract_end: datetime.date | None = None
    job_title: str = ""
    note: str = ""


@dataclass
class RenewalInput:  # 合同续订备案
    employment_id: int
    contract_type_code: str
    contract_start: datetime.date | None = None
    contract_end: datetime.date | None = None
    note: str = ""


@dataclass
class TransferInput:  # 市内调动备案
    employment_id: int
    to_unit_credit_code: str
    transfer_date: datetime.date
    contract_type_code: str = "FIXED"
    contract_end: datetime.date | None = None
    job_title: str = ""
    note: str = ""


@dataclass
class TerminationInput:  # 退工备案
    employment_id: int
    end_date: datetime.date
    termination_reason_code: str | None
    note: str = ""


@dataclass
class Outcome:
    filing: Filing
    created: bool = True
    flags: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _error(code, zh, en, field=None) -> DomainError:
    return DomainError(code, zh, en, field=field)


def _unit_for(actor: Actor, unit_id, *, must_be_active=True, field_name="unit") -> Unit:
    unit = facts().unit(unit_id) if unit_id else None
    if unit is None or not actor.jurisdiction.covers_unit(unit):
        # The same answer for "no such unit" and "not yours": nothing leaks.
        raise _error("UNIT_OUT_OF_JURISDICTION",
                     "该单位不在您的办理范围内。用人单位只能为本单位办理备案；经办人员只能为辖区内单位办理。",
                     "This unit is outside your jurisdiction.", field_name)
    if must_be_active and unit.status != UnitStatus.ACTIVE:
        raise _error("UNIT_NOT_ACTIVE",
                     f"单位账户状态为“{unit.status.value}”，审核通过后才能办理备案。请联系所在区经办机构。",
                     "The unit's account is not active yet.", field_name)
    return unit


def _employment_for(actor: Actor, employment_id) -> Employment:
    employment = facts().employment(employment_id) if employment_id else None
    if employment is None or not actor.jurisdiction.covers_unit(employment.unit):
        raise _error("EMPLOYMENT_NOT_FOUND",
                     "未找到该劳动关系，或不在您的办理范围内。请从本单位在职人员名单中选择。",
                     "Employment not found in your jurisdiction.", "employment")
    return employment


def _filing_for(actor: Actor, filing_id, *, lock=False) -> Filing:
    filing = db.session.get(Filing, filing_id) if filing_id else None
    if filing is None or not actor.jurisdiction.covers_unit(filing.unit):
        raise _error("FILING_NOT_FOUND", "未找到该备案，或不在您的办理范围内。",
                     "Filing not found in your jurisdiction.", "filing")
    return filing


def _required(value, field_name, label):
    if value in (None, ""):
        raise _error("FIELD_REQUIRED", f"请填写“{label}”。", f"{field_name} is required.",
                     field_name)
    return value


def handling_office(unit: Unit, actor: Actor) -> Office | None:
    """The office that handled it: the counter's office, or for online filings the unit's street
    office (else its district office)."""
    if actor.office is not None and not actor.is_employer:
        return actor.office
    for region_id in (unit.street_id, unit.district_id):
        office = db.session.scalar(select(Office).where(Office.region_id == region_id))
        if office is not None:
            return office
    return None


def _assign_receipt(filing: Filing) -> None:
    """BA + date + office region + serial. The serial derives from the row id, so it is unique
    without a shared counter (a city files a few thousand a day, far below a million)."""
    region = filing.office.region.code if filing.office else filing.unit.district.code
    filing.receipt_number = rules.make_receipt_number(
        (filing.submitted_at or now()).date(), region, filing.id % 999_999 + 1)


def _save_attachments(filing: Filing, uploads) -> None:
    limit = current_app.config.get("BEIAN_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
    for upload in uploads or ():
        magic = ATTACHMENT_TYPES.get(upload.content_type)
        if magic is None or not upload.data.startswith(magic):
            raise _error("ATTACHMENT_TYPE",
                         f"附件“{upload.filename}”不是 PDF、JPG 或 PNG 文件。请扫描或导出为这三种格式之一后重新上传。",
                         "Attachments must be PDF, JPEG or PNG files.", "attachments")
        if len(upload.data) > limit:
            raise _error("ATTACHMENT_TOO_LARGE",
                         f"附件“{upload.filename}”超过 {limit // (1024 * 1024)} MB。请压缩或分页扫描后重新上传。",
                         "Attachment too large.", "attachments")
        if not upload.data:
            raise _error("ATTACHMENT_EMPTY", f"附件“{upload.filename}”是空文件。",
                         "Empty attachment.", "attachments")
        filing.attachments.append(FilingAttachment(
            filename=upload.filename[:200], content_type=upload.content_type,
            size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(),
            data=upload.data))


def _active_full_time_count(person_id: int, exclude_unit_id: int | None = None) -> int:
    return facts().active_full_time_count(person_id, exclude_unit_id)


def _city_prefix() -> str:
    return facts().city_prefix()


# --------------------------------------------------------------------------------------------
# Facts: what the checks ask the database
# --------------------------------------------------------------------------------------------

class Facts:
    """The questions the builders and checks ask the database, one query each (what a single
    filing uses). A bulk batch answers the same questions from data it loaded for all its rows
    at once (app.services.bulk.facts.BatchFacts), so both run the very same rules."""

    def unit(self, unit_id) -> Unit | None:
        return db.session.get(Unit, unit_id)

    def employment(self, employment_id) -> Employment | None:
        return db.session.get(Employment, employment_id)

    def unit_by_credit_code(self, code: str) -> Unit | None:
        return db.session.scalar(select(Unit).where(Unit.credit_code == code))

    def person_by_citizen_id(self, number: str) -> Person | None:
        return db.session.scalar(select(Person).where(Person.citizen_id == number))

    def district_by_code(self, code: str) -> Region | None:
        return db.session.scalar(select(Region).where(Region.code == code,
                                                      Region.level == RegionLevel.DISTRICT))

    def prepare_new_person(self, person: Person) -> None:
        """Normalise and check a person a hire registers (app.services.persons)."""
        prepare_person(person)

    def person_created(self, person: Person) -> None:
        db.session.flush()
        record("person", person.id, "create", after={"name": person.name}, reason="录用备案登记")

    def handling_office(self, unit: Unit, actor: Actor) -> Office | None:
        return handling_office(unit, actor)

    def city_prefix(self) -> str:
        city = db.session.scalar(select(Region.code).where(Region.level == RegionLevel.CITY))
        return (city or "")[:4]

    def termination_reason(self, code) -> TerminationReason | None:
        return db.session.get(TerminationReason, code) if code else None

    def active_at(self, person_id, unit_id) -> bool:
        return bool(db.session.scalar(select(func.count(Employment.id)).where(
            Employment.person_id == person_id, Employment.unit_id == unit_id,
            Employment.status == EmploymentStatus.ACTIVE)))

    def active_full_time_count(self, person_id, exclude_unit_id=None) -> int:
        stmt = select(func.count(Employment.id)).where(
            Employment.person_id == person_id, Employment.status == EmploymentStatus.ACTIVE,
            Employment.employment_form_code == FORM_FULL_TIME)
        if exclude_unit_id is not None:
            stmt = stmt.where(Employment.unit_id != exclude_unit_id)
        return db.session.scalar(stmt) or 0

    def duplicate_hire(self, filing: Filing) -> str | None:
        """The receipt number of a live hire of the same person, unit and start date."""
        return db.session.scalar(select(Filing.receipt_number).where(
            Filing.filing_type == FilingType.HIRE, Filing.person_id == filing.person_id,
            Filing.unit_id == filing.unit_id, Filing.start_date == filing.start_date,
            Filing.status.in_(LIVE_STATUSES), Filing.id != (filing.id or 0)))

    def pending_termination(self, filing: Filing) -> str | None:
        """The receipt number of another termination of the same employment under review."""
        return db.session.scalar(select(Filing.receipt_number).where(
            Filing.filing_type == FilingType.TERMINATION,
            Filing.employment_id == filing.employment_id,
            Filing.status.in_(PENDING_STATUSES), Filing.id != (filing.id or 0)))

    def employer_terminations_in_window(self, filing: Filing, first, last) -> tuple[int, int]:
        """(live, filed) employer-initiated terminations of the unit in the window."""
        in_window = (select(func.count(Filing.id)).join(TerminationReason)
                     .where(Filing.unit_id == filing.unit_id,
                            Filing.filing_type == FilingType.TERMINATION,
                            TerminationReason.counts_as_employer_initiated.is_(True),
                            Filing.end_date.between(first, last),
                            Filing.id != (filing.id or 0)))
        before = db.session.scalar(in_window.where(Filing.status.in_(LIVE_STATUSES))) or 0
        ended = db.session.scalar(in_window.where(Filing.status == FilingStatus.FILED)) or 0
        return before, ended

    def active_count(self, unit_id) -> int:
        return db.session.scalar(select(func.count(Employment.id)).where(
            Employment.unit_id == unit_id, Employment.status == EmploymentStatus.ACTIVE)) or 0


_DB_FACTS = Facts()
_FACTS: ContextVar[Facts | None] = ContextVar("filing_facts", default=None)


def facts() -> Facts:
    """The facts in use: the database's, unless a batch installed its own (using_facts)."""
    return _FACTS.get() or _DB_FACTS


@contextmanager
def using_facts(batch_facts: Facts):
    """Answer the checks' questions from ``batch_facts`` inside the block."""
    token = _FACTS.set(batch_facts)
    try:
        yield batch_facts
    finally:
        _FACTS.reset(token)


# --------------------------------------------------------------------------------------------
# Building a filing from input
# --------------------------------------------------------------------------------------------

def _person_for_hire(inp: HireInput) -> Person:
    try:
        cid = validate_citizen_id(inp.citizen_id)
    except DomainError as exc:
        raise exc.for_field("citizen_id") from exc
    name = _required((inp.name or "").strip(), "name", "姓名")
    person = facts().person_by_citizen_id(cid.number)
    if person is not None:
        if person.name != name:
            raise _error("PERSON_NAME_MISMATCH",
                         "姓名与该身份证号码的登记信息不一致。请核对身份证件；如登记信息有误，请到经办机构办理更正。",
                         "The name does not match the ID number on file.", "name")
        return person
    person = Person(name=name, citizen_id=cid.number, phone=inp.phone or "",
                    education_code=inp.education_code or None)
    district = facts().district_by_code(cid.region_code)
    if district is not None:
        person.district_id = district.id
    facts().prepare_new_person(person)
    db.session.add(person)
    facts().person_created(person)
    return person


def _new_filing(kind: FilingType, actor: Actor, unit: Unit, person: Person, **values) -> Filing:
    # Keys as well as relationships: the checks query by id before anything is flushed.
    for name in ("employment", "to_unit"):
        if values.get(name) is not None:
            values[f"{name}_id"] = values[name].id
    filing = Filing(filing_type=kind, status=FilingStatus.DRAFT, channel=actor.channel,
                    unit=unit, unit_id=unit.id, person=person, person_id=person.id,
                    person_name=person.name,
                    person_citizen_id=person.citizen_id,
                    office=facts().handling_office(unit, actor), submitted_by_id=actor.user_id,
                    **values)
    return filing


def _build_hire(inp: HireInput, actor: Actor) -> Filing:
    unit = _unit_for(actor, inp.unit_id)
    _required(inp.start_date, "start_date", "入职日期")
    person = _person_for_hire(inp)
    return _new_filing(
        FilingType.HIRE, actor, unit, person, start_date=inp.start_date,
        employment_form_code=inp.employment_form_code, hours_per_day=inp.hours_per_day,
        hours_per_week=inp.hours_per_week, probation_months=inp.probation_months,
        contract_type_code=inp.contract_type_code,
        contract_start=inp.contract_start or inp.start_date, contract_end=inp.contract_end,
        job_title=(inp.job_title or "").strip(), note=inp.note or "")


def _build_renewal(inp: RenewalInput, actor: Actor) -> Filing:
    employment = _employment_for(actor, inp.employment_id)
    _unit_for(actor, employment.unit_id)
    _required(inp.contract_type_code, "contract_type", "合同期限类型")
    return _new_filing(
        FilingType.RENEWAL, actor, employment.unit, employment.person, employment=employment,
        contract_type_code=inp.contract_type_code,
        contract_start=inp.contract_start or employment.contract_end or today(),
        contract_end=inp.contract_end, employment_form_code=employment.employment_form_code,
        previous_contract_type_code=employment.contract_type_code,
        previous_contract_end=employment.contract_end, note=inp.note or "")


def _build_transfer(inp: TransferInput, actor: Actor) -> Filing:
    employment = _employment_for(actor, inp.employment_id)
    _unit_for(actor, employment.unit_id)
    _required(inp.transfer_date, "transfer_date", "调动日期")
    code = (inp.to_unit_credit_code or "").strip().upper()
    _required(code, "to_unit", "调入单位统一社会信用代码")
    to_unit = facts().unit_by_credit_code(code)
    if to_unit is None:
        if code[2:6] != _city_prefix():
            raise _error("TRANSFER_OUTSIDE_CITY",
                         "调入单位不在本市，不能办理市内调动。跨市流动请办理退工备案，由新单位在当地办理录用备案。",
                         "The receiving unit is not in this city.", "to_unit")
        raise _error("TRANSFER_UNIT_UNKNOWN",
                     "调入单位尚未在本平台开户。请调入单位先开户注册，审核通过后再办理调动。",
                     "The receiving unit has no account on the platform yet.", "to_unit")
    if to_unit.status != UnitStatus.ACTIVE:
        raise _error("UNIT_NOT_ACTIVE", "调入单位账户尚未审核通过，暂不能办理调动。",
                     "The receiving unit's account is not active.", "to_unit")
    return _new_filing(
        FilingType.TRANSFER, actor, employment.unit, employment.person, employment=employment,
        to_unit=to_unit, start_date=inp.transfer_date, end_date=inp.transfer_date,
        employment_form_code=employment.employment_form_code,
        hours_per_day=employment.hours_per_day, hours_per_week=employment.hours_per_week,
        contract_type_code=inp.contract_type_code, contract_start=inp.transfer_date,
        contract_end=inp.contract_end, job_title=(inp.job_title or employment.job_title),
        note=inp.note or "")


def _build_termination(inp: TerminationInput, actor: Actor) -> Filing:
    employment = _employment_for(actor, inp.employment_id)
    _unit_for(actor, employment.unit_id)
    return _new_filing(
        FilingType.TERMINATION, actor, employment.unit, employment.person, employment=employment,
        end_date=inp.end_date, termination_reason_code=inp.termination_reason_code or None,
        employment_form_code=employment.employment_form_code, note=inp.note or "")


_BUILDERS = {HireInput: _build_hire, RenewalInput: _build_renewal,
             TransferInput: _build_transfer, TerminationInput: _build_termination}


# --------------------------------------------------------------------------------------------
# Automatic checks
# --------------------------------------------------------------------------------------------

def check_filing(filing: Filing, *, extra_employer_initiated: int = 0) -> ReviewFlags:
    """Run every rule on a filing; raise the first DomainError or return the review flags.

    ``extra_employer_initiated`` counts other terminations submitted together (bulk upload)."""
    p = policy()
    on = today()
    if filing.filing_type in (FilingType.HIRE, FilingType.TRANSFER):
        _required(filing.start_date, "start_date", "入职（调动）日期")
    if filing.filing_type == FilingType.HIRE:
        return _check_hire(filing, p, on)
    if filing.filing_type == FilingType.RENEWAL:
        rules.check_renewal(filing.employment.status, filing.previous_contract_end
                            if filing.id else filing.employment.contract_end,
                            filing.contract_type_code, filing.contract_end)
        rules.check_dates(filing.contract_start, filing.contract_end, filing.contract_type_code)
        return ReviewFlags()
    if filing.filing_type == FilingType.TRANSFER:
        rules.check_transfer(filing.unit_id, filing.to_unit_id, True, True,
                             filing.employment.status)
        if filing.start_date < filing.employment.start_date:
            raise _error("TRANSFER_BEFORE_START", "调动日期早于该职工在调出单位的入职日期，请核对。",
                         "The transfer date is before the employment started.", "transfer_date")
        rules.check_dates(filing.contract_start, filing.contract_end, filing.contract_type_code)
        multiple = rules.is_multiple_employment(
            filing.employment_form_code,
            _active_full_time_count(filing.person_id, exclude_unit_id=filing.unit_id)
            - (1 if filing.to_unit_id and _active_at(filing.person_id, filing.to_unit_id) else 0))
        return ReviewFlags(overdue=rules.hire_is_overdue(filing.start_date, on, p),
                           multiple_employment=multiple)
    return _check_termination(filing, p, on, extra_employer_initiated)


def _active_at(person_id, unit_id) -> bool:
    return facts().active_at(person_id, unit_id)


def _check_hire(filing: Filing, p, on) -> ReviewFlags:
    rules.check_minimum_age(filing.person.birth_date, filing.start_date, p)
    _required(filing.contract_type_code, "contract_type", "合同期限类型")
    rules.check_dates(filing.contract_start, filing.contract_end, filing.contract_type_code)
    rules.check_part_time_hours(filing.employment_form_code, filing.hours_per_day,
                                filing.hours_per_week, p)
    rules.check_no_probation_for_part_time(filing.employment_form_code, filing.probation_months)
    if _active_at(filing.person_id, filing.unit_id):
        raise _error("HIRE_ALREADY_EMPLOYED",
                     "该劳动者已在本单位在职，无需重复录用。如合同到期请办理合同续订备案。",
                     "This person is already employed at this unit.", "citizen_id")
    duplicate = facts().duplicate_hire(filing)
    if duplicate:
        raise _error("DUPLICATE_FILING",
                     f"该劳动者在本单位同一入职日期的录用备案已存在（回执号 {duplicate}），请勿重复提交。",
                     "The same hire (person, unit, start date) was already filed.", "citizen_id")
    multiple = rules.is_multiple_employment(filing.employment_form_code,
                                            _active_full_time_count(filing.person_id))
    return ReviewFlags(overdue=rules.hire_is_overdue(filing.start_date, on, p),
                       multiple_employment=multiple)


def _check_termination(filing: Filing, p, on, extra_employer_initiated: int) -> ReviewFlags:
    reason = facts().termination_reason(filing.termination_reason_code)
    rules.check_termination(filing.employment.status, reason, filing.end_date,
                            filing.employment.start_date, len(filing.attachments))
    pending_same = facts().pending_termination(filing)
    if pending_same:
        raise _error("DUPLICATE_FILING",
                     f"该劳动者的退工备案已提交、正在审核（回执号 {pending_same}），请勿重复提交。",
                     "A termination of this employment is already pending.", "employment")
    district = False
    if reason.counts_as_employer_initiated:
        first, last = rules.mass_termination_window(filing.end_date, p)
        before, ended = facts().employer_terminations_in_window(filing, first, last)
        active = facts().active_count(filing.unit_id)
        workforce = rules.workforce_at_window_start(active, ended)
        district = rules.needs_district_approval(before + extra_employer_initiated, 1,
                                                 workforce, p)
    return ReviewFlags(overdue=rules.termination_is_overdue(filing.end_date, on, p),
                       attachment_review=reason.needs_review, district_approval=district)


def _set_flags(filing: Filing, flags: ReviewFlags) -> None:
    filing.is_overdue = flags.overdue
    filing.is_multiple_employment = flags.multiple_employment
    filing.needs_attachment_review = flags.attachment_review
    filing.needs_district_approval = flags.district_approval


# --------------------------------------------------------------------------------------------
# Effects of a filed filing on the employment
# --------------------------------------------------------------------------------------------

def _apply_filed(filing: Filing) -> None:
    kind = filing.filing_type
    if kind == FilingType.HIRE:
        filing.employment = Employment(
            person_id=filing.person_id, unit_id=filing.unit_id,
            employment_form_code=filing.employment_form_code,
            hours_per_day=filing.hours_per_day, hours_per_week=filing.hours_per_week,
            contract_type_code=filing.contract_type_code, contract_start=filing.contract_start,
            contract_end=filing.contract_end, job_title=filing.job_title,
            start_date=filing.start_date, status=EmploymentStatus.ACTIVE)
        db.session.add(filing.employment)
    elif kind == FilingType.RENEWAL:
        employment = filing.employment
        employment.contract_type_code = filing.contract_type_code
        employment.contract_end = filing.contract_end
    elif kind == FilingType.TRANSFER:
        old = filing.employment
        old.status, old.end_date = EmploymentStatus.ENDED, filing.start_date
        filing.new_employment = Employment(
            person_id=filing.person_id, unit_id=filing.to_unit_id,
            employment_form_code=old.employment_form_code, hours_per_day=old.hours_per_day,
            hours_per_week=old.hours_per_week, contract_type_code=filing.contract_type_code,
            contract_start=filing.start_date, contract_end=filing.contract_end,
            job_title=filing.job_title, start_date=filing.start_date,
            status=EmploymentStatus.ACTIVE)
        db.session.add(filing.new_employment)
    elif kind == FilingType.TERMINATION:
        employment = filing.employment
        employment.status = EmploymentStatus.ENDED
        employment.end_date = filing.end_date
        employment.termination_reason_code = filing.termination_reason_code
    filing.filed_at = now()


def _notify_filed(filing: Filing, what: str = "办理") -> None:
    date = filing.start_date or filing.end_date or filing.contract_start
    notify_person(filing.person,
                  f"【用工备案】{filing.person_name}您好：{filing.unit.name}已为您{what}"
                  f"{filing.filing_type.value}备案（回执号 {filing.receipt_number}，日期 {date}）。"
                  "如有异议，请登录平台或联系经办机构。", filing=filing)


def _snapshot(filing: Filing) -> dict:
    names = ("status", "filing_type", "person_name", "person_citizen_id", "start_date",
             "end_date", "contract_type_code", "contract_start", "contract_end",
             "employment_form_code", "hours_per_day", "hours_per_week", "termination_reason_code",
             "to_unit_id", "job_title", "is_overdue", "is_multiple_employment",
             "needs_attachment_review", "needs_district_approval")
    return {n: plain(getattr(filing, n)) for n in names}


# --------------------------------------------------------------------------------------------
# Use cases
# --------------------------------------------------------------------------------------------

def _existing_for_key(key: str, actor: Actor) -> Filing | None:
    filing = db.session.scalar(select(Filing).where(Filing.idempotency_key == key))
    if filing is not None and filing.submitted_by_id != actor.user_id:
        raise _error("IDEMPOTENCY_KEY_REUSED", "该提交编号已被使用，请刷新页面后重新填写。",
                     "This idempotency key belongs to another submission.")
    return filing


def submit(inp, actor: Actor, *, idempotency_key: str | None = None,
           attachments=()) -> Outcome:
    """Submit one filing: checks, then filed at once when nothing needs review, else queued."""
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        existing = _existing_for_key(key, actor)
        if existing is not None:
            return Outcome(existing, created=False)
    begin_write()
    try:
        filing = _BUILDERS[type(inp)](inp, actor)
        _save_attachments(filing, attachments)
        filing.idempotency_key = key
        flags = check_filing(filing)
        _finish_submission(filing, flags, actor)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if key:  # the same form, submitted twice at once: the other request won
            existing = _existing_for_key(key, actor)
            if existing is not None:
                return Outcome(existing, created=False)
        raise
    except Exception:
        db.session.rollback()
        raise
    return Outcome(filing, created=True, flags=flags.labels())


def _finish_submission(filing: Filing, flags: ReviewFlags, actor: Actor,
                       action: FilingAction = FilingAction.SUBMIT) -> None:
    enter_submitted(filing, flags, action)
    if filing.id is None:
        db.session.add(filing)
        db.session.flush()
        _assign_receipt(filing)
    complete_submission(filing, action)
    db.session.flush()


def enter_submitted(filing: Filing, flags: ReviewFlags,
                    action: FilingAction = FilingAction.SUBMIT) -> None:
    """The automatic checks' verdict on a checked filing: its flags and its status (FILED, or
    waiting for review / district approval)."""
    _set_flags(filing, flags)
    filing.status = rules.transition(filing.status, action)
    filing.status = rules.transition(filing.status, rules.automatic_check_action(flags))
    filing.submitted_at = now()


def complete_submission(filing: Filing, action: FilingAction = FilingAction.SUBMIT, *,
                        receipt: bool = False, actor: Actor | None = None) -> None:
    """After a submitted filing has its id: its receipt number (``receipt``), its effect on
    the employment when it is filed, the worker's notice and the audit entry."""
    if receipt:
        _assign_receipt(filing)
    if filing.status == FilingStatus.FILED:
        _apply_filed(filing)
        _notify_filed(filing)
    what = "submit" if action == FilingAction.SUBMIT else "resubmit"
    if actor is not None:  # bulk passes its actor (the lead folds this into the Actor migration)
        record(actor, "filing", filing.id, what, after=_snapshot(filing))
    else:
        record("filing", filing.id, what, after=_snapshot(filing))


def build_filing(inp, actor: Actor) -> Filing:
    """A draft filing from a form/row input (the unit and employment checked against the
    actor's jurisdiction); not added to the session."""
    return _BUILDERS[type(inp)](inp, actor)


def _check_version(filing: Filing, expected_row_version) -> None:
    if expected_row_version is not None and int(expected_row_version) != filing.row_version:
        raise _already_decided()


def _already_decided() -> DomainError:
    return _error("FILING_ALREADY_DECIDED",
                  "该备案刚刚已由其他经办人处理，您看到的已不是最新状态。请刷新页面查看处理结果。",
                  "Another reviewer decided this filing first; reload to see the result.")


def may_decide(filing: Filing, actor: Actor) -> bool:
    """May this actor approve or return this filing? A mass termination (属地化报批) is decided
    only by staff of the unit's own district office."""
    if actor.is_employer or actor.jurisdiction.scope in ("none", "person"):
        return False
    if filing.status != FilingStatus.PENDING_DISTRICT_APPROVAL or actor.is_admin:
        return True
    office = actor.office
    return (office is not None and office.level == OfficeLevel.DISTRICT
            and office.region_id == filing.unit.district_id)


def _check_reviewer(filing: Filing, actor: Actor) -> None:
    if actor.is_employer or actor.jurisdiction.scope in ("none", "person"):
        raise _error("REVIEW_NOT_ALLOWED", "只有经办机构人员可以审核备案。",
                     "Only staff may review filings.")
    if not may_decide(filing, actor):
        raise _error("DISTRICT_APPROVAL_ONLY",
                     f"批量退工达到属地报批标准，须由单位所在地{filing.unit.district.name}的经办机构审批。",
                     "Mass terminations are approved by the unit's own district office.")


@contextmanager
def _transaction():
    """One use case's write transaction: commit at the end, roll back on any error, and turn a
    lost optimistic-locking race (the row changed under us) into FILING_ALREADY_DECIDED."""
    begin_write()
    try:
        yield
        db.session.flush()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise _already_decided() from None
    except BaseException:
        db.session.rollback()
        raise


def _decide(filing_id, actor: Actor, expected_row_version, decide) -> Filing:
    with _transaction():
        filing = _filing_for(actor, filing_id)
        _check_version(filing, expected_row_version)
        _check_reviewer(filing, actor)
        decide(filing)
        filing.decided_by_id = actor.user_id
        filing.decided_at = now()
    return filing


def approve(filing_id, actor: Actor, *, expected_row_version=None) -> Filing:
    """Staff approve a filing pending review (or district approval): it is filed."""
    def decide(filing: Filing) -> None:
        before = _snapshot(filing)
        filing.status = rules.transition(filing.status, FilingAction.APPROVE)
        # The facts may have changed while it waited (e.g. the worker was terminated meanwhile).
        if filing.filing_type != FilingType.HIRE:
            check_filing(filing)
        _apply_filed(filing)
        record("filing", filing.id, "approve", before=before, after=_snapshot(filing))
        _notify_filed(filing)
        if before["needs_district_approval"]:
            notify_unit(filing.unit, f"退工备案 {filing.receipt_number}（{filing.person_name}）"
                                     "已经属地审批通过并完成备案。", filing=filing)

    return _decide(filing_id, actor, expected_row_version, decide)


def return_filing(filing_id, actor: Actor, reason_code: str, message: str, *,
                  expected_row_version=None) -> Filing:
    """Staff return a filing to the submitter with a coded reason and a message."""
    code, text = rules.check_return_reason(reason_code, message)

    def decide(filing: Filing) -> None:
        before = _snapshot(filing)
        filing.status = rules.transition(filing.status, FilingAction.RETURN)
        filing.return_reason_code, filing.return_message = code, text
        record("filing", filing.id, "return", before=before, after=_snapshot(filing),
               reason=f"{code} {text}")
        label = dict(rules.RETURN_REASONS).get(code, code)
        notify_unit(filing.unit, f"{filing.filing_type.value}备案 {filing.receipt_number}"
                                 f"（{filing.person_name}）被退回：{label}。{text}", filing=filing)

    return _decide(filing_id, actor, expected_row_version, decide)


RESUBMIT_FIELDS = ("start_date", "end_date", "contract_type_code", "contract_start",
                   "contract_end", "employment_form_code", "hours_per_day", "hours_per_week",
                   "probation_months", "job_title", "termination_reason_code", "note")

# A resubmission form field → the Filing attributes it sets (only RESUBMIT_FIELDS may change;
# the portal form and the API both use it).
# A transfer's date is its start and end date and the start of the new contract.
RESUBMIT_TARGETS = {
    "start_date": ("start_date",), "end_date": ("end_date",),
    "transfer_date": ("start_date", "end_date", "contract_start"),
    "contract_type": ("contract_type_code",), "contract_start": ("contract_start",),
    "contract_end": ("contract_end",), "employment_form": ("employment_form_code",),
    "hours_per_day": ("hours_per_day",), "hours_per_week": ("hours_per_week",),
    "probation_months": ("probation_months",), "job_title": ("job_title",),
    "termination_reason": ("termination_reason_code",), "note": ("note",),
}


def resubmit(filing_id, actor: Actor, changes: dict, *, attachments=(),
             expected_row_version=None) -> Outcome:
    """The submitter fixes a returned filing and submits it again (checks run again)."""
    with _transaction():
        filing = _filing_for(actor, filing_id)
        _check_version(filing, expected_row_version)
        if filing.status != FilingStatus.RETURNED:
            raise _error("FILING_NOT_RETURNED", "只有被退回的备案可以修改后重新提交。",
                         "Only returned filings can be resubmitted.")
        for name, value in changes.items():
            if name not in RESUBMIT_FIELDS:
                raise _error("FIELD_NOT_EDITABLE", f"重新提交时不能修改“{name}”。",
                             f"{name} cannot be changed on resubmission.", name)
            setattr(filing, name, value)
        _save_attachments(filing, attachments)
        filing.return_reason_code = filing.return_message = None
        flags = check_filing(filing)
        _finish_submission(filing, flags, actor, FilingAction.RESUBMIT)
    return Outcome(filing, created=False, flags=flags.labels())


# -- corrections (数据修改操作口径) --------------------------------------------------------------

CORRECTABLE = {  # correction field name → Filing attribute
    "name": "person_name", "citizen_id": "person_citizen_id", "start_date": "start_date",
    "end_date": "end_date", "contract_start": "contract_start", "contract_end": "contract_end",
    "hours_per_day": "hours_per_day", "hours_per_week": "hours_per_week",
    "contract_type": "contract_type_code", "employment_form": "employment_form_code",
    "termination_reason": "termination_reason_code", "job_title": "job_title",
}
_COPY = ("filing_type", "channel", "unit_id", "to_unit_id", "person_id", "employment_id",
         "new_employment_id", "employment_form_code", "hours_per_day", "hours_per_week",
         "probation_months", "contract_type_code", "contract_start", "contract_end", "job_title",
         "start_date", "end_date", "termination_reason_code", "note", "person_name",
         "person_citizen_id", "previous_contract_type_code", "previous_contract_end",
         "is_overdue", "is_multiple_employment", "needs_attachment_review",
         "needs_district_approval", "submitted_by_id", "submitted_at")


def correction_rules() -> dict[str, frozenset[str]]:
    """The correction table as administrators keep it (seeded from the domain defaults)."""
    rows = db.session.execute(select(CorrectionRule.office_level, CorrectionRule.field_name))
    table: dict[str, set[str]] = {}
    for level, name in rows:
        table.setdefault(level, set()).add(name)
    return {k: frozenset(v) for k, v in table.items()} or rules.DEFAULT_CORRECTION_RULES


def correct(filing_id, actor: Actor, changes: dict, reason: str, *,
            expected_row_version=None) -> Filing:
    """A compliant fix of filed data: a new version supersedes the old one; the person record
    and the employment follow; the audit entry keeps before and after."""
    with _transaction():
        old = _filing_for(actor, filing_id)
        _check_version(old, expected_row_version)
        if actor.is_employer or not actor.office_level:
            raise _error("CORRECTION_NOT_ALLOWED", "只有经办机构人员可以更正已备案的数据。",
                         "Only staff may correct filed data.")
        changed = {k: v for k, v in changes.items()
                   if k in CORRECTABLE and v != getattr(old, CORRECTABLE[k])}
        unknown = set(changes) - set(CORRECTABLE)
        if unknown:
            raise _error("CORRECTION_FIELD_UNKNOWN", f"不能更正字段：{'、'.join(sorted(unknown))}。",
                         "Unknown correction fields.")
        reason = rules.check_correction(actor.office_level, changed, reason, correction_rules())
        old.status = rules.transition(old.status, FilingAction.CORRECT)
        new = Filing(**{n: getattr(old, n) for n in _COPY})
        new.status = FilingStatus.FILED
        new.version = old.version + 1
        new.root_id = old.root_id or old.id
        new.supersedes_id = old.id
        new.office_id = old.office_id
        new.correction_reason = reason
        new.decided_by_id = actor.user_id
        new.decided_at = new.filed_at = now()
        for name, value in changed.items():
            setattr(new, CORRECTABLE[name], value)
        if "citizen_id" in changed:
            try:
                new.person_citizen_id = validate_citizen_id(changed["citizen_id"]).number
            except DomainError as exc:
                raise exc.for_field("citizen_id") from exc
        _check_corrected(new)
        db.session.add(new)
        db.session.flush()
        _assign_receipt(new)
        _follow_correction(new, changed)
        before = {k: plain(getattr(old, CORRECTABLE[k])) for k in changed}
        after = {k: plain(getattr(new, CORRECTABLE[k])) for k in changed}
        record("filing", old.id, "superseded", after={"superseded_by": new.id}, reason=reason)
        record("filing", new.id, "correct", before=before, after=after, reason=reason)
        _notify_filed(new, what="更正")
    return new


def _check_corrected(new: Filing) -> None:
    """A corrected version obeys the same rules as a filing: dates fit the contract type, the
    worker is of age, part-time hours are within the limits."""
    p = policy()
    if new.filing_type in (FilingType.HIRE, FilingType.RENEWAL, FilingType.TRANSFER):
        rules.check_dates(new.contract_start, new.contract_end, new.contract_type_code)
    if new.filing_type == FilingType.HIRE:
        cid = validate_citizen_id(new.person_citizen_id)
        rules.check_minimum_age(cid.birth_date, new.start_date, p)
        rules.check_part_time_hours(new.employment_form_code, new.hours_per_day,
                                    new.hours_per_week, p)
    if new.filing_type == FilingType.TERMINATION:
        if db.session.get(TerminationReason, new.termination_reason_code) is None:
            raise _error("TERMINATION_REASON_REQUIRED", "请选择退工原因。",
                         "Choose a termination reason.", "termination_reason")
        if new.end_date is None or (new.employment and new.end_date < new.employment.start_date):
            raise _error("TERMINATION_END_BEFORE_START", "退工日期不能早于用工起始日期，请核对。",
                         "The end date is before the start.", "end_date")


def _follow_correction(new: Filing, changed: dict) -> None:
    """Carry a correction to the person record and the employment it concerns."""
    person = new.person
    if "citizen_id" in changed or "name" in changed:
        before = {"name": person.name, "citizen_id": person.citizen_id}
        person.name = new.person_name
        person.citizen_id = new.person_citizen_id
        prepare_person(person)  # validates, derives sex/birth date, refuses a duplicate number
        record("person", person.id, "correct", before=before,
               after={"name": person.name, "citizen_id": person.citizen_id},
               reason=new.correction_reason)
    employment = new.new_employment if new.filing_type == FilingType.TRANSFER else new.employment
    if employment is None:
        return
    mapping = {"start_date": "start_date", "contract_start": "contract_start",
               "contract_end": "contract_end", "hours_per_day": "hours_per_day",
               "hours_per_week": "hours_per_week", "contract_type": "contract_type_code",
               "employment_form": "employment_form_code", "job_title": "job_title"}
    if new.filing_type == FilingType.TERMINATION:
        mapping = {"end_date": "end_date", "termination_reason": "termination_reason_code"}
    for name, attr in mapping.items():
        if name in changed:
            setattr(employment, attr, getattr(new, CORRECTABLE[name]))


# -- cancellation (撤销) -------------------------------------------------------------------------

def cancel(filing_id, actor: Actor, reason: str, *, expected_row_version=None) -> Filing:
    """Cancel a filing, recording who, when and why; a filed one is undone on the employment."""
    reason = rules.check_cancellation_reason(reason)
    with _transaction():
        filing = _filing_for(actor, filing_id)
        _check_version(filing, expected_row_version)
        if filing.status == FilingStatus.FILED and actor.office_level not in (
                rules.OFFICE_LEVEL_DISTRICT, rules.OFFICE_LEVEL_CITY):
            raise _error("CANCEL_NOT_ALLOWED",
                         "已备案的记录须由区级或市级经办机构撤销。请联系经办机构并说明原因。",
                         "Filed records are cancelled by district or city staff.")
        was_filed = filing.status == FilingStatus.FILED
        before = _snapshot(filing)
        filing.status = rules.transition(filing.status, FilingAction.CANCEL)
        if was_filed:
            _undo(filing)
        filing.cancelled_by_id, filing.cancelled_at, filing.cancel_reason = (
            actor.user_id, now(), reason)
        record("filing", filing.id, "cancel", before=before, after=_snapshot(filing),
               reason=reason)
        if was_filed:
            notify_person(filing.person, f"【用工备案】{filing.person_name}您好：{filing.unit.name}的"
                                         f"{filing.filing_type.value}备案（回执号 {filing.receipt_number}）"
                                         f"已撤销，原因：{reason}。", filing=filing)
    return filing


def _later_filings(employment_id, after_id) -> int:
    return db.session.scalar(select(func.count(Filing.id)).where(
        Filing.employment_id == employment_id, Filing.id > after_id,
        Filing.status.in_(LIVE_STATUSES))) or 0


def _undo(filing: Filing) -> None:
    kind = filing.filing_type
    blocked = _error("CANCEL_HAS_LATER_FILINGS",
                     "该劳动关系之后还有其他备案（续订、调动或退工）。请先撤销之后的备案，再撤销本备案。",
                     "Later filings depend on this one; cancel them first.")
    if kind == FilingType.HIRE:
        employment = filing.employment
        if employment is not None:
            if _later_filings(employment.id, filing.id):
                raise blocked
            for other in db.session.scalars(select(Filing).where(
                    Filing.employment_id == employment.id)):
                other.employment_id = None
            db.session.flush()
            db.session.delete(employment)
    elif kind == FilingType.RENEWAL:
        if _later_filings(filing.employment_id, filing.id):
            raise blocked
        filing.employment.contract_type_code = filing.previous_contract_type_code
        filing.employment.contract_end = filing.previous_contract_end
    elif kind == FilingType.TRANSFER:
        new = filing.new_employment
        if new is not None and _later_filings(new.id, 0):
            raise blocked
        old = filing.employment
        old.status, old.end_date = EmploymentStatus.ACTIVE, None
        if new is not None:
            filing.new_employment_id = None
            db.session.flush()
            db.session.delete(new)
    elif kind == FilingType.TERMINATION:
        employment = filing.employment
        employment.status = EmploymentStatus.ACTIVE
        employment.end_date = None
        employment.termination_reason_code = None


# --------------------------------------------------------------------------------------------
# Queries the portal, counter and queues share
# --------------------------------------------------------------------------------------------

def history(filing: Filing) -> list[Filing]:
    """Every version of a filing, oldest first."""
    root = filing.root_id or filing.id
    return list(db.session.scalars(select(Filing).where(
        (Filing.id == root) | (Filing.root_id == root)).order_by(Filing.version)))


def roster(unit_id: int, *, active=True, limit: int | None = None, offset: int = 0):
    """A unit's employees (current by default), newest first, persons loaded in the same query."""
    from sqlalchemy.orm import joinedload

    stmt = (select(Employment).options(joinedload(Employment.person))
            .where(Employment.unit_id == unit_id))
    if active:
        stmt = stmt.where(Employment.status == EmploymentStatus.ACTIVE)
    stmt = stmt.order_by(Employment.start_date.desc(), Employment.id.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt)
