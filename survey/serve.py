"""Serving the app with waitress, with the body limit and a Chinese message for a busy port, and
a database connection pool as large as the server's threads."""
from __future__ import annotations

import errno
import socket

from flask import Flask

from .limits import LIVE_STREAMS_MAX, SERVER_BODY_MAX

DEFAULT_THREADS = 8  # `pingjia serve --threads`
# The connections one server process keeps open: one for each thread that may hold one at once
# (the serving threads, the live pages', the embedded analysis worker's two and its warm-up), so
# no request waits for a connection and none is opened and closed per request. SQLAlchemy's
# default keeps 5 and opens up to 10 more only to close them again when they are returned: in a
# burst of 50 phones most requests opened a new connection (the server's CPU per request
# 5.8 → 4.2 ms on SQLite, 4.8 → 4.2 ms on PostgreSQL, where each is also a new backend process;
# benchmarks/load.py, issue 25). The overflow covers a few `--threads` above the default.
POOL_SIZE = DEFAULT_THREADS + LIVE_STREAMS_MAX + 4
POOL_OVERFLOW = 8


def size_pool(app: Flask) -> None:
    """Set the pool's size in the engine options (call before the database extension starts),
    unless the configuration names one; not for an in-memory SQLite database (one connection)."""
    from sqlalchemy.engine import make_url

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if "poolclass" not in options:
        options.setdefault("pool_size", POOL_SIZE)
        options.setdefault("max_overflow", POOL_OVERFLOW)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def freeze_startup_objects() -> None:
    """Call just before serving: what is loaded by then (the app, its modules, SQLAlchemy's mappers:
    about 150,000 objects) lives as long as the server, so it is moved out of the garbage
    collector's sight (gc.freeze). Each full collection walked all of it with the interpreter held:
    a pause of 0.2–0.5 s about once every 2,000 phone requests in a burst (issue 25)."""
    import gc

    gc.collect()  # what is garbage already is freed, not kept for good
    gc.freeze()


class ServeError(RuntimeError):
    """The server could not start; the message says why in Chinese."""


def make_server(app: Flask, host: str, port: int, *, threads: int = DEFAULT_THREADS):
    """Bind now (so a busy port is reported before anything else happens); `.run()` serves."""
    import logging

    from waitress import create_server

    # waitress logs "Task queue depth is N" (English, to the console) for every request that waits
    # for a thread: in a burst of phones that is most of them, a log record each on the serving
    # thread (issue 25). Only errors are shown.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    try:
        # Tried on a socket of our own first: when waitress's bind fails it leaves its sockets open.
        _try_bind(host, port)
        # max_request_body_size: waitress stops reading a larger body and answers 413 itself,
        # so a 50 MB upload never reaches memory, a temporary file or the app. Each open live
        # page (the wall's event stream) holds a thread: that many are added, so the `threads`
        # that serve phones and staff stay free (survey/wall/hub.py refuses streams beyond them).
        streams = int(app.config.get("LIVE_STREAMS_MAX", LIVE_STREAMS_MAX))
        return create_server(app, host=host, port=port, threads=threads + streams,
                             max_request_body_size=SERVER_BODY_MAX)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"端口 {port} 已被占用（可能已有一个 pingjia 或其他程序在运行）。"
                             f"请先停止它，或换一个端口，例如 --port {port + 1 if port < 65535 else 8000}") from exc
        if exc.errno == errno.EACCES:
            raise ServeError(f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限），请换一个端口，例如 --port 5000") from exc
        raise ServeError(f"无法在 {host}:{port} 启动网站：{exc.strerror or exc}") from exc


def _try_bind(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
        probe.bind((host, port))
