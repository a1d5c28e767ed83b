"""Structured API errors: ``{"errors": [{"code", "field", "message_zh", "message_en"}]}``.

Domain refusals keep their stable code and Chinese message (the same as the web forms); input
that fails the request schema gets a code per field (FIELD_REQUIRED, UNKNOWN_FIELD, …) with a
Chinese message naming the field and the fix."""

from __future__ import annotations

from app.domain.errors import DomainError

# Domain codes that are not "your input is invalid" (422).
STATUS_BY_CODE = {
    "AUTH_REQUIRED": 401, "API_KEY_INVALID": 401, "TOKEN_INVALID": 401,
    "FORBIDDEN": 403, "UNIT_OUT_OF_JURISDICTION": 403, "CANCEL_NOT_ALLOWED": 403,
    "REVIEW_NOT_ALLOWED": 403, "CORRECTION_NOT_ALLOWED": 403, "DISTRICT_APPROVAL_ONLY": 403,
    "NOT_FOUND": 404, "FILING_NOT_FOUND": 404, "EMPLOYMENT_NOT_FOUND": 404,
    "UNIT_NOT_FOUND": 404, "BATCH_NOT_FOUND": 404, "DOCUMENT_NOT_AVAILABLE": 404,
    "PERSON_NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "FILING_ALREADY_DECIDED": 409, "DUPLICATE_FILING": 409, "HIRE_ALREADY_EMPLOYED": 409,
    "FILING_NOT_RETURNED": 409, "FILING_BAD_TRANSITION": 409, "IDEMPOTENCY_IN_PROGRESS": 409, "IDEMPOTENCY_KEY_REUSED": 409,
    "BODY_TOO_LARGE": 413, "UNSUPPORTED_MEDIA_TYPE": 415,
    "MALFORMED_JSON": 400, "IDEMPOTENCY_KEY_INVALID": 400,
    "RATE_LIMITED": 429,
}


def error_item(code: str, message_zh: str, message_en: str, field: str | None = None) -> dict:
    return {"code": code, "field": field, "message_zh": message_zh, "message_en": message_en}


class ApiError(Exception):
    """An error answer: HTTP status and one or more error items."""

    def __init__(self, status: int, errors: list[dict], headers: dict | None = None):
        super().__init__(errors[0]["code"] if errors else str(status))
        self.status = status
        self.errors = errors
        self.headers = headers or {}

    @classmethod
    def one(cls, status: int, code: str, zh: str, en: str, field: str | None = None,
            headers: dict | None = None) -> ApiError:
        return cls(status, [error_item(code, zh, en, field)], headers)

    @classmethod
    def from_domain(cls, exc: DomainError, field_names: dict | None = None) -> ApiError:
        field = exc.field
        if field_names and field in field_names:
            field = field_names[field]
        return cls(STATUS_BY_CODE.get(exc.code, 422),
                   [error_item(exc.code, exc.message, exc.message_en, field)])

    @property
    def body(self) -> dict:
        return {"errors": self.errors}


def unauthorized() -> ApiError:
    return ApiError.one(
        401, "AUTH_REQUIRED",
        "需要身份认证。请在请求头中提供有效的接口密钥（Authorization: Bearer bk_… 或 X-API-Key: bk_…），"
        "或经办人员的 JWT 令牌（Authorization: Bearer <令牌>）。",
        "Authentication required: send a valid API key (Authorization: Bearer bk_... or "
        "X-API-Key: bk_...) or a staff JWT (Authorization: Bearer <token>).",
        headers={"WWW-Authenticate": 'Bearer realm="beian-api"'})


def invalid_key() -> ApiError:
    return ApiError.one(
        401, "API_KEY_INVALID",
        "接口密钥无效、已撤销或已过期。请在单位网上办事的“接口密钥”页面创建新的密钥。",
        "The API key is invalid, revoked or expired; create a new one in the employer portal.",
        headers={"WWW-Authenticate": 'Bearer realm="beian-api", error="invalid_token"'})


def invalid_token() -> ApiError:
    return ApiError.one(
        401, "TOKEN_INVALID",
        "登录令牌无效或已过期。请重新调用 /api/v1/security/login 获取令牌。",
        "The JWT is invalid or expired; log in again at /api/v1/security/login.",
        headers={"WWW-Authenticate": 'Bearer realm="beian-api", error="invalid_token"'})


def forbidden() -> ApiError:
    return ApiError.one(403, "FORBIDDEN", "您的账户没有使用该接口的权限。",
                        "Your account may not use this endpoint.")


def not_found(what_zh: str = "记录", code: str = "NOT_FOUND",
              field: str | None = None) -> ApiError:
    return ApiError.one(404, code, f"未找到该{what_zh}，或不在您的办理范围内。",
                        "Not found, or outside your jurisdiction.", field)


def rate_limited(retry_after: int) -> ApiError:
    return ApiError.one(
        429, "RATE_LIMITED", f"请求过于频繁，已超过该密钥的速率限制。请 {retry_after} 秒后重试；大量备案请使用批量接口。",
        f"Rate limit exceeded for this key; retry in {retry_after} s (use /api/v1/batch for "
        "many filings).", headers={"Retry-After": str(retry_after)})


def too_large(limit: int) -> ApiError:
    return ApiError.one(
        413, "BODY_TOO_LARGE",
        f"请求体超过 {limit // 1024} KB 的上限。请减少每次提交的行数，分多个批次提交。",
        f"The request body exceeds the limit of {limit // 1024} KB; split it into several "
        "requests.")


def unsupported_media_type() -> ApiError:
    return ApiError.one(415, "UNSUPPORTED_MEDIA_TYPE",
                        "请求体须为 JSON：请设置请求头 Content-Type: application/json。",
                        "The body must be JSON (Content-Type: application/json).")


def malformed_json() -> ApiError:
    return ApiError.one(400, "MALFORMED_JSON",
                        "请求体不是有效的 JSON 对象。请检查引号、逗号和括号，并使用 UTF-8 编码。",
                        "The body is not a valid JSON object (check quotes, commas, brackets; "
                        "use UTF-8).")


# -- marshmallow messages → our codes ------------------------------------------------------------

def _classify(message: str) -> tuple[str, str, str]:
    """(code, zh template, en) for one marshmallow message; {label} is the field's name."""
    m = message.lower()
    if "missing data for required field" in m or "field may not be null" in m:
        return "FIELD_REQUIRED", "请填写“{label}”。", "This field is required."
    if "unknown field" in m:
        return ("UNKNOWN_FIELD", "不认识的字段“{label}”。请删除它或检查拼写（可用字段见接口文档 /api/v1/_openapi）。",
                "Unknown field.")
    if "not a valid date" in m or "not a valid datetime" in m:
        return ("INVALID_DATE", "“{label}”不是有效的日期。请使用 YYYY-MM-DD 格式，例如 2026-03-01。",
                "Not a valid date (use YYYY-MM-DD).")
    if "not a valid integer" in m:
        return "INVALID_INTEGER", "“{label}”须为整数。", "Not a valid integer."
    if "not a valid number" in m or "special numeric" in m:
        return "INVALID_NUMBER", "“{label}”须为数字。", "Not a valid number."
    if "not a valid boolean" in m:
        return "INVALID_BOOLEAN", "“{label}”须为 true 或 false。", "Not a valid boolean."
    if "not a valid string" in m:
        return "INVALID_STRING", "“{label}”须为文本（字符串）。", "Not a valid string."
    if "not a valid list" in m:
        return "INVALID_LIST", "“{label}”须为数组（列表）。", "Not a valid list."
    if "invalid input type" in m or "not a valid mapping" in m:
        return "INVALID_OBJECT", "“{label}”须为 JSON 对象。", "Not a valid object."
    if "must be one of" in m:
        return "INVALID_CHOICE", "“{label}”的取值不在允许范围内。" + message.split(":", 1)[-1], message
    if "longer than" in m or "length must be" in m or "shorter than" in m:
        return "INVALID_LENGTH", "“{label}”的长度不符合要求：" + message, message
    if "greater than" in m or "less than" in m:
        return "OUT_OF_RANGE", "“{label}”超出允许范围：" + message, message
    return "INVALID_VALUE", "“{label}”的值无效：" + message, message


def _walk(messages, path: str, labels: dict, out: list[dict]) -> None:
    if isinstance(messages, dict):
        for key, value in messages.items():
            child = f"{path}.{key}" if path else str(key)
            if key == "_schema":
                child = path or None
            _walk(value, child, labels, out)
        return
    if isinstance(messages, list):
        for item in messages:
            if isinstance(item, (dict, list)):
                _walk(item, path, labels, out)
                continue
            if isinstance(item, DomainError):
                out.append(error_item(item.code, item.message, item.message_en,
                                      item.field or path))
                continue
            text = str(item)
            if text.startswith("[") and "]" in text:  # our validators: "[CODE]中文|English"
                code, rest = text[1:].split("]", 1)
                zh, _, en = rest.partition("|")
                out.append(error_item(code, zh, en or zh, path))
                continue
            code, zh, en = _classify(text)
            leaf = (path or "").split(".")[-1]
            label = labels.get(leaf, leaf)
            out.append(error_item(code, zh.format(label=label), en, path))
        return
    _walk([messages], path, labels, out)


def from_validation(messages, labels: dict | None = None) -> ApiError:
    """A 422 with one error per marshmallow message."""
    out: list[dict] = []
    _walk(messages, "", labels or {}, out)
    return ApiError(422, out or [error_item("INVALID_VALUE", "请求内容无效。", "Invalid request.")])
