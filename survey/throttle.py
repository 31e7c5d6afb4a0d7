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
from collections.abc import Callable
from typing import NamedTuple

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
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
    # Answers are counted (a stored one only); opening the form is not.
    submits = SubmitLimits(limiter, "participate.survey", (
        ("SUBMIT_ADDRESS_LIMIT", _address("submit")),
        # One session's share of an address: a script aimed at one open session is stopped
        # long before it fills the session, while the address may still answer other sessions.
        ("SUBMIT_SESSION_ADDRESS_LIMIT", _session_address),
    ))
    submits.wrap(app, methods=("POST",))
    app.extensions["pingjia_submit_limits"] = submits
    _skip_empty_request_check(app, limiter)
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
    """Drop Flask-Limiter's hooks around every request when there is nothing for them to do.

    The before-request hook applies the default, application-wide and meta limits to every
    request; Pingjia sets none (its limits are SubmitLimits, below): the hook found nothing on every
    request of the app, at a tenth of a millisecond of CPU each, about 4% of a phone's request
    (phone_profile.py and py-spy on the served app, issue 25). The after-request and teardown hooks
    count and forget the limits of Flask-Limiter's own decorators (`limiter.limit`), of which none
    is declared either. Any every-request limit configured, or any view decorated by the time this
    runs (throttle.init_app, after the blueprints), the hooks stay and work as before."""
    if any(app.config.get(key) for key in _EVERY_REQUEST_LIMITS):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
    if limiter._marked_for_limiting:  # a view with Flask-Limiter's own decorator
        return
    after = app.after_request_funcs.get(None, [])
    after[:] = [f for f in after if not (isinstance(f, functools.partial) and f.args == (limiter,))]
    teardown = app.teardown_request_funcs.get(None, [])
    teardown[:] = [f for f in teardown if getattr(f, "__self__", None) is not limiter]


class _Breach(NamedTuple):
    """What RateLimitExceeded reads of the limit it reports (Flask-Limiter's own limit objects
    carry the same two)."""

    limit: RateLimitItem
    error_message: str | None = None


_BREACH = "pingjia_submit_limit"  # in flask.g: (the limit hit, its key's parts) for retry_after


class SubmitLimits:
    """The phone's submit limits, counted the way Flask-Limiter's decorators counted them: the same
    limit strings (read from the config on each request, so a changed one applies at once), the same
    strategy and storage (the limiter's: moving window, memory or Redis, and its in-memory fallback
    when Redis goes away), the same keys (key prefix, the key function's value, the endpoint), each
    limit tested before the view and counted after it only when the view stored an answer
    (`g.response_stored`), a breach raised as RateLimitExceeded (the view's errorhandler shows the
    form again with its text and when to try again).

    Through Flask-Limiter's decorators each POST resolved its limits anew (the decorated limits
    looked up by the view's name, each string parsed into limit objects, exemptions and meta limits
    checked, a request context of its own kept and reset): about 200 of a POST's 2,300 Python calls
    and a hook on every other request (issue 25, branch phones3). Here the parsed limits are kept per
    limit string, and nothing runs for other methods or other views."""

    RECHECK_SECONDS = 30  # while counting in memory: how often to ask whether the storage is back

    def __init__(self, limiter: Limiter, endpoint: str, limits: tuple[tuple[str, Callable[[], str]], ...]):
        self.limiter, self.endpoint, self.limits = limiter, endpoint, limits
        self._rechecked = 0.0

    def wrap(self, app: Flask, methods: tuple[str, ...]) -> None:
        """Check the limits around the view of `self.endpoint` for requests of `methods`; requests
        of other methods go straight to the view, as the limits would have let them."""
        view = app.view_functions[self.endpoint]

        @functools.wraps(view)
        def dispatch(*args, **kwargs):
            if request.method not in methods or not self.limiter.enabled:
                return view(*args, **kwargs)
            checked = self.check()
            try:
                return view(*args, **kwargs)
            finally:
                if g.get("response_stored"):
                    self.count(checked)

        app.view_functions[self.endpoint] = dispatch

    def _each(self) -> list[tuple[RateLimitItem, list[str]]]:
        config, prefix = current_app.config, self.limiter._key_prefix
        each = [(item, [prefix, key_func(), self.endpoint] if prefix else [key_func(), self.endpoint])
                for name, key_func in self.limits for item in _parsed(config[name])]
        return sorted(each, key=lambda pair: pair[0])  # Flask-Limiter's order: the first breach is reported

    def check(self) -> list[tuple[RateLimitItem, list[str]]]:
        """Raise RateLimitExceeded if a limit is used up; the limits with their keys otherwise."""
        each = self._each()
        for item, args in each:
            if not self._counting(lambda strategy, item=item, args=args: strategy.test(item, *args)):
                log.info("ratelimit %s (%s) exceeded at endpoint: %s", item, args[-2], self.endpoint)
                setattr(g, _BREACH, (item, args))
                raise RateLimitExceeded(_Breach(item))  # type: ignore[arg-type]  # reads .limit and .error_message
        return each

    def count(self, each: list[tuple[RateLimitItem, list[str]]]) -> None:
        for item, args in each:
            self._counting(lambda strategy, item=item, args=args: strategy.hit(item, *args))

    def _counting(self, use):
        """use(strategy) on the limiter's storage; if that fails (Redis gone), on its in-memory
        fallback from then on, asking every RECHECK_SECONDS whether the storage is back."""
        limiter = self.limiter
        if limiter._storage_dead and time.monotonic() - self._rechecked > self.RECHECK_SECONDS:
            self._rechecked = time.monotonic()
            try:
                if limiter.storage.check():
                    limiter._storage_dead = False
                    log.info("Rate limit storage recovered")
            except Exception:  # noqa: BLE001 - still gone: keep counting in memory
                pass
        try:
            return use(limiter.limiter)  # the fallback's strategy while the storage is dead
        except Exception:
            if limiter._storage_dead or not limiter._in_memory_fallback_enabled:
                raise
            log.warning("Rate limit storage unreachable - falling back to in-memory storage")
            limiter._storage_dead, self._rechecked = True, time.monotonic()
            return use(limiter.limiter)


@functools.lru_cache(maxsize=32)
def _parsed(limit_string: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limit_string))


def _address(kind: str):
    return lambda: f"{kind}-addr:{get_remote_address()}"


def _session_address() -> str:
    code = (request.view_args or {}).get("code", "")
    return f"submit-session:{code}:{get_remote_address()}"


def retry_after() -> tuple[int, str]:
    """(whole minutes to wait, Beijing clock time) for the submit limit this request just hit."""
    breach = g.get(_BREACH)
    reset_at = time.time() + 60
    if breach is not None:
        item, args = breach
        reset_at = current_app.extensions["pingjia_limiter"].limiter.get_window_stats(item, *args).reset_time
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
