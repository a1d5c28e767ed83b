"""Regions and offices (administration)."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.models.org import Office, Region
from app.views.base import JurisdictionModelView


class RegionView(JurisdictionModelView):
    datamodel = SQLAInterface(Region)
    list_title = show_title = add_title = edit_title = "行政区划"
    list_columns = ["code", "name", "level", "parent"]
    search_columns = ["code", "name", "level", "parent"]
    add_columns = edit_columns = ["code", "name", "level", "parent"]
    label_columns = {"code": "区划代码", "name": "名称", "level": "层级", "parent": "上级区划"}
    order_columns = ["code", "name"]
    base_order = ("code", "asc")


class OfficeView(JurisdictionModelView):
    datamodel = SQLAInterface(Office)
    list_title = show_title = add_title = edit_title = "经办机构"
    list_columns = ["name", "level", "region", "phone"]
    search_columns = ["name", "level", "region"]
    add_columns = edit_columns = ["name", "level", "region", "address", "phone", "seal_name"]
    label_columns = {"name": "机构名称", "level": "层级", "region": "所在区划", "address": "地址",
                     "phone": "电话", "seal_name": "备案专用章名称"}
    base_order = ("name", "asc")
