"""The base of every form here: fields come from the posted form only, and the CSRF token is made
when the form is shown.

Flask-WTF also fills fields from uploaded files and from a JSON body. No form here takes
either, and a file or a JSON number where text is expected reached the text filters as a
non-string (500). Reading `request.form` alone turns such requests into ordinary missing fields.

WTForms' CSRF field makes the token to render (signed, and kept in the session cookie if it is not
there yet) as soon as the form is built, also for a POST that is checked, stored and redirected
without showing the form: a twentieth of a phone's answer in CPU time (benchmarks/phone_profile.py,
issue 25). Here the field makes it when it is rendered, the same token (Flask-WTF keeps one per
request); the check of the posted token is Flask-WTF's as before.
"""
from __future__ import annotations

import hashlib
import os

from flask import current_app, g, has_request_context, request
from flask import session as cookie_session
from flask_wtf import FlaskForm
from flask_wtf.csrf import (
    _FlaskFormCSRF,  # Flask-WTF's CSRF for forms, whose field is replaced below
    generate_csrf,
)
from itsdangerous import URLSafeTimedSerializer
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import HiddenField

from .security import KeptKeySigner

_FROM_REQUEST = object()


class _TokenWhenShown(CSRFTokenField):
    """WTForms' CSRF field, its token made when it is rendered rather than when it is filled."""

    def process(self, *args, **kwargs):
        HiddenField.process(self, *args, **kwargs)  # CSRFTokenField's own also makes the token

    @property
    def current_token(self) -> str:
        return self.csrf_impl.generate_csrf_token(self)


class _CSRF(_FlaskFormCSRF):
    field_class = _TokenWhenShown


class PostedForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        csrf_class = _CSRF

    def __init__(self, formdata=_FROM_REQUEST, **kwargs):
        if formdata is _FROM_REQUEST:
            submitted = has_request_context() and self.is_submitted()
            formdata = request.form if submitted and request.form else None
        super().__init__(formdata=formdata, **kwargs)


_SIGNERS: dict[str | bytes, URLSafeTimedSerializer] = {}


def csrf_token() -> str:
    """Flask-WTF's generate_csrf(): the same token (the raw secret kept in the session cookie,
    signed with the secret key and Flask-WTF's salt, made once per request and kept in flask.g), its
    serializer kept per secret key and its signing key derived once (KeptKeySigner), rather than a
    new serializer for every page (which itsdangerous checks by serializing an empty dict) and a key
    derived again: about a seventh of a phone's cached GET in CPU time (issue 25). Anything unusual
    (no secret key, a token already made this request, an odd value in the cookie) is left to
    Flask-WTF's own function; its check of a posted token is used as it is."""
    config = current_app.config
    name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)
    raw = cookie_session.get(name)
    if not isinstance(name, str) or secret is None or name in g or not (raw is None or isinstance(raw, str)):
        return generate_csrf()
    if raw is None:
        raw = cookie_session[name] = hashlib.sha1(os.urandom(64)).hexdigest()  # as Flask-WTF makes it
    signer = _SIGNERS.get(secret)
    if signer is None:
        if len(_SIGNERS) >= 8:
            _SIGNERS.clear()
        signer = _SIGNERS[secret] = URLSafeTimedSerializer(secret, salt="wtf-csrf-token", signer=KeptKeySigner)
    token = signer.dumps(raw)
    setattr(g, name, token)
    return token
