"""Find a person by ID number (POST only) and reveal a full number (POST, audited): ID numbers
never travel in a URL."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from app.domain.errors import DomainError
from app.extensions import db
from app.models.people import Person
from app.queries.jurisdiction import jurisdiction_of
from app.services.persons.lookup import find_person_by_citizen_id, reveal_citizen_id
from app.web import current_actor


class PersonLookupView(BaseView):
    """Find a person by ID number (POST only) and reveal a full number (POST, audited)."""

    route_base = "/person-lookup"
    default_view = "lookup"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def lookup(self):
        if request.method == "POST":
            person = find_person_by_citizen_id(
                request.form.get("citizen_id", ""), jurisdiction_of(g.user))
            if person is not None:
                return redirect(url_for("PersonView.show", pk=person.id))
            # The same answer for a malformed, unknown or out-of-jurisdiction number.
            flash("在您的管辖范围内未找到该身份证号码对应的劳动者。请核对号码后重试。", "warning")
        return self.render_template("beian/person_lookup.html")

    @expose("/reveal/<int:pk>", methods=["POST"])
    @has_access
    def reveal(self, pk: int):
        person = db.session.scalar(
            select(Person).where(Person.id == pk, jurisdiction_of(g.user).person_clause()))
        if person is None:
            abort(404)
        try:
            number = reveal_citizen_id(current_actor(), person, request.form.get("reason"))
        except DomainError as exc:  # pragma: no cover - defensive
            abort(400, exc.message)
        return self.render_template("beian/person_reveal.html", person=person, number=number)
