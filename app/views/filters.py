"""Flask-AppBuilder base filters that limit generic views to the logged-in user's jurisdiction.
They cover list/show/edit/delete; actions and our own endpoints re-check (see ARCHITECTURE.md)."""

from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter

from app.queries.jurisdiction import NOWHERE, Jurisdiction, jurisdiction_of


def current_jurisdiction() -> Jurisdiction:
    if not has_request_context():
        return NOWHERE
    return jurisdiction_of(getattr(g, "user", None))


class UnitJurisdictionFilter(BaseFilter):
    """FAB base filter: only units in the current user's jurisdiction."""

    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        return query.filter(current_jurisdiction().unit_clause())


class PersonJurisdictionFilter(BaseFilter):
    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        return query.filter(current_jurisdiction().person_clause())


class RegionJurisdictionFilter(BaseFilter):
    name = "jurisdiction"
    arg_name = "jur"

    def apply(self, query, value):
        from app.models.org import Region

        return query.filter(current_jurisdiction().region_clause(Region))
