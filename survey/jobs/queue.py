"""The app's huey instance, its consumers, and putting an analysis run on the queue.

Made lazily per app (tests set `app.instance_path` after the factory, and the worker
process makes its own app): SQLite storage at instance/huey.sqlite3 by default, Redis when
REDIS_URL (PINGJIA_REDIS_URL) is set. HUEY_NAME names the queue (tests use one each);
HUEY_IMMEDIATE runs tasks inline (unit tests of a task body only).
"""
from __future__ import annotations

import atexit
import logging
from pathlib import Path

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Evaluation, StaffUser
from ..review.models import AnalysisRun
from .runs import QUEUE_DOWN, execute_run, finish, reap_stale

log = logging.getLogger(__name__)
_KEY = "pingjia.huey"


def get_huey(app: Flask):
    state = app.extensions.get(_KEY)
    if state is None:
        state = app.extensions[_KEY] = _make_huey(app)
    return state


def _make_huey(app: Flask):
    name = app.config["HUEY_NAME"]
    immediate = bool(app.config["HUEY_IMMEDIATE"])
    url = app.config.get("REDIS_URL")
    if url:
        huey = RedisHuey(name, url=url, results=False, immediate=immediate)
    else:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str(Path(app.instance_path) / "huey.sqlite3"), results=False,
                          immediate=immediate)
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


def enqueue_analysis(evaluation: Evaluation, user: StaffUser | None = None) -> tuple[AnalysisRun, bool]:
    """Queue an analysis of the evaluation; (run, created). While one is queued or running,
    returns that one and starts nothing."""
    reap_stale(evaluation)
    for _ in range(3):  # the active run may finish between our failed insert and the look-up
        run = AnalysisRun(evaluation_id=evaluation.id, status="queued", stage="queued",
                          active_evaluation_id=evaluation.id,
                          requested_by_id=user.id if user is not None else None)
        try:
            with db.session.begin_nested():
                db.session.add(run)
        except IntegrityError:
            active = db.session.scalar(select(AnalysisRun).where(
                AnalysisRun.active_evaluation_id == evaluation.id))
            if active is not None:
                return active, False
            continue
        db.session.commit()
        break
    else:
        raise RuntimeError("could not queue an analysis run")
    try:
        get_huey(current_app._get_current_object()).analyse_evaluation(run.id)
    except Exception as exc:  # the queue's storage is down: say so rather than wait forever
        log.exception("could not enqueue analysis run %s", run.id)
        finish(run.id, "failed", QUEUE_DOWN.format(kind=type(exc).__name__), from_status=("queued",))
    db.session.refresh(run)
    return run, True
