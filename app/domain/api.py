"""Refusals of the REST API itself (接口): who is calling, what the request looks like, request
schemas, Idempotency-Key, rate limits, API keys. The kind of each gives its HTTP status."""

from __future__ import annotations

from app.domain.errors import (
    BadRequest,
    Conflict,
    DomainError,
    ErrorCode,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    TooLarge,
    Unauthorized,
    UnsupportedMedia,
    define,
)
from app.domain.shared_errors import NOT_FOUND


class MethodNotAllowed(DomainError):
    """The endpoint exists but not with this HTTP method (405)."""

    status = 405


class ServerError(DomainError):
    """Our own failure, logged; the client may retry later (500)."""

    status = 500


MAX_IDEMPOTENCY_KEY = 255

# -- who is calling ------------------------------------------------------------------------------
AUTH_REQUIRED = define(
    "AUTH_REQUIRED", Unauthorized,
    "需要身份认证。请在请求头中提供有效的接口密钥（Authorization: Bearer bk_… 或 X-API-Key: bk_…），"
    "或经办人员的 JWT 令牌（Authorization: Bearer <令牌>）。",
    "Authentication required: send a valid API key (Authorization: Bearer bk_... or "
    "X-API-Key: bk_...) or a staff JWT (Authorization: Bearer <token>).")
API_KEY_INVALID = define(
    "API_KEY_INVALID", Unauthorized,
    "接口密钥无效、已撤销或已过期。请在单位网上办事的“接口密钥”页面创建新的密钥。",
    "The API key is invalid, revoked or expired; create a new one in the employer portal.")
TOKEN_INVALID = define(
    "TOKEN_INVALID", Unauthorized,
    "登录令牌无效或已过期。请重新调用 /api/v1/security/login 获取令牌。",
    "The JWT is invalid or expired; log in again at /api/v1/security/login.")
FORBIDDEN = define("FORBIDDEN", Forbidden, "您的账户没有使用该接口的权限。",
                   "Your account may not use this endpoint.")
RATE_LIMITED = define(
    "RATE_LIMITED", RateLimited,
    "请求过于频繁，已超过该密钥的速率限制。请 {retry_after} 秒后重试；大量备案请使用批量接口。",
    "Rate limit exceeded for this key; retry in {retry_after} s (use /api/v1/batch for many "
    "filings).")

# -- the request itself --------------------------------------------------------------------------
# An unknown URL answers with the code NOT_FOUND (shared), in words that fit a path.
UNKNOWN_ENDPOINT = ErrorCode(NOT_FOUND.code, NotFound,
                             "接口地址不存在。请对照 /api/v1/_openapi 检查路径。", "No such endpoint.")
METHOD_NOT_ALLOWED = define("METHOD_NOT_ALLOWED", MethodNotAllowed, "该接口不支持此 HTTP 方法。",
                            "Method not allowed.")
BODY_TOO_LARGE = define(
    "BODY_TOO_LARGE", TooLarge,
    "请求体超过 {kilobytes} KB 的上限。请减少每次提交的行数，分多个批次提交。",
    "The request body exceeds the limit of {kilobytes} KB; split it into several requests.")
UNSUPPORTED_MEDIA_TYPE = define(
    "UNSUPPORTED_MEDIA_TYPE", UnsupportedMedia,
    "请求体须为 JSON：请设置请求头 Content-Type: application/json。",
    "The body must be JSON (Content-Type: application/json).")
MALFORMED_JSON = define(
    "MALFORMED_JSON", BadRequest,
    "请求体不是有效的 JSON 对象。请检查引号、逗号和括号，并使用 UTF-8 编码。",
    "The body is not a valid JSON object (check quotes, commas, brackets; use UTF-8).")
DUPLICATE_PARAMETER = define("DUPLICATE_PARAMETER", BadRequest, "查询参数“{name}”只能出现一次。",
                             "Query parameter {name} may appear only once.")
INTERNAL_ERROR = define("INTERNAL_ERROR", ServerError,
                        "服务器内部错误，请稍后重试；如持续出现请联系经办机构。",
                        "Internal error; retry later.")

# -- Idempotency-Key -----------------------------------------------------------------------------
IDEMPOTENCY_KEY_INVALID = define(
    "IDEMPOTENCY_KEY_INVALID", BadRequest,
    f"Idempotency-Key 须为 1–{MAX_IDEMPOTENCY_KEY} 个可打印的 ASCII 字符（建议使用 UUID）。",
    f"Idempotency-Key must be 1-{MAX_IDEMPOTENCY_KEY} printable ASCII characters "
    "(a UUID is recommended).", "Idempotency-Key")
IDEMPOTENCY_KEY_MISMATCH = define(  # 422, as the API has always answered
    "IDEMPOTENCY_KEY_MISMATCH", Invalid,
    "该 Idempotency-Key 已用于另一个不同内容的请求。重试时请原样重发同一请求；新的请求请使用新的 Idempotency-Key。",
    "This Idempotency-Key was used for a request with a different body. Retry with the "
    "identical request, or use a new key for a new request.", "Idempotency-Key")
IDEMPOTENCY_IN_PROGRESS = define(
    "IDEMPOTENCY_IN_PROGRESS", Conflict, "使用同一 Idempotency-Key 的请求正在处理中，请稍后重试。",
    "A request with this Idempotency-Key is still being processed; retry shortly.",
    "Idempotency-Key")

# -- request schemas (one code per field and kind of mistake; {label} names the field) -----------
UNKNOWN_FIELD = define(
    "UNKNOWN_FIELD", Invalid,
    "不认识的字段“{label}”。请删除它或检查拼写（可用字段见接口文档 /api/v1/_openapi）。",
    "Unknown field.")
INVALID_DATE = define("INVALID_DATE", Invalid,
                      "“{label}”不是有效的日期。请使用 YYYY-MM-DD 格式，例如 2026-03-01。",
                      "Not a valid date (use YYYY-MM-DD).")
INVALID_INTEGER = define("INVALID_INTEGER", Invalid, "“{label}”须为整数。", "Not a valid integer.")
INVALID_NUMBER = define("INVALID_NUMBER", Invalid, "“{label}”须为数字。", "Not a valid number.")
INVALID_BOOLEAN = define("INVALID_BOOLEAN", Invalid, "“{label}”须为 true 或 false。",
                         "Not a valid boolean.")
INVALID_STRING = define("INVALID_STRING", Invalid, "“{label}”须为文本（字符串）。",
                        "Not a valid string.")
INVALID_LIST = define("INVALID_LIST", Invalid, "“{label}”须为数组（列表）。", "Not a valid list.")
INVALID_OBJECT = define("INVALID_OBJECT", Invalid, "“{label}”须为 JSON 对象。",
                        "Not a valid object.")
INVALID_CHOICE = define("INVALID_CHOICE", Invalid, "“{label}”的取值不在允许范围内。{detail}",
                        "{message}")
INVALID_LENGTH = define("INVALID_LENGTH", Invalid, "“{label}”的长度不符合要求：{message}",
                        "{message}")
OUT_OF_RANGE = define("OUT_OF_RANGE", Invalid, "“{label}”超出允许范围：{message}", "{message}")
INVALID_VALUE = define("INVALID_VALUE", Invalid, "“{label}”的值无效：{message}", "{message}")
INVALID_REQUEST = ErrorCode(INVALID_VALUE.code, Invalid, "请求内容无效。", "Invalid request.")
CODE_UNKNOWN = define(
    "CODE_UNKNOWN", Invalid,
    "“{label}”的代码“{value}”不存在或已停用。可用代码见 GET /api/v1/codes/{field_name}。",
    "Unknown code {value!r}; see GET /api/v1/codes/{field_name}.")
INVALID_BASE64 = define("INVALID_BASE64", Invalid, "第 {number} 个附件的内容不是有效的 Base64 编码。",
                        "Attachment content is not valid base64.")

# -- API resources ------------------------------------------------------------------------------
BATCH_NOT_FOUND = define("BATCH_NOT_FOUND", NotFound, "未找到该批次，或不在您的办理范围内。",
                         "Batch not found in your jurisdiction.", "batch_id")

# -- API keys (接口密钥) ----------------------------------------------------------------------------
API_KEY_NOT_FOUND = define("API_KEY_NOT_FOUND", NotFound, "未找到该接口密钥。", "API key not found.",
                           "key")
FIELD_TOO_LONG = define("FIELD_TOO_LONG", Invalid, "{label}不能超过 {limit} 个字。",
                        "The {name} is longer than {limit} characters.")
EXPIRY_IN_PAST = define(
    "EXPIRY_IN_PAST", Invalid, "有效期须晚于当前时间。请选择一个将来的日期，或留空表示长期有效。",
    "The expiry must be in the future.", "expires_at")

# -- values the request schemas refuse themselves ------------------------------------------------
INVALID_CHARACTER = define("INVALID_CHARACTER", Invalid,
                           "内容含有不可见的控制字符，请删除后重新提交。",
                           "The value contains control characters.")
DATE_OUT_OF_RANGE = define("DATE_OUT_OF_RANGE", Invalid,
                           "日期须在 {first} 至 {last} 之间，请核对年份。",
                           "The date must lie between {first} and {last}.")
# A cell of a batch row (text or a number): the schema codes, in words about a cell.
CELL_NOT_TEXT = ErrorCode(INVALID_STRING.code, Invalid, "单元格的值须为文本或数字。",
                          "Cells must be strings or numbers.")
CELL_NOT_A_NUMBER = ErrorCode(INVALID_NUMBER.code, Invalid, "单元格的值不是有效数字。",
                              "Not a valid number.")
CELL_TOO_LONG = ErrorCode(INVALID_LENGTH.code, Invalid, "单元格内容不能超过 {limit} 个字符。",
                          "A cell may hold at most {limit} characters.")
