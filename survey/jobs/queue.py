"""The app's huey instance, its consumers, and putting an analysis run on the queue.

Made lazily per app (tests set `app.instance_path` after the factory, and the worker
process makes its own app): SQLite storage at instance/huey.sqlite3 by default, Redis when
REDIS_URL (PINGJIA_REDIS_URL) is set. HUEY_NAME names the queue (tests use one each);
HUEY_IMMEDIATE runs tasks inline (unit tests of a task body only).
"""
from __future__ import annotations

import atexit
import logging
import uuid
from pathlib import Path

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import RetryTask, TaskLockedException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Evaluation, StaffUser
from ..review.models import AnalysisRun
from .runs import QUEUE_DOWN, execute_run, finish, reap_stale, refresh_files

log = logging.getLogger(__name__)
_KEY = "pingjia.huey"
_CLOUDS_LOCK = "pingjia.clouds"


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
            done = execute_run(run_id)
            if done is not None and app.config["ANALYSIS_WORDCLOUDS"]:
                schedule_refresh(done, delay=0)

    @huey.task(name="refresh_derived")
    def refresh_derived(evaluation_id: int, token: str) -> None:
        # Word clouds and summary from the stored state; only the latest request of a burst
        # of staff decisions draws (the others find a newer token and stop). One drawing at a
        # time, so a worker is always free for an analysis (the other waits its turn).
        if huey.get(_refresh_key(evaluation_id), peek=True) != token:
            return
        try:
            with huey.lock_task(_CLOUDS_LOCK):
                with app.app_context():
                    refresh_files(evaluation_id)
        except TaskLockedException:
            raise RetryTask(delay=1.0) from None

    huey.analyse_evaluation = analyse_evaluation
    huey.refresh_derived = refresh_derived
    return huey


def _refresh_key(evaluation_id: int) -> str:
    return f"pingjia.refresh.{evaluation_id}"


def schedule_refresh(evaluation: Evaluation | int, *, delay: float | None = None) -> bool:
    """Redraw the evaluation's word clouds (and summary) in the background, `delay` seconds
    from now (REFRESH_DELAY: a burst of decisions draws once). Never raises: the pictures
    are derived, a queue that is down costs a stale picture, not the staff action."""
    app = current_app._get_current_object()
    huey = get_huey(app)
    evaluation_id = evaluation if isinstance(evaluation, int) else evaluation.id
    token = uuid.uuid4().hex
    try:
        huey.put(_refresh_key(evaluation_id), token)
        wait = app.config.get("REFRESH_DELAY", 2.0) if delay is None else delay
        if wait and not huey.immediate:
            huey.refresh_derived.schedule((evaluation_id, token), delay=wait)
        else:
            huey.refresh_derived(evaluation_id, token)
    except Exception:  # noqa: BLE001 - the queue's storage is down
        log.exception("could not queue the word-cloud refresh of evaluation %s", evaluation_id)
        return False
    return True


class EmbeddedConsumer(Consumer):
    """A consumer living inside another process (the web server), which owns the signals."""

    def _set_signal_handlers(self) -> None:
        pass


# An idle huey worker polls less and less often (up to 10 s by default): a click would wait
# for the next poll before its analysis even starts. Results first means polling often (a
# cheap query on the queue's storage).
POLL_MAX_SECONDS = 0.5


def start_embedded_consumer(app: Flask, *, workers: int = 2) -> Consumer:
    """Worker threads in this process, so `pingjia serve` / `pingjia demo` need nothing else:
    two, so an analysis never waits behind the word clouds of the previous one."""
    consumer = EmbeddedConsumer(get_huey(app), workers=workers, worker_type="thread", periodic=False,
                                check_worker_health=False, max_delay=POLL_MAX_SECONDS,
                                extra_locks=_CLOUDS_LOCK)  # a drawing lock left by a killed process
    consumer.start()
    atexit.register(consumer.stop)
    log.info("embedded huey consumer started (%s worker thread(s))", workers)
    return consumer


def worker_consumer(app: Flask, *, workers: int = 1) -> Consumer:
    """A stand-alone consumer for `pingjia worker` (signals: Ctrl+C stops it gracefully)."""
    return get_huey(app).create_consumer(workers=workers, worker_type="thread", periodic=False,
                                         max_delay=POLL_MAX_SECONDS, extra_locks=_CLOUDS_LOCK)


def enqueue_analysis(evaluation: Evaluation, user: StaffUser | None = None, *,
                     kind: str = "full") -> tuple[AnalysisRun, bool]:
    """Queue an analysis of the evaluation; (run, created). While one is queued or running,
    returns that one and starts nothing. kind: "full" or "update" (only the new answers)."""
    reap_stale(evaluation)
    for _ in range(3):  # the active run may finish between our failed insert and the look-up
        run = AnalysisRun(evaluation_id=evaluation.id, status="queued", stage="queued", kind=kind,
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
