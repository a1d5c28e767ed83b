"""Shared view plumbing: jurisdiction-safe ModelViews and field validators that call the domain."""

from __future__ import annotations

from contextlib import contextmanager

from flask import abort, request
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from wtforms import BooleanField
from wtforms.validators import ValidationError

from app.domain.errors import DomainError
from app.services.transaction import discard


def found_or_404(item):
    """The record a service found for this user, or 404: outside the user's jurisdiction a
    record does not exist."""
    if item is None:
        abort(404)
    return item


class JurisdictionModelView(ModelView):
    """A ModelView whose single and bulk actions respect base_filters.

    FAB applies base_filters to list/show/edit/delete, but its action endpoints fetch rows by
    primary key with no filter: a crafted POST could act on another district's records. Here a
    primary key outside the user's jurisdiction is a 404, and nothing is done for any of them."""

    page_size = 20

    def _get_in_jurisdiction(self, pk):
        return found_or_404(
            self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters))

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        if request.method != "POST":
            abort(405)
        action = self.actions.get(name)
        if action is None:
            abort(404)
        if not self.appbuilder.sm.has_access(self.get_action_permission_name(name),
                                             self.class_permission_name):
            abort(403)
        return action.func(self._get_in_jurisdiction(pk))

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        name = request.form.get("action", "")
        action = self.actions.get(name)
        if action is None:
            abort(404)
        if not self.appbuilder.sm.has_access(self.get_action_permission_name(name),
                                             self.class_permission_name):
            abort(403)
        items = [self._get_in_jurisdiction(pk) for pk in request.form.getlist("rowid")]
        return action.func(items)


class DomainValidator:
    """Run a domain validator on a form field; on success store the normalised value."""

    def __init__(self, validate, normalise=None):
        self.validate = validate
        self.normalise = normalise

    def __call__(self, form, field):
        if field.data in (None, ""):
            return
        try:
            result = self.validate(field.data)
        except DomainError as exc:
            raise ValidationError(f"{exc.message}（{exc.code}）") from exc
        if self.normalise is not None:
            field.data = self.normalise(result)


@contextmanager
def rollback_on_error():
    """FAB flashes an exception raised in pre_add/pre_update but leaves the session dirty."""
    try:
        yield
    except Exception:
        discard()
        raise


def checkbox_fields(labels: dict[str, str]) -> dict[str, BooleanField]:
    """Form fields for NOT NULL booleans: FAB would mark them required, so an unticked box
    ('no') could never be submitted."""
    return {name: BooleanField(text, default=False) for name, text in labels.items()}


def rate_limit_posts(appbuilder, view, limit: str) -> None:
    """Limit POSTs to a public or sensitive view per client address (registration, one-time
    codes). Uses FAB's limiter, so RATELIMIT_STORAGE_URI shares counters between workers."""
    limiter = getattr(appbuilder.sm, "limiter", None)
    if limiter is not None and view.blueprint is not None:
        limiter.limit(limit, methods=["POST"])(view.blueprint)


def read_only_view(view_cls):
    """Mark a ModelView read-only (list/show only)."""
    view_cls.base_permissions = ["can_list", "can_show"]
    return view_cls


__all__ = ["JurisdictionModelView", "DomainValidator", "read_only_view", "checkbox_fields", "has_access",
           "expose"]
