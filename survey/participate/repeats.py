"""The same answer sent again and again: counted once.

A script that posts one text with a fresh submission id each time stored 120 identical answers
in 2.2 s (issue 21). The submission id cannot catch it (the script makes new ones), so the text
is compared too: the same answer to the same session from the same device (the cookie the form
page hands out; text, type and ratings all the same) or the same written text from the same
address, within REPEAT_WINDOW_SECONDS, is the submit already stored, answered with its thank-you
page and stored nothing. From one address the text must be at
least REPEAT_MIN_CHARS long: two people behind one venue Wi-Fi may both write "无", never the same
sentence; short answers from a flooding address are left to the rate limit (survey/throttle.py).

The keys live in the throttle's storage (memory, or Redis shared by every server process). The
first request to claim a key stores the answer and then records its id; an identical request
arriving meanwhile waits briefly for that id, so racing copies store one answer too.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from flask import current_app
from flask import session as cookie_session
from flask_limiter.util import get_remote_address

from ..answers import SurveyFormBase
from ..extensions import db
from ..models import WRITTEN_FIELDS, EvaluationSession, Response
from ..throttle import throttle_storage, throttling_enabled

_DEVICE = "device"
_WORDS = re.compile(r"\w+")
_WAIT_SECONDS = 3.0  # how long a copy waits for the first to be stored


def device_token() -> str:
    """This browser's token, made on its first visit (kept in the signed session cookie)."""
    token = cookie_session.get(_DEVICE)
    if not token:
        token = cookie_session[_DEVICE] = secrets.token_hex(8)
    return token


def _significant(text: str) -> str:
    # Spacing and punctuation changed by a script do not make another answer.
    return "".join(_WORDS.findall(text)).lower()


def _digest(session: EvaluationSession, value: str) -> str:
    return hashlib.sha256(f"{session.id}\x1e{value}".encode()).hexdigest()[:32]


@dataclass
class Claim:
    keys: list[str]
    window: int

    def remember(self, response: Response) -> None:
        storage = throttle_storage()
        for key in self.keys:
            storage.clear(f"{key}/id")
            storage.incr(f"{key}/id", self.window, amount=response.id)

    def release(self) -> None:
        storage = throttle_storage()
        for key in self.keys:
            storage.clear(f"{key}/claim")


def claim(session: EvaluationSession, form: SurveyFormBase) -> Response | Claim | None:
    """The answer already stored for this text from this device or address (a repeat), or a
    Claim to `remember` once this one is stored (`release` if it is not), or None when there
    is nothing to compare (throttling off, or no written text)."""
    if not throttling_enabled():
        return None
    config = current_app.config
    window = int(config["REPEAT_WINDOW_SECONDS"])
    text = "\x1f".join(_significant(form[name].data or "") for name in ("organisation", *WRITTEN_FIELDS))
    if window <= 0 or not text.strip("\x1f"):
        return None
    # From one device the whole answer must repeat (a phone passed round a table may carry two
    # people's "无" with different ratings); from one address the written text is enough.
    whole = f"{text}\x1e{form.organisation_type.data or ''}\x1e{sorted(form.scores().items())}"
    prefix = f"{config['RATELIMIT_KEY_PREFIX']}/repeat/{session.id}"
    keys = [f"{prefix}/device/{device_token()}/{_digest(session, whole)}"]
    if len(text.replace("\x1f", "")) >= int(config["REPEAT_MIN_CHARS"]):
        keys.append(f"{prefix}/address/{get_remote_address()}/{_digest(session, text)}")
    storage = throttle_storage()
    claimed = [storage.incr(f"{key}/claim", window) for key in keys]
    if all(n == 1 for n in claimed):
        return Claim(keys, window)
    deadline = time.monotonic() + _WAIT_SECONDS
    while True:
        for key in keys:
            earlier = db.session.get(Response, storage.get(f"{key}/id") or 0)
            if earlier is not None and earlier.session_id == session.id:
                return earlier
        if time.monotonic() >= deadline:
            # The first copy was never stored (the session filled up, the database was busy):
            # this one is not a repeat of anything, so it is stored in its own right.
            return Claim(keys, window)
        time.sleep(0.1)
