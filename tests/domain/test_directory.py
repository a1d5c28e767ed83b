"""Staff directory sign-in rules (app/domain/directory.py): who asks the directory, group → role,
attribute → office, and the refusals. Pure: no directory, no database."""

from __future__ import annotations

import doctest

import pytest

from app.domain import directory
from app.domain.directory import (
    KIND_ADMIN,
    KIND_EMPLOYER,
    KIND_INDIVIDUAL,
    KIND_STAFF,
    DirectoryEntry,
    OfficeRef,
    account_kind,
    asks_directory,
    office_for,
    parse_role_groups,
    placement,
    role_for,
)
from app.domain.errors import Forbidden

CITY_G = "cn=beian-city,ou=groups,dc=wuxi,dc=gov"
DISTRICT_G = "cn=beian-district,ou=groups,dc=wuxi,dc=gov"
STREET_G = "cn=beian-street,ou=groups,dc=wuxi,dc=gov"
SETTING = f"{CITY_G}=CityStaff;{DISTRICT_G}=DistrictStaff; {STREET_G} = StreetStaff ;"
OFFICES = [
    OfficeRef(1, "无锡市公共就业服务中心", "320200"),
    OfficeRef(2, "梁溪区人力资源服务中心", "320213"),
    OfficeRef(3, "梁溪区崇安寺街道劳动保障所", "320213001"),
    OfficeRef(4, "滨湖区人力资源服务中心", "320211"),
    OfficeRef(5, "滨湖区人才服务站", "320211"),  # a second office serving 滨湖区
]


def test_module_doctests_pass():
    assert doctest.testmod(directory).failed == 0


# -- the setting ------------------------------------------------------------------------------

def test_role_groups_setting_keeps_order_and_normalises_dns():
    mapping = parse_role_groups(SETTING)
    assert mapping == ((CITY_G, "CityStaff"), (DISTRICT_G, "DistrictStaff"),
                       (STREET_G, "StreetStaff"))
    assert parse_role_groups("") == () and parse_role_groups(" ; ") == ()


@pytest.mark.parametrize("text", [
    "CityStaff",                               # no DN
    "beian-city=CityStaff",                    # not a DN
    f"{CITY_G}=Admin",                         # administrators stay local accounts
    f"{CITY_G}=Employer",                      # not a staff role
    f"{CITY_G}=",
])
def test_role_groups_setting_refuses_what_it_cannot_use(text):
    with pytest.raises(ValueError, match="BEIAN_LDAP_ROLE_GROUPS"):
        parse_role_groups(text)


# -- group → role -----------------------------------------------------------------------------

def test_group_gives_role_ignoring_case_and_spaces():
    mapping = parse_role_groups(SETTING)
    assert role_for(["CN=Beian-District, OU=Groups, DC=wuxi, DC=gov"], mapping) == "DistrictStaff"
    assert role_for(["cn=other,ou=groups,dc=wuxi,dc=gov"], mapping) is None
    assert role_for([], mapping) is None


def test_first_listed_group_decides():
    mapping = parse_role_groups(SETTING)
    assert role_for([STREET_G, CITY_G], mapping) == "CityStaff"
    assert role_for([STREET_G, DISTRICT_G], mapping) == "DistrictStaff"


# -- attribute → office -----------------------------------------------------------------------

def test_office_by_name_or_region_code():
    assert office_for(["梁溪区人力资源服务中心"], OFFICES) == 2
    assert office_for([" 320213001 "], OFFICES) == 3
    assert office_for(["320200"], OFFICES) == 1


def test_a_code_two_offices_share_names_neither_but_a_name_does():
    assert office_for(["320211"], OFFICES) is None
    assert office_for(["320211", "滨湖区人才服务站"], OFFICES) == 5


def test_unknown_or_empty_attribute_names_no_office():
    assert office_for([], OFFICES) is None
    assert office_for(["", "信息中心", "3202"], OFFICES) is None


# -- placement and refusals -------------------------------------------------------------------

def entry(**kw) -> DirectoryEntry:
    base = {"dn": "uid=zhang,ou=people,dc=wuxi,dc=gov", "username": "zhang",
            "office_values": ("320213",), "groups": (DISTRICT_G,)}
    return DirectoryEntry(**{**base, **kw})


def test_placement_is_role_and_office():
    place = placement(entry(), parse_role_groups(SETTING), OFFICES)
    assert (place.role, place.office_id) == ("DistrictStaff", 2)


def test_no_office_is_refused_with_the_chinese_message():
    with pytest.raises(Forbidden) as refused:
        placement(entry(office_values=("信息中心",)), parse_role_groups(SETTING), OFFICES)
    assert refused.value.code == "DIRECTORY_NO_OFFICE"
    assert refused.value.message == "您的目录账户未关联经办机构，请联系管理员。"


def test_no_mapped_group_is_refused():
    with pytest.raises(Forbidden) as refused:
        placement(entry(groups=("cn=wiki-users,ou=groups,dc=wuxi,dc=gov",)),
                  parse_role_groups(SETTING), OFFICES)
    assert refused.value.code == "DIRECTORY_NO_ROLE"


# -- who asks the directory -------------------------------------------------------------------

@pytest.mark.parametrize(("roles", "unit", "person", "kind"), [
    (["Employer"], True, False, KIND_EMPLOYER),
    ([], True, False, KIND_EMPLOYER),
    (["Individual"], False, True, KIND_INDIVIDUAL),
    ([], False, True, KIND_INDIVIDUAL),
    (["Admin"], False, False, KIND_ADMIN),
    (["DistrictStaff"], False, False, KIND_STAFF),
    ([], False, False, KIND_STAFF),
])
def test_account_kind(roles, unit, person, kind):
    assert account_kind(roles, has_unit=unit, has_person=person) == kind


def test_employers_individuals_and_administrators_never_ask_the_directory():
    for kind in (KIND_EMPLOYER, KIND_INDIVIDUAL, KIND_ADMIN):
        assert not asks_directory("someone", kind)
        assert not asks_directory("someone", kind, r".*")


def test_staff_and_unknown_usernames_ask_the_directory_unless_a_pattern_says_no():
    assert asks_directory("zhangsan", KIND_STAFF) and asks_directory("zhangsan", None)
    pattern = r"[a-z]+\.[a-z]+"
    assert asks_directory("zhang.san", None, pattern)
    assert not asks_directory("zhangsan", KIND_STAFF, pattern)
    assert not asks_directory("", None)
