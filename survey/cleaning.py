"""Text from outside (form fields, query strings, URL parts, command-line arguments, JSON
strings, imported cells) is cleaned once, at the edge, by `clean_text`.

PostgreSQL refuses NUL in text and anything that is not valid UTF-8 (a lone surrogate, which
Python makes from undecodable command-line bytes); XML 1.0 (the Word report, the Excel export:
lxml and openpyxl) refuses the other C0 controls and the non-characters U+FFFE/U+FFFF, so one
answer ending in U+FFFF would break the whole session's export. C1 controls and the other
non-characters (U+FDD0-U+FDEF, the last two code points of every plane) are never meant in a
form or a name either. Removing them, rather than refusing the request, keeps everything else
a person typed.
"""
from __future__ import annotations

import re
from itertools import chain

import click
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property

from .limits import STAFF_BODY_MAX

# Tab, line feed and carriage return stay; textareas send them.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF)
                                          for plane in range(17))
_UNWANTED = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_NONCHARACTERS}]")
# Blueprints behind the staff login: their forms (the session form's roster) are larger than a
# phone's answer. Routes that take files declare their own limit (survey.limits.body_limit).
STAFF_BLUEPRINTS = frozenset({"staff", "review", "reports", "imports", "wall"})


def clean_text(value: str) -> str:
    return _UNWANTED.sub("", value)


# Marks that change how text reads without being seen: bidi overrides and isolates (U+202E turns
# "定价" round), zero-width spaces and joiners, the BOM, soft hyphen, interlinear annotation marks.
# Kept in what participants wrote (the record is theirs); stripped from what staff name or write
# for a document: theme names (review/payload.py) and the report's blocks and captions.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")


def strip_invisible(value: str) -> str:
    return _INVISIBLE.sub("", value)


def clean_json(value):
    """Every string in decoded JSON (keys and values, at any depth) cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_json(v) for k, v in value.items()}
    return value


def _clean_multidict(data: MultiDict, cls: type) -> MultiDict:
    items = list(data.items(multi=True))
    # Nearly every form and query has nothing to remove: one search over all its names and values
    # (joined by a line feed, which stays) instead of one substitution each, a thirtieth of a
    # phone's POST in Python calls (issue 25). Anything found, each is cleaned as before.
    try:
        clean = not _UNWANTED.search("\n".join(chain.from_iterable(items)))
    except TypeError:  # not all text
        clean = False
    if clean:
        return cls(items)
    return cls((clean_text(k), clean_text(v)) for k, v in items)


class CleanRequest(Request):
    """The app's request class: form fields, query arguments and JSON arrive cleaned; the
    phone form's body limit is the app's (64 KiB), the staff pages (whose session form carries
    a roster) get a larger one, and a route that takes files the one it declares."""

    def _load_form_data(self) -> None:
        already = "form" in self.__dict__
        super()._load_form_data()
        if not already:
            self.__dict__["form"] = _clean_multidict(self.__dict__["form"], ImmutableMultiDict)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return clean_json(super().get_json(force=force, silent=silent, cache=cache))
        except RecursionError as exc:  # JSON nested thousands deep: a 400, not a 500
            if silent:
                return None
            return self.on_json_loading_failed(ValueError(str(exc)))

    @cached_property
    def args(self) -> MultiDict:
        return _clean_multidict(super().args, self.parameter_storage_class)

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None:
            return self._route_body_max() or super().max_content_length
        return self._max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        # werkzeug holds a multipart part in this buffer while it looks for the next boundary,
        # so a route that takes files needs it as large as its body limit.
        if self._max_form_memory_size is None:
            return self._route_body_max() or super().max_form_memory_size
        return self._max_form_memory_size

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    def _route_body_max(self) -> int | None:
        """The matched route's declared limit, else the staff pages' limit, else None (the
        app's MAX_CONTENT_LENGTH / MAX_FORM_MEMORY_SIZE: the phone form's 64 KiB)."""
        from flask import current_app

        if self.url_rule is None:
            return None
        view = current_app.view_functions.get(self.url_rule.endpoint)
        declared = getattr(view, "body_max", None)
        if declared is not None:
            return declared
        if self.blueprint in STAFF_BLUEPRINTS:
            return current_app.config.get("STAFF_MAX_CONTENT_LENGTH", STAFF_BODY_MAX)
        return None


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
