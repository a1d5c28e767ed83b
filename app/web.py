"""Request hooks: security headers; no caching of anything a logged-in user sees."""

from flask import Flask, request
from flask_login import current_user


def register_web_hooks(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        auth_page = request.path.startswith(("/login", "/logout", "/register", "/users/"))
        if auth_page or getattr(current_user, "is_authenticated", False):
            response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0"
            response.headers["Pragma"] = "no-cache"
        return response


def current_actor(via=None):
    """The Actor of this request: the logged-in user, their channel and client address."""
    from flask import g

    from app.services.actor import Actor

    return Actor.of(getattr(g, "user", None), via=via, ip=request.remote_addr or "")


def public_base_url() -> str:
    """Where the QR code of a document enqueued by this request points: BEIAN_PUBLIC_URL, else
    this request's host when it is listed in FAB_SAFE_REDIRECT_HOSTS (a forged Host header must
    not end up in a signed PDF), else the documents' default."""
    from flask import current_app

    from app.services.documents.agency import default_base_url

    host = (request.host or "").split(":")[0]
    safe_hosts = current_app.config["FAB_SAFE_REDIRECT_HOSTS"] or []
    if current_app.config["BEIAN_PUBLIC_URL"] or host not in safe_hosts:
        return default_base_url()
    return request.host_url.rstrip("/")
