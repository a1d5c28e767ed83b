"""Errors a user can act on: a stable code, the field it concerns, and a message in Chinese
(with an English message beside it for API clients).

Every code is defined once, in the domain module of its capability, with :func:`define`::

    HIRE_ALREADY_EMPLOYED = define("HIRE_ALREADY_EMPLOYED", Conflict,
                                   "该劳动者已在本单位在职……", "The worker is already employed …")
    raise HIRE_ALREADY_EMPLOYED(field="citizen_id")

The kind of error (not found, forbidden, conflict, invalid, rate limited, …) carries its HTTP
status, so the API and the web pages answer with the right status without a table of codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class DomainError(ValueError):
    """A rule refused the input.

    ``code`` is stable (tests, API clients and bulk-upload reports key on it); ``message`` is plain
    Chinese saying what is wrong and how to fix it; ``message_en`` is the same in English.
    """

    status = 422

    def __init__(self, code: str, message: str, message_en: str = "", field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_en = message_en or message
        self.field = field

    def for_field(self, field: str) -> DomainError:
        """The same error, attached to a named form/API field."""
        return type(self)(self.code, self.message, self.message_en, field)

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.message,
                "message_en": self.message_en}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{type(self).__name__}({self.code!r}, field={self.field!r})"


class Invalid(DomainError):
    """The input breaks a rule: correct it and try again (422)."""

    status = 422


class BadRequest(DomainError):
    """The request itself is malformed (400)."""

    status = 400


class Unauthorized(DomainError):
    """Who is calling is not known (401)."""

    status = 401


class Forbidden(DomainError):
    """The caller may not do this (403)."""

    status = 403


class NotFound(DomainError):
    """No such record, or none the caller may see (404)."""

    status = 404


class Conflict(DomainError):
    """The record's state does not allow this now (409)."""

    status = 409


class TooLarge(DomainError):
    """The upload or body is too large (413)."""

    status = 413


class UnsupportedMedia(DomainError):
    """The content type is not one we accept (415)."""

    status = 415


class RateLimited(DomainError):
    """Too many attempts: wait and try again (429)."""

    status = 429


@dataclass(frozen=True)
class ErrorCode:
    """A defined refusal: calling it makes the exception to raise.

    Messages may hold ``{name}`` placeholders, filled from the keyword arguments of the call.

    >>> E = ErrorCode("DOCTEST_ONLY", Invalid, "{what}不能为空。", "{what} is required.")
    >>> err = E(field="name", what="姓名")
    >>> err.code, err.field, err.message, err.status
    ('DOCTEST_ONLY', 'name', '姓名不能为空。', 422)
    """

    code: str
    kind: type[DomainError]
    zh: str
    en: str
    field: str | None = None

    def __call__(self, field: str | None = None, **params) -> DomainError:
        zh = self.zh.format_map(params) if params else self.zh
        en = self.en.format_map(params) if params else self.en
        return self.kind(self.code, zh, en, field or self.field)

    @property
    def status(self) -> int:
        return self.kind.status


_REGISTRY: dict[str, ErrorCode] = {}


def define(code: str, kind: type[DomainError], zh: str, en: str,
           field: str | None = None) -> ErrorCode:
    """Define an error code (once in the whole application)."""
    if code in _REGISTRY:
        raise ValueError(f"error code {code} is defined twice")
    error = ErrorCode(code, kind, zh, en, field)
    _REGISTRY[code] = error
    return error


def defined_codes() -> Mapping[str, ErrorCode]:
    """Every code defined so far (the domain modules that define them must be imported)."""
    return dict(_REGISTRY)
