"""The code lists and the demo-city data follow the standards and RULES.md ("Code lists")."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from app.demo import data as demo
from app.domain import codelists as cl

SECTION_LETTERS = "ABCDEFGHIJKLMNOPQRST"

# GB/T 4754-2017: the division numbers of each section (01–97, no gaps).
SECTION_DIVISION_RANGES = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
    "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
    "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
    "S": (91, 96), "T": (97, 97),
}

PLAIN_LISTS = {
    "INDUSTRY_SECTIONS": cl.INDUSTRY_SECTIONS,
    "INDUSTRY_DIVISIONS": cl.INDUSTRY_DIVISIONS,
    "EMPLOYER_TYPES": cl.EMPLOYER_TYPES,
    "OWNERSHIP_TYPES": cl.OWNERSHIP_TYPES,
    "EDUCATION_LEVELS": cl.EDUCATION_LEVELS,
    "CONTRACT_TYPES": cl.CONTRACT_TYPES,
    "EMPLOYMENT_FORMS": cl.EMPLOYMENT_FORMS,
    "SPECIAL_GROUPS": cl.SPECIAL_GROUPS,
}
ALL_LISTS = {**PLAIN_LISTS, "TERMINATION_REASONS": cl.TERMINATION_REASONS}


def _duplicates(values):
    return [v for v, n in Counter(values).items() if n > 1]


# ----------------------------------------------------------------------------------------------
# Every list
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL_LISTS))
def test_codes_are_unique_in_every_list(name):
    assert _duplicates(item.code for item in ALL_LISTS[name]) == []


@pytest.mark.parametrize("name", sorted(ALL_LISTS))
def test_names_are_unique_and_chinese_in_every_list(name):
    items = ALL_LISTS[name]
    assert _duplicates(item.name for item in items) == []
    assert all(re.search(r"[\u4e00-\u9fff]", item.name) for item in items)


@pytest.mark.parametrize("name", sorted(PLAIN_LISTS))
def test_every_code_records_its_standard_and_a_known_parent(name):
    items = PLAIN_LISTS[name]
    assert all(item.standard for item in items)
    assert all(isinstance(item, cl.Code) for item in items)
    parents = {item.parent for item in items if item.parent is not None}
    if name == "INDUSTRY_DIVISIONS":
        assert parents <= {s.code for s in cl.INDUSTRY_SECTIONS}
    else:
        assert parents <= {item.code for item in items}


@pytest.mark.parametrize("name", sorted(ALL_LISTS))
def test_sort_order_follows_list_order(name):
    sorts = [item.sort for item in ALL_LISTS[name]]
    assert sorts == sorted(sorts) and len(set(sorts)) == len(sorts)


def test_codes_are_immutable():
    with pytest.raises(AttributeError):
        cl.EMPLOYER_TYPES[0].name = "x"  # type: ignore[misc]


def test_by_code_indexes_a_list():
    assert cl.by_code(cl.EMPLOYER_TYPES)[cl.EMPLOYER_TYPE_VILLAGE_COMMITTEE].name == "村民委员会"
    assert cl.by_code(cl.TERMINATION_REASONS)["A41"].name == "经济性裁员"


# ----------------------------------------------------------------------------------------------
# Industry (GB/T 4754-2017)
# ----------------------------------------------------------------------------------------------


def test_all_20_industry_sections_a_to_t_are_present():
    assert [s.code for s in cl.INDUSTRY_SECTIONS] == list(SECTION_LETTERS)
    assert all(s.standard == "GB/T 4754-2017" for s in cl.INDUSTRY_SECTIONS)
    sections = cl.by_code(cl.INDUSTRY_SECTIONS)
    assert sections["A"].name == "农、林、牧、渔业"
    assert sections["C"].name == "制造业"
    assert sections["T"].name == "国际组织"


def test_divisions_are_exactly_01_to_97_of_gbt_4754_2017():
    assert [d.code for d in cl.INDUSTRY_DIVISIONS] == [f"{n:02d}" for n in range(1, 98)]
    assert all(d.standard == "GB/T 4754-2017" for d in cl.INDUSTRY_DIVISIONS)


def test_each_division_belongs_to_its_section():
    expected = {
        f"{n:02d}": letter
        for letter, (first, last) in SECTION_DIVISION_RANGES.items()
        for n in range(first, last + 1)
    }
    assert len(expected) == 97
    assert {d.code: d.parent for d in cl.INDUSTRY_DIVISIONS} == expected


def test_every_section_has_at_least_one_division():
    for letter in SECTION_LETTERS:
        assert cl.children_of(cl.INDUSTRY_DIVISIONS, letter), letter


@pytest.mark.parametrize("code,name", [
    ("01", "农业"),
    ("05", "农、林、牧、渔专业及辅助性活动"),
    ("13", "农副食品加工业"),
    ("39", "计算机、通信和其他电子设备制造业"),
    ("58", "多式联运和运输代理业"),
    ("65", "软件和信息技术服务业"),
    ("72", "商务服务业"),
    ("79", "土地管理业"),
    ("96", "基层群众自治组织及其他组织"),
    ("97", "国际组织"),
])
def test_division_names_are_the_2017_official_names(code, name):
    assert cl.by_code(cl.INDUSTRY_DIVISIONS)[code].name == name


# ----------------------------------------------------------------------------------------------
# Employer, ownership, education, contract, form, special groups
# ----------------------------------------------------------------------------------------------


def test_employer_types_include_village_and_residents_committees():
    names = {t.name for t in cl.EMPLOYER_TYPES}
    assert {"村民委员会", "居民委员会"} <= names
    assert names == {"企业", "机关", "事业单位", "社会团体", "民办非企业单位", "个体工商户",
                     "村民委员会", "居民委员会", "其他"}


def test_ownership_types_are_three_digit_codes_with_the_main_heads():
    codes = cl.by_code(cl.OWNERSHIP_TYPES)
    assert all(re.fullmatch(r"[1-3]\d\d", c) for c in codes)
    for head in ("110", "120", "130", "140", "150", "160", "170", "190", "200", "300"):
        assert head in codes
    assert codes["173"].parent == "170"
    assert codes["210"].parent == "200"
    assert codes["340"].parent == "300"


def test_ownership_sub_codes_point_to_their_group_head():
    for item in cl.OWNERSHIP_TYPES:
        if item.parent is None:
            assert item.code in ("100", "200", "300")
        elif item.parent == "100":
            assert item.code[0] == "1" and item.code[2] == "0"
        else:
            assert item.code[:2] == item.parent[:2] or item.parent == item.code[0] + "00"


def test_education_levels_follow_gbt_4658_2006():
    codes = cl.by_code(cl.EDUCATION_LEVELS)
    heads = [c.code for c in cl.EDUCATION_LEVELS if c.parent is None]
    assert heads == ["10", "20", "30", "40", "60", "70", "80", "90"]
    for item in cl.EDUCATION_LEVELS:
        assert item.standard == "GB/T 4658-2006"
        if item.parent is not None:
            assert item.parent == item.code[0] + "0"
    assert codes["11"].name == "博士研究生毕业"
    assert codes["14"].name == "硕士研究生毕业"
    assert codes["21"].name == "大学本科毕业"
    assert codes["31"].name == "大学专科毕业"
    assert codes["47"].name == "技工学校毕业"
    assert codes["90"].name == "其他"


def test_contract_types_are_the_three_of_article_12():
    assert [c.code for c in cl.CONTRACT_TYPES] == ["FIXED", "OPEN", "TASK"]


def test_employment_forms_are_full_time_and_non_full_time():
    assert {c.code: c.name for c in cl.EMPLOYMENT_FORMS} == {"FT": "全日制", "PT": "非全日制"}


def test_special_groups_include_the_groups_the_city_watches():
    codes = cl.by_code(cl.SPECIAL_GROUPS)
    for code in ("DIBAO", "HARD", "GRAD", "VETERAN", "DISABLED", "RELEASED", "UNEMPLOYED", "RURAL"):
        assert code in codes
    assert codes["DIBAO"].name == "低保人员"


# ----------------------------------------------------------------------------------------------
# Termination reasons (Labour Contract Law)
# ----------------------------------------------------------------------------------------------


def _reasons():
    return cl.by_code(cl.TERMINATION_REASONS)


def test_every_termination_reason_has_an_allowed_initiator():
    allowed = {"worker", "employer", "mutual", "expiry"}
    assert set(cl.TERMINATION_INITIATORS) == allowed
    assert all(r.initiator in allowed for r in cl.TERMINATION_REASONS)
    assert all(r.article.startswith("劳动合同法第") for r in cl.TERMINATION_REASONS)


def test_termination_reasons_cover_articles_36_to_44():
    reasons = _reasons()
    assert reasons["A36"].initiator == "mutual"
    assert reasons["A37"].initiator == "worker"
    assert reasons["A38"].initiator == "worker"
    for code in ("A39_1", "A39_MISCONDUCT", "A39_3", "A39_6", "A40_1", "A40_2", "A40_3", "A41"):
        assert reasons[code].initiator == "employer", code
    for code in ("A44_1_EXPIRY", "A44_2_RETIREMENT", "A44_3_DEATH", "A44_4_BANKRUPTCY",
                 "A44_5_CLOSURE", "A44_6_OTHER"):
        assert reasons[code].initiator == "expiry", code


def test_serious_misconduct_and_economic_layoff_need_review():
    reasons = _reasons()
    assert reasons[cl.TERMINATION_SERIOUS_MISCONDUCT].needs_review
    assert "严重违反" in reasons[cl.TERMINATION_SERIOUS_MISCONDUCT].name
    assert "第三十九条" in reasons[cl.TERMINATION_SERIOUS_MISCONDUCT].article
    assert reasons[cl.TERMINATION_ECONOMIC_LAYOFF].needs_review
    assert reasons[cl.TERMINATION_ECONOMIC_LAYOFF].article == "劳动合同法第四十一条"
    assert {r.code for r in cl.TERMINATION_REASONS if r.needs_review} == {"A39_MISCONDUCT", "A41"}


def test_only_employer_initiated_reasons_count_toward_mass_termination():
    for r in cl.TERMINATION_REASONS:
        assert r.counts_as_employer_initiated == (r.initiator == "employer"), r.code
    counted_articles = {r.article[:9] for r in cl.TERMINATION_REASONS
                        if r.counts_as_employer_initiated}
    assert counted_articles == {"劳动合同法第三十九", "劳动合同法第四十条", "劳动合同法第四十一"}
    reasons = _reasons()
    for code in ("A36", "A37", "A38", "A44_1_EXPIRY", "A44_4_BANKRUPTCY", "A44_5_CLOSURE"):
        assert not reasons[code].counts_as_employer_initiated, code


# ----------------------------------------------------------------------------------------------
# Demo city
# ----------------------------------------------------------------------------------------------


def test_demo_city_is_wuxi_with_its_seven_districts():
    assert demo.CITY == ("320200", "无锡市")
    assert {code for code, _ in demo.DISTRICTS} == {
        "320213", "320205", "320206", "320211", "320214", "320281", "320282"}
    assert all(code.startswith("3202") for code, _ in demo.DISTRICTS)


def test_every_district_has_at_least_three_streets_with_nine_digit_codes():
    assert set(demo.STREETS) == {code for code, _ in demo.DISTRICTS}
    all_codes = []
    for district, streets in demo.STREETS.items():
        assert len(streets) >= 3, district
        for code, name in streets:
            assert re.fullmatch(r"\d{9}", code), code
            assert code.startswith(district), code
            assert name.endswith(("街道", "镇")), name
            all_codes.append(code)
    assert _duplicates(all_codes) == []


def test_every_section_letter_has_trade_words():
    assert set(demo.UNIT_NAME_TRADES) == set(SECTION_LETTERS)
    assert all(demo.UNIT_NAME_TRADES[letter] for letter in SECTION_LETTERS)


def test_every_employer_type_has_name_suffixes():
    assert set(demo.UNIT_NAME_SUFFIXES_BY_EMPLOYER_TYPE) == {t.code for t in cl.EMPLOYER_TYPES}
    assert all(demo.UNIT_NAME_SUFFIXES_BY_EMPLOYER_TYPE.values())
    suffixes = demo.UNIT_NAME_SUFFIXES_BY_EMPLOYER_TYPE
    assert suffixes[cl.EMPLOYER_TYPE_VILLAGE_COMMITTEE] == ("村民委员会",)
    assert suffixes[cl.EMPLOYER_TYPE_RESIDENTS_COMMITTEE] == ("社区居民委员会",)


@pytest.mark.parametrize("name,low,high", [
    ("SURNAMES", 90, 120),
    ("GIVEN_NAME_CHARS_MALE", 40, 80),
    ("GIVEN_NAME_CHARS_FEMALE", 40, 80),
    ("GIVEN_NAME_CHARS_NEUTRAL", 40, 80),
    ("UNIT_NAME_PREFIXES", 50, 80),
    ("STREET_ADDRESS_ROADS", 35, 60),
])
def test_name_parts_are_unique_and_sized(name, low, high):
    values = getattr(demo, name)
    assert low <= len(values) <= high
    assert _duplicates(values) == []


def test_given_name_character_sets_do_not_overlap():
    male = set(demo.GIVEN_NAME_CHARS_MALE)
    female = set(demo.GIVEN_NAME_CHARS_FEMALE)
    neutral = set(demo.GIVEN_NAME_CHARS_NEUTRAL)
    assert not male & female and not male & neutral and not female & neutral
    assert all(len(c) == 1 for c in male | female | neutral)


def test_household_regions_are_weighted_about_60_percent_local():
    codes = [code for code, _ in demo.HOUSEHOLD_REGION_CODES]
    assert _duplicates(codes) == []
    assert all(re.fullmatch(r"[1-8]\d{5}", c) and 11 <= int(c[:2]) <= 82 for c in codes)
    assert all(weight > 0 for _, weight in demo.HOUSEHOLD_REGION_CODES)
    assert set(codes) == set(demo.HOUSEHOLD_REGION_NAMES)
    total = sum(w for _, w in demo.HOUSEHOLD_REGION_CODES)
    local = sum(w for c, w in demo.HOUSEHOLD_REGION_CODES if c.startswith("3202"))
    assert 0.55 <= local / total <= 0.65
