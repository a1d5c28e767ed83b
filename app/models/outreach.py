"""Models of the "1+3" services (issue "1+3 services"): events, key enterprises, knowledge base,
district issue desk."""

from __future__ import annotations

import datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.domain.outreach import (
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
from app.models.filings import Filing
from app.models.org import Office, Region
from app.models.units import Unit
from app.models.users import BeianUser


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32)


def _now_column():
    return mapped_column(DateTime, nullable=False, default=clock.now, server_default=func.now())


# --------------------------------------------------------------------------------------------
# Events (政策培训讲座 / HR 经理沙龙 / 新网报单位培训)
# --------------------------------------------------------------------------------------------


class OutreachEvent(Model):  # 活动
    __tablename__ = "outreach_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, "event_kind"), nullable=False)
    topic: Mapped[str] = mapped_column(String(200), nullable=False)
    speakers: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    starts_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, index=True)
    ends_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    venue: Mapped[str] = mapped_column(String(200), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    signup_deadline: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), nullable=True)
    office: Mapped[Office | None] = relationship()
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    coordinator: Mapped[BeianUser | None] = relationship(foreign_keys=[coordinator_id])
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus, "event_status"),
                                                nullable=False, default=EventStatus.PUBLISHED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    created_at: Mapped[datetime.datetime] = _now_column()

    signups: Mapped[list[EventSignup]] = relationship(back_populates="event",
                                                      order_by="EventSignup.id")

    def __str__(self) -> str:
        return f"{self.kind.value}：{self.topic}"


class EventSignup(Model):  # 报名 (one attendee of one unit)
    __tablename__ = "outreach_signup"
    __table_args__ = (Index("ix_outreach_signup_event_status", "event_id", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outreach_event.id"), nullable=False)
    event: Mapped[OutreachEvent] = relationship(back_populates="signups")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit: Mapped[Unit] = relationship()
    attendee_name: Mapped[str] = mapped_column(String(64), nullable=False)
    attendee_phone: Mapped[str] = mapped_column(String(32), nullable=False)
    attendee_position: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    status: Mapped[SignupStatus] = mapped_column(_enum(SignupStatus, "signup_status"),
                                                 nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    created_at: Mapped[datetime.datetime] = _now_column()
    promoted_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    cancelled_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    reminded_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    checked_in_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    feedback_rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    feedback_comment: Mapped[str | None] = mapped_column(Text, nullable=True)


class EventInvitation(Model):  # 新网报单位培训邀请 (event_id empty: waiting for the next training)
    __tablename__ = "outreach_invitation"
    __table_args__ = (UniqueConstraint("unit_id", "event_id", name="uq_outreach_invitation"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit: Mapped[Unit] = relationship()
    event_id: Mapped[int | None] = mapped_column(ForeignKey("outreach_event.id"), nullable=True,
                                                 index=True)
    event: Mapped[OutreachEvent | None] = relationship()
    created_at: Mapped[datetime.datetime] = _now_column()
    invited_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)


# --------------------------------------------------------------------------------------------
# Key enterprises (特殊企业定点服务): staff, visits (大走访), service cases
# --------------------------------------------------------------------------------------------

key_enterprise_staff = Table(
    "key_enterprise_staff",
    Model.metadata,
    Column("key_enterprise_id", ForeignKey("key_enterprise.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", ForeignKey("ab_user.id"), primary_key=True),
)


class KeyEnterprise(Model):  # 重点企业
    __tablename__ = "key_enterprise"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, unique=True)
    unit: Mapped[Unit] = relationship()
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    designated_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"),
                                                         nullable=True)
    created_at: Mapped[datetime.datetime] = _now_column()
    staff: Mapped[list[BeianUser]] = relationship(secondary=key_enterprise_staff)


class EnterpriseVisit(Model):  # 大走访记录
    __tablename__ = "enterprise_visit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit: Mapped[Unit] = relationship()
    visit_date: Mapped[datetime.date] = mapped_column(Date, nullable=False, index=True)
    people_met: Mapped[str] = mapped_column(Text, nullable=False)
    problems: Mapped[str] = mapped_column(Text, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    visited_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    visited_by: Mapped[BeianUser | None] = relationship()
    created_at: Mapped[datetime.datetime] = _now_column()
    follow_ups: Mapped[list[VisitFollowUp]] = relationship(back_populates="visit",
                                                           order_by="VisitFollowUp.id")


class VisitFollowUp(Model):  # 走访跟进事项
    __tablename__ = "visit_follow_up"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("enterprise_visit.id"), nullable=False,
                                          index=True)
    visit: Mapped[EnterpriseVisit] = relationship(back_populates="follow_ups")
    action: Mapped[str] = mapped_column(Text, nullable=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    owner: Mapped[BeianUser | None] = relationship()
    due_date: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    status: Mapped[FollowUpStatus] = mapped_column(_enum(FollowUpStatus, "follow_up_status"),
                                                  nullable=False, default=FollowUpStatus.OPEN)
    done_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)


class ServiceCase(Model):  # 专项服务（整厂关停、集团重组、专项用工类别梳理）
    __tablename__ = "service_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_enterprise_id: Mapped[int] = mapped_column(ForeignKey("key_enterprise.id"),
                                                   nullable=False, index=True)
    key_enterprise: Mapped[KeyEnterprise] = relationship()
    kind: Mapped[ServiceCaseKind] = mapped_column(_enum(ServiceCaseKind, "service_case_kind"),
                                                  nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    expected_people: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[ServiceCaseStatus] = mapped_column(
        _enum(ServiceCaseStatus, "service_case_status"), nullable=False,
        default=ServiceCaseStatus.OPEN)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    created_at: Mapped[datetime.datetime] = _now_column()
    closed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)


class ServiceCaseFiling(Model):  # the bulk filings a service case produced
    __tablename__ = "service_case_filing"
    case_id: Mapped[int] = mapped_column(ForeignKey("service_case.id", ondelete="CASCADE"),
                                         primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filing.id"), primary_key=True,
                                           index=True)
    filing: Mapped[Filing] = relationship()
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    linked_at: Mapped[datetime.datetime] = _now_column()


# --------------------------------------------------------------------------------------------
# Knowledge base (办事指南 / 常见问答 / 用户手册 / 公告 / 对接指南)
# --------------------------------------------------------------------------------------------


class KnowledgeArticle(Model):  # 知识库文章
    __tablename__ = "kb_article"
    __table_args__ = (Index("ix_kb_article_kind_status", "kind", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ArticleKind] = mapped_column(_enum(ArticleKind, "article_kind"), nullable=False)
    slug: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    filing_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    body_md: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Normalised title + text (NFKC, lower case) that FAQ search runs LIKE over.
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[ArticleStatus] = mapped_column(_enum(ArticleStatus, "article_status"),
                                                  nullable=False, default=ArticleStatus.DRAFT)
    # Seeded from app/content/knowledge/<source_path>: the hash of the file last loaded; an
    # article a staff member edited since (staff_edited_at) is never overwritten by the seed.
    source_path: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    staff_edited_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    updated_at: Mapped[datetime.datetime] = _now_column()
    published_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)


# --------------------------------------------------------------------------------------------
# District issue desk (疑难问题会商) and quarterly joint meetings (联席会议)
# --------------------------------------------------------------------------------------------


class DeskCase(Model):  # 疑难问题 / 投诉
    __tablename__ = "desk_case"
    __table_args__ = (Index("ix_desk_case_status_district", "status", "district_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    district: Mapped[Region] = relationship(foreign_keys=[district_id])
    street_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), nullable=True,
                                                  index=True)
    street: Mapped[Region | None] = relationship(foreign_keys=[street_id])
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), nullable=True)
    unit: Mapped[Unit | None] = relationship()
    category: Mapped[DeskCategory] = mapped_column(_enum(DeskCategory, "desk_category"),
                                                   nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[DeskStatus] = mapped_column(_enum(DeskStatus, "desk_status"), nullable=False,
                                               default=DeskStatus.OPEN)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    raised_by: Mapped[BeianUser | None] = relationship(foreign_keys=[raised_by_id])
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    owner: Mapped[BeianUser | None] = relationship(foreign_keys=[owner_id])
    due_date: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime.datetime] = _now_column()
    answered_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    posts: Mapped[list[DeskPost]] = relationship(back_populates="case", order_by="DeskPost.id")


class DeskPost(Model):  # 答复与补充说明 (the case's thread)
    __tablename__ = "desk_post"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("desk_case.id"), nullable=False, index=True)
    case: Mapped[DeskCase] = relationship(back_populates="posts")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    author: Mapped[BeianUser | None] = relationship()
    by_city: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime.datetime] = _now_column()


class JointMeeting(Model):  # 市区用工备案联席会议
    __tablename__ = "joint_meeting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    meets_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, index=True)
    venue: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus, "meeting_status"),
                                                  nullable=False,
                                                  default=MeetingStatus.SCHEDULED)
    minutes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    created_at: Mapped[datetime.datetime] = _now_column()
    items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting",
                                                   order_by="AgendaItem.sort_order, AgendaItem.id")


class AgendaItem(Model):  # 会议议题
    __tablename__ = "meeting_agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id", name="uq_meeting_agenda_case"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("joint_meeting.id"), nullable=False,
                                            index=True)
    meeting: Mapped[JointMeeting] = relationship(back_populates="items")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("desk_case.id"), nullable=True,
                                                index=True)
    case: Mapped[DeskCase | None] = relationship()
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    outcome: Mapped[str] = mapped_column(Text, nullable=False, default="")
