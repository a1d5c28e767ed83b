"""Code lists of Beian as plain data (no Flask, no database).

Each code carries the standard (with its version) it comes from, so a seeded code list row can
always say where it came from:

- industry: GB/T 4754-2017《国民经济行业分类》, 20 sections (门类 A–T) and 97 divisions (大类 01–97);
- employer type: local Beian list (企业 … 村民委员会, 居民委员会, 其他);
- ownership / registration type: 国家统计局、工商总局《关于划分企业登记注册类型的规定》 (1998,
  adjusted 2011: 290 / 390 added);
- education: GB/T 4658-2006《学历代码》;
- contract type: 劳动合同法第十二条; employment form: 全日制 / 非全日制 (劳动合同法第六十八条);
- special groups: local Beian list;
- termination reasons: coded by the article of the Labour Contract Law they rest on, with the
  initiator, whether staff review is needed, and whether they count toward the mass-termination
  rule (see RULES.md, "Filing rules").

Codes are stable: other modules, seeded database rows, bulk-upload templates and API clients key on
them. Add codes; never renumber or reuse one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "ALL_CODE_LISTS",
    "CONTRACT_FIXED",
    "CONTRACT_OPEN",
    "CONTRACT_TASK",
    "CONTRACT_TYPES",
    "EDUCATION_LEVELS",
    "EDUCATION_STANDARD",
    "EMPLOYER_TYPES",
    "EMPLOYER_TYPE_ENTERPRISE",
    "EMPLOYER_TYPE_INDIVIDUAL_BUSINESS",
    "EMPLOYER_TYPE_ORGAN",
    "EMPLOYER_TYPE_OTHER",
    "EMPLOYER_TYPE_PRIVATE_NON_ENTERPRISE",
    "EMPLOYER_TYPE_PUBLIC_INSTITUTION",
    "EMPLOYER_TYPE_RESIDENTS_COMMITTEE",
    "EMPLOYER_TYPE_SOCIAL_ORGANISATION",
    "EMPLOYER_TYPE_VILLAGE_COMMITTEE",
    "EMPLOYMENT_FORMS",
    "FORM_FULL_TIME",
    "FORM_PART_TIME",
    "INDUSTRY_DIVISIONS",
    "INDUSTRY_SECTIONS",
    "INDUSTRY_STANDARD",
    "LABOUR_CONTRACT_LAW",
    "LOCAL_STANDARD",
    "OWNERSHIP_STANDARD",
    "OWNERSHIP_STANDARD_2011",
    "OWNERSHIP_TYPES",
    "SPECIAL_GROUPS",
    "TERMINATION_ECONOMIC_LAYOFF",
    "TERMINATION_INITIATORS",
    "TERMINATION_REASONS",
    "TERMINATION_SERIOUS_MISCONDUCT",
    "Code",
    "TerminationReason",
    "by_code",
    "children_of",
]

# --------------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """One entry of a code list."""

    code: str
    name: str            # official Chinese name
    standard: str        # e.g. "GB/T 4754-2017"
    parent: str | None = None   # e.g. industry division -> its section letter
    sort: int = 0


@dataclass(frozen=True)
class TerminationReason:
    """Why an employment ended, coded by the Labour Contract Law article it rests on."""

    code: str            # stable, e.g. "A36", "A39_MISCONDUCT", "A44_1_EXPIRY"
    name: str            # Chinese
    article: str         # e.g. "劳动合同法第三十六条"
    initiator: str       # "worker" | "employer" | "mutual" | "expiry"
    needs_review: bool   # attachments + staff review (Art. 39(2) serious misconduct, Art. 41 layoff)
    counts_as_employer_initiated: bool   # counts toward the mass-termination rule
    sort: int = 0


T = TypeVar("T", Code, TerminationReason)


def by_code(items: Iterable[T]) -> dict[str, T]:
    """Index a code list by its codes: ``by_code(EMPLOYER_TYPES)["70"].name == "村民委员会"``."""
    return {item.code: item for item in items}


def children_of(items: Iterable[Code], parent: str) -> tuple[Code, ...]:
    """The codes of a list whose parent is ``parent`` (e.g. the divisions of section "C")."""
    return tuple(item for item in items if item.parent == parent)


# --------------------------------------------------------------------------------------------
# Standards
# --------------------------------------------------------------------------------------------

INDUSTRY_STANDARD = "GB/T 4754-2017"
EDUCATION_STANDARD = "GB/T 4658-2006"
OWNERSHIP_STANDARD = "企业登记注册类型规定(1998)"
OWNERSHIP_STANDARD_2011 = "企业登记注册类型规定(2011调整)"
LABOUR_CONTRACT_LAW = "劳动合同法"
LOCAL_STANDARD = "Beian-2026"


def _codes(rows: Iterable[tuple], standard: str) -> tuple[Code, ...]:
    """Build Code objects from (code, name[, parent]) rows, numbering ``sort`` in list order."""
    out = []
    for i, row in enumerate(rows, start=1):
        code, name, *rest = row
        parent = rest[0] if rest else None
        out.append(Code(code=code, name=name, standard=standard, parent=parent, sort=i * 10))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Industry: GB/T 4754-2017
# --------------------------------------------------------------------------------------------

INDUSTRY_SECTIONS: tuple[Code, ...] = _codes((
    ("A", "农、林、牧、渔业"),
    ("B", "采矿业"),
    ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("E", "建筑业"),
    ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"),
    ("H", "住宿和餐饮业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"),
    ("K", "房地产业"),
    ("L", "租赁和商务服务业"),
    ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"),
    ("O", "居民服务、修理和其他服务业"),
    ("P", "教育"),
    ("Q", "卫生和社会工作"),
    ("R", "文化、体育和娱乐业"),
    ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
), INDUSTRY_STANDARD)

INDUSTRY_DIVISIONS: tuple[Code, ...] = _codes((
    # A 农、林、牧、渔业
    ("01", "农业", "A"),
    ("02", "林业", "A"),
    ("03", "畜牧业", "A"),
    ("04", "渔业", "A"),
    ("05", "农、林、牧、渔专业及辅助性活动", "A"),
    # B 采矿业
    ("06", "煤炭开采和洗选业", "B"),
    ("07", "石油和天然气开采业", "B"),
    ("08", "黑色金属矿采选业", "B"),
    ("09", "有色金属矿采选业", "B"),
    ("10", "非金属矿采选业", "B"),
    ("11", "开采专业及辅助性活动", "B"),
    ("12", "其他采矿业", "B"),
    # C 制造业
    ("13", "农副食品加工业", "C"),
    ("14", "食品制造业", "C"),
    ("15", "酒、饮料和精制茶制造业", "C"),
    ("16", "烟草制品业", "C"),
    ("17", "纺织业", "C"),
    ("18", "纺织服装、服饰业", "C"),
    ("19", "皮革、毛皮、羽毛及其制品和制鞋业", "C"),
    ("20", "木材加工和木、竹、藤、棕、草制品业", "C"),
    ("21", "家具制造业", "C"),
    ("22", "造纸和纸制品业", "C"),
    ("23", "印刷和记录媒介复制业", "C"),
    ("24", "文教、工美、体育和娱乐用品制造业", "C"),
    ("25", "石油、煤炭及其他燃料加工业", "C"),
    ("26", "化学原料和化学制品制造业", "C"),
    ("27", "医药制造业", "C"),
    ("28", "化学纤维制造业", "C"),
    ("29", "橡胶和塑料制品业", "C"),
    ("30", "非金属矿物制品业", "C"),
    ("31", "黑色金属冶炼和压延加工业", "C"),
    ("32", "有色金属冶炼和压延加工业", "C"),
    ("33", "金属制品业", "C"),
    ("34", "通用设备制造业", "C"),
    ("35", "专用设备制造业", "C"),
    ("36", "汽车制造业", "C"),
    ("37", "铁路、船舶、航空航天和其他运输设备制造业", "C"),
    ("38", "电气机械和器材制造业", "C"),
    ("39", "计算机、通信和其他电子设备制造业", "C"),
    ("40", "仪器仪表制造业", "C"),
    ("41", "其他制造业", "C"),
    ("42", "废弃资源综合利用业", "C"),
    ("43", "金属制品、机械和设备修理业", "C"),
    # D 电力、热力、燃气及水生产和供应业
    ("44", "电力、热力生产和供应业", "D"),
    ("45", "燃气生产和供应业", "D"),
    ("46", "水的生产和供应业", "D"),
    # E 建筑业
    ("47", "房屋建筑业", "E"),
    ("48", "土木工程建筑业", "E"),
    ("49", "建筑安装业", "E"),
    ("50", "建筑装饰、装修和其他建筑业", "E"),
    # F 批发和零售业
    ("51", "批发业", "F"),
    ("52", "零售业", "F"),
    # G 交通运输、仓储和邮政业
    ("53", "铁路运输业", "G"),
    ("54", "道路运输业", "G"),
    ("55", "水上运输业", "G"),
    ("56", "航空运输业", "G"),
    ("57", "管道运输业", "G"),
    ("58", "多式联运和运输代理业", "G"),
    ("59", "装卸搬运和仓储业", "G"),
    ("60", "邮政业", "G"),
    # H 住宿和餐饮业
    ("61", "住宿业", "H"),
    ("62", "餐饮业", "H"),
    # I 信息传输、软件和信息技术服务业
    ("63", "电信、广播电视和卫星传输服务", "I"),
    ("64", "互联网和相关服务", "I"),
    ("65", "软件和信息技术服务业", "I"),
    # J 金融业
    ("66", "货币金融服务", "J"),
    ("67", "资本市场服务", "J"),
    ("68", "保险业", "J"),
    ("69", "其他金融业", "J"),
    # K 房地产业
    ("70", "房地产业", "K"),
    # L 租赁和商务服务业
    ("71", "租赁业", "L"),
    ("72", "商务服务业", "L"),
    # M 科学研究和技术服务业
    ("73", "研究和试验发展", "M"),
    ("74", "专业技术服务业", "M"),
    ("75", "科技推广和应用服务业", "M"),
    # N 水利、环境和公共设施管理业
    ("76", "水利管理业", "N"),
    ("77", "生态保护和环境治理业", "N"),
    ("78", "公共设施管理业", "N"),
    ("79", "土地管理业", "N"),
    # O 居民服务、修理和其他服务业
    ("80", "居民服务业", "O"),
    ("81", "机动车、电子产品和日用产品修理业", "O"),
    ("82", "其他服务业", "O"),
    # P 教育
    ("83", "教育", "P"),
    # Q 卫生和社会工作
    ("84", "卫生", "Q"),
    ("85", "社会工作", "Q"),
    # R 文化、体育和娱乐业
    ("86", "新闻和出版业", "R"),
    ("87", "广播、电视、电影和录音制作业", "R"),
    ("88", "文化艺术业", "R"),
    ("89", "体育", "R"),
    ("90", "娱乐业", "R"),
    # S 公共管理、社会保障和社会组织
    ("91", "中国共产党机关", "S"),
    ("92", "国家机构", "S"),
    ("93", "人民政协、民主党派", "S"),
    ("94", "社会保障", "S"),
    ("95", "群众团体、社会团体和其他成员组织", "S"),
    ("96", "基层群众自治组织及其他组织", "S"),
    # T 国际组织
    ("97", "国际组织", "T"),
), INDUSTRY_STANDARD)

# --------------------------------------------------------------------------------------------
# Employer type (local list)
# --------------------------------------------------------------------------------------------

EMPLOYER_TYPE_ENTERPRISE = "10"
EMPLOYER_TYPE_ORGAN = "20"
EMPLOYER_TYPE_PUBLIC_INSTITUTION = "30"
EMPLOYER_TYPE_SOCIAL_ORGANISATION = "40"
EMPLOYER_TYPE_PRIVATE_NON_ENTERPRISE = "50"
EMPLOYER_TYPE_INDIVIDUAL_BUSINESS = "60"
EMPLOYER_TYPE_VILLAGE_COMMITTEE = "70"
EMPLOYER_TYPE_RESIDENTS_COMMITTEE = "80"
EMPLOYER_TYPE_OTHER = "90"

EMPLOYER_TYPES: tuple[Code, ...] = _codes((
    (EMPLOYER_TYPE_ENTERPRISE, "企业"),
    (EMPLOYER_TYPE_ORGAN, "机关"),
    (EMPLOYER_TYPE_PUBLIC_INSTITUTION, "事业单位"),
    (EMPLOYER_TYPE_SOCIAL_ORGANISATION, "社会团体"),
    (EMPLOYER_TYPE_PRIVATE_NON_ENTERPRISE, "民办非企业单位"),
    (EMPLOYER_TYPE_INDIVIDUAL_BUSINESS, "个体工商户"),
    (EMPLOYER_TYPE_VILLAGE_COMMITTEE, "村民委员会"),
    (EMPLOYER_TYPE_RESIDENTS_COMMITTEE, "居民委员会"),
    (EMPLOYER_TYPE_OTHER, "其他"),
), LOCAL_STANDARD)

# --------------------------------------------------------------------------------------------
# Ownership / registration type (企业登记注册类型)
# --------------------------------------------------------------------------------------------
# Three-digit codes. Group heads (100 内资企业, 200, 300) have no parent; x10 … x90 heads of the
# domestic group point to 100; sub-codes point to their head (141 -> 140, 210 -> 200, 310 -> 300).

OWNERSHIP_TYPES: tuple[Code, ...] = _codes((
    ("100", "内资企业"),
    ("110", "国有企业", "100"),
    ("120", "集体企业", "100"),
    ("130", "股份合作企业", "100"),
    ("140", "联营企业", "100"),
    ("141", "国有联营企业", "140"),
    ("142", "集体联营企业", "140"),
    ("143", "国有与集体联营企业", "140"),
    ("149", "其他联营企业", "140"),
    ("150", "有限责任公司", "100"),
    ("151", "国有独资公司", "150"),
    ("159", "其他有限责任公司", "150"),
    ("160", "股份有限公司", "100"),
    ("170", "私营企业", "100"),
    ("171", "私营独资企业", "170"),
    ("172", "私营合伙企业", "170"),
    ("173", "私营有限责任公司", "170"),
    ("174", "私营股份有限公司", "170"),
    ("190", "其他企业", "100"),
    ("200", "港、澳、台商投资企业"),
    ("210", "合资经营企业（港或澳、台资）", "200"),
    ("220", "合作经营企业（港或澳、台资）", "200"),
    ("230", "港、澳、台商独资经营企业", "200"),
    ("240", "港、澳、台商投资股份有限公司", "200"),
    ("290", "其他港、澳、台商投资企业", "200"),
    ("300", "外商投资企业"),
    ("310", "中外合资经营企业", "300"),
    ("320", "中外合作经营企业", "300"),
    ("330", "外资企业", "300"),
    ("340", "外商投资股份有限公司", "300"),
    ("390", "其他外商投资企业", "300"),
), OWNERSHIP_STANDARD)
# 290 and 390 were added by the 2011 adjustment; record that on those two codes.
OWNERSHIP_TYPES = tuple(
    Code(c.code, c.name, OWNERSHIP_STANDARD_2011, c.parent, c.sort) if c.code in ("290", "390")
    else c
    for c in OWNERSHIP_TYPES
)

# --------------------------------------------------------------------------------------------
# Education: GB/T 4658-2006 学历代码
# --------------------------------------------------------------------------------------------
# Heads (x0) have no parent; sub-codes point to their head. The standard has no 24–27, 29, 34–39,
# 50–59, 64–69, 72, 74–79, 82, 84–89: those numbers are absent on purpose.

EDUCATION_LEVELS: tuple[Code, ...] = _codes((
    ("10", "研究生教育"),
    ("11", "博士研究生毕业", "10"),
    ("12", "博士研究生结业", "10"),
    ("13", "博士研究生肄业", "10"),
    ("14", "硕士研究生毕业", "10"),
    ("15", "硕士研究生结业", "10"),
    ("16", "硕士研究生肄业", "10"),
    ("17", "研究生班毕业", "10"),
    ("18", "研究生班结业", "10"),
    ("19", "研究生班肄业", "10"),
    ("20", "大学本科教育"),
    ("21", "大学本科毕业", "20"),
    ("22", "大学本科结业", "20"),
    ("23", "大学本科肄业", "20"),
    ("28", "大学普通班毕业", "20"),
    ("30", "大学专科教育"),
    ("31", "大学专科毕业", "30"),
    ("32", "大学专科结业", "30"),
    ("33", "大学专科肄业", "30"),
    ("40", "中等职业教育"),
    ("41", "中等专科毕业", "40"),
    ("42", "中等专科结业", "40"),
    ("43", "中等专科肄业", "40"),
    ("44", "职业高中毕业", "40"),
    ("45", "职业高中结业", "40"),
    ("46", "职业高中肄业", "40"),
    ("47", "技工学校毕业", "40"),
    ("48", "技工学校结业", "40"),
    ("49", "技工学校肄业", "40"),
    ("60", "普通高级中学教育"),
    ("61", "普通高中毕业", "60"),
    ("62", "普通高中结业", "60"),
    ("63", "普通高中肄业", "60"),
    ("70", "初级中学教育"),
    ("71", "初中毕业", "70"),
    ("73", "初中肄业", "70"),
    ("80", "小学教育"),
    ("81", "小学毕业", "80"),
    ("83", "小学肄业", "80"),
    ("90", "其他"),
), EDUCATION_STANDARD)

# --------------------------------------------------------------------------------------------
# Contract type (劳动合同法第十二条) and employment form (全日制 / 非全日制, 第六十八条)
# --------------------------------------------------------------------------------------------

CONTRACT_FIXED = "FIXED"
CONTRACT_OPEN = "OPEN"
CONTRACT_TASK = "TASK"

CONTRACT_TYPES: tuple[Code, ...] = _codes((
    (CONTRACT_FIXED, "固定期限劳动合同"),
    (CONTRACT_OPEN, "无固定期限劳动合同"),
    (CONTRACT_TASK, "以完成一定工作任务为期限的劳动合同"),
), "劳动合同法第十二条")

FORM_FULL_TIME = "FT"
FORM_PART_TIME = "PT"

EMPLOYMENT_FORMS: tuple[Code, ...] = _codes((
    (FORM_FULL_TIME, "全日制"),
    (FORM_PART_TIME, "非全日制"),
), "劳动合同法第六十八条")

# --------------------------------------------------------------------------------------------
# Special groups (worker categories; local list)
# --------------------------------------------------------------------------------------------

SPECIAL_GROUPS: tuple[Code, ...] = _codes((
    ("DIBAO", "低保人员"),
    ("HARD", "就业困难人员"),
    ("GRAD", "高校毕业生"),
    ("VETERAN", "退役军人"),
    ("DISABLED", "残疾人"),
    ("RELEASED", "刑满释放人员"),
    ("UNEMPLOYED", "失业人员"),
    ("RURAL", "农村转移劳动力"),
    ("ZEROHH", "零就业家庭成员"),
), LOCAL_STANDARD)

# --------------------------------------------------------------------------------------------
# Termination reasons (劳动合同法第三十六条至第四十四条)
# --------------------------------------------------------------------------------------------
# Mass-termination rule (RULES.md): only terminations the *employer* decides count —
# Art. 39 (dismissal for fault), Art. 40 (termination without fault) and Art. 41 (economic
# layoff). Art. 36 (mutual agreement), Art. 37/38 (the worker's decision) and Art. 44 (the
# contract ends by operation of law) do not count. That includes 44(4) bankruptcy and 44(5)
# licence revoked / closure: the whole unit ends, there is no workforce left to protect by a
# district approval, and those cases are handled by the liquidation / closure procedure (the
# "special enterprise" service of the 1+3 model), not by the 10% rule. A unit that lays off staff
# *before* closing files Art. 41 and is counted.

TERMINATION_INITIATORS = ("worker", "employer", "mutual", "expiry")

TERMINATION_SERIOUS_MISCONDUCT = "A39_MISCONDUCT"
TERMINATION_ECONOMIC_LAYOFF = "A41"

_LCL = LABOUR_CONTRACT_LAW


def _termination_reasons() -> tuple[TerminationReason, ...]:
    rows = (
        # code, name, article, initiator, needs_review
        ("A36", "协商一致解除劳动合同", f"{_LCL}第三十六条", "mutual", False),
        ("A37", "劳动者提前通知解除劳动合同（辞职）", f"{_LCL}第三十七条", "worker", False),
        ("A38", "因用人单位过错劳动者解除劳动合同", f"{_LCL}第三十八条", "worker", False),
        ("A39_1", "在试用期间被证明不符合录用条件", f"{_LCL}第三十九条第一项", "employer", False),
        (TERMINATION_SERIOUS_MISCONDUCT, "严重违反用人单位的规章制度",
         f"{_LCL}第三十九条第二项", "employer", True),
        ("A39_3", "严重失职，营私舞弊，给用人单位造成重大损害",
         f"{_LCL}第三十九条第三项", "employer", False),
        ("A39_4", "同时与其他用人单位建立劳动关系，严重影响工作或拒不改正",
         f"{_LCL}第三十九条第四项", "employer", False),
        ("A39_5", "以欺诈、胁迫手段或乘人之危致使劳动合同无效",
         f"{_LCL}第三十九条第五项", "employer", False),
        ("A39_6", "被依法追究刑事责任", f"{_LCL}第三十九条第六项", "employer", False),
        ("A40_1", "患病或者非因工负伤，医疗期满后不能从事原工作也不能从事另行安排的工作",
         f"{_LCL}第四十条第一项", "employer", False),
        ("A40_2", "不能胜任工作，经过培训或者调整工作岗位仍不能胜任",
         f"{_LCL}第四十条第二项", "employer", False),
        ("A40_3", "劳动合同订立时所依据的客观情况发生重大变化，未能就变更劳动合同达成协议",
         f"{_LCL}第四十条第三项", "employer", False),
        (TERMINATION_ECONOMIC_LAYOFF, "经济性裁员", f"{_LCL}第四十一条", "employer", True),
        ("A44_1_EXPIRY", "劳动合同期满", f"{_LCL}第四十四条第一项", "expiry", False),
        ("A44_2_RETIREMENT", "劳动者开始依法享受基本养老保险待遇",
         f"{_LCL}第四十四条第二项", "expiry", False),
        ("A44_3_DEATH", "劳动者死亡，或者被人民法院宣告死亡或者宣告失踪",
         f"{_LCL}第四十四条第三项", "expiry", False),
        ("A44_4_BANKRUPTCY", "用人单位被依法宣告破产", f"{_LCL}第四十四条第四项", "expiry", False),
        ("A44_5_CLOSURE", "用人单位被吊销营业执照、责令关闭、撤销或者决定提前解散",
         f"{_LCL}第四十四条第五项", "expiry", False),
        ("A44_6_OTHER", "法律、行政法规规定的其他情形", f"{_LCL}第四十四条第六项", "expiry", False),
    )
    return tuple(
        TerminationReason(
            code=code, name=name, article=article, initiator=initiator,
            needs_review=needs_review,
            counts_as_employer_initiated=(initiator == "employer"),
            sort=i * 10,
        )
        for i, (code, name, article, initiator, needs_review) in enumerate(rows, start=1)
    )


TERMINATION_REASONS: tuple[TerminationReason, ...] = _termination_reasons()

# --------------------------------------------------------------------------------------------

ALL_CODE_LISTS: dict[str, tuple[Code, ...]] = {
    "industry_section": INDUSTRY_SECTIONS,
    "industry_division": INDUSTRY_DIVISIONS,
    "employer_type": EMPLOYER_TYPES,
    "ownership_type": OWNERSHIP_TYPES,
    "education_level": EDUCATION_LEVELS,
    "contract_type": CONTRACT_TYPES,
    "employment_form": EMPLOYMENT_FORMS,
    "special_group": SPECIAL_GROUPS,
}
"""The plain code lists by a stable list name (termination reasons are separate: richer type)."""
