"""The base of every form here: fields come from the posted form only, and the CSRF token is made
when the form is shown.

Flask-WTF also fills fields from uploaded files and from a JSON body. No form here takes
either, and a file or a JSON number where text is expected reached the text filters as a
non-string (500). Reading `request.form` alone turns such requests into ordinary missing fields.

WTForms' CSRF field makes the token to render (signed, and kept in the session cookie if it is not
there yet) as soon as the form is built, also for a POST that is checked, stored and redirected
without showing the form: a twentieth of a phone's answer in CPU time (benchmarks/phone_profile.py,
issue 25). Here the field makes it when it is rendered, the same token (Flask-WTF keeps one per
request). Flask-WTF's token is made (csrf_token) and checked (_CSRF) here with one kept serializer per
secret key instead of a new one each time; the token, its secret in the session cookie and every check
and message are Flask-WTF's.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os

from flask import current_app, g, has_request_context, request
from flask import session as cookie_session
from flask_wtf import FlaskForm
from flask_wtf.csrf import (
    _FlaskFormCSRF,  # Flask-WTF's CSRF for forms, whose field is replaced below
    generate_csrf,
)
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import HiddenField
from wtforms.validators import ValidationError

from .security import KeptKeySigner

log = logging.getLogger("flask_wtf.csrf")  # where Flask-WTF logs a refused token
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

    def validate_csrf_token(self, form, field) -> None:
        """Flask-WTF's check of the posted token (flask_wtf.csrf.validate_csrf: the same steps and
        messages, and skipped when CSRFProtect has checked the request already), its serializer the
        kept one csrf_token() signs with rather than a new one per POST (a fifth of the form's
        validation in Python calls, issue 25). Anything unusual goes to Flask-WTF's own check."""
        meta = self.meta
        secret, name, limit = meta.csrf_secret, meta.csrf_field_name, meta.csrf_time_limit
        if g.get("csrf_valid", False) or secret is None or not isinstance(name, str):
            return super().validate_csrf_token(form, field)
        try:
            if not field.data:
                raise ValidationError("The CSRF token is missing.")
            if name not in cookie_session:
                raise ValidationError("The CSRF session token is missing.")
            try:
                token = _signer(secret).loads(field.data, max_age=limit)
            except SignatureExpired as e:
                raise ValidationError("The CSRF token has expired.") from e
            except BadData as e:
                raise ValidationError("The CSRF token is invalid.") from e
            if not hmac.compare_digest(cookie_session[name], token):
                raise ValidationError("The CSRF tokens do not match.")
        except ValidationError as e:
            log.info(e.args[0])
            raise


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
    token = _signer(secret).dumps(raw)
    setattr(g, name, token)
    return token


def _signer(secret: str | bytes) -> URLSafeTimedSerializer:
    """Flask-WTF's token serializer (its salt, itsdangerous' defaults), one per secret key."""
    signer = _SIGNERS.get(secret)
    if signer is None:
        if len(_SIGNERS) >= 8:
            _SIGNERS.clear()
        signer = _SIGNERS[secret] = URLSafeTimedSerializer(secret, salt="wtf-csrf-token", signer=KeptKeySigner)
    return signer


# Fields as WTForms binds them for a form, by (class-level unbound field, name, prefix): the class
# and attributes of a freshly bound one, before any form data (see KeptFields).
_BOUND: dict[tuple, tuple[type, dict, object]] = {}


def _no_default() -> None:
    return None


class KeptFields(PostedForm.Meta):
    """A form Meta (`Meta = KeptFields`: the answer forms', survey/answers.py): each field made from the
    first one WTForms bound for the same declaration, not bound anew: binding (each field's
    constructor, its label, flags and validators checked) was over half of building a phone's POST
    form, about 150 Python calls (issue 25). A copy carries the
    field's declaration (its name, label, choices, validators, filters, widget), all of which the
    form only reads, and none of a form's data (copied before any is set); it is given its own
    form's meta. The CSRF field, which belongs to its form, is bound as WTForms binds it."""

    def bind_field(self, form, unbound_field, options):
        key = (unbound_field, options["name"], options["prefix"])
        kept = _BOUND.get(key)
        if kept is None or kept[2] is not options["translations"] or issubclass(unbound_field.field_class,
                                                                                 CSRFTokenField):
            field = super().bind_field(form, unbound_field, options)
            if not isinstance(field, CSRFTokenField):
                if len(_BOUND) >= 4096:
                    _BOUND.clear()
                declared = dict(field.__dict__)
                if declared.get("default") is None:
                    # Field.process calls its default and catches the TypeError None gives: an
                    # exception for every field of every form. A function giving None is the same.
                    declared["default"] = _no_default
                _BOUND[key] = (type(field), declared, options["translations"])
            return field
        field = object.__new__(kept[0])
        field.__dict__.update(kept[1])
        field.meta = self
        return field
