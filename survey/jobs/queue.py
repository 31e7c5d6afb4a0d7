"""The app's huey instance and its consumers.

Made lazily per app (tests set `app.instance_path` after the factory, and the worker
process makes its own app): SQLite storage at instance/huey.sqlite3 by default, Redis when
REDIS_URL (PINGJIA_REDIS_URL) is set. HUEY_NAME names the queue (tests use one each);
HUEY_IMMEDIATE runs tasks inline (unit tests of a task body only).
"""
from __future__ import annotations

import atexit
import logging
from pathlib import Path

from flask import Flask
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

log = logging.getLogger(__name__)
_KEY = "pingjia.huey"


def get_huey(app: Flask):
    state = app.extensions.get(_KEY)
    if state is None:
        state = app.extensions[_KEY] = _make_huey(app)
    return state


def _make_huey(app: Flask):
    name = app.config.get("HUEY_NAME", "pingjia")
    immediate = bool(app.config.get("HUEY_IMMEDIATE", False))
    url = app.config.get("REDIS_URL")
    if url:
        huey = RedisHuey(name, url=url, results=False, immediate=immediate)
    else:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str(Path(app.instance_path) / "huey.sqlite3"), results=False,
                          immediate=immediate)
    from .runs import execute_run

    @huey.task(name="analyse_evaluation")
    def analyse_evaluation(run_id: int) -> None:
        # The task carries only the run id; the app context gives it the database.
        with app.app_context():
            execute_run(run_id)

    huey.analyse_evaluation = analyse_evaluation
    return huey


class EmbeddedConsumer(Consumer):
    """A consumer living inside another process (the web server), which owns the signals."""

    def _set_signal_handlers(self) -> None:
        pass


def start_embedded_consumer(app: Flask, *, workers: int = 1) -> Consumer:
    """Worker threads in this process, so `pingjia serve` / `pingjia demo` need nothing else."""
    consumer = EmbeddedConsumer(get_huey(app), workers=workers, worker_type="thread", periodic=False,
                                check_worker_health=False)
    consumer.start()
    atexit.register(consumer.stop)
    log.info("embedded huey consumer started (%s worker thread(s))", workers)
    return consumer


def worker_consumer(app: Flask, *, workers: int = 1) -> Consumer:
    """A stand-alone consumer for `pingjia worker` (signals: Ctrl+C stops it gracefully)."""
    return get_huey(app).create_consumer(workers=workers, worker_type="thread", periodic=False)
