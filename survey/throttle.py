"""Throttling with Flask-Limiter: failed staff logins (per account and per address) and stored
participant answers (per address).

One Limiter per app, made in the factory, so each app (and each test) has its own counters.
Counts live in memory by default; with PINGJIA_REDIS_URL they live in Redis, shared by every
server process. The limits are far above what a real round-table does: thirty phones behind
one venue Wi-Fi address store thirty answers in a minute, well under the address limit.
"""
from __future__ import annotations

import datetime as dt
import math
import time

from flask import Flask, current_app, g, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

from .cleaning import clean_text
from .timefmt import LOCAL_TZ


def init_app(app: Flask) -> Limiter:
    """Call after the blueprints are registered: the limits wrap their views."""
    redis_url = app.config["REDIS_URL"]
    limiter = Limiter(
        get_remote_address,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"] or redis_url or "memory://",
        strategy="moving-window",
        key_prefix=app.config["RATELIMIT_KEY_PREFIX"],
        # If Redis goes away mid-meeting, keep counting in memory rather than failing logins.
        in_memory_fallback_enabled=True,
        headers_enabled=False,
    )
    limiter.init_app(app)
    app.extensions["pingjia_limiter"] = limiter

    login_failed = _flag_set("login_failed")
    _limit(app, limiter, "auth.login",
           limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"], key_func=_login_account,
                         methods=["POST"], deduct_when=login_failed),
           limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], key_func=_address("login"),
                         methods=["POST"], deduct_when=login_failed))
    _limit(app, limiter, "participate.survey",
           limiter.limit(lambda: current_app.config["SUBMIT_ADDRESS_LIMIT"], key_func=_address("submit"),
                         methods=["POST"], deduct_when=_flag_set("response_stored")))
    return limiter


def _limit(app: Flask, limiter: Limiter, endpoint: str, *decorators) -> None:
    view = app.view_functions[endpoint]
    for decorate in decorators:
        view = decorate(view)
    app.view_functions[endpoint] = view


def _flag_set(name: str):
    """deduct_when: count only requests whose view set g.<name> (a failed login, a stored answer)."""
    return lambda _response: bool(g.get(name))


def _login_account() -> str:
    return "login-user:" + clean_text(request.form.get("username", "")).strip()


def _address(kind: str):
    return lambda: f"{kind}-addr:{get_remote_address()}"


def retry_after() -> tuple[int, str]:
    """(whole minutes to wait, Beijing clock time) for the limit this request just hit."""
    limit: RequestLimit | None = current_app.extensions["pingjia_limiter"].current_limit
    reset_at = limit.reset_at if limit else time.time() + 60
    wait = max(1, math.ceil((reset_at - time.time()) / 60))
    at = dt.datetime.fromtimestamp(reset_at, LOCAL_TZ)
    return wait, f"{at:%H:%M}"
