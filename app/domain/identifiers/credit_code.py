"""The unified social credit code (统一社会信用代码, GB 32100-2015, MOD 31): check and build."""

from __future__ import annotations

from app.domain.errors import DomainError
from app.domain.identifiers import errors as E
from app.domain.identifiers._text import (
    _ASCII_UPPER,
    _CREDIT_CODE_LOOKALIKES,
    _FULLWIDTH,
    CREDIT_CODE_ALPHABET,
    _is_long_number,
    _is_missing,
    _is_number,
    _number_to_text,
    _quote_chars,
    _quote_chars_en,
    _unique,
    credit_code_check_char,
    credit_code_checksum_ok,
    diagnose,
)


def make_credit_code(first17_or_prefix: str) -> str:
    """Append the check character to a 17-character body (demo data and tests).

    Lower-case letters are upper-cased; the body must otherwise use CREDIT_CODE_ALPHABET.

    >>> make_credit_code('91110000600037341')
    '91110000600037341L'
    """
    body = first17_or_prefix.translate(_ASCII_UPPER)
    return body + credit_code_check_char(body)



def validate_credit_code(value: object) -> str:
    """Check a unified social credit code and return it normalised (upper case).

    The first two characters (registration authority, entity category) and the region code
    are not checked beyond the alphabet. Raises ``DomainError`` with code USCC_EMPTY,
    USCC_EXCEL_DAMAGED, USCC_LENGTH, USCC_ALPHABET or USCC_CHECKSUM.

    >>> validate_credit_code(' 91110000600037341L ')
    '91110000600037341L'
    >>> def code(value):
    ...     try:
    ...         validate_credit_code(value)
    ...     except DomainError as error:
    ...         return error.code
    >>> code('91110000600037341M')
    'USCC_CHECKSUM'
    >>> code('9111000060003734IL')
    'USCC_ALPHABET'
    >>> code('9.11100006E+17')
    'USCC_EXCEL_DAMAGED'
    """
    if _is_missing(value):
        raise E.USCC_EMPTY()
    if _is_number(value):
        if _is_long_number(value):
            raise E.USCC_EXCEL_DAMAGED()
        value = _number_to_text(value)  # type: ignore[arg-type]
    if not isinstance(value, str):
        raise E.USCC_ALPHABET(
            detail="统一社会信用代码应为文本：18 位数字或大写字母。",
            detail_en="The unified social credit code must be text: 18 digits or upper-case "
                      "letters.")
    text = value.strip()
    if diagnose(text, checksum_ok=credit_code_checksum_ok):
        raise E.USCC_EXCEL_DAMAGED()
    code = text.translate(_ASCII_UPPER)
    if len(code) != 18:
        raise E.USCC_LENGTH(length=len(code))
    _check_alphabet(code)
    if credit_code_check_char(code[:17]) != code[17]:
        raise E.USCC_CHECKSUM()
    return code


def _check_alphabet(code: str) -> None:
    bad = _unique(c for c in code if c not in CREDIT_CODE_ALPHABET)
    if not bad:
        return
    lookalikes = [f"“{c}”可能应为“{_CREDIT_CODE_LOOKALIKES[c]}”"
                  for c in bad if c in _CREDIT_CODE_LOOKALIKES]
    fullwidth = any(_FULLWIDTH.fullmatch(c) for c in bad)
    raise E.USCC_ALPHABET(
        detail=f"统一社会信用代码含有不允许的字符：{_quote_chars(bad)}。代码只由数字 0–9 和大写字母组成，"
               "且从不使用字母 I、O、S、V、Z。"
               + (f"{'，'.join(lookalikes)}。" if lookalikes else "")
               + ("请用半角（英文）输入法输入。" if fullwidth else "")
               + "请对照营业执照或登记证书核对。",
        detail_en=f"The unified social credit code contains characters that are not allowed: "
                  f"{_quote_chars_en(bad)}. It uses only digits 0-9 and upper-case letters, never "
                  "I, O, S, V or Z (O is usually the digit 0, I the digit 1). Check it against "
                  "the business licence or registration certificate.")


def is_valid_credit_code(value: object) -> bool:
    """Check whether the value is a valid unified social credit code.

    >>> is_valid_credit_code('91110000600037341L')
    True
    >>> is_valid_credit_code('91110000600037341M')
    False
    """
    try:
        validate_credit_code(value)
    except DomainError:
        return False
    return True

