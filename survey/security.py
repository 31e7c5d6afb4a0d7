"""Security headers on every response, and the signed session cookie.

The CSP allows scripts and styles from this server's static files only: no inline <script>,
no style="" or on*="" attributes in templates (QR codes are inline SVG, which is markup, not
script). Pages may not be framed, so a hostile page cannot overlay the staff buttons.

Every staff page and download (they show participants' text) is `Cache-Control: no-store`:
no copy stays in a shared computer's browser cache or a proxy after staff log out.
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from .cleaning import STAFF_BLUEPRINTS

NOT_STORED = STAFF_BLUEPRINTS | {"auth"}

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.blueprint in NOT_STORED:
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
        response.headers.pop("Last-Modified", None)
        response.headers.pop("ETag", None)
    return response


def csp_allowing_style(nonce: str) -> str:
    """The CSP with one inline <style nonce=…> allowed: the report page carries its print
    stylesheet inside the page so the same file also works downloaded and opened alone."""
    return CSP.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, its signing serializer made once per secret key rather than
    twice a request (reading the cookie and writing it): itsdangerous checks each new serializer
    by serializing an empty dict with it, which made the serializer a tenth of the cookie's cost on a
    phone's request (issue 25). Same keys, salt and signature; a changed SECRET_KEY or
    SECRET_KEY_FALLBACKS makes a new one."""

    def __init__(self) -> None:
        self._kept: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != key:
            kept = self._kept = (key, super().get_signing_serializer(app))
        return kept[1]

