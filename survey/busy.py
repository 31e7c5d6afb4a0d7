"""SQLite's one writer at a time, met by a web request: wait, retry a read, or say so.

SQLite lets one connection write at a time. Every connection waits for the lock up to the busy
timeout (`SQLITE_BUSY_TIMEOUT_SECONDS`, set when the connection opens, before any pragma);
when an analysis saves its results the lock can be held longer, and the statement then fails
with "database is locked". Inside a web request that failure is turned into `DatabaseBusy`
(SQLAlchemy's `handle_error` hook), which is not an OperationalError on purpose: views that
read an OperationalError as "another member of staff changed these rows" (a 409) no longer
see it, and the app's one handler answers instead:

- GET and HEAD are run again (their work was rolled back) while `SQLITE_READ_WAIT_SECONDS`
  lasts; the poll of /analysis/status and the analysis page wait rather than fail;
- anything else, or a read that still meets the lock, gets 503 with Retry-After and
  "正在保存分析结果，请稍候" (JSON for the pages' scripts, a page that reloads itself for people),
  never a 500 and never a false "其他工作人员修改".

Outside a request (the job, the CLI) the OperationalError is left as it is: the job's own
progress writes expect it. PostgreSQL has no database-wide lock: writers wait on row locks,
and none of this is reached.
"""
from __future__ import annotations

import time

from flask import Flask, Response, has_request_context, jsonify, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TITLE = "正在保存分析结果，请稍候"
BUSY_MESSAGE = "数据库正在保存分析结果，刚才的操作没有完成，请稍候几秒再试。"
PARTICIPANT_MESSAGE = "提交的人较多，您的答卷还没有提交成功，请稍候几秒后返回重新提交（已填写的内容保留在本机）。"
RETRY_AFTER_SECONDS = 5
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


class DatabaseBusy(Exception):
    """SQLite's write lock was held past the busy timeout during a web request."""


def is_database_busy(error: BaseException | None) -> bool:
    """Whether a DB-API error (or SQLAlchemy's wrapper of one) is SQLite's busy/locked."""
    error = getattr(error, "orig", None) or error
    if error is None or not type(error).__module__.startswith("sqlite3"):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "database is locked" in str(error) or "database table is locked" in str(error)


@event.listens_for(Engine, "handle_error")
def _busy_in_a_request(context) -> None:
    raise_if_busy(context.original_exception, context.sqlalchemy_exception)


def raise_if_busy(error: BaseException, wrapped: BaseException | None = None) -> None:
    """Raise DatabaseBusy for SQLite's busy lock met in a web request (a DB-API error, from
    SQLAlchemy's hook above or from a statement the driver ran itself: participate/reads.py)."""
    if has_request_context() and is_database_busy(error):
        raise DatabaseBusy(str(error)) from (wrapped or error)


def sqlite_connect_args(app: Flask) -> None:
    """The busy timeout for every connection of the app's SQLite engine, from when it opens."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("timeout", float(app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]))
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _roll_back() -> None:
    from .extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection: the answer must still go out
        db.session.close()


def dispatch_with_retry(app: Flask, dispatch):
    """Run the view; a read that meets the lock is run again while the read wait lasts."""
    if request.method not in ("GET", "HEAD"):
        return dispatch()
    deadline = time.monotonic() + float(app.config["SQLITE_READ_WAIT_SECONDS"])
    pause = 0.2
    while True:
        try:
            return dispatch()
        except DatabaseBusy:
            _roll_back()
            if time.monotonic() + pause >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _wants_json() -> bool:
    accept = request.accept_mimetypes
    return request.is_json or (accept.best == "application/json") or \
        accept["application/json"] > accept["text/html"]


def register(app: Flask) -> None:
    @app.errorhandler(DatabaseBusy)
    def database_busy(exc: DatabaseBusy):
        _roll_back()
        app.logger.warning("database busy during %s %s: %s", request.method, request.path, exc)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
        participant = request.blueprint == "participate"
        message = PARTICIPANT_MESSAGE if participant else BUSY_MESSAGE
        if _wants_json():
            response = jsonify(error=BUSY_TITLE if not participant else message, busy=True)
            response.status_code = 503
            response.headers.update(headers)
            return response
        page = render_template("error.html", code=503, title="系统正忙" if participant else BUSY_TITLE,
                               message=message, refresh=RETRY_AFTER_SECONDS if request.method == "GET" else None)
        return Response(page, status=503, headers=headers)
