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


from app.domain.outreach.codes import (
    ArticleKind,
    ArticleStatus,
    DeskCategory,
    DeskStatus,
    EventKind,
    EventStatus,
    FollowUpStatus,
    MeetingStatus,
    ServiceCaseKind,
    ServiceCaseStatus,
    SignupStatus,
)
from app.domain.outreach.desk import (
    AGE_BUCKETS,
    AgeBucket,
    age_bucket,
    check_can_close,
    check_desk_case,
    check_meeting,
    quarter_label,
    status_after_post,
)
from app.domain.outreach.enterprises import (
    check_follow_up,
    check_visit_values,
    is_overdue,
    out_of_jurisdiction,
)
from app.domain.outreach.events import (
    MAX_CAPACITY,
    check_attendee,
    check_event_values,
    check_rating,
    check_signup_for_own_unit,
    check_signup_open,
    first_waiting,
    month_grid,
    place_for_signup,
    seats_to_fill,
)

__all__ = [
    "AGE_BUCKETS", "MAX_CAPACITY", "AgeBucket", "ArticleKind", "ArticleStatus", "DeskCategory",
    "DeskStatus", "EventKind", "EventStatus", "FollowUpStatus", "MeetingStatus",
    "ServiceCaseKind", "ServiceCaseStatus", "SignupStatus", "age_bucket", "check_attendee",
    "check_can_close", "check_desk_case", "check_event_values", "check_follow_up",
    "check_meeting", "check_rating", "check_signup_for_own_unit", "check_signup_open",
    "check_visit_values", "first_waiting", "is_overdue", "month_grid", "out_of_jurisdiction",
    "place_for_signup", "quarter_label", "seats_to_fill", "status_after_post",
]
