"""The /api/v1 resources: unit, person, employment, filing, batch, codes.

Every endpoint checks jurisdiction itself (FAB base filters do not reach custom endpoints): a
record outside the caller's jurisdiction is a 404, the same answer as "no such record". Filings
are created, resubmitted and cancelled through app.services.filings — the same rules, codes and
Chinese messages as the web forms."""

from __future__ import annotations

import base64
import binascii
import io

from flask import g, send_file
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.api import schemas as S
from app.api.base import BeianApi, endpoint, expose, get_or_none
from app.api.serializers import (
    active_counts,
    base_url,
    documents_of,
    employment_dict,
    filing_dict,
    unit_dict,
)
from app.domain.api import BATCH_NOT_FOUND, CODE_UNKNOWN, INVALID_BASE64
from app.domain.documents import DOCUMENT_NOT_AVAILABLE
from app.domain.errors import DomainError
from app.domain.filings import FilingType
from app.domain.identifiers import validate_citizen_id
from app.domain.shared_errors import (
    EMPLOYMENT_NOT_FOUND,
    FIELD_REQUIRED,
    FILING_NOT_FOUND,
    PERSON_NOT_FOUND,
    UNIT_NOT_FOUND,
)
from app.extensions import db
from app.models.codes import ContractType, EducationLevel, EmploymentForm, TerminationReason
from app.models.filings import Employment, Filing
from app.models.people import Person
from app.models.units import Unit
from app.queries.filings import FilingFilter, list_filings
from app.services import filings as filing_service
from app.services.filings import (
    RESUBMIT_TARGETS,
    Actor,
    Upload,
    hire_input,
    renewal_input,
    termination_input,
    transfer_input,
)
from app.services.persons.lookup import record_lookup


def actor() -> Actor:
    """The caller as the use cases see it: the key's service account or the staff user, through
    the API channel, from the client's address."""
    return g.api_principal.actor


def _page(query: dict) -> tuple[int, int]:
    return query["page"], query["page_size"]


def _unit_id_for(act: Actor, unit_id: int | None) -> int:
    """The unit a request is about: given, or for a unit's key/employer its own unit."""
    if unit_id is not None:
        return unit_id
    if act.jurisdiction.scope == "unit":
        return act.jurisdiction.unit_id
    raise FIELD_REQUIRED(field="unit_id", label="单位 ID（unit_id）", name="unit_id")


def _unit_in_jurisdiction(act: Actor, unit_id: int) -> Unit:
    unit = get_or_none(Unit, unit_id)
    if unit is None or not act.jurisdiction.covers_unit(unit):
        raise UNIT_NOT_FOUND(field="unit_id")
    return unit


CODE_MODELS = {"education": EducationLevel, "employment_form": EmploymentForm,
               "contract_type": ContractType, "termination_reason": TerminationReason}


def _code(field: str, value: str | None) -> str | None:
    """A code of a code list, checked against the list (unknown codes are a 422, never a
    database error)."""
    if value in (None, ""):
        return None
    row = db.session.get(CODE_MODELS[field], value)
    if row is None or not row.active:
        raise CODE_UNKNOWN(field=field, label=S.LABELS[field], value=value, field_name=field)
    return value


def _checked_codes(body: dict) -> dict:
    """The body with its code fields checked against the code lists (the mapper does the rest)."""
    return {name: _code(name, value) if name in CODE_MODELS else value
            for name, value in body.items()}


def _uploads(items) -> list[Upload]:
    uploads = []
    for index, item in enumerate(items or ()):
        try:
            data = base64.b64decode(item["data_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise INVALID_BASE64(field=f"attachments.{index}.data_base64",
                                 number=index + 1) from None
        uploads.append(Upload(item["filename"], item["content_type"], data))
    return uploads


# ============================================================================================

class UnitApi(BeianApi):
    """单位: an employer (key) reads its own unit; staff the units of their jurisdiction."""

    resource_name = "unit"
    openapi_spec_tag = "Unit 单位"

    @expose("/", methods=("GET",))
    @endpoint("read", summary="单位列表（办理范围内）", query=S.PageQuerySchema,
              response=S.UnitListSchema)
    def get_list(self, query):
        j = actor().jurisdiction
        page, size = _page(query)
        stmt = select(Unit).where(j.unit_clause())
        count = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        units = db.session.scalars(stmt.options(joinedload(Unit.district),
                                                joinedload(Unit.street))
                                   .order_by(Unit.id).offset((page - 1) * size).limit(size)).all()
        counts = active_counts(u.id for u in units)
        return 200, {"count": count, "page": page, "page_size": size,
                     "result": [unit_dict(u, counts.get(u.id, 0)) for u in units]}

    @expose("/<int:unit_id>", methods=("GET",))
    @endpoint("read", summary="读取单位", path_params=("unit_id",), response=S.UnitSchema)
    def get(self, unit_id: int):
        unit = _unit_in_jurisdiction(actor(), unit_id)
        return 200, unit_dict(unit, active_counts([unit.id]).get(unit.id, 0))


class PersonApi(BeianApi):
    """劳动者: lookup by ID number (POST body, never in a URL); masked output; every lookup
    that finds someone is audited."""

    resource_name = "person"
    openapi_spec_tag = "Person 劳动者"

    @expose("/search", methods=("POST",))
    @endpoint("search", summary="按公民身份号码查找劳动者（号码放在请求体中）",
              body=S.PersonSearchRequestSchema, response=S.PersonSchema, status=200, write=False)
    def search(self, body, idempotency_key=None):
        act = actor()
        try:
            number = validate_citizen_id(body["citizen_id"]).number
        except DomainError as exc:
            raise exc.for_field("citizen_id") from exc
        person = db.session.scalar(select(Person).where(Person.citizen_id == number))
        employments = []
        if person is not None:
            stmt = (select(Employment).join(Unit, Employment.unit_id == Unit.id)
                    .options(joinedload(Employment.person))
                    .where(Employment.person_id == person.id, act.jurisdiction.unit_clause())
                    .order_by(Employment.start_date.desc(), Employment.id.desc()))
            employments = db.session.scalars(stmt).all()
            # Staff see the persons of their jurisdiction; an employer those it employs or
            # employed.
            if not (act.jurisdiction.covers_person(person) or employments):
                person = None
        if person is None:
            raise PERSON_NOT_FOUND(field="citizen_id")
        record_lookup(act, person, f"接口按身份证号查找 {g.api_principal.label}")
        return 200, {"id": person.id, "name": person.name,
                     "citizen_id_masked": person.citizen_id_masked, "sex": person.sex,
                     "employments": [employment_dict(e) for e in employments]}


class EmploymentApi(BeianApi):
    """劳动关系: the unit's roster, current (default) or all including past."""

    resource_name = "employment"
    openapi_spec_tag = "Employment 劳动关系"

    @expose("/", methods=("GET",))
    @endpoint("read", summary="单位花名册（劳动关系列表）", query=S.EmploymentQuerySchema,
              response=S.EmploymentListSchema)
    def get_list(self, query):
        act = actor()
        unit = _unit_in_jurisdiction(act, _unit_id_for(act, query.get("unit_id")))
        page, size = _page(query)
        stmt = select(Employment).where(Employment.unit_id == unit.id)
        if query["active"]:
            from app.domain.filings import EmploymentStatus

            stmt = stmt.where(Employment.status == EmploymentStatus.ACTIVE)
        count = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = db.session.scalars(stmt.options(joinedload(Employment.person))
                                  .order_by(Employment.start_date.desc(), Employment.id.desc())
                                  .offset((page - 1) * size).limit(size)).all()
        return 200, {"count": count, "page": page, "page_size": size,
                     "result": [employment_dict(e) for e in rows]}

    @expose("/<int:employment_id>", methods=("GET",))
    @endpoint("read", summary="读取劳动关系", path_params=("employment_id",),
              response=S.EmploymentSchema)
    def get(self, employment_id: int):
        employment = get_or_none(Employment, employment_id)
        if employment is None or not actor().jurisdiction.covers_unit(employment.unit):
            raise EMPLOYMENT_NOT_FOUND(field="employment_id")
        return 200, employment_dict(employment)


# ============================================================================================

class FilingApi(BeianApi):
    """备案: the four filings, read, list with filters, resubmit a returned one, cancel, and the
    filed document."""

    resource_name = "filing"
    openapi_spec_tag = "Filing 备案"

    def _filing(self, act: Actor, filing_id: int) -> Filing:
        filing = get_or_none(Filing, filing_id)
        if filing is None or not act.jurisdiction.covers_unit(filing.unit):
            raise FILING_NOT_FOUND(field="filing_id")
        return filing

    def _created(self, outcome) -> tuple[int, dict]:
        # The document of a filed filing is queued by the scheduler within a minute (or at once
        # by GET …/document); its verification URL shows from then on. Not queuing it here
        # keeps a creation to two short write transactions (the filing; the audit entry).
        return (201 if outcome.created else 200), filing_dict(outcome.filing)

    @expose("/hire", methods=("POST",))
    @endpoint("write", summary="录用备案", body=S.HireRequestSchema, response=S.FilingSchema,
              status=201)
    def hire(self, body, idempotency_key=None):
        act = actor()
        inp = hire_input(_checked_codes(body), unit_id=_unit_id_for(act, body.get("unit_id")))
        uploads = _uploads(body.get("attachments"))
        return self._created(filing_service.submit(inp, act, idempotency_key=idempotency_key,
                                                   attachments=uploads))

    @expose("/renewal", methods=("POST",))
    @endpoint("write", summary="合同续订备案", body=S.RenewalRequestSchema,
              response=S.FilingSchema, status=201)
    def renewal(self, body, idempotency_key=None):
        inp = renewal_input(_checked_codes(body), employment_id=body["employment_id"])
        return self._created(filing_service.submit(inp, actor(),
                                                   idempotency_key=idempotency_key))

    @expose("/transfer", methods=("POST",))
    @endpoint("write", summary="市内调动备案", body=S.TransferRequestSchema,
              response=S.FilingSchema, status=201)
    def transfer(self, body, idempotency_key=None):
        inp = transfer_input(_checked_codes(body), employment_id=body["employment_id"])
        return self._created(filing_service.submit(inp, actor(),
                                                   idempotency_key=idempotency_key))

    @expose("/termination", methods=("POST",))
    @endpoint("write", summary="退工备案", body=S.TerminationRequestSchema,
              response=S.FilingSchema, status=201)
    def termination(self, body, idempotency_key=None):
        inp = termination_input(_checked_codes(body), employment_id=body["employment_id"])
        uploads = _uploads(body.get("attachments"))
        return self._created(filing_service.submit(inp, actor(), idempotency_key=idempotency_key,
                                                   attachments=uploads))

    @expose("/", methods=("GET",))
    @endpoint("read", summary="备案列表（按类型、状态、提交日期、回执号筛选）",
              query=S.FilingQuerySchema, response=S.FilingListSchema)
    def get_list(self, query):
        page, size = _page(query)
        flt = FilingFilter(unit_id=query.get("unit_id"), filing_type=query.get("type"),
                           status=query.get("status"), submitted_from=query.get("date_from"),
                           submitted_to=query.get("date_to"),
                           receipt_number=query.get("receipt_number"))
        found = list_filings(actor().jurisdiction, flt, page=page, size=size)
        documents = documents_of(f.id for f in found.items)
        return 200, {"count": found.count, "page": page, "page_size": size,
                     "result": [filing_dict(f, documents) for f in found.items]}

    @expose("/<int:filing_id>", methods=("GET",))
    @endpoint("read", summary="读取备案", path_params=("filing_id",), response=S.FilingSchema)
    def get(self, filing_id: int):
        return 200, filing_dict(self._filing(actor(), filing_id))

    @expose("/<int:filing_id>/resubmit", methods=("POST",))
    @endpoint("write", summary="修改并重新提交被退回的备案（只修改提交的字段）",
              path_params=("filing_id",), body=S.ResubmitRequestSchema,
              response=S.FilingSchema, status=200)
    def resubmit(self, filing_id: int, body, idempotency_key=None):
        act = actor()
        filing = self._filing(act, filing_id)
        changes = {}
        for name, value in body.items():
            if name == "attachments":
                continue
            if name in CODE_MODELS:
                value = _code(name, value)
            if name in ("job_title", "note") and value is None:
                value = ""
            for target in RESUBMIT_TARGETS[name]:
                changes[target] = value
        outcome = filing_service.resubmit(filing.id, act, changes,
                                          attachments=_uploads(body.get("attachments")))
        return 200, filing_dict(outcome.filing)

    @expose("/<int:filing_id>/cancel", methods=("POST",))
    @endpoint("write", summary="撤销备案（须说明原因）", path_params=("filing_id",),
              body=S.CancelRequestSchema, response=S.FilingSchema, status=200)
    def cancel(self, filing_id: int, body, idempotency_key=None):
        act = actor()
        filing = self._filing(act, filing_id)
        filing = filing_service.cancel(filing.id, act, body["reason"])
        return 200, filing_dict(filing)

    @expose("/<int:filing_id>/document", methods=("GET",))
    @endpoint("read", summary="备案表/回执 PDF（未生成完时返回 202 和进度）",
              path_params=("filing_id",), produces_pdf=True)
    def document(self, filing_id: int):
        from app.models.documents import Document, DocumentStatus
        from app.services.documents import access, agency, queue
        from app.web import public_base_url

        act = actor()
        filing = self._filing(act, filing_id)
        if not queue.is_documentable(filing):
            raise DOCUMENT_NOT_AVAILABLE(field="filing_id")
        document = queue.request_document(filing, base_url=public_base_url())
        if document.status == DocumentStatus.READY:
            pdf = db.session.scalar(select(Document.pdf).where(Document.id == document.id))
            access.record_download(act, filing, document)
            return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                             download_name=access.download_name(filing), max_age=0)
        payload = queue.document_status(filing)
        payload["document_url"] = f"{base_url()}/api/v1/filing/{filing.id}/document"
        payload["verification_url"] = agency.verify_url(document)
        return 202, payload


# ============================================================================================

class BatchApi(BeianApi):
    """批量备案: many filings in one request, the same rules as the spreadsheet upload; 202 at
    once, then poll the status with per-row results."""

    resource_name = "batch"
    openapi_spec_tag = "Batch 批量备案"

    @expose("/", methods=("POST",))
    @endpoint("write", summary="提交批量备案（异步处理，返回 202 和状态地址）",
              body=S.BatchRequestSchema, response=S.BatchAcceptedSchema, status=202)
    def post(self, body, idempotency_key=None):
        from app.services.bulk.upload import submit_rows

        act = actor()
        unit_id = _unit_id_for(act, body.get("unit_id"))
        batch = submit_rows(actor=act, unit_id=unit_id,
                                 filing_type=FilingType[body["filing_type"]],
                                 rows=body["rows"], mode=body["mode"], source="api",
                                 idempotency_key=idempotency_key)
        return 202, {"id": batch.id, "status": _status_name(batch.status),
                     "status_url": f"{base_url()}/api/v1/batch/{batch.id}"}

    @expose("/<int:batch_id>", methods=("GET",))
    @endpoint("read", summary="批量备案进度和逐行结果", path_params=("batch_id",),
              response=S.BatchStatusSchema)
    def get(self, batch_id: int):
        from app.services.bulk.status import batch_status

        if batch_id > S.MAX_ID:
            raise BATCH_NOT_FOUND(field="batch_id")
        try:
            status = batch_status(batch_id, actor())
        except DomainError as exc:
            raise BATCH_NOT_FOUND(field="batch_id") from exc
        status = dict(status)
        status["status"] = _status_name(status.get("status"))
        status["filing_type"] = _status_name(status.get("filing_type"))
        status["status_url"] = f"{base_url()}/api/v1/batch/{batch_id}"
        return 200, status


def _status_name(value) -> str:
    return getattr(value, "name", None) or str(value or "")


# ============================================================================================

class CodeListApi(BeianApi):
    """代码表: the codes the filing fields take."""

    resource_name = "codes"
    openapi_spec_tag = "Codes 代码表"

    def _list(self, model):
        rows = db.session.execute(select(model.code, model.name).where(model.active.is_(True))
                                  .order_by(model.sort, model.code)).all()
        return 200, {"result": [{"code": c, "name": n} for c, n in rows]}

    @expose("/education", methods=("GET",))
    @endpoint("read", summary="文化程度代码", response=S.CodeListSchema)
    def education(self):
        return self._list(EducationLevel)

    @expose("/employment_form", methods=("GET",))
    @endpoint("read", summary="用工形式代码", response=S.CodeListSchema)
    def employment_form(self):
        return self._list(EmploymentForm)

    @expose("/contract_type", methods=("GET",))
    @endpoint("read", summary="劳动合同期限类型代码", response=S.CodeListSchema)
    def contract_type(self):
        return self._list(ContractType)

    @expose("/termination_reason", methods=("GET",))
    @endpoint("read", summary="解除（终止）原因代码", response=S.CodeListSchema)
    def termination_reason(self):
        return self._list(TerminationReason)


API_CLASSES = (UnitApi, PersonApi, EmploymentApi, FilingApi, BatchApi, CodeListApi)
