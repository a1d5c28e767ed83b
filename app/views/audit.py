"""The audit log, read-only."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.models.audit import AuditLog
from app.views.base import JurisdictionModelView


class AuditLogView(JurisdictionModelView):
    datamodel = SQLAInterface(AuditLog)
    base_permissions = ["can_list", "can_show"]
    list_title = show_title = "审计日志"
    list_columns = ["at", "username", "object_type", "object_id", "action", "reason"]
    search_columns = ["username", "object_type", "object_id", "action", "at"]
    show_columns = ["at", "username", "ip", "object_type", "object_id", "action", "before",
                    "after", "reason"]
    label_columns = {"at": "时间", "username": "用户", "ip": "IP", "object_type": "对象类型",
                     "object_id": "对象编号", "action": "操作", "before": "修改前",
                     "after": "修改后", "reason": "原因"}
    base_order = ("id", "desc")
