"""Identifiers: citizen ID number, unified social credit code, mobile number.

Pure Python (no Flask, no database). Each ``validate_*`` function returns the normalised value
or raises :class:`~app.domain.errors.DomainError` with a stable ``code``, a Chinese message that
says what is wrong and how to fix it, and an English message. ``field`` is left ``None``; callers
attach it with ``error.for_field(name)``.

Citizen ID number (居民身份证号码, GB 11643-1999, ISO 7064 MOD 11-2): 6-digit region code,
8-digit birth date, 3-digit sequence (odd = male, even = female) and a check character. The same
layout and check are used by residence permits of Hong Kong, Macao and Taiwan residents (810000,
820000, 830000) and by the foreigners' permanent residence ID (starts with 9).

Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters over a 31-symbol
alphabet (no I O S V Z), the last one a MOD 31 check character.

Spreadsheets keep only 15 significant digits, so a long number typed into a cell that is not
formatted as text loses its last digits ("3.20201199001011E+17", "320201199001011000"). Such
values are diagnosed and refused with ``ID_EXCEL_DAMAGED`` / ``USCC_EXCEL_DAMAGED``; they are
never "repaired", because the lost digits cannot be recovered.

Error messages never repeat the full number (it is sensitive personal data and error messages
end up in logs and upload reports).

>>> person = validate_citizen_id(' 11010519491231002x ')
>>> person.number, person.birth_date, person.sex, person.region_code
('11010519491231002X', datetime.date(1949, 12, 31), 'F', '110105')
>>> mask_citizen_id(person.number)
'110105********002X'
>>> validate_credit_code('91110000600037341l')
'91110000600037341L'
>>> validate_mobile('+86 138-0013-8000')
'13800138000'
>>> try:
...     validate_citizen_id('3.20201199001011E+17')
... except DomainError as error:
...     print(error.code)
ID_EXCEL_DAMAGED
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from dataclasses import dataclass

from app.domain.errors import DomainError

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "PROVINCE_CODES",
    "CitizenId",
    "citizen_id_check_char",
    "credit_code_check_char",
    "diagnose_excel_damage",
    "is_valid_citizen_id",
    "is_valid_credit_code",
    "make_citizen_id",
    "make_credit_code",
    "mask_citizen_id",
    "validate_citizen_id",
    "validate_credit_code",
    "validate_mobile",
]

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

_DIGITS = "0123456789"

CITIZEN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
"""GB 11643-1999 weights, W[i] = 2^(17-i) mod 11."""

_CITIZEN_ID_CHECK_CHARS = "10X98765432"

PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15",                    # 北京 天津 河北 山西 内蒙古
    "21", "22", "23",                                # 辽宁 吉林 黑龙江
    "31", "32", "33", "34", "35", "36", "37",        # 上海 江苏 浙江 安徽 福建 江西 山东
    "41", "42", "43", "44", "45", "46",              # 河南 湖北 湖南 广东 广西 海南
    "50", "51", "52", "53", "54",                    # 重庆 四川 贵州 云南 西藏
    "61", "62", "63", "64", "65",                    # 陕西 甘肃 青海 宁夏 新疆
    "71", "81", "82",                                # 台湾 香港 澳门
    "83",                                            # 台湾居民居住证 (830000)
})
"""First two digits a citizen ID (or HK/Macao/Taiwan residence permit) may start with: the
province codes of GB/T 2260 (11–82) plus 83 for Taiwan residents' residence permits. Old region
codes below province level are accepted (IDs keep them after boundary changes)."""

_FOREIGNER_PREFIX = "9"
"""Foreigners' permanent residence ID (外国人永久居留身份证, 2023 version) starts with 9."""

_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 symbols of GB 32100-2015 (no I, O, S, V, Z)."""

CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""GB 32100-2015 weights, W[i] = 3^i mod 31."""

_CREDIT_CODE_FORBIDDEN = "IOSVZ"
_CREDIT_CODE_LOOKALIKES = {"I": "1", "O": "0", "S": "5", "Z": "2", "V": "U"}

_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")

# Spreadsheet renderings of a long number: scientific notation (with a decimal point or an
# explicitly signed exponent, so an 18-character credit code such as "...123E456" is not
# mistaken for one), a trailing ".0", or thousands separators.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+")
_DECIMAL_ZERO = re.compile(r"[+-]?\d+\.0+")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.0+)?")
_LONG_NUMBER = 1e14  # 15 digits: the most a spreadsheet number keeps


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _is_missing(value: object) -> bool:
    """None, an empty/blank string, or NaN (how pandas and some readers give an empty cell)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if _is_number(value):
        try:
            return math.isnan(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):  # pragma: no cover - complex, signalling NaN
            return False
    return False


def _number_to_text(value: numbers.Number) -> str:
    """Text of a small number that lost nothing (an integral float prints without '.0')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    return str(value)


def _looks_like_spreadsheet_number(text: str) -> bool:
    """Scientific notation, trailing '.0' or thousands separators."""
    if _SCIENTIFIC.fullmatch(text):
        return "." in text or "+" in text or "-" in text
    if _DECIMAL_ZERO.fullmatch(text):
        return True
    if _THOUSANDS.fullmatch(text):
        return sum(c in _DIGITS for c in text) >= 15
    return False


def _is_long_number(value: object) -> bool:
    try:
        return not math.isnan(value) and abs(value) >= _LONG_NUMBER  # type: ignore[arg-type]
    except (TypeError, ValueError):  # pragma: no cover - complex numbers and the like
        return True


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() would also accept full-width and other Unicode digits.
    return bool(text) and all(c in _DIGITS for c in text)


def _citizen_id_checksum_ok(number: str) -> bool:
    return (len(number) == 18 and _is_ascii_digits(number[:17])
            and citizen_id_check_char(number[:17]) == number[17])


def _credit_code_checksum_ok(code: str) -> bool:
    return (len(code) == 18 and all(c in CREDIT_CODE_ALPHABET for c in code)
            and credit_code_check_char(code[:17]) == code[17])


def _quote_chars(chars: list[str]) -> str:
    shown = []
    for c in chars:
        shown.append("空格" if c.isspace() else f"“{c}”")
    return "、".join(shown)


def _quote_chars_en(chars: list[str]) -> str:
    return ", ".join("space" if c.isspace() else repr(c) for c in chars)


def _unique(chars) -> list[str]:
    return list(dict.fromkeys(chars))


# --------------------------------------------------------------------------------------------
# Spreadsheet damage
# --------------------------------------------------------------------------------------------

def diagnose_excel_damage(value: object) -> bool:
    """Tell whether a value looks like a long number mangled by a spreadsheet.

    A spreadsheet keeps 15 significant digits, so an 18-digit number typed into a cell that is
    not formatted as text comes back in scientific notation, with a trailing ".0", with
    thousands separators, as a number object, or with its last three digits turned into 000.
    An 18-digit string ending in 000 only counts as damaged when it passes neither the citizen
    ID nor the credit code checksum (the validators check against their own checksum).

    >>> diagnose_excel_damage('3.20201199001011E+17')
    True
    >>> diagnose_excel_damage(320201199001011000)
    True
    >>> diagnose_excel_damage('320201199001011000')
    True
    >>> diagnose_excel_damage('11010519491231002X')
    False
    >>> diagnose_excel_damage(None)
    False
    """
    return _diagnose(value, checksum_ok=lambda text: (
        _citizen_id_checksum_ok(text) or _credit_code_checksum_ok(text)))


def _diagnose(value: object, checksum_ok) -> bool:
    if _is_missing(value):
        return False
    if _is_number(value):
        return _is_long_number(value)
    if not isinstance(value, str):
        return False
    text = value.strip()
    if _looks_like_spreadsheet_number(text):
        return True
    return (len(text) == 18 and _is_ascii_digits(text) and text.endswith("000")
            and not checksum_ok(text))


_ID_EXCEL_MESSAGE = (
    "身份证号码被电子表格（如 Excel、WPS）当作数值保存：数值只保留 15 位有效数字，"
    "号码的最后几位已经丢失（显示为科学计数法如 3.20201E+17，或末尾变成 000），无法还原。"
    "请把该列的单元格格式设为“文本”，再重新输入完整的 18 位号码（也可在号码前加英文单引号 '）。"
)
_ID_EXCEL_MESSAGE_EN = (
    "The ID number was stored as a numeric value (typically by Excel/WPS), which keeps only 15 "
    "significant digits: its last digits are lost (it shows as e.g. 3.20201E+17 or ends in 000) "
    "and cannot be recovered. Format the column as Text and type the full 18-character number "
    "again."
)
_USCC_EXCEL_MESSAGE = (
    "统一社会信用代码被电子表格（如 Excel、WPS）当作数值保存：数值只保留 15 位有效数字，"
    "代码的最后几位已经丢失（显示为科学计数法如 9.13202E+17，或末尾变成 000），无法还原。"
    "请把该列的单元格格式设为“文本”，再按营业执照重新输入完整的 18 位代码。"
)
_USCC_EXCEL_MESSAGE_EN = (
    "The credit code was stored as a numeric value (typically by Excel/WPS), which keeps only "
    "15 significant digits: its last characters are lost (it shows as e.g. 9.13202E+17 or ends "
    "in 000) and cannot be recovered. Format the column as Text and type the full 18-character "
    "code from the business licence again."
)


# --------------------------------------------------------------------------------------------
# Citizen ID number
# --------------------------------------------------------------------------------------------

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


def citizen_id_check_char(first17: str) -> str:
    """Calculate the check character from the first 17 digits (ISO 7064 MOD 11-2).

    >>> citizen_id_check_char('11010519491231002')
    'X'
    >>> citizen_id_check_char('32020119900101100')
    '4'
    """
    if len(first17) != 17 or not _is_ascii_digits(first17):
        raise ValueError("first17 must be exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, CITIZEN_ID_WEIGHTS, strict=False))
    return _CITIZEN_ID_CHECK_CHARS[total % 11]


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


def _id_error(code: str, message: str, message_en: str) -> DomainError:
    return DomainError(code, message, message_en, field=None)


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
    if _is_missing(value):
        raise _id_error(
            "ID_EMPTY",
            "请填写身份证号码（18 位）。",
            "Enter the citizen ID number (18 characters).")
    if _is_number(value):
        if _is_long_number(value):
            raise _id_error("ID_EXCEL_DAMAGED", _ID_EXCEL_MESSAGE, _ID_EXCEL_MESSAGE_EN)
        value = _number_to_text(value)  # a short number: reported as a wrong length below
    if not isinstance(value, str):
        raise _id_error(
            "ID_FORMAT",
            "身份证号码应为文本：前 17 位为数字，最后一位为数字或字母 X。",
            "The citizen ID number must be text: 17 digits followed by a digit or X.")

    text = value.strip()
    if _diagnose(text, checksum_ok=_citizen_id_checksum_ok):
        raise _id_error("ID_EXCEL_DAMAGED", _ID_EXCEL_MESSAGE, _ID_EXCEL_MESSAGE_EN)

    number = text.translate(_ASCII_UPPER)
    if len(number) != 18:
        hint = ""
        hint_en = ""
        if len(number) == 15 and _is_ascii_digits(number):
            hint = "15 位是第一代身份证号码，请填写现行的 18 位号码。"
            hint_en = " A 15-digit number is a first-generation ID; enter the current 18-character number."
        raise _id_error(
            "ID_LENGTH",
            f"身份证号码应为 18 位，您填写了 {len(number)} 位。请对照证件核对，不要多填或漏填。{hint}",
            f"The citizen ID number must have 18 characters; {len(number)} were given."
            f"{hint_en}")

    bad = _unique(c for c in number[:17] if c not in _DIGITS)
    if number[17] not in _DIGITS + "X":
        bad = _unique([*bad, number[17]])
    if bad:
        fullwidth = any(_FULLWIDTH.fullmatch(c) for c in bad)
        raise _id_error(
            "ID_FORMAT",
            f"身份证号码含有不允许的字符：{_quote_chars(bad)}。前 17 位只能是数字，"
            "最后一位是数字或字母 X。"
            + ("请用半角（英文）输入法输入数字。" if fullwidth else ""),
            f"The citizen ID number contains characters that are not allowed: "
            f"{_quote_chars_en(bad)}. The first 17 characters must be digits and the last one "
            "a digit or X."
            + (" Use half-width (ASCII) digits." if fullwidth else ""))

    if not (number.startswith(_FOREIGNER_PREFIX) or number[:2] in PROVINCE_CODES):
        raise _id_error(
            "ID_PROVINCE",
            f"身份证号码的前两位“{number[:2]}”不是有效的省级行政区划代码（应为 11–82 之间的省份代码，"
            "港澳台居民居住证为 81/82/83，外国人永久居留身份证以 9 开头）。请对照证件核对前两位。",
            f"The first two digits '{number[:2]}' are not a province code (11–82; 81/82/83 for "
            "residence permits of Hong Kong, Macao and Taiwan residents; 9 for a foreigner's "
            "permanent residence ID). Check them against the card.")

    digits8 = number[6:14]
    try:
        birth = datetime.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:]))
    except ValueError:
        birth = None
    if birth is None or birth < _EARLIEST_BIRTH_DATE:
        shown = f"{digits8[:4]}年{digits8[4:6]}月{digits8[6:]}日"
        reason = "早于 1900 年 1 月 1 日" if birth is not None else "不是日历上存在的日期"
        raise _id_error(
            "ID_BIRTH_DATE",
            f"身份证号码第 7–14 位的出生日期 {shown} {reason}。请对照证件核对这 8 位数字（年月日）。",
            f"The birth date in digits 7–14 ({digits8}) is "
            + ("before 1900-01-01" if birth is not None else "not a real calendar date")
            + ". Check these 8 digits (YYYYMMDD) against the card.")

    if today is None:
        today = datetime.date.today()
    if birth > today:
        raise _id_error(
            "ID_BIRTH_FUTURE",
            f"身份证号码第 7–14 位的出生日期 {birth.isoformat()} 晚于今天，不可能是出生日期。"
            "请对照证件核对这 8 位数字（年月日）。",
            f"The birth date in digits 7–14 ({birth.isoformat()}) is in the future. Check these "
            "8 digits (YYYYMMDD) against the card.")

    if citizen_id_check_char(number[:17]) != number[17]:
        raise _id_error(
            "ID_CHECKSUM",
            "身份证号码校验不通过：最后一位校验码与前 17 位不符，说明号码中至少有一位填错或两位顺序颠倒。"
            "请对照证件逐位核对全部 18 位（不只是最后一位）。",
            "The check character (the last one) does not match the first 17 digits: at least one "
            "digit is wrong or two are swapped. Check every digit against the card, not only "
            "the last one.")

    return CitizenId(number=number, birth_date=birth,
                     sex="M" if int(number[16]) % 2 else "F", region_code=number[:6])


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


# --------------------------------------------------------------------------------------------
# Unified social credit code
# --------------------------------------------------------------------------------------------

def credit_code_check_char(first17: str) -> str:
    """Calculate the check character from the first 17 characters (GB 32100-2015, MOD 31).

    >>> credit_code_check_char('91110000600037341')
    'L'
    """
    if len(first17) != 17 or any(c not in CREDIT_CODE_ALPHABET for c in first17):
        raise ValueError("first17 must be 17 characters of CREDIT_CODE_ALPHABET")
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=False))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def make_credit_code(first17_or_prefix: str) -> str:
    """Append the check character to a 17-character body (demo data and tests).

    Lower-case letters are upper-cased; the body must otherwise use CREDIT_CODE_ALPHABET.

    >>> make_credit_code('91110000600037341')
    '91110000600037341L'
    """
    body = first17_or_prefix.translate(_ASCII_UPPER)
    return body + credit_code_check_char(body)


def _uscc_error(code: str, message: str, message_en: str) -> DomainError:
    return DomainError(code, message, message_en, field=None)


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
        raise _uscc_error(
            "USCC_EMPTY",
            "请填写统一社会信用代码（18 位，见营业执照或登记证书）。",
            "Enter the unified social credit code (18 characters, on the business licence or "
            "registration certificate).")
    if _is_number(value):
        if _is_long_number(value):
            raise _uscc_error("USCC_EXCEL_DAMAGED", _USCC_EXCEL_MESSAGE, _USCC_EXCEL_MESSAGE_EN)
        value = _number_to_text(value)  # type: ignore[arg-type]
    if not isinstance(value, str):
        raise _uscc_error(
            "USCC_ALPHABET",
            "统一社会信用代码应为文本：18 位数字或大写字母。",
            "The unified social credit code must be text: 18 digits or upper-case letters.")

    text = value.strip()
    if _diagnose(text, checksum_ok=_credit_code_checksum_ok):
        raise _uscc_error("USCC_EXCEL_DAMAGED", _USCC_EXCEL_MESSAGE, _USCC_EXCEL_MESSAGE_EN)

    code = text.translate(_ASCII_UPPER)
    if len(code) != 18:
        raise _uscc_error(
            "USCC_LENGTH",
            f"统一社会信用代码应为 18 位，您填写了 {len(code)} 位。请对照营业执照或登记证书核对，"
            "不要多填或漏填。",
            f"The unified social credit code must have 18 characters; {len(code)} were given. "
            "Check it against the business licence or registration certificate.")

    bad = _unique(c for c in code if c not in CREDIT_CODE_ALPHABET)
    if bad:
        lookalikes = [f"“{c}”可能应为“{_CREDIT_CODE_LOOKALIKES[c]}”"
                      for c in bad if c in _CREDIT_CODE_LOOKALIKES]
        fullwidth = any(_FULLWIDTH.fullmatch(c) for c in bad)
        raise _uscc_error(
            "USCC_ALPHABET",
            f"统一社会信用代码含有不允许的字符：{_quote_chars(bad)}。代码只由数字 0–9 和大写字母组成，"
            "且从不使用字母 I、O、S、V、Z。"
            + (f"{'，'.join(lookalikes)}。" if lookalikes else "")
            + ("请用半角（英文）输入法输入。" if fullwidth else "")
            + "请对照营业执照或登记证书核对。",
            f"The unified social credit code contains characters that are not allowed: "
            f"{_quote_chars_en(bad)}. It uses only digits 0-9 and upper-case letters, never "
            "I, O, S, V or Z (O is usually the digit 0, I the digit 1). Check it against the "
            "business licence or registration certificate.")

    if credit_code_check_char(code[:17]) != code[17]:
        raise _uscc_error(
            "USCC_CHECKSUM",
            "统一社会信用代码校验不通过：最后一位校验码与前 17 位不符，说明代码中至少有一位填错或两位顺序颠倒。"
            "请对照营业执照或登记证书逐位核对全部 18 位（不只是最后一位）。",
            "The check character (the last one) does not match the first 17 characters: at "
            "least one is wrong or two are swapped. Check every character against the business "
            "licence or registration certificate, not only the last one.")
    return code


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


# --------------------------------------------------------------------------------------------
# Mobile number
# --------------------------------------------------------------------------------------------

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
        raise DomainError(
            "PHONE_EMPTY", "请填写手机号码（11 位，以 1 开头）。",
            "Enter the mobile number (11 digits starting with 1).", field=None)
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
        raise DomainError(
            "PHONE_FORMAT",
            "手机号码格式不正确：应为 11 位数字并以 1 开头（可带 +86 前缀），"
            "不能填写座机号码或带其他字符。请核对后重新填写。",
            "The mobile number is not valid: it must be 11 digits starting with 1 (optionally "
            "preceded by +86); landline numbers and other characters are not accepted.",
            field=None)
    return digits
