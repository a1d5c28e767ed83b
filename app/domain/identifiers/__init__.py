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

import datetime  # noqa: F401  (doctests)

from app.domain.errors import DomainError  # noqa: F401  (doctests)
from app.domain.identifiers._text import (
    CITIZEN_ID_WEIGHTS,
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    PROVINCE_CODES,
    citizen_id_check_char,
    credit_code_check_char,
    diagnose_excel_damage,
)
from app.domain.identifiers.citizen_id import (
    CitizenId,
    is_valid_citizen_id,
    make_citizen_id,
    mask_citizen_id,
    validate_citizen_id,
)
from app.domain.identifiers.credit_code import (
    is_valid_credit_code,
    make_credit_code,
    validate_credit_code,
)
from app.domain.identifiers.mobile import validate_mobile

__all__ = [
    "CITIZEN_ID_WEIGHTS",
    "CREDIT_CODE_ALPHABET",
    "CREDIT_CODE_WEIGHTS",
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
