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

from flask import has_request_context, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF  # Flask-WTF's CSRF for forms, whose field is replaced below
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import HiddenField

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
