"""Structured logs: one JSON object a line (BEIAN_LOG_FORMAT=json) for the web workers and the
scheduler, each line of a request carrying its request id — taken from nginx's X-Request-ID, or
made here — which the response sends back, so a complaint's id finds its lines on every host."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d"


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = (getattr(g, "request_id", "-") if has_request_context() else "-")
        return True


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """The process's logging: JSON lines, or plain text for a terminal."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter(FIELDS, rename_fields={"asctime": "time",
                                                                  "levelname": "level",
                                                                  "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def register_request_ids(app: Flask) -> None:
    @app.before_request
    def _request_id():
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        request_id = getattr(g, "request_id", None)
        if request_id:
            response.headers["X-Request-ID"] = request_id
        return response
