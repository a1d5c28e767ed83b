"""Refusals of the "1+3" services, each code defined once (raised as ``raise CODE(field=…, …)``).
Codes several capabilities share (not found, …) come from app.domain.shared_errors."""

from __future__ import annotations

from dataclasses import replace

from app.domain.errors import Conflict, Forbidden, Invalid, define
from app.domain.shared_errors import FILING_NOT_FOUND, UNIT_NOT_FOUND

# -- who may do what -----------------------------------------------------------------------------
NOT_ALLOWED = define(
    "NOT_ALLOWED", Forbidden, "您的账户角色不能{what}。如确需办理，请联系市级经办机构。",
    "Your role may not {what}.")
OUT_OF_JURISDICTION = define(
    "OUT_OF_JURISDICTION", Forbidden,
    "“{unit_name}”不在您的管辖范围（{scope_name}）内，不能为其{what}。"
    "请联系该单位所在区或街道的经办机构办理。",
    "The unit is outside your jurisdiction; you cannot {what} for it.", "unit")
# The shared codes, worded for what the outreach pages ask (the code stays the shared one).
UNIT_NOT_FOUND_BY_CREDIT_CODE = replace(
    UNIT_NOT_FOUND, zh="没有统一社会信用代码为 {code} 的单位。请核对代码，或先在“单位”中登记该单位。",
    en="No unit with this credit code.", field="credit_code")
FILINGS_NOT_FOUND = replace(
    FILING_NOT_FOUND, zh="有 {count} 条备案未找到或不在您的办理范围内，未做关联。",
    en="Some filings were not found in your jurisdiction.", field="filings")

# -- events ------------------------------------------------------------------------------------
EVENT_KIND = define("EVENT_KIND", Invalid, "请选择活动类型。", "Choose the event kind.", "kind")
EVENT_TOPIC_REQUIRED = define(
    "EVENT_TOPIC_REQUIRED", Invalid, "请填写活动主题。", "Enter the topic.", "topic")
EVENT_START_REQUIRED = define(
    "EVENT_START_REQUIRED", Invalid, "请填写活动开始时间，例如 2026-12-01 14:00。",
    "Enter the start time.", "starts_at")
EVENT_END_BEFORE_START = define(
    "EVENT_END_BEFORE_START", Invalid, "活动结束时间应晚于开始时间，请检查后重新填写。",
    "The end must be after the start.", "ends_at")
EVENT_DEADLINE_REQUIRED = define(
    "EVENT_DEADLINE_REQUIRED", Invalid, "请填写报名截止时间。",
    "Enter the registration deadline.", "signup_deadline")
EVENT_DEADLINE_AFTER_START = define(
    "EVENT_DEADLINE_AFTER_START", Invalid, "报名截止时间不能晚于活动开始时间，请改为开始时间之前。",
    "The registration deadline must not be after the start.", "signup_deadline")
EVENT_CAPACITY = define(
    "EVENT_CAPACITY", Invalid, "名额应为 1 到 {maximum} 之间的整数，请修改“名额”。",
    "Capacity must be between 1 and {maximum}.", "capacity")
EVENT_VENUE_REQUIRED = define(
    "EVENT_VENUE_REQUIRED", Invalid, "请填写活动地点。", "Enter the venue.", "venue")
EVENT_COORDINATOR = define(
    "EVENT_COORDINATOR", Invalid, "活动协调人应为活动协调员或市级经办人员，请从列表中选择。",
    "The coordinator must be an event manager.", "coordinator_id")
EVENT_CANCELLED = define(
    "EVENT_CANCELLED", Conflict, "该活动已取消，不能再{what}。", "The event has been cancelled.")
EVENT_CAPACITY_BELOW_CONFIRMED = define(
    "EVENT_CAPACITY_BELOW_CONFIRMED", Conflict,
    "已有 {confirmed} 人正式报名，名额不能少于已报名人数。如需减少名额，请先与相关单位沟通并取消部分报名。",
    "Capacity cannot be below the confirmed sign-ups.", "capacity")
EVENT_STARTED = define(
    "EVENT_STARTED", Conflict, "活动已经开始，不能再取消报名。", "The event has started.")
SIGNUP_DEADLINE_PASSED = define(
    "SIGNUP_DEADLINE_PASSED", Conflict,
    "报名已于 {deadline} 截止，不能再报名。请关注活动日历中的下一期活动。",
    "Registration for this event has closed.")
SIGNUP_OTHER_UNIT = define(
    "SIGNUP_OTHER_UNIT", Forbidden,
    "只能为本单位人员报名，不能代其他单位报名。如其他单位需参加，请由该单位登录本单位账户报名。",
    "You can sign up attendees of your own unit only.", "unit_id")
SIGNUP_DUPLICATE = define(
    "SIGNUP_DUPLICATE", Conflict, "手机号 {phone} 的人员已报名（或在候补名单中），不能重复报名。",
    "This attendee is already signed up.", "attendee_phone")
SIGNUP_ALREADY_CANCELLED = define(
    "SIGNUP_ALREADY_CANCELLED", Conflict, "该报名已经取消。", "Already cancelled.")
ATTENDEE_NAME_REQUIRED = define(
    "ATTENDEE_NAME_REQUIRED", Invalid, "请填写参加人员姓名。", "Enter the attendee's name.",
    "attendee_name")
ATTENDEE_TOO_LONG = define(
    "ATTENDEE_TOO_LONG", Invalid, "姓名和职务各不超过 64 个字，请精简后重新填写。",
    "Name and position are at most 64 characters.", "attendee_name")
CHECKIN_NOT_CONFIRMED = define(
    "CHECKIN_NOT_CONFIRMED", Conflict,
    "{name} 的报名状态是“{status}”，只有正式报名的人员可以签到。",
    "Only confirmed attendees check in.")
FEEDBACK_NOT_CHECKED_IN = define(
    "FEEDBACK_NOT_CHECKED_IN", Conflict, "{name} 未签到，不能登记反馈。请先签到。",
    "Check the attendee in first.", "rating")
FEEDBACK_RATING = define(
    "FEEDBACK_RATING", Invalid, "评分应为 1 到 5 分，请选择评分。", "The rating must be 1 to 5.",
    "rating")

# -- key enterprises -----------------------------------------------------------------------------
STAFF_NOT_ELIGIBLE = define(
    "STAFF_NOT_ELIGIBLE", Invalid,
    "所选服务专员不是经办机构工作人员，或其管辖范围不包括该企业。请从列表中选择。",
    "The chosen staff cannot serve this unit.", "staff")
VISIT_DATE_REQUIRED = define(
    "VISIT_DATE_REQUIRED", Invalid, "请填写走访日期。", "Enter the visit date.", "visit_date")
VISIT_DATE_FUTURE = define(
    "VISIT_DATE_FUTURE", Invalid, "走访日期不能晚于今天：请登记已完成的走访。",
    "The visit date cannot be in the future.", "visit_date")
VISIT_PEOPLE_REQUIRED = define(
    "VISIT_PEOPLE_REQUIRED", Invalid, "请填写走访中见到的人员（姓名、职务）。",
    "Enter the people met.", "people_met")
VISIT_PROBLEMS_REQUIRED = define(
    "VISIT_PROBLEMS_REQUIRED", Invalid, "请填写企业反映的问题和建议（没有问题也请注明“无”）。",
    "Enter the problems raised (or 'none').", "problems")
FOLLOWUP_ACTION_REQUIRED = define(
    "FOLLOWUP_ACTION_REQUIRED", Invalid, "请填写跟进事项。", "Enter the follow-up action.",
    "action")
FOLLOWUP_DUE_REQUIRED = define(
    "FOLLOWUP_DUE_REQUIRED", Invalid, "请填写跟进事项的完成期限。", "Enter the due date.",
    "due_date")
FOLLOWUP_OWNER = define(
    "FOLLOWUP_OWNER", Invalid, "跟进责任人应为管辖范围包括该企业的经办机构工作人员，请从列表中选择。",
    "The owner must be staff covering the unit.", "owner")
CASE_KIND = define(
    "CASE_KIND", Invalid, "请选择专项服务类型（整厂关停、集团重组或专项用工类别梳理）。",
    "Choose the kind of case.", "kind")
CASE_TITLE_REQUIRED = define(
    "CASE_TITLE_REQUIRED", Invalid, "请填写专项服务名称。", "Enter a title.", "title")
CASE_PEOPLE = define(
    "CASE_PEOPLE", Invalid, "涉及人数不能为负数。", "People must be ≥ 0.", "expected_people")

# -- district issue desk and joint meetings ------------------------------------------------------
DESK_CATEGORY = define(
    "DESK_CATEGORY", Invalid, "请选择问题类别。", "Choose the category.", "category")
DESK_DISTRICT_REQUIRED = define(
    "DESK_DISTRICT_REQUIRED", Invalid, "请选择问题所属的区。", "Choose the district.",
    "district_id")
DESK_TITLE_REQUIRED = define(
    "DESK_TITLE_REQUIRED", Invalid, "请填写问题标题（一句话概括）。", "Enter a title.", "title")
DESK_DESCRIPTION_REQUIRED = define(
    "DESK_DESCRIPTION_REQUIRED", Invalid,
    "请填写问题描述：发生了什么、涉及哪个单位、已做过哪些处理。", "Describe the case.",
    "description")
DESK_DUE_PAST = define(
    "DESK_DUE_PAST", Invalid, "答复期限不能早于今天，请重新选择。",
    "The due date cannot be in the past.", "due_date")
DESK_BODY_REQUIRED = define(
    "DESK_BODY_REQUIRED", Invalid, "请填写答复内容。", "Enter the reply.", "body")
DESK_OWNER = define(
    "DESK_OWNER", Invalid, "承办人应为市级经办人员，请从列表中选择。",
    "The owner must be city staff.", "owner_id")
DESK_CLOSED = define(
    "DESK_CLOSED", Conflict, "该问题已关闭，不能再回复。如问题仍存在，请重新提交一个新问题。",
    "The case is closed.", "body")
DESK_ALREADY_CLOSED = define(
    "DESK_ALREADY_CLOSED", Conflict, "该问题已经关闭。", "Already closed.")
DESK_NOT_ANSWERED = define(
    "DESK_NOT_ANSWERED", Conflict, "该问题尚未答复：请先答复，再关闭。",
    "Answer the case before closing it.")
MEETING_TIME_REQUIRED = define(
    "MEETING_TIME_REQUIRED", Invalid, "请填写会议时间，例如 2026-12-20 09:30。",
    "Enter the meeting time.", "meets_at")
MEETING_VENUE_REQUIRED = define(
    "MEETING_VENUE_REQUIRED", Invalid, "请填写会议地点。", "Enter the venue.", "venue")
MEETING_HELD = define(
    "MEETING_HELD", Conflict, "会议已召开，议题不能再增加。", "The meeting was held.")
AGENDA_DUPLICATE = define(
    "AGENDA_DUPLICATE", Conflict, "该问题已在本次会议议题中。", "Already on the agenda.",
    "case_id")
AGENDA_TITLE_REQUIRED = define(
    "AGENDA_TITLE_REQUIRED", Invalid, "请填写议题名称，或选择一个疑难问题。",
    "Enter a title or choose a case.", "title")
MINUTES_REQUIRED = define(
    "MINUTES_REQUIRED", Invalid, "标记会议已召开时，请填写会议纪要。", "Enter the minutes.",
    "minutes")

# -- knowledge base ------------------------------------------------------------------------------
KB_KIND = define("KB_KIND", Invalid, "请选择文章类型。", "Choose the kind.", "kind")
KB_TITLE_REQUIRED = define(
    "KB_TITLE_REQUIRED", Invalid, "请填写标题。", "Enter a title.", "title")
KB_TOO_LONG = define(
    "KB_TOO_LONG", Invalid, "正文过长（超过 {maximum} 个字符），请拆分为多篇。",
    "The text is too long.", "body_md")
KB_FILING_TYPE = define(
    "KB_FILING_TYPE", Invalid, "办事指南须选择对应的备案类型。", "A guide needs its filing type.",
    "filing_type")
KB_SLUG = define(
    "KB_SLUG", Invalid,
    "网址标识只能由小写字母、数字和连字符组成（2–80 个字符），例如 hire-guide。",
    "The slug may contain a-z, 0-9 and '-'.", "slug")
KB_SLUG_TAKEN = define(
    "KB_SLUG_TAKEN", Conflict, "网址标识 {slug} 已被另一篇文章使用，请换一个。",
    "The slug is taken.", "slug")
