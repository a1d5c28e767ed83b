"""The plumbing every /api/v1 endpoint shares: who is calling (API key or staff JWT — never the
browser session), permissions, per-key rate limits, body size and JSON parsing, request schemas,
Idempotency-Key, audit of writes, and one error shape for everything.

An endpoint is a method of a :class:`BeianApi` decorated with :func:`endpoint`; it receives the
validated body (``body=``) and query (``query=``) and returns ``(status, payload)``, or a Flask
response (a PDF). It raises DomainError or ApiError for refusals; anything else is logged and
answered with a structured 500 (which the fuzz test makes sure never happens)."""

from __future__ import annotations

import contextlib
import copy
import fcntl
import functools
import json
import logging
import os
import threading
from dataclasses import dataclass

from flask import current_app, g, make_response, request
from flask_appbuilder.api import BaseApi, expose
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from app import clock
from app.api import errors as E
from app.api.schemas import LABELS, MAX_ID, REQUEST_SCHEMAS, RESPONSE_SCHEMAS
from app.domain.api import DUPLICATE_PARAMETER, INTERNAL_ERROR
from app.domain.errors import DomainError
from app.extensions import appbuilder, db
from app.models.api import ApiKey
from app.models.filings import Channel
from app.services.actor import Actor
from app.services.api import idempotency
from app.services.api import keys as key_service
from app.services.audit import record
from app.services.transaction import discard, transaction

log = logging.getLogger(__name__)

__all__ = ["BeianApi", "Principal", "endpoint", "expose", "get_or_none", "json_response"]

# Error fields named as the service names them → the API's request field names.
FIELD_NAMES = {"unit": "unit_id", "employment": "employment_id", "to_unit": "to_unit_credit_code",
               "filing": "filing_id"}
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 429)


@dataclass(frozen=True)
class Principal:
    user: object
    key: ApiKey | None
    name: str  # "key:12" / "user:5": the scope of rate limits and Idempotency-Keys
    ip: str = ""

    @property
    def label(self) -> str:
        return f"{self.key.prefix}…" if self.key is not None else f"jwt:{self.user.username}"

    @functools.cached_property
    def actor(self) -> Actor:
        return Actor.of(self.user, via=Channel.API, ip=self.ip)


# -- authentication ----------------------------------------------------------------------------

def _presented_credential() -> tuple[str, str] | None:
    """("key", raw) or ("jwt", token) from the headers; None when there is none. Cookies are
    never looked at: a browser session does not authenticate an API request."""
    header_key = request.headers.get("X-API-Key", "").strip()
    if header_key:
        return "key", header_key
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() != "bearer ":
        return None
    token = auth[7:].strip()
    if not token:
        return None
    return ("key", token) if key_service.looks_like_key(token) else ("jwt", token)


def authenticate() -> Principal:
    presented = _presented_credential()
    if presented is None:
        raise E.unauthorized()
    kind, raw = presented
    if kind == "key":
        key = key_service.authenticate_key(raw)
        if key is None:
            raise E.invalid_key()
        return Principal(key.user, key, f"key:{key.id}", request.remote_addr or "")
    from flask_jwt_extended import get_current_user, verify_jwt_in_request

    try:
        verify_jwt_in_request()
        user = get_current_user()
    except Exception:  # expired, forged, malformed, or the user is gone/deactivated
        raise E.invalid_token() from None
    if user is None or not user.is_active:
        raise E.invalid_token()
    return Principal(user, None, f"user:{user.id}", request.remote_addr or "")


# -- rate limits ---------------------------------------------------------------------------------

def _rate_limiter():
    """Flask-Limiter's strategy (shared storage, e.g. Redis) when it runs; else a process-local
    one, so the per-key limit also holds where the login limits are switched off."""
    ext = getattr(appbuilder.sm, "limiter", None)
    if ext is not None and getattr(ext, "enabled", False) and getattr(ext, "_storage", None):
        return ext.limiter
    state = current_app.extensions.setdefault("beian_api_limiter", {})
    if "limiter" not in state:
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        state["limiter"] = MovingWindowRateLimiter(MemoryStorage())
    return state["limiter"]


def check_rate_limit(principal: Principal) -> None:
    config = current_app.config
    if not config["BEIAN_API_RATE_LIMITED"]:
        return
    from limits import parse_many

    limiter = _rate_limiter()
    for item in parse_many(config["BEIAN_API_RATE_LIMIT"]):
        if not limiter.hit(item, "beian-api", principal.name):
            reset = limiter.get_window_stats(item, "beian-api", principal.name).reset_time
            now = clock.instant().timestamp()
            raise E.rate_limited(max(1, int(reset - now) + 1))


# -- request bodies ------------------------------------------------------------------------------

def _reject_constant(name):
    raise ValueError(name)


def read_json_body() -> dict:
    limit = key_service.settings_max_body()
    if request.content_length is not None and request.content_length > limit:
        raise E.too_large(limit)
    if request.mimetype != "application/json":
        raise E.unsupported_media_type()
    request.max_content_length = limit
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise E.too_large(limit) from None
    if len(raw) > limit:
        raise E.too_large(limit)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise E.malformed_json() from None
    if not isinstance(data, dict):
        raise E.malformed_json()
    return data


def load(schema: Schema, data) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise E.from_validation(exc.messages, LABELS) from None
    except RecursionError:
        raise E.malformed_json() from None


def query_args(schema: Schema) -> dict:
    data = {}
    for name in request.args:
        values = request.args.getlist(name)
        if len(values) > 1:
            raise DUPLICATE_PARAMETER(field=name, name=name)
        data[name] = values[0]
    return load(schema, data)


class _SqliteWriterQueue:
    """SQLite has one writer at a time. Writers that wait for it in SQLite's busy handler sleep
    in growing steps (up to 100 ms) however soon the lock frees, which makes the slowest
    requests very slow under load. API writes queue here instead — a thread lock within a
    worker, an flock on a file beside the database across workers — and go the moment the
    previous one is done. (PostgreSQL needs none of this: rows lock themselves.)"""

    def __init__(self) -> None:
        self._thread_lock = threading.Lock()
        self._files: dict[str, int] = {}

    def _fd(self) -> int | None:
        database = db.engine.url.database
        if not database or database == ":memory:":
            return None
        path = f"{database}-api-writer.lock"
        if path not in self._files:
            self._files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._files[path]

    @contextlib.contextmanager
    def hold(self):
        with self._thread_lock:
            fd = self._fd()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)


_SQLITE_WRITERS = _SqliteWriterQueue()


def _serialised(is_write: bool):
    if is_write and db.engine.dialect.name == "sqlite":
        return _SQLITE_WRITERS.hold()
    return contextlib.nullcontext()


def get_or_none(model, pk):
    """db.session.get, with ids no database column can hold treated as unknown."""
    if pk is None or not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        return None
    return db.session.get(model, pk)


def json_response(status: int, payload: dict, headers: dict | None = None):
    response = make_response(json.dumps(payload, ensure_ascii=False, default=str), status)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(exc: E.ApiError):
    return json_response(exc.status, exc.body, exc.headers)


# -- the endpoint decorator ------------------------------------------------------------------

def _schema_ref(schema) -> dict:
    # FAB registers component schemas under their class names (openapi_spec_component_schemas).
    name = schema.__name__ if isinstance(schema, type) else schema
    return {"$ref": f"#/components/schemas/{name}"}


def endpoint(permission: str, *, summary: str, body: type[Schema] | None = None,
             query: type[Schema] | None = None, response: type[Schema] | None = None,
             status: int = 200, path_params: tuple[str, ...] = (), write: bool | None = None,
             description: str = "", produces_pdf: bool = False):
    """Declare an API endpoint: its permission (FAB ``can_<permission>`` on the class), its
    schemas (validated here and described in the OpenAPI document) and its success status."""
    is_write = bool(body) if write is None else write

    def decorate(f):
        @functools.wraps(f)
        def wrapped(self, *args, **kwargs):
            return self._run(f, permission, args, kwargs, body=body, query=query,
                             is_write=is_write)

        wrapped._permission_name = permission
        spec: dict = {"summary": summary, "description": description or summary,
                      "parameters": [], "responses": {}}
        for name in path_params:
            spec["parameters"].append({"in": "path", "name": name, "required": True,
                                       "schema": {"type": "integer", "minimum": 1,
                                                  "maximum": MAX_ID}})
        if query is not None:
            spec["parameters"].append({"in": "query", "schema": query})
        if body is not None:
            spec["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": _schema_ref(body)}}}
            spec["parameters"].append({
                "in": "header", "name": "Idempotency-Key", "required": False,
                "description": "同一请求重试时带同一值，只办理一次（建议 UUID）",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                           "pattern": "^[\\x21-\\x7e]+$"}})
        if produces_pdf:
            spec["responses"][str(status)] = {"description": "PDF", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
            spec["responses"]["202"] = {"description": "生成中", "content": {
                "application/json": {"schema": _schema_ref("DocumentStatusSchema")}}}
        else:
            spec["responses"][str(status)] = {"description": "OK", "content": {
                "application/json": {"schema": _schema_ref(response)}}}
        if body is not None:
            spec["responses"].setdefault("200", {
                "description": "重试（Idempotency-Key）时返回的首次结果", "content": {
                    "application/json": {"schema": _schema_ref(response)}}})
        for code in ERROR_STATUSES:
            spec["responses"].setdefault(str(code), {"$ref": "#/components/responses/Error"})
        wrapped._openapi = spec
        return wrapped

    return decorate


class BeianApi(BaseApi):
    """Base of our /api/v1 resources."""

    version = "v1"
    csrf_exempt = True  # key/JWT only: a browser's cookies never authenticate here
    allow_browser_login = False
    openapi_spec_component_schemas = REQUEST_SCHEMAS + RESPONSE_SCHEMAS

    # -- OpenAPI ---------------------------------------------------------------------------
    def add_apispec_components(self, api_spec) -> None:
        from apispec.exceptions import DuplicateComponentNameError

        super().add_apispec_components(api_spec)
        additions = (
            ("security_scheme", "api_key", {
                "type": "http", "scheme": "bearer", "bearerFormat": "API Key",
                "description": "单位接口密钥：Authorization: Bearer bk_…"}),
            ("security_scheme", "api_key_header", {
                "type": "apiKey", "in": "header", "name": "X-API-Key",
                "description": "单位接口密钥（另一种写法）：X-API-Key: bk_…"}),
            ("security_scheme", "jwt", {"type": "http", "scheme": "bearer",
                                        "bearerFormat": "JWT"}),
            ("response", "Error", {"description": "结构化错误", "content": {
                "application/json": {"schema": _schema_ref("ErrorsSchema")}}}),
        )
        for kind, name, value in additions:
            try:
                getattr(api_spec.components, kind)(name, value)
            except DuplicateComponentNameError:
                pass

    def operation_helper(self, path=None, operations=None, methods=None, func=None, **kwargs):
        spec = getattr(func, "_openapi", None)
        if spec is None:
            return super().operation_helper(path=path, operations=operations, methods=methods,
                                            func=func, **kwargs)
        for method in methods:
            operation = copy.deepcopy(spec)
            operation["security"] = [{"api_key": []}, {"api_key_header": []}, {"jwt": []}]
            operations[method.lower()] = operation

    # -- running an endpoint ---------------------------------------------------------------
    def _run(self, f, permission, args, kwargs, *, body, query, is_write):
        principal = None
        claimed = None
        try:
            principal = authenticate()
            g.user = principal.user
            g._api_key_user = True  # FAB's has_access: judge this user, not the session
            g.api_principal = principal
            check_rate_limit(principal)
            if not appbuilder.sm.has_access(f"can_{permission}", self.class_permission_name):
                raise E.forbidden()
            if query is not None:
                kwargs["query"] = query_args(query())
            if body is not None:
                data = read_json_body()
                kwargs["body"] = load(body(), data)
                key = request.headers.get("Idempotency-Key")
                if key is not None:
                    key = idempotency.check_key(key.strip())
            with _serialised(is_write):
                if body is not None and key is not None:
                    digest = idempotency.request_hash(request.method, request.path, data)
                    replay = idempotency.claim(principal.name, key, digest)
                    if replay is not None:
                        self._after(principal, None, None)
                        return json_response(replay.status, replay.body,
                                             {"Idempotent-Replayed": "true"})
                    claimed = key
                    kwargs["idempotency_key"] = idempotency.request_hash(
                        "key", principal.name, claimed)[:60]
                result = f(self, *args, **kwargs)
                if not isinstance(result, tuple):
                    self._after(principal, None, None)
                    return result
                status, payload = result
                self._after(principal, (status, payload) if is_write else None, claimed)
            return json_response(status, payload)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a structured answer
            return self._failed(exc, principal, claimed)

    def _failed(self, exc: Exception, principal: Principal | None, claimed: str | None):
        """The structured answer to a failure; the claim of its Idempotency-Key released."""
        discard()
        if isinstance(exc, E.ApiError):
            answer = exc
        elif isinstance(exc, DomainError):
            answer = E.ApiError.from_domain(exc, FIELD_NAMES)
        else:
            log.exception("API %s %s failed", request.method, request.path)
            answer = E.ApiError.from_domain(INTERNAL_ERROR())
        if claimed and principal is not None:
            try:
                idempotency.release(principal.name, claimed)
            except Exception:  # pragma: no cover - the stale-claim timeout covers it
                discard()
        if principal is not None and answer.status != 401:
            self._touch(principal)
        return error_response(answer)

    def _after(self, principal: Principal, written: tuple | None, idempotency_key):
        """After success: the audit entry of a write, the stored idempotent response, the
        key's last use — one short transaction."""
        if written is not None:
            status, payload = written
            with transaction():
                record(principal.actor, "api_request",
                       payload.get("id") if isinstance(payload, dict) else None,
                       f"{request.method} {request.path}"[:64],
                       after={"status": status, "credential": principal.label},
                       reason=f"系统对接 {principal.label}")
                if idempotency_key:
                    idempotency.complete(principal.name, idempotency_key, status, payload)
        self._touch(principal)

    @staticmethod
    def _touch(principal: Principal) -> None:
        if principal.key is not None:
            try:
                key_service.touch(principal.key)
            except Exception:  # pragma: no cover - last-used time is best effort
                discard()
