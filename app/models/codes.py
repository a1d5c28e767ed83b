"""Code lists (代码表): seeded as data from app.domain.codelists by `flask beian init`.

Each code keeps the version of the standard it comes from. The code itself is the primary key,
so rows elsewhere hold readable, stable codes ("C39", "170", "A41")."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship


class _CodeMixin:
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    standard: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    sort: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndustrySection(_CodeMixin, Model):  # 国民经济行业分类 门类
    __tablename__ = "industry_section"


class IndustryDivision(_CodeMixin, Model):  # 国民经济行业分类 大类
    __tablename__ = "industry_division"
    section_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("industry_section.code"), nullable=False, index=True)
    section: Mapped[IndustrySection] = relationship()


class EmployerType(_CodeMixin, Model):  # 用人单位类型
    __tablename__ = "employer_type"


class OwnershipType(_CodeMixin, Model):  # 登记注册类型 / 经济类型
    __tablename__ = "ownership_type"
    parent_code: Mapped[str | None] = mapped_column(String(32), nullable=True)


class EducationLevel(_CodeMixin, Model):  # 学历 GB/T 4658-2006
    __tablename__ = "education_level"
    parent_code: Mapped[str | None] = mapped_column(String(32), nullable=True)


class ContractType(_CodeMixin, Model):  # 劳动合同期限类型
    __tablename__ = "contract_type"


class EmploymentForm(_CodeMixin, Model):  # 用工形式: 全日制 / 非全日制
    __tablename__ = "employment_form"


class SpecialGroup(_CodeMixin, Model):  # 特殊群体 (低保人员 …)
    __tablename__ = "special_group"


class TerminationReason(_CodeMixin, Model):  # 退工原因, by article of the Labour Contract Law
    __tablename__ = "termination_reason"
    article: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    initiator: Mapped[str] = mapped_column(String(16), nullable=False)  # worker/employer/mutual/expiry
    needs_review: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    counts_as_employer_initiated: Mapped[bool] = mapped_column(Boolean, nullable=False,
                                                               default=False)
