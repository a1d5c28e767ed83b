"""The audit log (审计日志): who did what to which object, before and after, and why."""

from __future__ import annotations

import datetime

from flask_appbuilder import Model
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from app import clock


class AuditLog(Model):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                  default=clock.now, server_default=func.now(), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True,
                                                index=True)
    username: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    object_type: Mapped[str] = mapped_column(String(64), nullable=False)
    object_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    ip: Mapped[str] = mapped_column(String(64), nullable=False, default="")
