"""Staff logins: failed attempts slow down their (account, address) pair with a doubling wait,
never a lockout (in memory and in Redis), the same password-hash work for unknown users, logout and `set-password` ending
every session and remember-me cookie, and cookie flags."""
from __future__ import annotations

import os
import uuid

import pytest
from flask_migrate import upgrade
from support.staff import add_staff, csrf_token

from survey import create_app
from survey.extensions import db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def attempt(client, username: str, password: str, address: str = "10.0.0.1", remember: bool = False):
    token = csrf_token(client, "/staff/login")
    data = {"username": username, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/staff/login", data=data, environ_base={"REMOTE_ADDR": address})


class Clock:
    """Time for the in-memory throttle storage and the login backoff, moved by the test."""

    def __init__(self):
        import time

        self.now = time.time()

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:  # never called by the code under test
        raise AssertionError("no sleeping")


@pytest.fixture
def clock(monkeypatch):
    import limits.storage.memory

    import survey.throttle

    fake = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(survey.throttle, "time", fake)
    return fake


def backoff_checks(app, clock=None) -> None:
    app.config.update(LOGIN_FREE_FAILURES=3, LOGIN_BACKOFF_SECONDS=60, LOGIN_BACKOFF_MAX_SECONDS=600)
    add_staff(app, "amy")
    add_staff(app, "bob")
    client = app.test_client()
    for _ in range(2):
        assert attempt(client, "amy", "wrong").status_code == 200
    third = attempt(client, "amy", "wrong")
    html = third.get_data(as_text=True)
    assert third.status_code == 429 and third.headers["Retry-After"] == "60"
    assert "用户名或密码不正确" in html and "请在 1 分钟后再试" in html and 'value="amy"' in html
    assert attempt(client, "amy", "correct horse").status_code == 429  # even the right password waits
    # Nobody else is slowed: amy from her own desk, and bob from the same address.
    assert attempt(app.test_client(), "amy", "correct horse", address="10.0.0.2").status_code == 302
    assert attempt(app.test_client(), "bob", "correct horse").status_code == 302
    # An attacker trying many names from one address is slowed per name, and locks out no one.
    for name in ("c1", "c2", "c3", "c4"):
        assert attempt(client, name, "wrong").status_code == 200
    if clock is None:
        return
    clock.now += 61
    again = attempt(client, "amy", "wrong")
    assert again.status_code == 429 and again.headers["Retry-After"] == "120"  # the wait doubles
    assert "请在 2 分钟后再试" in again.get_data(as_text=True)
    clock.now += 61
    assert attempt(client, "amy", "correct horse").status_code == 429
    clock.now += 60
    assert attempt(client, "amy", "correct horse").status_code == 302  # and the pair is forgiven
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert attempt(client, "amy", "wrong").status_code == 200


def test_failed_logins_back_off_per_account_and_address_in_memory(app, clock):
    backoff_checks(app, clock)


def test_the_wait_is_capped(app, clock):
    app.config.update(LOGIN_FREE_FAILURES=1, LOGIN_BACKOFF_SECONDS=60, LOGIN_BACKOFF_MAX_SECONDS=300)
    add_staff(app)
    client = app.test_client()
    waits = []
    for _ in range(6):
        waits.append(int(attempt(client, "amy", "wrong").headers["Retry-After"]))
        clock.now += waits[-1] + 1
    assert waits == [60, 120, 240, 300, 300, 300]


def test_successful_logins_are_not_counted(app):
    app.config.update(LOGIN_FREE_FAILURES=1)
    add_staff(app)
    for _ in range(4):
        client = app.test_client()
        assert attempt(client, "amy", "correct horse").status_code == 302


def test_logins_work_with_throttling_turned_off(tmp_path):
    # PINGJIA_RATELIMIT_ENABLED=false (a load test) made every login a 500: Flask-Limiter builds
    # no storage when it is off and the backoff asked for it (survey/throttle.py).
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'off.sqlite3'}"})
    assert app.config["RATELIMIT_ENABLED"] is False
    with app.app_context():
        upgrade()
    add_staff(app)
    client = app.test_client()
    for _ in range(3):
        assert attempt(client, "amy", "wrong").status_code == 200  # refused, never slowed or a 500
    assert attempt(client, "amy", "correct horse").status_code == 302
    with app.app_context():
        db.engine.dispose()


def _redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        if REDIS_URL:  # CI sets TEST_REDIS_URL: a missing Redis is a failure there
            raise
        pytest.skip(f"Redis does not answer at {url}: {exc}")


def test_failed_logins_are_throttled_in_redis(tmp_path):
    url = REDIS_URL or "redis://127.0.0.1:6379/0"
    _redis_or_skip(url)
    prefix = f"pingjia-test-{uuid.uuid4().hex}"  # this test's own keys
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "REDIS_URL": url,
                      "RATELIMIT_KEY_PREFIX": prefix,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'redis.sqlite3'}"})
    with app.app_context():
        upgrade()
    limiter = app.extensions["pingjia_limiter"]
    assert type(limiter.storage).__name__ == "RedisStorage"
    backoff_checks(app)
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"*{prefix}*"))
    assert keys, "the counts were not kept in Redis"
    client.delete(*keys)
    with app.app_context():
        db.engine.dispose()


def test_unknown_user_costs_a_password_hash_check(app, client, monkeypatch):
    import survey.auth.routes

    calls = []
    real = survey.auth.routes.check_password_hash
    monkeypatch.setattr(survey.auth.routes, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    add_staff(app)
    assert attempt(client, "nobody", "whatever password").status_code == 200
    # The dummy hash uses werkzeug's default method, the one real passwords are hashed with.
    assert len(calls) == 1 and calls[0].split("$")[0] == db_hash_method(app)


def db_hash_method(app) -> str:
    from sqlalchemy import select

    from survey.models import StaffUser

    with app.app_context():
        return db.session.scalar(select(StaffUser.password_hash)).split("$")[0]


def _cookie(client, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _replay(app, name: str, value: str) -> int:
    other = app.test_client()
    other.set_cookie(name, value)
    return other.get("/staff/").status_code


def test_logout_ends_the_copied_session_and_remember_cookies(app):
    add_staff(app)
    client = app.test_client()
    assert attempt(client, "amy", "correct horse", remember=True).status_code == 302
    session_cookie, remember_cookie = _cookie(client, "session"), _cookie(client, "remember_token")
    assert _replay(app, "session", session_cookie) == 200  # a stolen copy works while logged in
    assert _replay(app, "remember_token", remember_cookie) == 200
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert _replay(app, "session", session_cookie) == 302
    assert _replay(app, "remember_token", remember_cookie) == 302


def test_set_password_ends_existing_sessions(app, runner):
    add_staff(app)
    client = app.test_client()
    attempt(client, "amy", "correct horse", remember=True)
    remember_cookie = _cookie(client, "remember_token")
    assert client.get("/staff/").status_code == 200
    result = runner.invoke(args=["set-password", "amy"], input="brand new pw\nbrand new pw\n")
    assert result.exit_code == 0 and "此前的登录已全部失效" in result.output
    assert client.get("/staff/").status_code == 302
    assert _replay(app, "remember_token", remember_cookie) == 302
    assert attempt(app.test_client(), "amy", "brand new pw").status_code == 302


def test_cookie_flags(app):
    add_staff(app)
    client = app.test_client()
    r = attempt(client, "amy", "correct horse", remember=True)
    cookies = {c.split("=")[0]: c for c in r.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]
    assert app.config["REMEMBER_COOKIE_DURATION"].days <= 14


@pytest.mark.parametrize("setting", [{"HTTPS": 1}, {"PREFERRED_URL_SCHEME": "https"}])
def test_cookies_are_secure_over_https(tmp_path, setting):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **setting,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'https.sqlite3'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True


def test_https_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PINGJIA_HTTPS", "1")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("PINGJIA_SECRET_KEY", "x")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
