"""Demo data for the demo city (a Wuxi-like city, 无锡市) — DEMO DATA ONLY.

Nothing here is a rule or an official register. It feeds the demo-city generator: districts and
streets for offices and jurisdictions, name parts for fake people and fake units, household
region codes for fake citizen ID numbers, road names for fake addresses. Plain data, no
randomness at import (the generator seeds its own ``random.Random``).

- District codes are the real GB/T 2260 codes of Wuxi's districts and county-level cities.
- Street / town names are real streets (街道) and towns (镇) of those districts, but their 9-digit
  codes (district code + 3 digits, numbered 001, 002, … here) are demo codes, not the official
  statistical division codes.
- Unit names built from these parts are fictitious; any likeness to a real company is chance.
"""

from __future__ import annotations

from app.domain.codelists import (
    EMPLOYER_TYPE_ENTERPRISE,
    EMPLOYER_TYPE_INDIVIDUAL_BUSINESS,
    EMPLOYER_TYPE_ORGAN,
    EMPLOYER_TYPE_OTHER,
    EMPLOYER_TYPE_PRIVATE_NON_ENTERPRISE,
    EMPLOYER_TYPE_PUBLIC_INSTITUTION,
    EMPLOYER_TYPE_RESIDENTS_COMMITTEE,
    EMPLOYER_TYPE_SOCIAL_ORGANISATION,
    EMPLOYER_TYPE_VILLAGE_COMMITTEE,
)

__all__ = [
    "CITY",
    "DISTRICTS",
    "GIVEN_NAME_CHARS_FEMALE",
    "GIVEN_NAME_CHARS_MALE",
    "GIVEN_NAME_CHARS_NEUTRAL",
    "HOUSEHOLD_REGION_CODES",
    "HOUSEHOLD_REGION_NAMES",
    "STREETS",
    "STREET_ADDRESS_ROADS",
    "SURNAMES",
    "UNIT_NAME_PREFIXES",
    "UNIT_NAME_SUFFIXES_BY_EMPLOYER_TYPE",
    "UNIT_NAME_TRADES",
]

# --------------------------------------------------------------------------------------------
# City, districts, streets
# --------------------------------------------------------------------------------------------

CITY: tuple[str, str] = ("320200", "无锡市")

DISTRICTS: tuple[tuple[str, str], ...] = (
    ("320213", "梁溪区"),
    ("320205", "锡山区"),
    ("320206", "惠山区"),
    ("320211", "滨湖区"),
    ("320214", "新吴区"),
    ("320281", "江阴市"),
    ("320282", "宜兴市"),
)


def _streets(district: str, *names: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"{district}{i:03d}", name) for i, name in enumerate(names, start=1))


STREETS: dict[str, tuple[tuple[str, str], ...]] = {
    "320213": _streets("320213", "崇安寺街道", "广益街道", "江海街道", "山北街道", "黄巷街道"),
    "320205": _streets("320205", "东亭街道", "安镇街道", "厚桥街道", "东北塘街道", "东港镇"),
    "320206": _streets("320206", "堰桥街道", "长安街道", "钱桥街道", "前洲街道", "洛社镇"),
    "320211": _streets("320211", "蠡园街道", "河埒街道", "太湖街道", "雪浪街道", "荣巷街道"),
    "320214": _streets("320214", "旺庄街道", "江溪街道", "梅村街道", "新安街道", "硕放街道"),
    "320281": _streets("320281", "澄江街道", "南闸街道", "云亭街道", "城东街道", "华士镇"),
    "320282": _streets("320282", "宜城街道", "屺亭街道", "新街街道", "新庄街道", "丁蜀镇"),
}

# --------------------------------------------------------------------------------------------
# People's names
# --------------------------------------------------------------------------------------------

# About 100 common surnames, roughly in order of frequency (national statistics).
SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周"
    "徐孙马朱胡郭何林高罗"
    "郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟"
    "熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)

GIVEN_NAME_CHARS_MALE: tuple[str, ...] = tuple(
    "伟强磊军勇杰涛斌超明"
    "刚平辉鹏华飞鑫波宇浩"
    "凯健俊帆帅旭龙峰建国"
    "志海东亮成兵锋彬博豪"
    "轩阳振鸿泽睿哲昊航毅"
    "诚坤瑞铭栋威胜翔鹤骏"
)

GIVEN_NAME_CHARS_FEMALE: tuple[str, ...] = tuple(
    "芳娜敏静丽艳娟霞秀玲"
    "桂英梅琳燕萍红雪慧倩"
    "婷颖琴莉兰洁蓉欣怡悦"
    "雯璐晶妍瑶薇菲茜露丹"
    "凤玉萱涵诗梦婉蕾媛娇"
    "珍琪嫣莹淑月"
)

GIVEN_NAME_CHARS_NEUTRAL: tuple[str, ...] = tuple(
    "文晓子一天思雨安嘉辰"
    "若清心乐然可依言晨宁"
    "林云星永春秋家小立新"
    "正和德亦方远艺君佳诺"
    "逸舒泓"
)

# --------------------------------------------------------------------------------------------
# Unit names: prefix + trade + suffix, e.g. 锡华 + 精密机械 + 有限公司
# --------------------------------------------------------------------------------------------

UNIT_NAME_PREFIXES: tuple[str, ...] = (
    "锡华", "太湖", "惠丰", "新吴", "梁溪", "蠡湖", "江南", "华庄", "锡山", "惠山",
    "滨湖", "澄江", "荆溪", "阳羡", "鸿山", "梅村", "东亭", "堰桥", "荣巷", "雪浪",
    "马山", "运河", "清名", "崇宁", "锡惠", "锡通", "锡源", "锡盛", "锡隆", "锡达",
    "新锡", "惠泽", "惠通", "鼎盛", "恒达", "瑞丰", "宏远", "华晟", "金茂", "永盛",
    "德润", "天和", "中锡", "嘉盛", "润泽", "博瑞", "信达", "恒通", "诚锐", "美嘉",
    "安泰", "聚力", "众合", "同创", "昌隆", "汇智", "科润", "蓝湾", "金匮", "吴都",
)

# Trade words that fit each GB/T 4754-2017 section, so a unit's name matches its industry.
UNIT_NAME_TRADES: dict[str, tuple[str, ...]] = {
    "A": ("农业科技", "生态农业", "水产养殖", "园艺", "苗木", "农业发展"),
    "B": ("矿业", "石材开采", "建材矿产"),
    "C": ("精密机械", "纺织", "电子科技", "新材料", "服饰", "食品", "化工", "汽车零部件",
          "机电", "电气", "金属制品", "医疗器械", "光伏科技", "环保设备", "印染", "不锈钢"),
    "D": ("热电", "燃气", "供水", "新能源", "电力"),
    "E": ("建设工程", "建筑安装", "装饰工程", "市政工程", "钢结构"),
    "F": ("商贸", "贸易", "超市", "百货", "医药连锁", "五金交电"),
    "G": ("物流", "运输", "仓储", "快递", "货运代理"),
    "H": ("餐饮管理", "酒店", "宾馆", "食府"),
    "I": ("软件", "信息技术", "网络科技", "数据服务", "通信技术"),
    "J": ("投资", "小额贷款", "融资担保", "保险代理"),
    "K": ("房地产开发", "物业管理", "置业", "房产经纪"),
    "L": ("人力资源", "企业管理咨询", "劳务派遣", "广告", "会展服务", "设备租赁"),
    "M": ("检测技术", "工程设计", "科技研发", "技术服务", "环境检测"),
    "N": ("环境工程", "园林绿化", "水务", "环卫服务"),
    "O": ("家政服务", "保洁服务", "汽车维修", "美容美发", "洗涤服务"),
    "P": ("教育咨询", "职业技能培训", "艺术培训", "教育科技"),
    "Q": ("医疗", "健康管理", "养老服务", "康复", "社会工作服务"),
    "R": ("文化传媒", "影视", "体育发展", "文化艺术", "娱乐"),
    "S": ("社区服务", "公共事务", "社会事务", "行业服务"),
    "T": ("国际交流", "国际合作"),
}

# Suffix patterns by employer type code (app.domain.codelists.EMPLOYER_TYPES).
UNIT_NAME_SUFFIXES_BY_EMPLOYER_TYPE: dict[str, tuple[str, ...]] = {
    EMPLOYER_TYPE_ENTERPRISE: ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司"),
    EMPLOYER_TYPE_ORGAN: ("局", "委员会", "办公室"),
    EMPLOYER_TYPE_PUBLIC_INSTITUTION: ("中心", "医院", "学校", "研究所", "站"),
    EMPLOYER_TYPE_SOCIAL_ORGANISATION: ("协会", "商会", "学会", "联合会"),
    EMPLOYER_TYPE_PRIVATE_NON_ENTERPRISE: ("培训学校", "养老院", "服务中心", "幼儿园"),
    EMPLOYER_TYPE_INDIVIDUAL_BUSINESS: ("店", "经营部", "商行", "工作室"),
    EMPLOYER_TYPE_VILLAGE_COMMITTEE: ("村民委员会",),
    EMPLOYER_TYPE_RESIDENTS_COMMITTEE: ("社区居民委员会",),
    EMPLOYER_TYPE_OTHER: ("办事处", "代表处"),
}

# --------------------------------------------------------------------------------------------
# Household registration (first 6 digits of a citizen ID) with weights — about 60% local
# --------------------------------------------------------------------------------------------
# Old codes are on purpose: an ID keeps the code of where it was issued (320202 崇安区,
# 320203 南长区 and 320204 北塘区 were merged into 梁溪区 in 2015; 522121 遵义县 is now 播州区).

HOUSEHOLD_REGION_NAMES: dict[str, str] = {
    # Wuxi (weights sum to 60)
    "320200": "无锡市",
    "320202": "无锡市崇安区",
    "320203": "无锡市南长区",
    "320204": "无锡市北塘区",
    "320205": "无锡市锡山区",
    "320206": "无锡市惠山区",
    "320211": "无锡市滨湖区",
    "320213": "无锡市梁溪区",
    "320214": "无锡市新吴区",
    "320281": "江阴市",
    "320282": "宜兴市",
    # common origins of migrant workers (weights sum to 40)
    "341221": "安徽省临泉县",
    "341222": "安徽省太和县",
    "341225": "安徽省阜南县",
    "341226": "安徽省颍上县",
    "341322": "安徽省萧县",
    "341323": "安徽省灵璧县",
    "340826": "安徽省宿松县",
    "411525": "河南省固始县",
    "411527": "河南省淮滨县",
    "412725": "河南省鹿邑县",
    "510722": "四川省三台县",
    "320321": "江苏省丰县",
    "320324": "江苏省睢宁县",
    "320923": "江苏省阜宁县",
    "321322": "江苏省沭阳县",
    "362426": "江西省泰和县",
    "522121": "贵州省遵义县",
    "421127": "湖北省黄梅县",
    "371321": "山东省沂南县",
}

HOUSEHOLD_REGION_CODES: tuple[tuple[str, int], ...] = (
    ("320213", 8), ("320281", 8), ("320211", 7), ("320282", 7), ("320205", 6),
    ("320206", 6), ("320214", 5), ("320202", 4), ("320203", 4), ("320204", 3),
    ("320200", 2),
    ("341221", 4), ("341222", 3), ("411525", 3), ("321322", 3), ("341225", 2),
    ("341226", 2), ("341322", 2), ("341323", 2), ("340826", 2), ("411527", 2),
    ("412725", 2), ("510722", 2), ("320321", 2), ("320324", 2), ("320923", 2),
    ("522121", 2), ("362426", 1), ("421127", 1), ("371321", 1),
)

# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------

STREET_ADDRESS_ROADS: tuple[str, ...] = (
    "中山路", "人民中路", "人民西路", "人民东路", "解放北路", "解放南路", "解放西路",
    "解放东路", "梁溪路", "太湖大道", "长江路", "新华路", "学前街", "县前街", "崇宁路",
    "五爱路", "通扬路", "广益路", "广瑞路", "凤翔路", "惠山大道", "钱皋路", "锡沪路",
    "友谊路", "建筑路", "蠡湖大道", "湖滨路", "高浪路", "金城路", "清扬路", "运河东路",
    "扬名路", "清名路", "南长街", "江海路", "兴源路", "通江大道", "锡山大道", "春申路",
    "新光路", "震泽路", "青祁路", "盛岸路", "堰新路", "政和大道", "团结中路",
)
