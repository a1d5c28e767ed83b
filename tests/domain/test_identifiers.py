"""Rules for citizen ID numbers, unified social credit codes and mobile numbers
(/work/shared/domain/RULES.md, section "Identifiers")."""

from __future__ import annotations

import datetime
import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from app.domain import identifiers
from app.domain.errors import DomainError
from app.domain.identifiers import (
    CREDIT_CODE_ALPHABET,
    PROVINCE_CODES,
    CitizenId,
    citizen_id_check_char,
    credit_code_check_char,
    diagnose_excel_damage,
    is_valid_citizen_id,
    is_valid_credit_code,
    make_citizen_id,
    make_credit_code,
    mask_citizen_id,
    validate_citizen_id,
    validate_credit_code,
    validate_mobile,
)

SAMPLE_ID = "11010519491231002X"          # well-known valid sample (female, 1949-12-31)
SAMPLE_USCC = "91110000600037341L"        # valid sample, also in python-stdnum's doctests
TODAY = datetime.date(2024, 6, 15)


def error_of(func, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        func(*args, **kwargs)
    return info.value


def id_code(value, **kwargs) -> str:
    return error_of(validate_citizen_id, value, **kwargs).code


def uscc_code(value) -> str:
    return error_of(validate_credit_code, value).code


def with_check(first17: str) -> str:
    """A citizen ID with a correct check character, whatever the other parts say."""
    return first17 + citizen_id_check_char(first17)


# ---------------------------------------------------------------------------------------------
# Citizen ID: accepted
# ---------------------------------------------------------------------------------------------

def test_well_known_sample_is_accepted_and_tells_sex_birth_date_and_region():
    person = validate_citizen_id(SAMPLE_ID)
    assert person == CitizenId(number=SAMPLE_ID, birth_date=datetime.date(1949, 12, 31),
                               sex="F", region_code="110105")


def test_lower_case_x_is_accepted_and_stored_upper_case():
    assert validate_citizen_id("11010519491231002x").number == SAMPLE_ID


def test_surrounding_whitespace_is_ignored():
    assert validate_citizen_id(f" \t{SAMPLE_ID}\u3000\n").number == SAMPLE_ID


def test_odd_17th_digit_is_male_and_even_is_female():
    assert validate_citizen_id(make_citizen_id("320201", datetime.date(1990, 1, 1), 101)).sex == "M"
    assert validate_citizen_id(make_citizen_id("320201", datetime.date(1990, 1, 1), 100)).sex == "F"


def test_born_in_2000_or_later_is_accepted():
    number = make_citizen_id("320201", datetime.date(2005, 7, 1), 23)
    assert validate_citizen_id(number, today=TODAY).birth_date == datetime.date(2005, 7, 1)


def test_born_on_29_february_2000_is_accepted():
    number = make_citizen_id("320201", datetime.date(2000, 2, 29), 1)
    assert validate_citizen_id(number).birth_date == datetime.date(2000, 2, 29)


def test_born_today_is_accepted():
    assert validate_citizen_id(make_citizen_id("320201", TODAY, 1), today=TODAY)


def test_born_on_1_january_1900_is_accepted():
    assert validate_citizen_id(make_citizen_id("320201", datetime.date(1900, 1, 1), 1))


def test_today_defaults_to_the_real_date():
    assert validate_citizen_id(make_citizen_id("320201", datetime.date.today(), 1))


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_residence_permits_of_hong_kong_macao_and_taiwan_residents_are_accepted(region):
    number = make_citizen_id(region, datetime.date(1985, 3, 12), 37)
    assert validate_citizen_id(number).region_code == region


def test_foreigners_permanent_residence_id_starting_with_9_is_accepted():
    number = make_citizen_id("931840", datetime.date(1980, 5, 6), 42)
    person = validate_citizen_id(number)
    assert person.number.startswith("9")
    assert person.birth_date == datetime.date(1980, 5, 6)


def test_old_region_codes_are_accepted_as_long_as_the_province_exists():
    # 510200 was the code of Chongqing when it was part of Sichuan (before 1997)
    assert validate_citizen_id(make_citizen_id("510200", datetime.date(1970, 1, 1), 11))


def test_every_province_code_is_accepted():
    for province in PROVINCE_CODES:
        assert is_valid_citizen_id(make_citizen_id(province + "0000", datetime.date(1990, 1, 1), 1))


def test_a_number_ending_in_000_that_passes_the_checksum_is_accepted():
    number = "320201199001017000"
    assert citizen_id_check_char(number[:17]) == "0"
    assert validate_citizen_id(number).number == number


def test_is_valid_citizen_id_answers_true_or_false():
    assert is_valid_citizen_id(SAMPLE_ID)
    assert not is_valid_citizen_id("110105194912310021")
    assert not is_valid_citizen_id(None)
    assert not is_valid_citizen_id(3.20201199001011e17)


def test_citizen_id_repr_does_not_show_the_full_number():
    assert SAMPLE_ID not in repr(validate_citizen_id(SAMPLE_ID))
    assert "110105********002X" in repr(validate_citizen_id(SAMPLE_ID))


# ---------------------------------------------------------------------------------------------
# Citizen ID: refused, one test per error code
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", float("nan"), Decimal("NaN")])
def test_missing_number_is_refused_with_ID_EMPTY(value):
    assert id_code(value) == "ID_EMPTY"


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002X1", "1", "张三"])
def test_wrong_length_is_refused_with_ID_LENGTH(value):
    assert id_code(value) == "ID_LENGTH"


def test_ID_LENGTH_message_says_how_many_characters_were_given_and_that_18_are_needed():
    error = error_of(validate_citizen_id, "11010519491231002")
    assert "17" in error.message and "18" in error.message
    assert "17" in error.message_en and "18" in error.message_en


def test_a_15_digit_first_generation_number_is_refused_with_a_hint_to_use_18_digits():
    error = error_of(validate_citizen_id, "110105491231002")
    assert error.code == "ID_LENGTH"
    assert "第一代" in error.message


@pytest.mark.parametrize("value", [
    "1101051949123100AX",     # letter among the first 17
    "11010519491231002Y",     # last character neither digit nor X
    "110105X94912310021",     # X anywhere but last
    "110105 94912310 2X",     # inner spaces (same length by chance)
    "1101051949-231002X",
])
def test_illegal_characters_are_refused_with_ID_FORMAT(value):
    assert len(value.strip()) == 18
    assert id_code(value) == "ID_FORMAT"


def test_ID_FORMAT_message_names_the_offending_characters():
    error = error_of(validate_citizen_id, "1101051949123100AX")
    assert "A" in error.message and "X" in error.message and "17" in error.message


def test_full_width_digits_are_refused_with_a_hint_to_type_half_width_digits():
    error = error_of(validate_citizen_id, "１１０１０５１９４９１２３１００２X")
    assert error.code == "ID_FORMAT"
    assert "半角" in error.message


def test_non_text_values_are_refused_with_ID_FORMAT():
    assert id_code(datetime.date(1990, 1, 1)) == "ID_FORMAT"


@pytest.mark.parametrize("region", ["000000", "100000", "160000", "200000", "840000", "010105"])
def test_first_two_digits_not_a_province_are_refused_with_ID_PROVINCE(region):
    assert id_code(make_citizen_id(region, datetime.date(1990, 1, 1), 1)) == "ID_PROVINCE"


@pytest.mark.parametrize("birth", ["19000229", "20230230", "19901301", "19900100", "00000000"])
def test_birth_date_that_is_not_a_real_date_is_refused_with_ID_BIRTH_DATE(birth):
    assert id_code(with_check(f"110105{birth}001")) == "ID_BIRTH_DATE"


def test_29_february_1900_is_refused_because_1900_was_not_a_leap_year():
    error = error_of(validate_citizen_id, with_check("11010519000229001"))
    assert error.code == "ID_BIRTH_DATE"


def test_birth_before_1900_is_refused_with_ID_BIRTH_DATE():
    assert id_code(with_check("11010518991231001")) == "ID_BIRTH_DATE"


def test_born_tomorrow_is_refused_with_ID_BIRTH_FUTURE():
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert id_code(make_citizen_id("320201", tomorrow, 1), today=TODAY) == "ID_BIRTH_FUTURE"


def test_born_tomorrow_is_refused_by_default_too():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert id_code(make_citizen_id("320201", tomorrow, 1)) == "ID_BIRTH_FUTURE"


def test_wrong_check_character_is_refused_with_ID_CHECKSUM():
    assert id_code("110105194912310021") == "ID_CHECKSUM"


def test_two_swapped_digits_are_refused_with_ID_CHECKSUM():
    assert id_code("11010519491231020X") == "ID_CHECKSUM"


def test_ID_CHECKSUM_message_asks_to_check_every_digit_and_does_not_leak_the_number():
    error = error_of(validate_citizen_id, "110105194912310021")
    assert "校验" in error.message and "逐位核对" in error.message
    assert "110105194912310021" not in error.message + error.message_en
    assert "X" not in error.message  # the expected check character is not given away


def test_errors_carry_no_field_so_callers_can_attach_one():
    error = error_of(validate_citizen_id, "110105194912310021")
    assert error.field is None
    assert error.for_field("id_number").field == "id_number"


def test_every_error_has_a_chinese_and_an_english_message():
    for value in [None, "1", "1101051949123100AX", with_check("00010519900101001"),
                  with_check("11010519901301001"), "110105194912310021", "3.2E+17"]:
        error = error_of(validate_citizen_id, value)
        assert error.message and error.message_en and error.message != error.message_en


# ---------------------------------------------------------------------------------------------
# Citizen ID: spreadsheet damage
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "3.20201199001011E+17",
    "3.20201E+17",
    "3.2E+17",
    "3.20201199001011e+17",
    " 3.20201199001011E+17 ",
    320201199001011000,
    3.20201199001011e17,
    Decimal(320201199001011000),
    "320201199001011000",          # ends in 000 and the checksum fails
    "320201199001011000.0",
    "320201199001011002.0",
    "320,201,199,001,011,000",
])
def test_number_mangled_by_a_spreadsheet_is_refused_with_ID_EXCEL_DAMAGED(value):
    assert id_code(value) == "ID_EXCEL_DAMAGED"


def test_ID_EXCEL_DAMAGED_message_explains_the_cause_and_the_fix():
    error = error_of(validate_citizen_id, "3.20201199001011E+17")
    assert "15" in error.message          # only 15 significant digits are kept
    assert "文本" in error.message        # set the column to text
    assert "重新输入" in error.message    # and type the number again
    assert "Text" in error.message_en


def test_damaged_number_is_never_repaired():
    assert not is_valid_citizen_id("3.20201199001011E+17")
    assert not is_valid_citizen_id(320201199001011004)  # even an exact number object


def test_diagnose_excel_damage_recognises_spreadsheet_renderings_only():
    assert diagnose_excel_damage("3.20201199001011E+17")
    assert diagnose_excel_damage(3.20201199001011e17)
    assert diagnose_excel_damage(320201199001011000)
    assert diagnose_excel_damage("320201199001011000")
    assert diagnose_excel_damage("320201199001011000.0")
    assert not diagnose_excel_damage(SAMPLE_ID)
    assert not diagnose_excel_damage("320201199001017000")   # valid citizen ID ending in 000
    assert not diagnose_excel_damage("913202001200027000")   # valid credit code ending in 000
    assert not diagnose_excel_damage("913202001234E01120")   # a credit code with an E in it
    assert not diagnose_excel_damage(None)
    assert not diagnose_excel_damage("")
    assert not diagnose_excel_damage(float("nan"))
    assert not diagnose_excel_damage(True)
    assert not diagnose_excel_damage("110105194912310021")   # a typo, not spreadsheet damage


# ---------------------------------------------------------------------------------------------
# Citizen ID: builders and masking
# ---------------------------------------------------------------------------------------------

def test_check_character_is_computed_with_the_gb_11643_weights():
    assert citizen_id_check_char("11010519491231002") == "X"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert weights == tuple(2 ** (17 - i) % 11 for i in range(17))
    first17 = "32020119900101100"
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=False))
    assert citizen_id_check_char(first17) == "10X98765432"[total % 11]


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310021", "1101051949123100A",
                                 "１１０１０５１９４９１２３１００２"])
def test_check_character_needs_exactly_17_ascii_digits(bad):
    with pytest.raises(ValueError):
        citizen_id_check_char(bad)


def test_make_citizen_id_builds_the_documented_layout():
    assert make_citizen_id("110105", datetime.date(1949, 12, 31), 2) == SAMPLE_ID
    assert make_citizen_id("320201", datetime.date(2001, 2, 3), 0)[:17] == "32020120010203000"


@pytest.mark.parametrize("args", [("11010", datetime.date(1990, 1, 1), 1),
                                  ("11010A", datetime.date(1990, 1, 1), 1),
                                  ("110105", datetime.date(1990, 1, 1), -1),
                                  ("110105", datetime.date(1990, 1, 1), 1000),
                                  ("110105", datetime.date(1990, 1, 1), True)])
def test_make_citizen_id_refuses_impossible_parts(args):
    with pytest.raises(ValueError):
        make_citizen_id(*args)


def test_mask_shows_the_first_6_and_last_4_characters_only():
    masked = mask_citizen_id(SAMPLE_ID)
    assert masked == "110105********002X"
    assert len(masked) == 18
    assert masked[6:14] == "*" * 8


@pytest.mark.parametrize(("value", "masked"), [
    (None, ""), ("", ""), ("1234", "****"), ("12345678", "********"),
    ("123456789", "12*****89"), ("320201900101100", "32***********00"),
    ("1101051949123100211", "11***************11"),
])
def test_mask_of_other_lengths_keeps_at_most_the_first_2_and_last_2(value, masked):
    assert mask_citizen_id(value) == masked


# ---------------------------------------------------------------------------------------------
# Citizen ID: properties
# ---------------------------------------------------------------------------------------------

regions = st.one_of(
    st.builds(lambda p, rest: p + rest, st.sampled_from(sorted(PROVINCE_CODES)),
              st.text("0123456789", min_size=4, max_size=4)),
    st.builds(lambda rest: "9" + rest, st.text("0123456789", min_size=5, max_size=5)),
)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today())
sequences = st.integers(min_value=0, max_value=999)


@given(region=regions, birth=births, sequence=sequences)
def test_every_built_number_validates_and_round_trips_sex_and_birth_date(region, birth, sequence):
    number = make_citizen_id(region, birth, sequence)
    person = validate_citizen_id(number)
    assert person.number == number
    assert person.birth_date == birth
    assert person.region_code == region
    assert person.sex == ("M" if sequence % 2 else "F")
    assert validate_citizen_id(number.lower()).number == number


@given(region=regions, birth=births, sequence=sequences, data=st.data())
def test_changing_any_single_character_makes_a_citizen_id_invalid(region, birth, sequence, data):
    number = make_citizen_id(region, birth, sequence)
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    allowed = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in allowed if c != number[position]]),
                            label="replacement")
    changed = number[:position] + replacement + number[position + 1:]
    assert not is_valid_citizen_id(changed)


@given(first17=st.text("0123456789", min_size=17, max_size=17))
def test_citizen_id_check_character_agrees_with_python_stdnum(first17):
    # stdnum's calc_check_digit expects the full number and ignores its last character
    assert citizen_id_check_char(first17) == ric.calc_check_digit(first17 + "0")


@given(birth=st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2010, 12, 31)),
       sequence=sequences)
def test_numbers_python_stdnum_accepts_are_accepted(birth, sequence):
    number = make_citizen_id("110105", birth, sequence)  # a region python-stdnum knows
    assert ric.is_valid(number)
    assert is_valid_citizen_id(number)


# ---------------------------------------------------------------------------------------------
# Unified social credit code
# ---------------------------------------------------------------------------------------------

def test_known_credit_code_is_accepted():
    assert validate_credit_code(SAMPLE_USCC) == SAMPLE_USCC


def test_lower_case_credit_code_is_accepted_and_upper_cased():
    assert validate_credit_code(" 91110000600037341l ") == SAMPLE_USCC


@pytest.mark.parametrize("first17", [
    "A1110000600037341",   # unusual registration authority: not blocked
    "Y1110000600037341",   # "other" authority
    "5X110000600037341",   # unusual category
    "91ABCDEF600037341",   # region code is only checked against the alphabet
])
def test_first_characters_and_region_code_are_not_blocked(first17):
    code = make_credit_code(first17)
    assert validate_credit_code(code) == code


def test_an_all_digit_credit_code_ending_in_000_that_passes_the_checksum_is_accepted():
    assert validate_credit_code("913202001200027000") == "913202001200027000"


def test_a_credit_code_with_an_E_between_digits_is_not_taken_for_scientific_notation():
    assert validate_credit_code("913202001234E01120") == "913202001234E01120"


@pytest.mark.parametrize("value", [None, "", "  ", float("nan")])
def test_missing_credit_code_is_refused_with_USCC_EMPTY(value):
    assert uscc_code(value) == "USCC_EMPTY"


@pytest.mark.parametrize("value", ["91110000600037341", "91110000600037341LL", "9111"])
def test_credit_code_of_wrong_length_is_refused_with_USCC_LENGTH(value):
    assert uscc_code(value) == "USCC_LENGTH"


def test_USCC_LENGTH_message_says_how_many_characters_were_given():
    error = error_of(validate_credit_code, "91110000600037341")
    assert "17" in error.message and "18" in error.message


@pytest.mark.parametrize(("value", "offending"), [
    ("9111000060003734IL", "I"),
    ("91110000600O37341L", "O"),
    ("91110000600o37341L", "O"),   # upper-cased first, still not in the alphabet
    ("9111000060003734SL", "S"),
    ("9111000060003734VL", "V"),
    ("9111000060003734ZL", "Z"),
    ("9111000060003734#L", "#"),
])
def test_characters_outside_the_alphabet_are_refused_with_USCC_ALPHABET(value, offending):
    error = error_of(validate_credit_code, value)
    assert error.code == "USCC_ALPHABET"
    assert f"“{offending}”" in error.message


def test_USCC_ALPHABET_message_says_I_O_S_V_Z_are_never_used_and_letters_are_upper_case():
    error = error_of(validate_credit_code, "91110000600O37341L")
    assert "I、O、S、V、Z" in error.message
    assert "大写" in error.message
    assert "0" in error.message  # O is probably the digit 0


def test_wrong_check_character_of_a_credit_code_is_refused_with_USCC_CHECKSUM():
    assert uscc_code("91110000600037341M") == "USCC_CHECKSUM"
    assert "逐位核对" in error_of(validate_credit_code, "91110000600037341M").message


@pytest.mark.parametrize("value", [
    911100006000373410,            # an all-digit code typed as a number
    9.1110000600037e17,
    "9.1110000600037E+17",
    "9.11100E+17",
    "911100006000373000",          # ends in 000 and the checksum fails
    "911100006000373410.0",
])
def test_credit_code_mangled_by_a_spreadsheet_is_refused_with_USCC_EXCEL_DAMAGED(value):
    error = error_of(validate_credit_code, value)
    assert error.code == "USCC_EXCEL_DAMAGED"
    assert "文本" in error.message


def test_credit_code_errors_carry_no_field():
    assert error_of(validate_credit_code, "91110000600037341M").field is None


def test_is_valid_credit_code_answers_true_or_false():
    assert is_valid_credit_code(SAMPLE_USCC)
    assert not is_valid_credit_code("91110000600037341M")
    assert not is_valid_credit_code(None)


def test_credit_code_check_character_uses_the_gb_32100_weights():
    assert credit_code_check_char("91110000600037341") == "L"
    assert (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28) == tuple(
        3 ** i % 31 for i in range(17))
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert not set("IOSVZ") & set(CREDIT_CODE_ALPHABET)


@pytest.mark.parametrize("bad", ["9111000060003734", "91110000600037341L", "9111000060003734I"])
def test_credit_code_check_character_needs_17_characters_of_the_alphabet(bad):
    with pytest.raises(ValueError):
        credit_code_check_char(bad)


def test_make_credit_code_appends_the_check_character():
    assert make_credit_code("91110000600037341") == SAMPLE_USCC
    assert make_credit_code("91110000600037341".lower()) == SAMPLE_USCC
    with pytest.raises(ValueError):
        make_credit_code(SAMPLE_USCC)


bodies = st.text(CREDIT_CODE_ALPHABET, min_size=17, max_size=17)


@given(body=bodies)
def test_every_built_credit_code_validates(body):
    code = make_credit_code(body)
    assert validate_credit_code(code) == code
    assert validate_credit_code(code.lower()) == code


@given(body=bodies, data=st.data())
def test_changing_any_single_character_makes_a_credit_code_invalid(body, data):
    code = make_credit_code(body)
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    replacement = data.draw(
        st.sampled_from([c for c in CREDIT_CODE_ALPHABET if c != code[position]]),
        label="replacement")
    changed = code[:position] + replacement + code[position + 1:]
    assert not is_valid_credit_code(changed)


@given(body=bodies)
def test_credit_code_check_character_agrees_with_python_stdnum(body):
    assert credit_code_check_char(body) == uscc.calc_check_digit(body)


@given(body=st.builds(lambda a, b: a + b, st.text("0123456789", min_size=8, max_size=8),
                      st.text(CREDIT_CODE_ALPHABET, min_size=9, max_size=9)))
def test_credit_codes_python_stdnum_accepts_are_accepted(body):
    code = make_credit_code(body)
    assert uscc.is_valid(code)
    assert is_valid_credit_code(code)


# ---------------------------------------------------------------------------------------------
# Mobile number
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "13800138000", " 13800138000 ", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000",
    "+8613800138000", "8613800138000", "0086 13800138000", 13800138000, 13800138000.0,
])
def test_mainland_mobile_numbers_are_accepted_and_normalised_to_11_digits(value):
    assert validate_mobile(value) == "13800138000"


@pytest.mark.parametrize("value", [None, "", "   ", float("nan")])
def test_missing_mobile_number_is_refused_with_PHONE_EMPTY(value):
    assert error_of(validate_mobile, value).code == "PHONE_EMPTY"


@pytest.mark.parametrize("value", [
    "1380013800",       # 10 digits
    "138001380001",     # 12 digits
    "23800138000",      # does not start with 1
    "010-12345678",     # landline
    "1380013800A",
    "１３８００１３８０００",  # full-width digits
    "+85261234567",     # Hong Kong number
])
def test_malformed_mobile_number_is_refused_with_PHONE_FORMAT(value):
    error = error_of(validate_mobile, value)
    assert error.code == "PHONE_FORMAT"
    assert error.field is None
    assert "11" in error.message


# ---------------------------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------------------------

def test_module_doctests_pass():
    import importlib
    import pkgutil

    attempted = failed = 0
    for info in pkgutil.iter_modules(identifiers.__path__, identifiers.__name__ + "."):
        result = doctest.testmod(importlib.import_module(info.name), optionflags=doctest.ELLIPSIS)
        attempted, failed = attempted + result.attempted, failed + result.failed
    result = doctest.testmod(identifiers, optionflags=doctest.ELLIPSIS)
    assert attempted + result.attempted > 30
    assert failed + result.failed == 0
