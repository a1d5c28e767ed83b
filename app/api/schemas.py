"""Request and response schemas of the REST API (marshmallow, as FAB uses; apispec turns them
into the OpenAPI document). Requests reject unknown fields; strings refuse control characters;
dates and numbers are bounded so nothing a client sends can overflow the database or a rule."""

from __future__ import annotations

import datetime

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from app.domain.api import (
    CELL_NOT_A_NUMBER,
    CELL_NOT_TEXT,
    CELL_TOO_LONG,
    DATE_OUT_OF_RANGE,
    INVALID_CHARACTER,
)
from app.domain.filings import FilingStatus, FilingType

MAX_ID = 2**31 - 1
MAX_CELL = 500  # characters in a cell of a batch row
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2199, 12, 31)
MAX_ATTACHMENTS = 10

FILING_TYPES = [t.name for t in FilingType]
FILING_STATUSES = [s.name for s in FilingStatus]

# Chinese names of request fields, for error messages (the same words as the web forms).
LABELS = {
    "unit_id": "单位 ID", "citizen_id": "公民身份号码", "name": "姓名", "phone": "手机号码",
    "education": "文化程度", "employment_form": "用工形式", "hours_per_day": "平均每日工作时间",
    "hours_per_week": "每周工作时间", "probation_months": "试用期（月）",
    "contract_type": "劳动合同期限类型", "contract_start": "合同起始日期",
    "contract_end": "合同终止日期", "start_date": "入职（用工起始）日期", "job_title": "工作岗位",
    "note": "备注", "employment_id": "劳动关系 ID", "to_unit_credit_code": "调入单位统一社会信用代码",
    "transfer_date": "调动日期", "end_date": "劳动合同解除（终止）日期",
    "termination_reason": "解除（终止）原因", "attachments": "附件", "reason": "原因",
    "filename": "文件名", "content_type": "文件类型", "data_base64": "文件内容（Base64）",
    "filing_type": "备案类型", "mode": "提交方式", "rows": "数据行", "type": "备案类型",
    "status": "状态", "date_from": "起始日期", "date_to": "截止日期",
    "receipt_number": "回执号", "page": "页码", "page_size": "每页条数", "active": "是否在职",
}


def _no_control_characters(allow_newlines: bool):
    def check(value: str) -> None:
        for ch in value:
            if ch in "\n\r\t" and allow_newlines:
                continue
            if ord(ch) < 32 or ord(ch) == 127 or 0xD800 <= ord(ch) <= 0xDFFF:
                raise ValidationError([INVALID_CHARACTER()])
    return check


def Text(max_length: int, *, required: bool = False, multiline: bool = False,  # noqa: N802
         min_length: int = 0, **kwargs) -> fields.String:
    validators = [validate.Length(min=min_length or None, max=max_length),
                  _no_control_characters(multiline)]
    return fields.String(required=required, validate=validators, **kwargs)


def _date_in_range(value: datetime.date) -> None:
    if not (MIN_DATE <= value <= MAX_DATE):
        raise ValidationError([DATE_OUT_OF_RANGE(first=MIN_DATE, last=MAX_DATE)])


def Day(**kwargs) -> fields.Date:  # noqa: N802
    return fields.Date(validate=_date_in_range, **kwargs)


def Id(*, strict: bool = True, **kwargs) -> fields.Integer:  # noqa: N802
    """A record id: a JSON integer in bodies (strict); query strings are text by nature."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class RequestSchema(Schema):
    class Meta:
        unknown = RAISE


# -- requests --------------------------------------------------------------------------------

class AttachmentSchema(RequestSchema):
    filename = Text(200, required=True, min_length=1)
    content_type = fields.String(required=True, validate=validate.OneOf(
        ["application/pdf", "image/jpeg", "image/png"]))
    data_base64 = fields.String(required=True, validate=validate.Length(min=1),
                                metadata={"description": "文件内容，Base64 编码"})


def Attachments() -> fields.List:  # noqa: N802
    return fields.List(fields.Nested(AttachmentSchema), validate=validate.Length(
        max=MAX_ATTACHMENTS), metadata={"description": "附件（PDF/JPG/PNG），如违纪事实材料"})


class HireRequestSchema(RequestSchema):
    """录用备案"""
    unit_id = Id(metadata={"description": "单位 ID；使用单位接口密钥时可省略（即本单位）"})
    citizen_id = Text(32, required=True, min_length=1)
    name = Text(64, required=True, min_length=1)
    start_date = Day(required=True)
    phone = Text(32)
    education = Text(32, metadata={"description": "文化程度代码（GET /api/v1/codes/education）"})
    employment_form = Text(32, metadata={"description": "用工形式代码：FT 全日制，PT 非全日制"})
    hours_per_day = fields.Float(validate=validate.Range(min=0, max=24))
    hours_per_week = fields.Float(validate=validate.Range(min=0, max=168))
    probation_months = fields.Integer(strict=True, validate=validate.Range(min=0, max=60))
    contract_type = Text(32, metadata={"description": "劳动合同期限类型代码：FIXED / OPEN / TASK"})
    contract_start = Day()
    contract_end = Day()
    job_title = Text(64)
    note = Text(500, multiline=True)
    attachments = Attachments()


class RenewalRequestSchema(RequestSchema):
    """合同续订备案"""
    employment_id = Id(required=True)
    contract_type = Text(32, required=True, min_length=1)
    contract_start = Day()
    contract_end = Day()
    note = Text(500, multiline=True)


class TransferRequestSchema(RequestSchema):
    """市内调动备案"""
    employment_id = Id(required=True)
    to_unit_credit_code = Text(32, required=True, min_length=1)
    transfer_date = Day(required=True)
    contract_type = Text(32)
    contract_end = Day()
    job_title = Text(64)
    note = Text(500, multiline=True)


class TerminationRequestSchema(RequestSchema):
    """退工备案"""
    employment_id = Id(required=True)
    end_date = Day(required=True)
    termination_reason = Text(32, metadata={
        "description": "解除（终止）原因代码（GET /api/v1/codes/termination_reason）"})
    note = Text(500, multiline=True)
    attachments = Attachments()


class ResubmitRequestSchema(RequestSchema):
    """Fields of a returned filing that may change on resubmission (only those sent change)."""
    start_date = Day()
    end_date = Day()
    transfer_date = Day()
    contract_type = Text(32)
    contract_start = Day(allow_none=True)
    contract_end = Day(allow_none=True)
    employment_form = Text(32)
    hours_per_day = fields.Float(validate=validate.Range(min=0, max=24), allow_none=True)
    hours_per_week = fields.Float(validate=validate.Range(min=0, max=168), allow_none=True)
    probation_months = fields.Integer(strict=True, validate=validate.Range(min=0, max=60),
                                      allow_none=True)
    job_title = Text(64)
    termination_reason = Text(32)
    note = Text(500, multiline=True)
    attachments = Attachments()


class CancelRequestSchema(RequestSchema):
    reason = Text(500, required=True, min_length=1, multiline=True)


class PersonSearchRequestSchema(RequestSchema):
    citizen_id = Text(32, required=True, min_length=1)


class CellField(fields.Field):
    """A spreadsheet-like cell: text; numbers are taken as their text, null as empty."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None:
            return ""
        if isinstance(value, bool):
            raise ValidationError([CELL_NOT_TEXT()])
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValidationError([CELL_NOT_A_NUMBER()])
            return repr(value) if not value.is_integer() else str(int(value))
        if not isinstance(value, str):
            raise ValidationError([CELL_NOT_TEXT()])
        if len(value) > MAX_CELL:
            raise ValidationError([CELL_TOO_LONG(limit=MAX_CELL)])
        _no_control_characters(True)(value)
        return value

    def _jsonschema_type_mapping(self):  # pragma: no cover - apispec hook
        return {"type": "string"}


class BatchRequestSchema(RequestSchema):
    filing_type = fields.String(required=True, validate=validate.OneOf(FILING_TYPES))
    mode = fields.String(load_default="all_or_nothing",
                         validate=validate.OneOf(["all_or_nothing", "valid_only"]))
    unit_id = Id(metadata={"description": "单位 ID；使用单位接口密钥时可省略"})
    rows = fields.List(
        fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)),
                    values=CellField(metadata={"type": "string"})),
        required=True, validate=validate.Length(min=1),
        metadata={"description": "每行一个对象，键为模板列名（如 citizen_id, name, start_date）"})


class FilingQuerySchema(RequestSchema):
    type = fields.String(validate=validate.OneOf(FILING_TYPES))
    status = fields.String(validate=validate.OneOf(FILING_STATUSES + ["PENDING"]))
    date_from = Day(metadata={"description": "提交日期起（含）"})
    date_to = Day(metadata={"description": "提交日期止（含）"})
    receipt_number = Text(40)
    unit_id = Id(strict=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class EmploymentQuerySchema(RequestSchema):
    unit_id = Id(strict=False)
    active = fields.Boolean(load_default=True,
                            metadata={"description": "true：当前在职（默认）；false：全部含已终止"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PageQuerySchema(RequestSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


# -- responses -------------------------------------------------------------------------------

class ResponseSchema(Schema):
    """Answers may gain fields over time (clients must ignore unknown ones): the OpenAPI
    document does not forbid additional properties in responses."""

    class Meta:
        unknown = EXCLUDE


class ErrorItemSchema(ResponseSchema):
    code = fields.String(required=True, metadata={"description": "稳定的错误代码"})
    field = fields.String(allow_none=True, required=True)
    message_zh = fields.String(required=True)
    message_en = fields.String(required=True)


class ErrorsSchema(ResponseSchema):
    errors = fields.List(fields.Nested(ErrorItemSchema), required=True)


class PersonRefSchema(ResponseSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    citizen_id_masked = fields.String(required=True)


class UnitSchema(ResponseSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    credit_code = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    employer_type_code = fields.String(required=True)
    industry_section_code = fields.String(required=True)
    industry_division_code = fields.String(required=True)
    district = fields.String(required=True)
    street = fields.String(required=True)
    address = fields.String(required=True)
    contact_name = fields.String(required=True)
    contact_phone = fields.String(required=True)
    headcount = fields.Integer(required=True)
    active_employees = fields.Integer(required=True)


class UnitListSchema(ResponseSchema):
    count = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    result = fields.List(fields.Nested(UnitSchema), required=True)


class EmploymentSchema(ResponseSchema):
    id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    person = fields.Nested(PersonRefSchema, required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True, required=True)
    employment_form = fields.String(required=True)
    hours_per_day = fields.Float(allow_none=True, required=True)
    hours_per_week = fields.Float(allow_none=True, required=True)
    contract_type = fields.String(required=True)
    contract_start = fields.Date(required=True)
    contract_end = fields.Date(allow_none=True, required=True)
    job_title = fields.String(required=True)
    termination_reason = fields.String(allow_none=True, required=True)


class EmploymentListSchema(ResponseSchema):
    count = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    result = fields.List(fields.Nested(EmploymentSchema), required=True)


class PersonSchema(ResponseSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    citizen_id_masked = fields.String(required=True)
    sex = fields.String(required=True)
    employments = fields.List(fields.Nested(EmploymentSchema), required=True, metadata={
        "description": "在您办理范围内单位的劳动关系（当前和过去）"})


class FilingSchema(ResponseSchema):
    id = fields.Integer(required=True)
    receipt_number = fields.String(allow_none=True, required=True)
    type = fields.String(required=True, validate=validate.OneOf(FILING_TYPES))
    type_label = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(FILING_STATUSES))
    status_label = fields.String(required=True)
    channel = fields.String(required=True)
    unit_id = fields.Integer(required=True)
    unit_name = fields.String(required=True)
    to_unit_id = fields.Integer(allow_none=True, required=True)
    person = fields.Nested(PersonRefSchema, required=True)
    employment_id = fields.Integer(allow_none=True, required=True)
    new_employment_id = fields.Integer(allow_none=True, required=True)
    start_date = fields.Date(allow_none=True, required=True)
    end_date = fields.Date(allow_none=True, required=True)
    contract_type = fields.String(allow_none=True, required=True)
    contract_start = fields.Date(allow_none=True, required=True)
    contract_end = fields.Date(allow_none=True, required=True)
    employment_form = fields.String(allow_none=True, required=True)
    hours_per_day = fields.Float(allow_none=True, required=True)
    hours_per_week = fields.Float(allow_none=True, required=True)
    probation_months = fields.Integer(allow_none=True, required=True)
    job_title = fields.String(required=True)
    termination_reason = fields.String(allow_none=True, required=True)
    note = fields.String(required=True)
    is_overdue = fields.Boolean(required=True, metadata={"description": "逾期"})
    is_multiple_employment = fields.Boolean(required=True, metadata={"description": "多重用工"})
    needs_district_approval = fields.Boolean(required=True,
                                             metadata={"description": "须属地审批（批量退工）"})
    needs_attachment_review = fields.Boolean(required=True, metadata={"description": "须审核附件"})
    flags = fields.List(fields.String(), required=True, metadata={"description": "标记（中文）"})
    return_reason_code = fields.String(allow_none=True, required=True)
    return_message = fields.String(allow_none=True, required=True)
    submitted_at = fields.DateTime(allow_none=True, required=True)
    filed_at = fields.DateTime(allow_none=True, required=True)
    cancelled_at = fields.DateTime(allow_none=True, required=True)
    cancel_reason = fields.String(allow_none=True, required=True)
    version = fields.Integer(required=True)
    supersedes_id = fields.Integer(allow_none=True, required=True)
    url = fields.String(required=True)
    document_url = fields.String(allow_none=True, required=True, metadata={
        "description": "备案表/回执 PDF（已备案时）"})
    verification_url = fields.String(allow_none=True, required=True, metadata={
        "description": "公开核验地址（文书二维码指向此处）"})


class FilingListSchema(ResponseSchema):
    count = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    result = fields.List(fields.Nested(FilingSchema), required=True)


class DocumentStatusSchema(ResponseSchema):
    status = fields.String(required=True)
    label = fields.String(required=True)
    ready = fields.Boolean(required=True)
    failed = fields.Boolean(required=True)
    percent = fields.Integer(required=True)
    document_url = fields.String(required=True)
    verification_url = fields.String(allow_none=True, required=True)


class BatchAcceptedSchema(ResponseSchema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    status_url = fields.String(required=True)


class BatchRowSchema(ResponseSchema):
    row = fields.Integer(required=True)
    status = fields.String(required=True)
    errors = fields.List(fields.Nested(ErrorItemSchema), required=True)
    filing_id = fields.Integer(allow_none=True)
    receipt_number = fields.String(allow_none=True)
    flags = fields.Raw(allow_none=True, metadata={"description": "该行备案的审核标记"})


class BatchStatusSchema(ResponseSchema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    filing_type = fields.String(required=True)
    mode = fields.String(required=True)
    total = fields.Integer(required=True)
    valid = fields.Integer(required=True)
    invalid = fields.Integer(required=True)
    filed = fields.Integer(required=True)
    progress = fields.Integer(required=True)
    errors_by_code = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    status_label = fields.String()
    unit_id = fields.Integer()
    pending_review = fields.Integer(allow_none=True)
    district_approval = fields.Integer(allow_none=True)
    done = fields.Boolean(metadata={"description": "处理完毕（不再变化）"})
    rows = fields.List(fields.Nested(BatchRowSchema), required=True)
    status_url = fields.String(required=True)


class CodeSchema(ResponseSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class CodeListSchema(ResponseSchema):
    result = fields.List(fields.Nested(CodeSchema), required=True)


REQUEST_SCHEMAS = (AttachmentSchema, HireRequestSchema, RenewalRequestSchema, TransferRequestSchema,
                   TerminationRequestSchema, ResubmitRequestSchema, CancelRequestSchema,
                   PersonSearchRequestSchema, BatchRequestSchema)
RESPONSE_SCHEMAS = (ErrorItemSchema, ErrorsSchema, PersonRefSchema, UnitSchema, UnitListSchema,
                    EmploymentSchema, EmploymentListSchema, PersonSchema, FilingSchema,
                    FilingListSchema, DocumentStatusSchema, BatchAcceptedSchema, BatchRowSchema,
                    BatchStatusSchema, CodeSchema, CodeListSchema)
