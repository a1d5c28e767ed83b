"""Workers (劳动者): staff administration within jurisdiction, ID numbers masked. ID numbers
never travel in a URL: the list search has no ID-number filter (look-ups are POSTs, see lookup)."""

from __future__ import annotations

from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Optional, Regexp, ValidationError

from app.domain.identifiers import validate_citizen_id, validate_mobile
from app.extensions import db
from app.models.org import RegionLevel
from app.models.people import Person
from app.services.persons.prepare import add_person, person_changes, update_person
from app.views.base import DomainValidator, JurisdictionModelView, rollback_on_error
from app.views.filters import PersonJurisdictionFilter, RegionJurisdictionFilter
from app.web import current_actor


class NotYetRegistered:
    """Field validator: a clear message when the ID number is already on file."""

    def __call__(self, form, field):
        if not field.data:
            return
        exists = db.session.scalar(select(Person.id).where(Person.citizen_id == field.data))
        if exists:
            raise ValidationError("该身份证号码已登记，不能重复登记。请用“按身份证号查找”找到该劳动者。"
                                  "（PERSON_DUPLICATE）")


class PersonView(JurisdictionModelView):
    datamodel = SQLAInterface(Person)
    base_filters = [["id", PersonJurisdictionFilter, None]]
    list_title = "劳动者"
    show_title = "劳动者详情"
    add_title = "登记劳动者"
    edit_title = "修改劳动者信息"
    show_template = "beian/person_show.html"
    list_columns = ["name", "citizen_id_masked", "sex_label", "birth_date", "phone", "education",
                    "district", "street"]
    # No citizen_id here: FAB's search filters travel in the query string.
    search_columns = ["name", "phone", "education", "district", "street", "special_groups"]
    add_columns = ["name", "citizen_id", "phone", "education", "household_region_code",
                   "district", "street", "special_groups"]
    edit_columns = ["name", "phone", "education", "household_region_code", "district", "street",
                    "special_groups"]
    show_columns = ["name", "citizen_id_masked", "sex_label", "birth_date", "phone", "education",
                    "household_region_code", "district", "street", "special_groups", "created_at"]
    order_columns = ["name", "birth_date"]
    base_order = ("id", "asc")
    label_columns = {
        "name": "姓名", "citizen_id": "公民身份号码", "citizen_id_masked": "公民身份号码",
        "sex_label": "性别", "birth_date": "出生日期", "phone": "手机号码", "education": "学历",
        "household_region_code": "户籍地区划代码", "district": "户籍所在区", "street": "户籍所在街道",
        "special_groups": "特殊群体", "created_at": "登记时间",
    }
    description_columns = {
        "citizen_id": "18 位；性别和出生日期由号码自动得出。从表格复制时请确认未被转成科学计数法。",
        "household_region_code": "留空则取身份证号码前 6 位。",
    }
    validators_columns = {
        "citizen_id": [DomainValidator(validate_citizen_id, lambda cid: cid.number),
                       NotYetRegistered()],
        "phone": [DomainValidator(validate_mobile, lambda v: v)],
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "household_region_code": StringField(
            "户籍地区划代码", validators=[Optional(), Regexp(r"^\d{6}$", message="请填写 6 位数字的区划代码。")],
            description="留空则取身份证号码前 6 位。"),
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "district": [["level", FilterEqual, RegionLevel.DISTRICT],
                     ["id", RegionJurisdictionFilter, None]],
        "street": [["level", FilterEqual, RegionLevel.STREET],
                   ["id", RegionJurisdictionFilter, None]],
    }

    def pre_add(self, item):
        with rollback_on_error():
            add_person(current_actor(), item)

    def pre_update(self, item):
        with rollback_on_error():
            changes = person_changes(item)
            update_person(current_actor(), item, changes)
