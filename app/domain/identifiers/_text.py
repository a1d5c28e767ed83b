"""What the identifier validators share: alphabets and weights, the check characters, and the
diagnosis of numbers a spreadsheet has damaged."""

from __future__ import annotations

import datetime
import math
import numbers
import re

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


def citizen_id_checksum_ok(number: str) -> bool:
    return (len(number) == 18 and _is_ascii_digits(number[:17])
            and citizen_id_check_char(number[:17]) == number[17])


def credit_code_checksum_ok(code: str) -> bool:
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



def credit_code_check_char(first17: str) -> str:
    """Calculate the check character from the first 17 characters (GB 32100-2015, MOD 31).

    >>> credit_code_check_char('91110000600037341')
    'L'
    """
    if len(first17) != 17 or any(c not in CREDIT_CODE_ALPHABET for c in first17):
        raise ValueError("first17 must be 17 characters of CREDIT_CODE_ALPHABET")
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=False))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]



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
    return diagnose(value, checksum_ok=lambda text: (
        citizen_id_checksum_ok(text) or credit_code_checksum_ok(text)))


def diagnose(value: object, checksum_ok) -> bool:
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

