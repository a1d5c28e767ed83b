"""REST API: per-unit API keys, idempotency records (issue "REST API").

An API key belongs to one unit and acts as that unit's API service account (an Employer user of
the unit created with its first key), so the jurisdiction rules apply to it unchanged. The key
itself is shown once; only its SHA-256 is stored (the key is 256 random bits, so a fast hash is
enough and lets a request find its key by an indexed equality)."""

from __future__ import annotations

import datetime

from flask_appbuilder import Model
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.models.units import Unit
from app.models.users import BeianUser


class ApiKey(Model):  # 接口密钥
    __tablename__ = "api_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit: Mapped[Unit] = relationship()
    # The unit's API service account the key acts as (role Employer, this unit).
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    user: Mapped[BeianUser] = relationship(foreign_keys=[user_id])
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # The first characters of the key ("bk_" + 8), shown in lists so a key can be recognised.
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    created_by: Mapped[BeianUser | None] = relationship(foreign_keys=[created_by_id])
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False,
                                                          default=clock.now, server_default=func.now())
    expires_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), nullable=True)
    revoked_by: Mapped[BeianUser | None] = relationship(foreign_keys=[revoked_by_id])

    def is_usable(self, at: datetime.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "已撤销"
        if self.expires_at is not None and self.expires_at <= clock.now():
            return "已过期"
        return "有效"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecord(Model):  # a POST's Idempotency-Key and its first response
    __tablename__ = "api_idempotency"
    __table_args__ = (
        Index("uq_api_idempotency_principal_key", "principal", "key", unique=True),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal: Mapped[str] = mapped_column(String(32), nullable=False)  # "key:12" / "user:5"
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    # NULL while the first request is still running.
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, index=True)
