"""Text from outside (form fields, query strings, URL parts, command-line arguments) is cleaned
once, at the edge, by `clean_text`.

PostgreSQL refuses NUL in text and anything that is not valid UTF-8 (a lone surrogate, which
Python makes from undecodable command-line bytes); the other C0 control characters are never
meant in a form or a name. Removing them, rather than refusing the request, keeps everything
else a person typed.
"""
from __future__ import annotations

import re

import click
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property

from .limits import STAFF_BODY_MAX

# Tab, line feed and carriage return stay; textareas send them.
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: str) -> str:
    return _UNWANTED.sub("", value)


def _clean_multidict(data: MultiDict, cls: type) -> MultiDict:
    return cls((clean_text(k), clean_text(v)) for k, v in data.items(multi=True))


class CleanRequest(Request):
    """The app's request class: form fields and query arguments arrive cleaned, and the
    staff pages (whose session form carries a roster) get a larger body limit than phones."""

    def _load_form_data(self) -> None:
        already = "form" in self.__dict__
        super()._load_form_data()
        if not already:
            self.__dict__["form"] = _clean_multidict(self.__dict__["form"], ImmutableMultiDict)

    @cached_property
    def args(self) -> MultiDict:
        return _clean_multidict(super().args, self.parameter_storage_class)

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.blueprint == "staff":
            return self._staff_body_max()
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        if self._max_form_memory_size is None and self.blueprint == "staff":
            return self._staff_body_max()
        return super().max_form_memory_size

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @staticmethod
    def _staff_body_max() -> int:
        from flask import current_app

        return current_app.config.get("STAFF_MAX_CONTENT_LENGTH", STAFF_BODY_MAX)


def clean_view_args(_endpoint: str | None, values: dict | None) -> None:
    """URL path parts (/s/<code>, /staff/sessions/<code>): registered as a url_value_preprocessor."""
    if values:
        for key, value in values.items():
            if isinstance(value, str):
                values[key] = clean_text(value)


class CleanText(click.ParamType):
    """click's STRING, cleaned: command-line arguments reach the same rules as form fields."""

    name = "text"

    def convert(self, value, param, ctx):
        return clean_text(click.STRING.convert(value, param, ctx))


CLEAN_TEXT = CleanText()


def clean_command_params(command: click.Command) -> None:
    """Give every plain string option and argument of a command the cleaning type."""
    for param in command.params:
        if isinstance(param.type, click.types.StringParamType):
            param.type = CLEAN_TEXT
