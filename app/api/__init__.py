"""The REST API under /api/v1 (Flask-AppBuilder's REST layer): resources in app.api.resources,
shared plumbing (auth, errors, idempotency) in app.api.base, the OpenAPI document at
/api/v1/_openapi (public: it documents the API, it holds no data)."""

from __future__ import annotations

from flask import current_app, request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.api.manager import OpenApi


class OpenApiDocument(OpenApi):
    """FAB's OpenAPI view, served without login (integrators read it before they have a key)
    and in production too (FAB serves it only with FAB_API_SWAGGER_UI, i.e. development)."""

    route_base = "/api"
    allow_browser_login = False

    @expose("/v1/_openapi")
    @safe
    def get(self):
        """The OpenAPI document of /api/v1
        ---
        get:
          summary: OpenAPI 文档
          description: The OpenAPI document of the Beian REST API (version v1)
          responses:
            200:
              description: The OpenAPI document
              content:
                application/json:
                  schema:
                    type: object
        """
        api_spec = self._create_api_spec("v1")
        for base_api in current_app.appbuilder.baseviews:
            if isinstance(base_api, BaseApi) and base_api.version == "v1":
                base_api.add_api_spec(api_spec)
        response = self.response(200, **api_spec.to_dict())
        response.headers["Cache-Control"] = "no-cache"
        return response


def _json_error_for_api_paths(app):
    """Unknown URLs, wrong methods and oversized bodies under /api/ answer in the API's error
    shape too; elsewhere Flask's default pages stay."""
    from werkzeug.exceptions import HTTPException

    from app.api.base import error_response
    from app.api.errors import ApiError, too_large
    from app.domain.api import METHOD_NOT_ALLOWED, UNKNOWN_ENDPOINT
    from app.services.api.keys import settings_max_body

    refusals = {404: UNKNOWN_ENDPOINT, 405: METHOD_NOT_ALLOWED}

    def handle(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        if exc.code == 413:
            return error_response(too_large(settings_max_body()))
        answer = error_response(ApiError.from_domain(refusals[exc.code]()))
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            answer.headers["Allow"] = ", ".join(exc.valid_methods)
        return answer

    for status in (404, 405, 413):
        app.register_error_handler(status, handle)


def _guard_fab_login(app):
    """FAB's JWT login answers 500 when "provider" is left out (it reads the key without a
    default) and passes a username with a NUL byte on to PostgreSQL: answer those with FAB's own
    400 instead."""
    from flask import jsonify

    @app.before_request
    def _check_login_payload():
        if request.endpoint != "SecurityApi.login" or request.method != "POST":
            return None
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return None  # FAB answers 400 itself
        problem = None
        if "provider" not in payload:
            problem = {"provider": ["Missing data for required field."]}
        elif any(isinstance(payload.get(k), str) and "\x00" in payload[k]
                 for k in ("username", "provider")):
            problem = {"username": ["Invalid character."]}
        if problem is None:
            return None
        response = jsonify({"message": problem})
        response.status_code = 400
        return response


def register_apis(appbuilder) -> None:
    from flask_appbuilder.api.manager import SwaggerView

    from app.api.resources import API_CLASSES

    app = current_app._get_current_object()
    for api_class in API_CLASSES:
        appbuilder.add_api(api_class)
    appbuilder.add_api(OpenApiDocument)
    if app.config.get("FAB_API_SWAGGER_UI"):
        appbuilder.add_view_no_menu(SwaggerView)
    # FAB's JWT login (/api/v1/security/login) is not covered by AUTH_RATE_LIMITED: limit it
    # like the login form.
    sm = appbuilder.sm
    limiter = getattr(sm, "limiter", None)
    if limiter is not None and app.config.get("AUTH_RATE_LIMITED"):
        for view in appbuilder.baseviews:
            if type(view).__name__ == "SecurityApi" and view.blueprint is not None:
                limiter.limit(app.config["AUTH_RATE_LIMIT"],
                              methods=["POST"])(view.blueprint)
    _json_error_for_api_paths(app)
    _guard_fab_login(app)
