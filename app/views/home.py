"""The start page: what this user may do, in their jurisdiction."""

from flask import g
from flask_appbuilder import IndexView, expose

from app.queries.jurisdiction import jurisdiction_of


class BeianIndexView(IndexView):
    index_template = "beian/index.html"

    @expose("/")
    def index(self):
        user = getattr(g, "user", None)
        jur = jurisdiction_of(user)
        office = getattr(user, "office", None) if jur.scope != "none" else None
        unit = getattr(user, "unit", None) if jur.scope == "unit" else None
        return self.render_template(self.index_template, jurisdiction=jur, office=office,
                                    unit=unit, appbuilder=self.appbuilder)
