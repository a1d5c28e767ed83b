"""Code lists of the "1+3" services (enums are stored by NAME; the value is the Chinese label)."""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    """活动类型."""

    POLICY_TRAINING = "政策培训讲座"
    HR_SALON = "HR经理主题沙龙"
    NEW_UNIT_TRAINING = "新网报单位业务培训"


class EventStatus(StrEnum):
    PUBLISHED = "已发布"
    CANCELLED = "已取消"


class SignupStatus(StrEnum):
    CONFIRMED = "已报名"
    WAITING = "候补"
    CANCELLED = "已取消"


class FollowUpStatus(StrEnum):
    OPEN = "待办"
    DONE = "已完成"


class ServiceCaseKind(StrEnum):
    """特殊企业定点服务的专项服务类型 (source article: 尼康整厂关停, 华润集团重组, 监狱企业化聘用人员)."""

    PLANT_CLOSURE = "整厂关停"
    GROUP_RESTRUCTURING = "集团重组"
    SPECIAL_CATEGORY_REVIEW = "专项用工类别梳理"


class ServiceCaseStatus(StrEnum):
    OPEN = "办理中"
    CLOSED = "已办结"


class ArticleKind(StrEnum):
    """知识库文章类型; the names are the `kind:` values of app/content/knowledge/*.md."""

    GUIDE = "办事指南"
    FAQ = "常见问答"
    MANUAL = "用户手册"
    ANNOUNCEMENT = "通知公告"
    INTEGRATION = "对接指南"


class ArticleStatus(StrEnum):
    DRAFT = "草稿"
    PUBLISHED = "已发布"


class DeskCategory(StrEnum):
    HARD_CASE = "疑难问题"
    COMPLAINT = "用人单位投诉"
    POLICY_QUESTION = "政策口径咨询"


class DeskStatus(StrEnum):
    OPEN = "待答复"
    ANSWERED = "已答复"
    CLOSED = "已关闭"


class MeetingStatus(StrEnum):
    SCHEDULED = "已安排"
    HELD = "已召开"
