"""Code lists (代码表): read by staff, edited by administrators."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.models import codes
from app.views.base import JurisdictionModelView, checkbox_fields

_BOOLEANS = {"active", "needs_review", "counts_as_employer_initiated"}

_LABELS = {"code": "代码", "name": "名称", "standard": "标准版本", "sort": "排序",
           "active": "启用", "section": "门类", "parent_code": "上级代码", "article": "法律依据",
           "initiator": "发起方", "needs_review": "需人工审核",
           "counts_as_employer_initiated": "计入单位发起的退工"}


def _code_view(model, title, extra=()):
    columns = ["code", "name", *extra, "standard", "active"]
    return type(f"{model.__name__}View", (JurisdictionModelView,), {
        "datamodel": SQLAInterface(model),
        "list_title": title, "show_title": title, "add_title": title, "edit_title": title,
        "list_columns": columns,
        "search_columns": ["code", "name"],
        "add_columns": [*columns, "sort"],
        "edit_columns": [c for c in [*columns, "sort"] if c != "code"],
        "label_columns": _LABELS,
        "base_order": ("sort", "asc"),
        "page_size": 50,
        "add_form_extra_fields": checkbox_fields(
            {c: _LABELS[c] for c in ("active", *extra) if c in _BOOLEANS}),
        "edit_form_extra_fields": checkbox_fields(
            {c: _LABELS[c] for c in ("active", *extra) if c in _BOOLEANS}),
    })


CODE_VIEWS = [
    (_code_view(codes.IndustrySection, "行业门类（GB/T 4754-2017）"), "Industry sections"),
    (_code_view(codes.IndustryDivision, "行业大类（GB/T 4754-2017）", ("section",)),
     "Industry divisions"),
    (_code_view(codes.EmployerType, "用人单位类型"), "Employer types"),
    (_code_view(codes.OwnershipType, "登记注册类型", ("parent_code",)), "Ownership types"),
    (_code_view(codes.EducationLevel, "学历（GB/T 4658-2006）", ("parent_code",)),
     "Education levels"),
    (_code_view(codes.SpecialGroup, "特殊群体"), "Special groups"),
    (_code_view(codes.TerminationReason, "退工原因",
                ("article", "initiator", "needs_review", "counts_as_employer_initiated")),
     "Termination reasons"),
    (_code_view(codes.ContractType, "劳动合同期限类型"), "Contract types"),
    (_code_view(codes.EmploymentForm, "用工形式"), "Employment forms"),
]
