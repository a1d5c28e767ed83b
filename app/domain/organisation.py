"""Rules about the organisation: regions, units' places and account states, display labels, and
the refusals of the unit (用人单位) and person (劳动者) records."""

from __future__ import annotations

from app.domain.errors import Conflict, Invalid, define

SEX_LABELS = {"M": "男", "F": "女"}

STREET_NOT_IN_DISTRICT = define(
    "STREET_NOT_IN_DISTRICT", Invalid,
    "所选街道不属于所选区（县级市）。请先选择区，再从该区的街道中选择。",
    "The street does not belong to the chosen district; pick a street of that district.",
    "street")
UNIT_NOT_PENDING = define("UNIT_NOT_PENDING", Conflict, "该单位账户不是“待审核”状态，无需审核。",
                          "Only pending unit accounts can be approved.", "status")
# A unit's or person's record is refused as input (422, as the API has always answered).
UNIT_NAME_EMPTY = define("UNIT_NAME_EMPTY", Invalid, "请填写单位名称。", "Unit name is required.",
                         "name")
UNIT_DUPLICATE = define(
    "UNIT_DUPLICATE", Invalid,
    "统一社会信用代码 {credit_code} 已登记为另一单位，不能重复登记。请在单位列表中查找该单位。",
    "A unit with this credit code is already registered.", "credit_code")
UNIT_DISTRICT_REQUIRED = define("UNIT_DISTRICT_REQUIRED", Invalid, "请选择单位所在的区（县级市）。",
                                "Choose the unit's district.", "district")
UNIT_STREET_REQUIRED = define("UNIT_STREET_REQUIRED", Invalid, "请选择单位所在的街道（镇）。",
                              "Choose the unit's street.", "street")
UNIT_INDUSTRY_REQUIRED = define(
    "UNIT_INDUSTRY_REQUIRED", Invalid, "请选择单位的行业（国民经济行业分类大类）。",
    "Choose the unit's industry division.", "industry_division")
UNIT_HEADCOUNT = define("UNIT_HEADCOUNT", Invalid, "职工人数不能为负数。", "Headcount must be ≥ 0.",
                        "headcount")
PERSON_NAME_EMPTY = define("PERSON_NAME_EMPTY", Invalid, "请填写劳动者姓名。", "Name is required.",
                           "name")
PERSON_DUPLICATE = define(
    "PERSON_DUPLICATE", Invalid,
    "该身份证号码已登记，不能重复登记。请用“按身份证号查找”找到该劳动者。",
    "A person with this ID number is already registered.", "citizen_id")


def check_street_in_district(street_parent_id: int | None, district_id: int | None) -> None:
    """A unit's (or person's) street must lie in the chosen district."""
    if street_parent_id is None or district_id is None:
        return
    if street_parent_id != district_id:
        raise STREET_NOT_IN_DISTRICT()


def check_unit_can_be_approved(status: str) -> None:
    """Only an account opened online and not yet approved ("PENDING") can be approved."""
    if status != "PENDING":
        raise UNIT_NOT_PENDING()
