"""The citizen ID number (居民身份证号码, GB 11643-1999, ISO 7064 MOD 11-2): check, mask, build."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from app.domain.errors import DomainError
from app.domain.identifiers import errors as E
from app.domain.identifiers._text import (
    _ASCII_UPPER,
    _DIGITS,
    _EARLIEST_BIRTH_DATE,
    _FOREIGNER_PREFIX,
    _FULLWIDTH,
    PROVINCE_CODES,
    _is_ascii_digits,
    _is_long_number,
    _is_missing,
    _is_number,
    _number_to_text,
    _quote_chars,
    _quote_chars_en,
    _unique,
    citizen_id_check_char,
    citizen_id_checksum_ok,
    diagnose,
)


@dataclass(frozen=True, repr=False)
class CitizenId:
    """A validated citizen ID number (居民身份证号码, GB 11643-1999) and what it tells.

    ``repr`` shows the number masked, so the object can be logged safely.

    >>> CitizenId(number='11010519491231002X', birth_date=datetime.date(1949, 12, 31),
    ...           sex='F', region_code='110105')
    CitizenId(number='110105********002X', birth_date=datetime.date(1949, 12, 31), sex='F', region_code='110105')
    """

    number: str
    """Normalised: 18 characters, upper-case X."""
    birth_date: datetime.date
    sex: str
    """"M" or "F" (17th digit odd = male)."""
    region_code: str
    """The first 6 digits."""

    def __repr__(self) -> str:
        return (f"CitizenId(number={mask_citizen_id(self.number)!r}, "
                f"birth_date={self.birth_date!r}, sex={self.sex!r}, "
                f"region_code={self.region_code!r})")



def make_citizen_id(region6: str, birth: datetime.date, sequence: int) -> str:
    """Build a number with a correct check character (demo data and tests).

    Neither the region nor the plausibility of the date is checked here.

    >>> make_citizen_id('110105', datetime.date(1949, 12, 31), 2)
    '11010519491231002X'
    >>> validate_citizen_id(make_citizen_id('320201', datetime.date(2005, 2, 28), 11)).sex
    'M'
    """
    if len(region6) != 6 or not _is_ascii_digits(region6):
        raise ValueError("region6 must be exactly 6 ASCII digits")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 0 <= sequence <= 999:
        raise ValueError("sequence must be an integer from 0 to 999")
    first17 = f"{region6}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return first17 + citizen_id_check_char(first17)



def validate_citizen_id(value: str | int | float | None, *,  # noqa: PYI041
                        today: datetime.date | None = None) -> CitizenId:
    """Check a citizen ID number and return it normalised with what it tells.

    Surrounding whitespace is removed and a lower-case x becomes X. The birth date must be a
    real date from 1900-01-01 to ``today`` (default: ``date.today()``); the first two digits a
    province code (or 9 for a foreigner's permanent residence ID). Raises ``DomainError`` with
    code ID_EMPTY, ID_EXCEL_DAMAGED, ID_LENGTH, ID_FORMAT, ID_PROVINCE, ID_BIRTH_DATE,
    ID_BIRTH_FUTURE or ID_CHECKSUM.

    >>> validate_citizen_id('11010519491231002X').birth_date
    datetime.date(1949, 12, 31)
    >>> validate_citizen_id('81000020000229002X').region_code  # Hong Kong residence permit
    '810000'
    >>> def code(value, **kwargs):
    ...     try:
    ...         validate_citizen_id(value, **kwargs)
    ...     except DomainError as error:
    ...         return error.code
    >>> code('110105194912310021')
    'ID_CHECKSUM'
    >>> code('11010519491231002')
    'ID_LENGTH'
    >>> code('110105190002290025')  # 1900 was not a leap year
    'ID_BIRTH_DATE'
    >>> code('11010520250101002X', today=datetime.date(2024, 12, 31))
    'ID_BIRTH_FUTURE'
    >>> code(320201199001011000)
    'ID_EXCEL_DAMAGED'
    >>> code('')
    'ID_EMPTY'
    """
    number = _as_text(value)
    _check_length(number)
    _check_characters(number)
    _check_province(number)
    birth = _birth_date(number, today or datetime.date.today())
    if citizen_id_check_char(number[:17]) != number[17]:
        raise E.ID_CHECKSUM()
    return CitizenId(number=number, birth_date=birth,
                     sex="M" if int(number[16]) % 2 else "F", region_code=number[:6])


def _as_text(value) -> str:
    """The value as upper-case text, refusing what a spreadsheet or a wrong type made of it."""
    if _is_missing(value):
        raise E.ID_EMPTY()
    if _is_number(value):
        if _is_long_number(value):
            raise E.ID_EXCEL_DAMAGED()
        value = _number_to_text(value)  # a short number: reported as a wrong length below
    if not isinstance(value, str):
        raise E.ID_FORMAT(
            detail="身份证号码应为文本：前 17 位为数字，最后一位为数字或字母 X。",
            detail_en="The citizen ID number must be text: 17 digits followed by a digit or X.")
    text = value.strip()
    if diagnose(text, checksum_ok=citizen_id_checksum_ok):
        raise E.ID_EXCEL_DAMAGED()
    return text.translate(_ASCII_UPPER)


def _check_length(number: str) -> None:
    if len(number) == 18:
        return
    first_generation = len(number) == 15 and _is_ascii_digits(number)
    raise E.ID_LENGTH(
        length=len(number),
        hint="15 位是第一代身份证号码，请填写现行的 18 位号码。" if first_generation else "",
        hint_en=(" A 15-digit number is a first-generation ID; enter the current 18-character "
                 "number." if first_generation else ""))


def _check_characters(number: str) -> None:
    bad = _unique(c for c in number[:17] if c not in _DIGITS)
    if number[17] not in _DIGITS + "X":
        bad = _unique([*bad, number[17]])
    if not bad:
        return
    fullwidth = any(_FULLWIDTH.fullmatch(c) for c in bad)
    raise E.ID_FORMAT(
        detail=f"身份证号码含有不允许的字符：{_quote_chars(bad)}。前 17 位只能是数字，"
               "最后一位是数字或字母 X。" + ("请用半角（英文）输入法输入数字。" if fullwidth else ""),
        detail_en=f"The citizen ID number contains characters that are not allowed: "
                  f"{_quote_chars_en(bad)}. The first 17 characters must be digits and the last "
                  "one a digit or X." + (" Use half-width (ASCII) digits." if fullwidth else ""))


def _check_province(number: str) -> None:
    if not (number.startswith(_FOREIGNER_PREFIX) or number[:2] in PROVINCE_CODES):
        raise E.ID_PROVINCE(prefix=number[:2])


def _birth_date(number: str, today: datetime.date) -> datetime.date:
    digits8 = number[6:14]
    try:
        birth = datetime.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:]))
    except ValueError:
        birth = None
    if birth is None or birth < _EARLIEST_BIRTH_DATE:
        raise E.ID_BIRTH_DATE(
            shown=f"{digits8[:4]}年{digits8[4:6]}月{digits8[6:]}日",
            reason="早于 1900 年 1 月 1 日" if birth is not None else "不是日历上存在的日期",
            digits=digits8,
            reason_en="before 1900-01-01" if birth is not None else "not a real calendar date")
    if birth > today:
        raise E.ID_BIRTH_FUTURE(birth=birth.isoformat())
    return birth


def is_valid_citizen_id(value: object) -> bool:
    """Check whether the value is a valid citizen ID number (see :func:`validate_citizen_id`).

    >>> is_valid_citizen_id('11010519491231002X')
    True
    >>> is_valid_citizen_id('110105194912310021')
    False
    """
    try:
        validate_citizen_id(value)  # type: ignore[arg-type]
    except DomainError:
        return False
    return True



def mask_citizen_id(value: str | None) -> str:
    """Mask a citizen ID number for display: first 6 and last 4 characters only.

    Values of another length keep their first 2 and last 2 characters (nothing at all when
    that would reveal half the value or more).

    >>> mask_citizen_id('11010519491231002X')
    '110105********002X'
    >>> mask_citizen_id('320201900101100')
    '32***********00'
    >>> mask_citizen_id('1234')
    '****'
    >>> mask_citizen_id(None)
    ''
    """
    if value is None:
        return ""
    text = str(value).strip()
    n = len(text)
    if n == 18:
        return text[:6] + "*" * 8 + text[-4:]
    if n <= 8:
        return "*" * n
    return text[:2] + "*" * (n - 4) + text[-2:]

