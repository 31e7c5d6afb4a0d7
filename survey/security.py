"""Security headers on every response, and the signed session cookie.

The CSP allows scripts and styles from this server's static files only: no inline <script>,
no style="" or on*="" attributes in templates (QR codes are inline SVG, which is markup, not
script). Pages may not be framed, so a hostile page cannot overlay the staff buttons.

Every staff page and download (they show participants' text) is `Cache-Control: no-store`:
no copy stays in a shared computer's browser cache or a proxy after staff log out.
"""
from __future__ import annotations

import hashlib
import hmac

import flask.sessions as flask_sessions
import itsdangerous.signer as itsdangerous_signer
from flask import Flask, Response, request
from flask.json import dumps as json_dumps
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer, want_bytes
from itsdangerous.signer import HMACAlgorithm

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


_HEADERS_BY_KEY = tuple((name.lower(), name, value) for name, value in HEADERS.items())


def add_security_headers(response: Response) -> Response:
    # Each header unless the view set its own (as Headers.setdefault, which finds a missing header by
    # raising and catching a KeyError: four exceptions on every response of the app).
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    for key, name, value in _HEADERS_BY_KEY:
        if key not in present:
            headers.add(name, value)
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


class _SHA1HMAC(HMACAlgorithm):
    """HMAC-SHA1 in one call of OpenSSL's (hmac.digest). itsdangerous gives hmac a digest function
    (a lazy hashlib.sha1, for FIPS builds), which Python's hmac can only run through its pure-Python
    fallback: a dozen calls and two translated keys for every signature. The same signature."""

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, "sha1")


_SHA1 = (hashlib.sha1, flask_sessions._lazy_sha1, itsdangerous_signer._lazy_sha1)  # noqa: SLF001 - what each passes as SHA-1


class KeptKeySigner(TimestampSigner):
    """itsdangerous' timestamp signer, the signing key it derives from a secret key and salt (an HMAC
    of the salt) kept rather than derived again for every cookie read and written, and its HMAC-SHA1
    made by OpenSSL in one call (_SHA1HMAC). Same keys, same signatures."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kwargs.get("algorithm") is None and self.digest_method in _SHA1:
            self.algorithm = _SHA1HMAC(self.digest_method)

    _derived: dict[tuple, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = (self.secret_keys[-1] if secret_key is None else want_bytes(secret_key), self.salt,
               self.key_derivation, self.digest_method)
        derived = self._derived.get(key)
        if derived is None:
            if len(self._derived) >= 16:
                self._derived.clear()
            derived = self._derived[key] = super().derive_key(key[0])
        return derived


class _FlatJSON(TaggedJSONSerializer):
    """Flask's tagged JSON for the session cookie, written without the tagging walk when the session
    is what a phone's is: a few keys with plain strings (the CSRF secret, the device token, the last
    answer's id). Flask tags each value by trying its eight tags in turn; a string takes none of them,
    and a dict of strings is written as itself unless its one key is a tag's (which is then tagged as
    before). Anything else is tagged as Flask does. Read back the same way either way."""

    def dumps(self, value) -> str:
        if (type(value) is dict and all(type(v) is str for v in value.values())
                and not (len(value) == 1 and next(iter(value)) in self.tags)):
            return json_dumps(value, separators=(",", ":"))
        return super().dumps(value)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, made cheaper to read and write for a phone's every request
    (issue 25): the signing serializer made once per secret key rather than twice a request
    (itsdangerous checks each new serializer by serializing an empty dict with it, a tenth of the
    cookie's cost), the signing key derived once (KeptKeySigner), a session of plain strings written
    without Flask's tagging walk (_FlatJSON). Same keys, salt, signature and format; a changed
    SECRET_KEY or SECRET_KEY_FALLBACKS makes a new serializer."""

    serializer = _FlatJSON()

    def __init__(self) -> None:
        self._kept: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != key:
            kept = self._kept = (key, self._serializer(app))
        return kept[1]

    def _serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        return URLSafeTimedSerializer(
            [*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key],  # the current key last
            salt=self.salt, serializer=self.serializer, signer=KeptKeySigner,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method})
