"""Rules of the "1+3" services (一个平台 + 政策培训、HR 经理沙龙、特殊企业定点服务): events and their
waiting lists, key-enterprise visits and service cases, the knowledge base and the district issue
desk (疑难问题会商). Pure Python: no Flask, no database.

>>> import datetime as dt
>>> place_for_signup(capacity=2, confirmed=1).name, place_for_signup(capacity=2, confirmed=2).name
('CONFIRMED', 'WAITING')
>>> first_waiting([(7, SignupStatus.WAITING), (5, SignupStatus.WAITING),
...                (3, SignupStatus.CANCELLED)])
5
>>> age_bucket(dt.date(2026, 1, 1), dt.date(2026, 1, 20)).label
'8–30 天'
>>> quarter_label(dt.date(2026, 11, 5))
'2026年第4季度'
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import DomainError

# --------------------------------------------------------------------------------------------
# Code lists (enums are stored by NAME; the value is the Chinese label)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Events: values, sign-up window, capacity and the waiting list
# --------------------------------------------------------------------------------------------

MAX_CAPACITY = 2000


def check_event_values(*, topic: str, starts_at: datetime.datetime | None,
                       ends_at: datetime.datetime | None,
                       signup_deadline: datetime.datetime | None, capacity: int | None,
                       venue: str) -> None:
    """What an event must have before it is published."""
    if not (topic or "").strip():
        raise DomainError("EVENT_TOPIC_REQUIRED", "请填写活动主题。", "Enter the topic.",
                          field="topic")
    if starts_at is None:
        raise DomainError("EVENT_START_REQUIRED", "请填写活动开始时间，例如 2026-12-01 14:00。",
                          "Enter the start time.", field="starts_at")
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError("EVENT_END_BEFORE_START", "活动结束时间应晚于开始时间，请检查后重新填写。",
                          "The end must be after the start.", field="ends_at")
    if signup_deadline is None:
        raise DomainError("EVENT_DEADLINE_REQUIRED", "请填写报名截止时间。",
                          "Enter the registration deadline.", field="signup_deadline")
    if signup_deadline > starts_at:
        raise DomainError("EVENT_DEADLINE_AFTER_START",
                          "报名截止时间不能晚于活动开始时间，请改为开始时间之前。",
                          "The registration deadline must not be after the start.",
                          field="signup_deadline")
    if capacity is None or capacity < 1 or capacity > MAX_CAPACITY:
        raise DomainError("EVENT_CAPACITY",
                          f"名额应为 1 到 {MAX_CAPACITY} 之间的整数，请修改“名额”。",
                          f"Capacity must be between 1 and {MAX_CAPACITY}.", field="capacity")
    if not (venue or "").strip():
        raise DomainError("EVENT_VENUE_REQUIRED", "请填写活动地点。", "Enter the venue.",
                          field="venue")


def check_signup_open(status: EventStatus, signup_deadline: datetime.datetime,
                      now: datetime.datetime) -> None:
    """A sign-up is accepted only for a published event before its deadline."""
    if status == EventStatus.CANCELLED:
        raise DomainError("EVENT_CANCELLED", "该活动已取消，不能再报名。",
                          "The event has been cancelled.", field=None)
    if now > signup_deadline:
        raise DomainError(
            "SIGNUP_DEADLINE_PASSED",
            f"报名已于 {signup_deadline:%Y-%m-%d %H:%M} 截止，不能再报名。"
            "请关注活动日历中的下一期活动。",
            "Registration for this event has closed.", field=None)


def check_signup_for_own_unit(actor_unit_id: int | None, unit_id: int | None) -> None:
    """An employer user signs up attendees of its own unit only."""
    if actor_unit_id is None or unit_id != actor_unit_id:
        raise DomainError("SIGNUP_OTHER_UNIT",
                          "只能为本单位人员报名，不能代其他单位报名。"
                          "如其他单位需参加，请由该单位登录本单位账户报名。",
                          "You can sign up attendees of your own unit only.", field="unit_id")


def check_attendee(name: str, position: str) -> None:
    if not (name or "").strip():
        raise DomainError("ATTENDEE_NAME_REQUIRED", "请填写参加人员姓名。",
                          "Enter the attendee's name.", field="attendee_name")
    if len(name.strip()) > 64 or len((position or "").strip()) > 64:
        raise DomainError("ATTENDEE_TOO_LONG", "姓名和职务各不超过 64 个字，请精简后重新填写。",
                          "Name and position are at most 64 characters.", field="attendee_name")


def place_for_signup(*, capacity: int, confirmed: int) -> SignupStatus:
    """A seat while seats are left, else the waiting list (候补)."""
    return SignupStatus.CONFIRMED if confirmed < capacity else SignupStatus.WAITING


def first_waiting(signups: Iterable[tuple[int, SignupStatus]]) -> int | None:
    """The sign-up moved up when a seat frees: the earliest waiting one (lowest id)."""
    waiting = [sid for sid, status in signups if status == SignupStatus.WAITING]
    return min(waiting) if waiting else None


def seats_to_fill(*, capacity: int, confirmed: int) -> int:
    return max(capacity - confirmed, 0)


def check_rating(rating: int | None) -> None:
    if rating is None or not 1 <= rating <= 5:
        raise DomainError("FEEDBACK_RATING", "评分应为 1 到 5 分，请选择评分。",
                          "The rating must be 1 to 5.", field="rating")


def month_grid(year: int, month: int) -> list[list[datetime.date | None]]:
    """Weeks (Monday first) of a month for the calendar; days of other months are None."""
    import calendar

    return [[datetime.date(year, month, day) if day else None for day in week]
            for week in calendar.Calendar(0).monthdayscalendar(year, month)]


# --------------------------------------------------------------------------------------------
# Key enterprises
# --------------------------------------------------------------------------------------------


def check_visit_values(*, visit_date: datetime.date | None, people_met: str, problems: str,
                       today: datetime.date) -> None:
    if visit_date is None:
        raise DomainError("VISIT_DATE_REQUIRED", "请填写走访日期。", "Enter the visit date.",
                          field="visit_date")
    if visit_date > today:
        raise DomainError("VISIT_DATE_FUTURE", "走访日期不能晚于今天：请登记已完成的走访。",
                          "The visit date cannot be in the future.", field="visit_date")
    if not (people_met or "").strip():
        raise DomainError("VISIT_PEOPLE_REQUIRED", "请填写走访中见到的人员（姓名、职务）。",
                          "Enter the people met.", field="people_met")
    if not (problems or "").strip():
        raise DomainError("VISIT_PROBLEMS_REQUIRED",
                          "请填写企业反映的问题和建议（没有问题也请注明“无”）。",
                          "Enter the problems raised (or 'none').", field="problems")


def check_follow_up(action: str, due_date: datetime.date | None) -> None:
    if not (action or "").strip():
        raise DomainError("FOLLOWUP_ACTION_REQUIRED", "请填写跟进事项。",
                          "Enter the follow-up action.", field="action")
    if due_date is None:
        raise DomainError("FOLLOWUP_DUE_REQUIRED", "请填写跟进事项的完成期限。",
                          "Enter the due date.", field="due_date")


def is_overdue(due_date: datetime.date | None, done: bool, today: datetime.date) -> bool:
    return due_date is not None and not done and due_date < today


# --------------------------------------------------------------------------------------------
# District issue desk and joint meetings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str
    min_days: int
    max_days: int | None  # inclusive; None: no upper bound


AGE_BUCKETS = (
    AgeBucket("d7", "7 天内", 0, 7),
    AgeBucket("d30", "8–30 天", 8, 30),
    AgeBucket("d90", "31–90 天", 31, 90),
    AgeBucket("older", "90 天以上", 91, None),
)


def age_bucket(raised_on: datetime.date, today: datetime.date) -> AgeBucket:
    """The age bucket of a case raised on ``raised_on`` (age in whole days)."""
    days = max((today - raised_on).days, 0)
    for bucket in AGE_BUCKETS:
        if bucket.max_days is None or days <= bucket.max_days:
            return bucket
    return AGE_BUCKETS[-1]  # pragma: no cover - the last bucket is open-ended


def check_desk_case(*, title: str, description: str, due_date: datetime.date | None,
                    today: datetime.date) -> None:
    if not (title or "").strip():
        raise DomainError("DESK_TITLE_REQUIRED", "请填写问题标题（一句话概括）。",
                          "Enter a title.", field="title")
    if not (description or "").strip():
        raise DomainError("DESK_DESCRIPTION_REQUIRED",
                          "请填写问题描述：发生了什么、涉及哪个单位、已做过哪些处理。",
                          "Describe the case.", field="description")
    if due_date is not None and due_date < today:
        raise DomainError("DESK_DUE_PAST", "答复期限不能早于今天，请重新选择。",
                          "The due date cannot be in the past.", field="due_date")


def status_after_post(status: DeskStatus, *, by_city: bool) -> DeskStatus:
    """A reply by city staff answers the case; a district's follow-up question reopens it."""
    if status == DeskStatus.CLOSED:
        raise DomainError("DESK_CLOSED",
                          "该问题已关闭，不能再回复。如问题仍存在，请重新提交一个新问题。",
                          "The case is closed.", field="body")
    return DeskStatus.ANSWERED if by_city else DeskStatus.OPEN


def check_can_close(status: DeskStatus) -> None:
    if status == DeskStatus.CLOSED:
        raise DomainError("DESK_ALREADY_CLOSED", "该问题已经关闭。", "Already closed.")
    if status == DeskStatus.OPEN:
        raise DomainError("DESK_NOT_ANSWERED", "该问题尚未答复：请先答复，再关闭。",
                          "Answer the case before closing it.")


def quarter_label(day: datetime.date) -> str:
    return f"{day.year}年第{(day.month - 1) // 3 + 1}季度"


def check_meeting(*, meets_at: datetime.datetime | None, venue: str) -> None:
    if meets_at is None:
        raise DomainError("MEETING_TIME_REQUIRED", "请填写会议时间，例如 2026-12-20 09:30。",
                          "Enter the meeting time.", field="meets_at")
    if not (venue or "").strip():
        raise DomainError("MEETING_VENUE_REQUIRED", "请填写会议地点。", "Enter the venue.",
                          field="venue")


def out_of_jurisdiction(what: str, unit_name: str, scope_name: str) -> DomainError:
    """The refusal for a record about a unit outside the staff member's jurisdiction."""
    return DomainError(
        "OUT_OF_JURISDICTION",
        f"“{unit_name}”不在您的管辖范围（{scope_name}）内，不能为其{what}。"
        "请联系该单位所在区或街道的经办机构办理。",
        f"The unit is outside your jurisdiction; you cannot {what} for it.", field="unit")
