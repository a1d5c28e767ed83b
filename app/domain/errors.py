"""Errors a user can act on: a stable code, the field it concerns, and a message in Chinese
(with an English message beside it for API clients)."""

from __future__ import annotations


class DomainError(ValueError):
    """A rule refused the input.

    ``code`` is stable (tests, API clients and bulk-upload reports key on it); ``message`` is plain
    Chinese saying what is wrong and how to fix it; ``message_en`` is the same in English.
    """

    def __init__(self, code: str, message: str, message_en: str = "", field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_en = message_en or message
        self.field = field

    def for_field(self, field: str) -> DomainError:
        """The same error, attached to a named form/API field."""
        return DomainError(self.code, self.message, self.message_en, field)

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.message,
                "message_en": self.message_en}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"DomainError({self.code!r}, field={self.field!r})"
