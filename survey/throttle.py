"""Throttling: stored participant answers per address (Flask-Limiter), and failed staff logins
with an increasing backoff per account and address together (`LoginBackoff`).

One Limiter per app, made in the factory, so each app (and each test) has its own counters.
Counts live in memory by default; with PINGJIA_REDIS_URL they live in Redis, shared by every
server process. The limits are far above what a real round-table does: thirty phones behind
one venue Wi-Fi address store thirty answers in a minute, well under the address limit.

Logins are never locked. A lockout per account lets anyone lock a colleague out by typing
wrong passwords for their name, and one per address locks a whole office behind one NAT. So
failures are counted per (user name, address) pair: after LOGIN_FREE_FAILURES the pair must
wait LOGIN_BACKOFF_SECONDS, doubling with each further failure up to LOGIN_BACKOFF_MAX_SECONDS;
a success clears the pair. The same name from another address, and other names from the same
address, are not slowed at all; a guesser on one pair gets a handful of tries an hour.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import threading
import time

from flask import Flask, current_app, g, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage, Storage

from .cleaning import clean_text
from .timefmt import LOCAL_TZ

log = logging.getLogger(__name__)


def init_app(app: Flask) -> Limiter:
    """Call after the blueprints are registered: the limits wrap their views."""
    redis_url = app.config["REDIS_URL"]
    storage_uri = app.config["RATELIMIT_STORAGE_URI"] or redis_url or "memory://"
    if storage_uri.startswith("memory://"):
        storage_uri = storage_uri.replace("memory://", f"{SweptMemoryStorage.STORAGE_SCHEME[0]}://", 1)
    limiter = Limiter(
        get_remote_address,
        storage_uri=storage_uri,
        strategy="moving-window",
        key_prefix=app.config["RATELIMIT_KEY_PREFIX"],
        # If Redis goes away mid-meeting, keep counting in memory rather than failing logins.
        in_memory_fallback_enabled=True,
        headers_enabled=False,
    )
    limiter.init_app(app)
    app.extensions["pingjia_limiter"] = limiter

    app.extensions["pingjia_login_backoff"] = LoginBackoff(limiter)
    _skip_empty_request_check(app, limiter)
    stored = _flag_set("response_stored")
    posts = ["POST"]  # answers are counted; opening the form is not
    _limit(app, "participate.survey", posts,
           limiter.limit(lambda: current_app.config["SUBMIT_ADDRESS_LIMIT"], key_func=_address("submit"),
                         methods=posts, deduct_when=stored),
           # One session's share of an address: a script aimed at one open session is stopped
           # long before it fills the session, while the address may still answer other sessions.
           limiter.limit(lambda: current_app.config["SUBMIT_SESSION_ADDRESS_LIMIT"], key_func=_session_address,
                         methods=posts, deduct_when=stored))
    return limiter


class SweptMemoryStorage(MemoryStorage):
    """limits' memory storage, with its clean-up of expired counts run by the request that finds
    it due instead of by a new timer thread. The library starts a `threading.Timer` 10 ms after
    any count when none is alive, so in a burst nearly every stored answer started (and waited
    for) a thread: 2.3 ms of a phone's POST under load (benchmarks/phone_profile.py). Counts are
    the same: an expired key is swept before the next count touches it, as often as before."""

    STORAGE_SCHEME = ["pingjia-memory"]  # registered with limits by the subclass itself
    SWEEP_SECONDS = 0.01  # the library timer's delay

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._swept = time.monotonic()
        self._sweeping = threading.Lock()

    def _MemoryStorage__schedule_expiry(self) -> None:  # the base class's private hook, by its mangled name
        now = time.monotonic()
        if now - self._swept >= self.SWEEP_SECONDS and self._sweeping.acquire(blocking=False):
            try:
                self._swept = now
                self._MemoryStorage__expire_events()  # type: ignore[attr-defined]  # the base's private sweep
            except KeyError:
                # A key cleared by another request mid-sweep (a repeat claim released as its session
                # filled up): the sweep lists the keys, then reads each without a lock. In the
                # library's timer thread this error only ended the timer; in a request it was a 500
                # (60 simultaneous submits on PostgreSQL, issue 25). The rest is swept next time.
                pass
            finally:
                self._sweeping.release()


# Flask-Limiter's own keys for limits on every request; none is set by Pingjia (config.py).
_EVERY_REQUEST_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def _skip_empty_request_check(app: Flask, limiter: Limiter) -> None:
    """Drop Flask-Limiter's before-request check when there is nothing for it to check.

    That hook applies the default, application-wide and meta limits to every request; each limit
    Pingjia sets is on its route (below), checked by the route's own decorator whether the hook
    runs or not. With none of the three configured the hook found nothing on every request of the
    app, at a tenth of a millisecond of CPU each, about 4% of a phone's request (phone_profile.py
    and py-spy on the served app, issue 25). Any of them configured, the hook stays and applies
    them as before."""
    if any(app.config.get(key) for key in _EVERY_REQUEST_LIMITS):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)


def _limit(app: Flask, endpoint: str, methods: list[str], *decorators) -> None:
    """Wrap the view of `endpoint` in the limiter's decorators, for requests of `methods` only.

    The decorators' limits are declared for those methods (methods=[...]); Flask-Limiter still
    resolved them on every other request (each limit string read from the config, parsed and
    made into objects) only to skip them: a fifth of its work on a phone's GET. Requests of other
    methods go straight to the view, as the limits would have let them."""
    view = app.view_functions[endpoint]
    limited = view
    for decorate in decorators:
        limited = decorate(limited)

    @functools.wraps(view)
    def dispatch(*args, **kwargs):
        return (limited if request.method in methods else view)(*args, **kwargs)

    app.view_functions[endpoint] = dispatch


def _flag_set(name: str):
    """deduct_when: count only requests whose view set g.<name> (a failed login, a stored answer)."""
    return lambda _response: bool(g.get(name))


def _address(kind: str):
    return lambda: f"{kind}-addr:{get_remote_address()}"


def _session_address() -> str:
    code = (request.view_args or {}).get("code", "")
    return f"submit-session:{code}:{get_remote_address()}"


def retry_after() -> tuple[int, str]:
    """(whole minutes to wait, Beijing clock time) for the limit this request just hit."""
    limit: RequestLimit | None = current_app.extensions["pingjia_limiter"].current_limit
    reset_at = limit.reset_at if limit else time.time() + 60
    wait = max(1, math.ceil((reset_at - time.time()) / 60))
    at = dt.datetime.fromtimestamp(reset_at, LOCAL_TZ)
    return wait, f"{at:%H:%M}"


class LoginBackoff:
    """Failed logins per (user name, address): `wait()` before checking a password, `failed()`
    and `succeeded()` after. Kept in the limiter's storage (memory or Redis)."""

    def __init__(self, limiter: Limiter):
        self.limiter = limiter
        self._fallback = MemoryStorage()  # if Redis goes away mid-meeting

    def _keys(self, username: str) -> tuple[str, str]:
        pair = f"{clean_text(username).strip().lower()}|{get_remote_address()}"
        prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
        return f"{prefix}/login-failures/{pair}", f"{prefix}/login-wait/{pair}"

    def _storage(self) -> Storage:
        if not throttling_enabled():
            # Flask-Limiter builds no storage when it is off (PINGJIA_RATELIMIT_ENABLED=false,
            # a load test): asking for it is an AssertionError, which made the login a 500.
            return self._fallback
        try:
            storage = self.limiter.storage
            if storage.check():
                return storage
        except Exception:  # noqa: BLE001 - any storage error means: count in memory
            pass
        log.warning("throttle storage unavailable, counting failed logins in memory")
        return self._fallback

    def wait(self, username: str) -> float:
        """Seconds this pair must still wait (0: it may try)."""
        if not throttling_enabled():
            return 0.0
        storage = self._storage()
        _, wait_key = self._keys(username)
        if storage.get(wait_key) <= 0:
            return 0.0
        return max(0.0, storage.get_expiry(wait_key) - time.time())

    def failed(self, username: str) -> float:
        """Count a failure; the seconds the pair must now wait."""
        if not throttling_enabled():
            return 0.0
        config = current_app.config
        storage = self._storage()
        failures_key, wait_key = self._keys(username)
        failures = storage.incr(failures_key, int(config["LOGIN_FAILURE_MEMORY_SECONDS"]))
        over = failures - int(config["LOGIN_FREE_FAILURES"])
        if over < 0:
            return 0.0
        delay = min(float(config["LOGIN_BACKOFF_SECONDS"]) * 2 ** min(over, 30),
                    float(config["LOGIN_BACKOFF_MAX_SECONDS"]))
        storage.clear(wait_key)
        storage.incr(wait_key, max(1, math.ceil(delay)))
        return delay

    def succeeded(self, username: str) -> None:
        if not throttling_enabled():
            return
        storage = self._storage()
        for key in self._keys(username):
            storage.clear(key)


def throttling_enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def throttle_storage() -> Storage:
    """The counts' storage (memory or Redis), for counters of other rules (repeated answers)."""
    return login_backoff()._storage()


def login_backoff() -> LoginBackoff:
    return current_app.extensions["pingjia_login_backoff"]


def wait_text(seconds: float) -> str:
    """'8 秒' / '2 分钟' as the login page says it."""
    seconds = max(1, math.ceil(seconds))
    return f"{seconds} 秒" if seconds < 60 else f"{math.ceil(seconds / 60)} 分钟"
