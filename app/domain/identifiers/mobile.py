"""Mainland mobile numbers (手机号码): normalise and check."""

from __future__ import annotations

import re

from app.domain.errors import DomainError  # noqa: F401  (doctest)
from app.domain.identifiers import errors as E
from app.domain.identifiers._text import _is_ascii_digits, _is_missing, _is_number, _number_to_text

_PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\uff0d]")


def validate_mobile(value: object) -> str:
    """Check a mainland mobile number and return its 11 digits.

    Spaces and hyphens are removed, and so is a leading +86, 0086 or 86. Raises
    ``DomainError`` with code PHONE_EMPTY or PHONE_FORMAT.

    >>> validate_mobile('138 0013 8000')
    '13800138000'
    >>> validate_mobile('8613800138000')
    '13800138000'
    >>> try:
    ...     validate_mobile('010-12345678')
    ... except DomainError as error:
    ...     print(error.code)
    PHONE_FORMAT
    """
    if _is_missing(value):
        raise E.PHONE_EMPTY()
    if _is_number(value):
        value = _number_to_text(value)  # type: ignore[arg-type]  # 11 digits survive a spreadsheet
    if not isinstance(value, str):
        value = ""
    digits = _PHONE_SEPARATORS.sub("", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) != 11 or not _is_ascii_digits(digits) or not digits.startswith("1"):
        raise E.PHONE_FORMAT()
    return digits
