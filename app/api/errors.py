"""Structured API errors: ``{"errors": [{"code", "field", "message_zh", "message_en"}]}``.

Domain refusals keep their stable code and Chinese message (the same as the web forms); input
that fails the request schema gets a code per field (FIELD_REQUIRED, UNKNOWN_FIELD, …) with a
Chinese message naming the field and the fix."""

from __future__ import annotations

from app.domain import api as codes
from app.domain.errors import DomainError, ErrorCode
from app.domain.shared_errors import FIELD_REQUIRED

BEARER = 'Bearer realm="beian-api"'
BEARER_INVALID = 'Bearer realm="beian-api", error="invalid_token"'


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
    def from_domain(cls, exc: DomainError, field_names: dict | None = None,
                    headers: dict | None = None) -> ApiError:
        """The answer to a refusal: its kind gives the HTTP status."""
        field = exc.field
        if field_names and field in field_names:
            field = field_names[field]
        return cls(exc.status, [error_item(exc.code, exc.message, exc.message_en, field)],
                   headers)

    @property
    def body(self) -> dict:
        return {"errors": self.errors}


def unauthorized() -> ApiError:
    return ApiError.from_domain(codes.AUTH_REQUIRED(), headers={"WWW-Authenticate": BEARER})


def invalid_key() -> ApiError:
    return ApiError.from_domain(codes.API_KEY_INVALID(),
                                headers={"WWW-Authenticate": BEARER_INVALID})


def invalid_token() -> ApiError:
    return ApiError.from_domain(codes.TOKEN_INVALID(),
                                headers={"WWW-Authenticate": BEARER_INVALID})


def forbidden() -> ApiError:
    return ApiError.from_domain(codes.FORBIDDEN())


def rate_limited(retry_after: int) -> ApiError:
    return ApiError.from_domain(codes.RATE_LIMITED(retry_after=retry_after),
                                headers={"Retry-After": str(retry_after)})


def too_large(limit: int) -> ApiError:
    return ApiError.from_domain(codes.BODY_TOO_LARGE(kilobytes=limit // 1024))


def unsupported_media_type() -> ApiError:
    return ApiError.from_domain(codes.UNSUPPORTED_MEDIA_TYPE())


def malformed_json() -> ApiError:
    return ApiError.from_domain(codes.MALFORMED_JSON())


# -- marshmallow messages → our codes ------------------------------------------------------------

_SIMPLE = (
    (("missing data for required field", "field may not be null"), FIELD_REQUIRED),
    (("unknown field",), codes.UNKNOWN_FIELD),
    (("not a valid date", "not a valid datetime"), codes.INVALID_DATE),
    (("not a valid integer",), codes.INVALID_INTEGER),
    (("not a valid number", "special numeric"), codes.INVALID_NUMBER),
    (("not a valid boolean",), codes.INVALID_BOOLEAN),
    (("not a valid string",), codes.INVALID_STRING),
    (("not a valid list",), codes.INVALID_LIST),
    (("invalid input type", "not a valid mapping"), codes.INVALID_OBJECT),
    (("must be one of",), codes.INVALID_CHOICE),
    (("longer than", "length must be", "shorter than"), codes.INVALID_LENGTH),
    (("greater than", "less than"), codes.OUT_OF_RANGE),
)


def _classify(message: str, label: str, path: str | None) -> dict:
    """The error item for one marshmallow message about the field at ``path``."""
    m = message.lower()
    found: ErrorCode = codes.INVALID_VALUE
    for needles, code in _SIMPLE:
        if any(n in m for n in needles):
            found = code
            break
    exc = found(label=label, name=label, message=message,
                detail=message.split(":", 1)[-1])
    en = "This field is required." if found is FIELD_REQUIRED else exc.message_en
    return error_item(exc.code, exc.message, en, path)


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
            leaf = (path or "").split(".")[-1]
            out.append(_classify(text, labels.get(leaf, leaf), path))
        return
    _walk([messages], path, labels, out)


def from_validation(messages, labels: dict | None = None) -> ApiError:
    """A 422 with one error per marshmallow message."""
    out: list[dict] = []
    _walk(messages, "", labels or {}, out)
    if not out:
        exc = codes.INVALID_REQUEST()
        out = [error_item(exc.code, exc.message, exc.message_en)]
    return ApiError(422, out)
