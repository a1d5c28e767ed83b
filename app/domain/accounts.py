"""Refusals of creating a platform account by command (staff and employer users)."""

from __future__ import annotations

from app.domain.errors import Conflict, Invalid, NotFound, define

PASSWORD_TOO_SIMPLE = define(
    "PASSWORD_TOO_SIMPLE", Invalid, "{rule}", "The password is too simple: {rule_en}", "password")
ROLE_UNKNOWN = define(
    "ROLE_UNKNOWN", NotFound, "没有角色 {role}；请先运行 flask beian init。",
    "No role {role}: run flask beian init first.", "role")
USER_EXISTS = define(
    "USER_EXISTS", Conflict, "用户未创建：用户名 {username} 或邮箱已存在。请换一个用户名或邮箱。",
    "The user was not created: the username {username} or the e-mail exists.", "username")
OFFICE_UNKNOWN = define(
    "OFFICE_UNKNOWN", NotFound,
    "没有名为 {office} 的经办机构。请核对名称，或先用 flask beian org-load 载入本市的机构。",
    "No office named {office}: check the name or load the organisation first.", "office")
UNIT_UNKNOWN = define(
    "UNIT_UNKNOWN", NotFound, "没有该统一社会信用代码的单位。请核对代码。",
    "No unit has this credit code.", "unit_credit_code")
