"""The city's own organisation file (regions and offices, one row each): its columns and the rules
every row must pass before anything is loaded. Pure: the database's state comes in as plain maps.

>>> rows = parse_rows([(1, list(HEADERS)),
...                    (2, ["区划", "无锡市", "市", "320200", "", "", "", ""]),
...                    (3, ["区划", "梁溪区", "区", "32021", "320200", "", "", ""])])
>>> [e.message for e in check_rows(rows, Existing())]
['第3行“区划代码”：区（县级市）的区划代码应为6位数字，现为“32021”。请填写 GB/T 2260 代码，例如 320213。']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.domain.errors import Conflict, DomainError, Invalid, define

KIND_REGION, KIND_OFFICE = "区划", "经办机构"
CITY, DISTRICT, STREET = "CITY", "DISTRICT", "STREET"
LEVEL_LABELS = {CITY: "市", DISTRICT: "区（县级市）", STREET: "街道（镇）"}
OFFICE_LEVEL_LABELS = {CITY: "市级", DISTRICT: "区级", STREET: "街道级"}
CODE_LENGTH = {CITY: 6, DISTRICT: 6, STREET: 9}
PARENT_LEVEL = {DISTRICT: CITY, STREET: DISTRICT}
EXAMPLE_CODE = {CITY: "320200", DISTRICT: "320213", STREET: "320213001"}

# (key, column title); the order is the template's.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("kind", "类别"),
    ("name", "名称"),
    ("level", "级别"),
    ("code", "区划代码"),
    ("parent_code", "上级区划代码"),
    ("address", "地址"),
    ("phone", "电话"),
    ("seal_name", "印章名称"),
)
HEADERS = tuple(title for _, title in COLUMNS)
TITLE = dict(COLUMNS)
CODE_COLUMNS = ("code", "parent_code")  # text-formatted in the xlsx template

_KINDS = {"区划": KIND_REGION, "行政区划": KIND_REGION, "经办机构": KIND_OFFICE,
          "机构": KIND_OFFICE}
_LEVELS = {
    CITY: ("市", "市级"),
    DISTRICT: ("区", "区级", "县", "县级", "县级市", "区（县级市）", "区(县级市)"),
    STREET: ("街道", "街道级", "镇", "乡", "街道（镇）", "街道(镇)"),
}
_LEVEL_OF = {label: level for level, labels in _LEVELS.items() for label in labels}
_DIGITS = re.compile(r"\d+")

ORG_FILE_COLUMNS = define(
    "ORG_FILE_COLUMNS", Invalid,
    "第1行（表头）缺少列：{missing}。请使用 org-template 生成的模板，不要改动表头。",
    "The header row lacks the columns {missing}; use the template.")
ORG_FILE_NO_ROWS = define(
    "ORG_FILE_NO_ROWS", Invalid, "文件中没有数据行。请在表头下逐行填写区划和经办机构。",
    "The file has no data rows.")
ORG_FILE_KIND = define(
    "ORG_FILE_KIND", Invalid,
    "第{line}行“类别”：“{value}”不是可识别的类别。请填写“区划”或“经办机构”。",
    "Row {line}: unknown kind {value!r}; use 区划 or 经办机构.", "kind")
ORG_FILE_LEVEL = define(
    "ORG_FILE_LEVEL", Invalid,
    "第{line}行“级别”：“{value}”不是可识别的级别。请填写“市”“区”或“街道”。",
    "Row {line}: unknown level {value!r}; use 市, 区 or 街道.", "level")
ORG_FILE_NAME = define(
    "ORG_FILE_NAME", Invalid, "第{line}行“名称”：名称不能为空。请填写{what}的全称。",
    "Row {line}: the name is empty.", "name")
ORG_FILE_CODE = define(
    "ORG_FILE_CODE", Invalid,
    "第{line}行“{column}”：{level}的区划代码应为{length}位数字，现为“{value}”。"
    "请填写 GB/T 2260 代码，例如 {example}。",
    "Row {line}, {column}: a {level} code has {length} digits, not {value!r}.")
ORG_FILE_DUPLICATE = define(
    "ORG_FILE_DUPLICATE", Invalid,
    "第{line}行“{column}”：“{value}”与第{first}行重复。每个{what}只能填写一行，请删除重复行。",
    "Row {line}: {value!r} repeats row {first}.")
ORG_FILE_CITY_PARENT = define(
    "ORG_FILE_CITY_PARENT", Invalid,
    "第{line}行“上级区划代码”：市没有上级区划。请清空该单元格。",
    "Row {line}: a city has no parent region.", "parent_code")
ORG_FILE_PARENT_MISSING = define(
    "ORG_FILE_PARENT_MISSING", Invalid,
    "第{line}行“上级区划代码”：{what}。请填写本文件或系统中已有的{parent_level}的区划代码。",
    "Row {line}: the parent region {value!r} is neither in the file nor in the database.",
    "parent_code")
ORG_FILE_PARENT_LEVEL = define(
    "ORG_FILE_PARENT_LEVEL", Invalid,
    "第{line}行“上级区划代码”：{value}（{parent_name}）是{actual}，{level}的上级应是{expected}。"
    "请改为所属{expected}的代码。",
    "Row {line}: the parent {value} is a {actual}, not a {expected}.", "parent_code")
ORG_FILE_STREET_PREFIX = define(
    "ORG_FILE_STREET_PREFIX", Invalid,
    "第{line}行“区划代码”：街道代码 {value} 应以所属区的代码 {parent} 开头。"
    "请核对街道代码或上级区划代码。",
    "Row {line}: the street code {value} does not start with its district's {parent}.", "code")
ORG_FILE_OFFICE_REGION = define(
    "ORG_FILE_OFFICE_REGION", Invalid,
    "第{line}行“区划代码”：{what}。请填写该经办机构所服务的区划的代码（本文件或系统中已有）。",
    "Row {line}: the office's region {value!r} is neither in the file nor in the database.",
    "code")
ORG_FILE_OFFICE_LEVEL = define(
    "ORG_FILE_OFFICE_LEVEL", Invalid,
    "第{line}行“级别”：{level}经办机构应服务{expected}，但区划 {code}（{region}）是{actual}。"
    "请改正级别或区划代码。",
    "Row {line}: a {level} office serves a {expected}, but {code} is a {actual}.", "level")
ORG_FILE_IN_USE = define(
    "ORG_FILE_IN_USE", Conflict,
    "第{line}行“{column}”：{what}“{name}”已在使用（{uses}），不能改变其{change}。"
    "请保持原值（{was}），或联系系统管理员处理。",
    "Row {line}: {name} is in use; its {change_en} cannot change.")


@dataclass(frozen=True)
class Row:
    """One data row, its cells stripped; ``line`` is the row number the spreadsheet shows."""

    line: int
    kind: str
    name: str
    level: str
    code: str
    parent_code: str = ""
    address: str = ""
    phone: str = ""
    seal_name: str = ""
    raw_kind: str = ""
    raw_level: str = ""


@dataclass(frozen=True)
class KnownRegion:
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class KnownOffice:
    level: str
    region_code: str


@dataclass
class Existing:
    """What the database holds: regions by code, offices by name, and which are in use (by
    what, in words)."""

    regions: Mapping[str, KnownRegion] = field(default_factory=dict)
    offices: Mapping[str, KnownOffice] = field(default_factory=dict)
    regions_in_use: Mapping[str, str] = field(default_factory=dict)
    offices_in_use: Mapping[str, str] = field(default_factory=dict)


def cell_text(value) -> str:
    """A cell as text: codes typed as numbers lose nothing (320200.0 → "320200")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_rows(table: Iterable[tuple[int, list]]) -> list[Row]:
    """The data rows of a table whose first row is the header (blank rows skipped)."""
    rows = iter(table)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ORG_FILE_NO_ROWS() from None
    titles = [cell_text(v).lstrip("*") for v in header]
    missing = [t for t in HEADERS[:5] if t not in titles]
    if missing:
        raise ORG_FILE_COLUMNS(missing="、".join(missing))
    index = {key: titles.index(title) for key, title in COLUMNS if title in titles}
    parsed = []
    for line, values in rows:
        cells = {key: cell_text(values[i]) if i < len(values) else ""
                 for key, i in index.items()}
        if not any(cells.values()):
            continue
        kind = _KINDS.get(cells["kind"], "")
        level = _LEVEL_OF.get(cells["level"].replace(" ", ""), "")
        parsed.append(Row(line=line, kind=kind, name=cells["name"], level=level,
                          code=cells["code"], parent_code=cells["parent_code"],
                          address=cells.get("address", ""), phone=cells.get("phone", ""),
                          seal_name=cells.get("seal_name", ""), raw_kind=cells["kind"],
                          raw_level=cells["level"]))
    if not parsed:
        raise ORG_FILE_NO_ROWS()
    return parsed


def check_rows(rows: list[Row], existing: Existing) -> list[DomainError]:
    """Every problem of every row, in row order (empty: the file may be loaded)."""
    found: list[tuple[int, DomainError]] = []
    regions = [r for r in rows if r.kind == KIND_REGION]
    offices = [r for r in rows if r.kind == KIND_OFFICE]
    for row in rows:
        found += [(row.line, e) for e in _row_basics(row)]
    levels = _effective_levels(regions, existing)
    found += _duplicates(regions, "code", "区划") + _duplicates(offices, "name", "经办机构")
    for row in regions:
        if row.level and row.name and _code_ok(row.code, row.level):
            problems = _parent_errors(row, levels) or _region_change_errors(row, existing)
            found += [(row.line, e) for e in problems]
    for row in offices:
        if row.level and row.name:
            found += [(row.line, e) for e in _office_errors(row, levels, existing)]
    return [error for _, error in sorted(found, key=lambda pair: pair[0])]


def _row_basics(row: Row) -> list[DomainError]:
    if not row.kind:
        return [ORG_FILE_KIND(line=row.line, value=row.raw_kind)]
    errors = []
    if not row.name:
        errors.append(ORG_FILE_NAME(line=row.line, what=row.kind))
    if not row.level:
        errors.append(ORG_FILE_LEVEL(line=row.line, value=row.raw_level))
    elif row.kind == KIND_REGION and not _code_ok(row.code, row.level):
        errors.append(_code_error(row.line, "code", row.code, row.level))
    return errors


def _code_ok(code: str, level: str) -> bool:
    return bool(_DIGITS.fullmatch(code)) and len(code) == CODE_LENGTH[level]


def _code_error(line: int, key: str, value: str, level: str) -> DomainError:
    return ORG_FILE_CODE(field=key, line=line, column=TITLE[key], level=LEVEL_LABELS[level],
                         length=CODE_LENGTH[level], value=value, example=EXAMPLE_CODE[level])


def _duplicates(rows: list[Row], key: str, what: str) -> list[tuple[int, DomainError]]:
    first: dict[str, int] = {}
    errors = []
    for row in rows:
        value = getattr(row, key)
        if not value:
            continue
        if value in first:
            errors.append((row.line, ORG_FILE_DUPLICATE(
                field=key, line=row.line, column=TITLE[key], value=value, first=first[value],
                what=what)))
        else:
            first[value] = row.line
    return errors


def _effective_levels(regions: list[Row], existing: Existing) -> dict[str, tuple[str, str]]:
    """(level, name) of every region code after the load: the database's, then the file's."""
    in_file: dict[str, tuple[str, str]] = {}
    for row in regions:
        if row.level and _code_ok(row.code, row.level):
            in_file.setdefault(row.code, (row.level, row.name))
    return {**{code: (r.level, r.name) for code, r in existing.regions.items()}, **in_file}


def _parent_errors(row: Row, levels) -> list[DomainError]:
    if row.level == CITY:
        return [ORG_FILE_CITY_PARENT(line=row.line)] if row.parent_code else []
    expected = PARENT_LEVEL[row.level]
    parent = row.parent_code
    if not parent:
        return [ORG_FILE_PARENT_MISSING(line=row.line, value="",
                                        what=f"{LEVEL_LABELS[row.level]}必须填写上级区划代码",
                                        parent_level=LEVEL_LABELS[expected])]
    if parent not in levels:
        return [ORG_FILE_PARENT_MISSING(
            line=row.line, value=parent, parent_level=LEVEL_LABELS[expected],
            what=f"上级区划代码“{parent}”在本文件和系统中都不存在")]
    actual, parent_name = levels[parent]
    if actual != expected:
        return [ORG_FILE_PARENT_LEVEL(line=row.line, value=parent, parent_name=parent_name,
                                      actual=LEVEL_LABELS[actual], level=LEVEL_LABELS[row.level],
                                      expected=LEVEL_LABELS[expected])]
    if row.level == STREET and not row.code.startswith(parent):
        return [ORG_FILE_STREET_PREFIX(line=row.line, value=row.code, parent=parent)]
    return []


def _region_change_errors(row: Row, existing: Existing) -> list[DomainError]:
    """A region in use keeps its level and its parent."""
    known = existing.regions.get(row.code)
    uses = existing.regions_in_use.get(row.code)
    if known is None or uses is None:
        return []
    if known.level != row.level:
        return [ORG_FILE_IN_USE(field="level", line=row.line, column="级别", what="区划",
                                name=known.name, uses=uses, change="级别", change_en="level",
                                was=LEVEL_LABELS[known.level])]
    if (known.parent_code or "") != row.parent_code:
        return [ORG_FILE_IN_USE(field="parent_code", line=row.line, column="上级区划代码",
                                what="区划", name=known.name, uses=uses, change="上级区划",
                                change_en="parent", was=known.parent_code or "空")]
    return []


def _office_errors(row: Row, levels, existing: Existing) -> list[DomainError]:
    if not row.code:
        return [ORG_FILE_OFFICE_REGION(line=row.line, value="", what="经办机构必须填写所服务的区划代码")]
    if row.code not in levels:
        return [ORG_FILE_OFFICE_REGION(
            line=row.line, value=row.code,
            what=f"区划代码“{row.code}”在本文件和系统中都不存在")]
    actual, region_name = levels[row.code]
    if actual != row.level:
        return [ORG_FILE_OFFICE_LEVEL(line=row.line, level=OFFICE_LEVEL_LABELS[row.level],
                                      expected=LEVEL_LABELS[row.level], code=row.code,
                                      region=region_name, actual=LEVEL_LABELS[actual])]
    known = existing.offices.get(row.name)
    uses = existing.offices_in_use.get(row.name)
    if known is None or uses is None:
        return []
    if known.level != row.level:
        return [ORG_FILE_IN_USE(field="level", line=row.line, column="级别", what="经办机构",
                                name=row.name, uses=uses, change="级别", change_en="level",
                                was=OFFICE_LEVEL_LABELS[known.level])]
    if known.region_code != row.code:
        return [ORG_FILE_IN_USE(field="code", line=row.line, column="区划代码", what="经办机构",
                                name=row.name, uses=uses, change="服务区划", change_en="region",
                                was=known.region_code)]
    return []


# The template's example rows: a city, one district, one street and an office of each level.
EXAMPLE_ROWS: tuple[tuple[str, ...], ...] = (
    ("区划", "无锡市", "市", "320200", "", "", "", ""),
    ("区划", "梁溪区", "区", "320213", "320200", "", "", ""),
    ("区划", "崇安寺街道", "街道", "320213001", "320213", "", "", ""),
    ("经办机构", "无锡市公共就业服务中心", "市", "320200", "", "无锡市运河东路666号",
     "0510-81821234", "无锡市公共就业服务中心用工备案专用章"),
    ("经办机构", "梁溪区人力资源服务中心", "区", "320213", "", "梁溪区解放南路719号",
     "0510-82701234", ""),
    ("经办机构", "梁溪区崇安寺街道劳动保障所", "街道", "320213001", "", "崇安寺街道中山路333号",
     "0510-82751234", ""),
)
