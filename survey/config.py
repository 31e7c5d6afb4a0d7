"""Configuration defaults, in one place.

`create_app` loads these first, then the instance folder's `config.py`, then `PINGJIA_*`
environment variables, then a test's overrides; code reads `current_app.config[...]`.
"""
from __future__ import annotations

import datetime as dt
import os

from .limits import PARTICIPANT_BODY_MAX, STAFF_BODY_MAX


def defaults(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "pingjia.sqlite3"),
        # SQLite (survey.busy): how long a statement waits for another connection's write lock,
        # and how long a page read (GET) is retried before "正在保存分析结果，请稍候" (503).
        "SQLITE_BUSY_TIMEOUT_SECONDS": 5,
        "SQLITE_READ_WAIT_SECONDS": 12,
        # The analysis job's save pauses this long between its short transactions (survey.review.store),
        # longer than the busy handler's 100 ms sleeps, so waiting staff actions get the lock.
        "SQLITE_SAVE_PAUSE_SECONDS": 0.15,
        # A phone form is small; anything bigger is a mistake or an attack. Staff pages get
        # STAFF_MAX_CONTENT_LENGTH (the session form carries a roster), see CleanRequest.
        "MAX_CONTENT_LENGTH": PARTICIPANT_BODY_MAX,
        "MAX_FORM_MEMORY_SIZE": PARTICIPANT_BODY_MAX,
        "STAFF_MAX_CONTENT_LENGTH": STAFF_BODY_MAX,
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,  # a round-table afternoon
        "PLAN_DIR": None,  # None: the bundled corpus/plans
        # Where phones reach this server, e.g. "http://192.168.1.20:5000". None: the host the
        # staff page was opened on if it names this machine, else its LAN address (survey.hosts).
        "PUBLIC_BASE_URL": None,
        "TRUSTED_HOSTS": None,  # e.g. ["pingjia.example.gov.cn"]; other Host headers get a 400
        "PROXY_FIX": 0,  # number of proxies (nginx) in front whose X-Forwarded-* headers to trust
        "HTTPS": False,  # served over HTTPS (directly or by the proxy): cookies become Secure
        "REDIS_URL": None,  # login throttling counts and the job queue, shared by all processes
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": dt.timedelta(days=14),  # Flask-Login's default is a year
        # Throttling (survey.throttle)
        # Failed logins, per user name and address together: never a lockout, a backoff.
        "LOGIN_FREE_FAILURES": 5,  # failures before the first wait
        "LOGIN_BACKOFF_SECONDS": 2,  # the first wait, doubled with every further failure
        "LOGIN_BACKOFF_MAX_SECONDS": 300,  # the longest wait
        "LOGIN_FAILURE_MEMORY_SECONDS": 3600,  # failures are forgotten this long after the first
        "SUBMIT_ADDRESS_LIMIT": "120 per minute;1000 per hour",  # answers stored from one address
        # answers one session stores from one address (a venue's Wi-Fi: thirty phones in minutes)
        "SUBMIT_SESSION_ADDRESS_LIMIT": "40 per minute;300 per hour",
        "REPEAT_WINDOW_SECONDS": 600,  # the same text from one device or address within this counts once
        "REPEAT_MIN_CHARS": 8,  # shorter texts ("无") are compared per device only
        "SESSION_RESPONSE_MAX": 2000,  # answers one session accepts
        "RATELIMIT_STORAGE_URI": None,  # None: REDIS_URL, else memory
        "RATELIMIT_KEY_PREFIX": "pingjia",
        # Background analysis (survey.jobs)
        "HUEY_NAME": "pingjia",
        "HUEY_IMMEDIATE": False,
        "ANALYSIS_HEARTBEAT_SECONDS": 10,  # how often a running job says it is alive
        "ANALYSIS_STALE_SECONDS": 120,  # a running job silent this long has died
        "ANALYSIS_QUEUE_SECONDS": 600,
        # On SIGTERM a job saving its results gets this long to commit them (survey.jobs.queue)
        "ANALYSIS_STOP_GRACE_SECONDS": 20,  # a queued job no worker took within this has no worker
        "ANALYSIS_REPRESENTATION": "auto",
        "ANALYSIS_WORDCLOUDS": True,
        # serve / worker load the encoders in the background at start: the first click is warm
        "ANALYSIS_WARM_UP": True,
    }


def normalise_db_url(url: str) -> str:
    """PostgreSQL URLs from other tools say postgres:// or postgresql://; we use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
