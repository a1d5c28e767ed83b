"""Refusals several capabilities share (a record not found or outside the user's jurisdiction,
a required field, an attachment). Each code is defined here once; a capability's own codes live
in its own domain module."""

from __future__ import annotations

from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, define

NOT_FOUND = define(
    "NOT_FOUND", NotFound, "未找到该{what}，或不在您的办理范围内。",
    "The {what_en} was not found in your jurisdiction.")
FILING_NOT_FOUND = define(
    "FILING_NOT_FOUND", NotFound, "未找到该备案，或不在您的办理范围内。",
    "Filing not found in your jurisdiction.", "filing")
UNIT_NOT_FOUND = define(
    "UNIT_NOT_FOUND", NotFound, "未找到该单位，或不在您的办理范围内。",
    "Unit not found in your jurisdiction.", "unit")
PERSON_NOT_FOUND = define(
    "PERSON_NOT_FOUND", NotFound, "未找到该劳动者，或不在您的办理范围内。",
    "Person not found in your jurisdiction.", "person")
EMPLOYMENT_NOT_FOUND = define(
    "EMPLOYMENT_NOT_FOUND", NotFound,
    "未找到该劳动关系，或不在您的办理范围内。请从本单位在职人员名单中选择。",
    "Employment not found in your jurisdiction.", "employment")
UNIT_OUT_OF_JURISDICTION = define(
    "UNIT_OUT_OF_JURISDICTION", Forbidden,
    "该单位不在您的办理范围内。用人单位只能为本单位办理备案；经办人员只能为辖区内单位办理。",
    "This unit is outside your jurisdiction.", "unit")
FIELD_REQUIRED = define(
    "FIELD_REQUIRED", Invalid, "请填写“{label}”。", "{name} is required.")
PERSON_NAME_MISMATCH = define(
    "PERSON_NAME_MISMATCH", Invalid,
    "姓名与该身份证号码的登记信息不一致。请核对身份证件；如登记信息有误，请到经办机构办理更正。",
    "The name does not match the ID number on file.", "name")
ATTACHMENT_TYPE = define(
    "ATTACHMENT_TYPE", Invalid,
    "附件“{filename}”不是 PDF、JPG 或 PNG 文件。请扫描或导出为这三种格式之一后重新上传。",
    "Attachments must be PDF, JPEG or PNG files.", "attachments")
ATTACHMENT_TOO_LARGE = define(
    "ATTACHMENT_TOO_LARGE", Invalid,
    "附件“{filename}”超过 {megabytes} MB。请压缩或分页扫描后重新上传。",
    "Attachment too large.", "attachments")
IDEMPOTENCY_KEY_REUSED = define(
    "IDEMPOTENCY_KEY_REUSED", Conflict,
    "该幂等键（Idempotency-Key）已用于另一内容不同的请求。请为新的请求生成新的幂等键。",
    "This Idempotency-Key was already used for a different request; use a new key.")
DISTRICT_APPROVAL_ONLY = define(  # a single filing's decision, or a whole batch's (bulk)
    "DISTRICT_APPROVAL_ONLY", Forbidden,
    "批量退工达到属地报批标准，须由单位所在地{district}的经办机构审批。",
    "Mass terminations are approved by the unit's own district office.")
