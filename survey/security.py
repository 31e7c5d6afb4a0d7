"""Security headers on every response.

The CSP allows scripts and styles from this server's static files only: no inline <script>,
no style="" or on*="" attributes in templates (QR codes are inline SVG, which is markup, not
script). Pages may not be framed, so a hostile page cannot overlay the staff buttons.
"""
from __future__ import annotations

from flask import Response

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
    return response
