"""The base of every form here: fields come from the posted form only.

Flask-WTF also fills fields from uploaded files and from a JSON body. No form here takes
either, and a file or a JSON number where text is expected reached the text filters as a
non-string (500). Reading `request.form` alone turns such requests into ordinary missing fields.
"""
from __future__ import annotations

from flask import has_request_context, request
from flask_wtf import FlaskForm

_FROM_REQUEST = object()


class PostedForm(FlaskForm):
    def __init__(self, formdata=_FROM_REQUEST, **kwargs):
        if formdata is _FROM_REQUEST:
            submitted = has_request_context() and self.is_submitted()
            formdata = request.form if submitted and request.form else None
        super().__init__(formdata=formdata, **kwargs)
