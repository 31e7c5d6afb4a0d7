"""The app's huey instance, its consumers, and putting an analysis run on the queue.

Made lazily per app (tests set `app.instance_path` after the factory, and the worker
process makes its own app): SQLite storage at instance/huey.sqlite3 by default, Redis when
REDIS_URL (PINGJIA_REDIS_URL) is set. HUEY_NAME names the queue (tests use one each);
HUEY_IMMEDIATE runs tasks inline (unit tests of a task body only).

Stopping (SIGTERM from systemd, docker or kill; Ctrl+C): the process no longer just dies with
a job half done, leaving it "running" until its heartbeat is judged dead two minutes later.
`stop_running_jobs` marks this process's runs at once: a run still computing is failed with a
reason; a run saving its results gets ANALYSIS_STOP_GRACE_SECONDS to commit them; a run whose
results are committed (its `representation` is written in the results' own transaction) is
done, never failed. Each mark is one UPDATE that re-checks the row, so it cannot overwrite a
commit that lands at the same moment: if the results commit first the run is done, if the
mark comes first the job's own check before its commit (`_still_running`) abandons them.
`pingjia worker` stops this way on SIGTERM and SIGINT (huey's handlers call `stop`), and
`pingjia serve` installs a SIGTERM handler that ends waitress's loop and stops its consumer.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Evaluation, StaffUser, utcnow
from ..review.models import AnalysisRun
from .runs import QUEUE_DOWN, execute_run, finish, reap_stale, refresh_files

if TYPE_CHECKING:
    from huey.consumer import Consumer

log = logging.getLogger(__name__)
_KEY = "pingjia.huey"
_CLOUDS_LOCK = "pingjia.clouds"


def get_huey(app: Flask):
    state = app.extensions.get(_KEY)
    if state is None:
        state = app.extensions[_KEY] = _make_huey(app)
    return state


def _make_huey(app: Flask):
    # huey (and the redis client it brings) is imported here, by the first job, not by create_app:
    # a command or the first page would wait 0.1 s for it (issue 25, fast start)
    from huey import RedisHuey, SqliteHuey
    from huey.exceptions import RetryTask, TaskLockedException

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
            with _running(run_id):
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


# --- stopping -----------------------------------------------------------------------------------

STOPPED = "服务器停止运行，分析已中断（结果未保存）。请在服务器重新启动后点击“重试”。"
_active: set[int] = set()  # runs this process is executing
_changed = threading.Condition()


@contextmanager
def _running(run_id: int):
    with _changed:
        _active.add(run_id)
    try:
        yield
    finally:
        with _changed:
            _active.discard(run_id)
            _changed.notify_all()


def running_here() -> set[int]:
    with _changed:
        return set(_active)


def stop_running_jobs(app: Flask, grace: float | None = None) -> None:
    """Mark this process's running jobs as it stops (see the module docstring)."""
    ids = running_here()
    if not ids:
        return
    grace = app.config["ANALYSIS_STOP_GRACE_SECONDS"] if grace is None else grace
    with app.app_context():
        _mark(ids, saving_may_finish=True)
        saving = set(db.session.scalars(select(AnalysisRun.id).where(
            AnalysisRun.id.in_(ids), AnalysisRun.status == "running")))
        deadline = time.monotonic() + grace
        with _changed:
            while _active & saving and time.monotonic() < deadline:
                _changed.wait(min(0.2, max(0.0, deadline - time.monotonic())))
            left = _active & saving
        if left:
            _mark(left, saving_may_finish=False)
        db.session.remove()


def _mark(ids: set[int], *, saving_may_finish: bool) -> None:
    now = utcnow()
    running = [AnalysisRun.id.in_(ids), AnalysisRun.status == "running"]
    committed = AnalysisRun.representation != ""
    if not saving_may_finish:
        done = db.session.execute(update(AnalysisRun).where(*running, committed).values(
            status="done", stage="done", error="", finished_at=now, active_evaluation_id=None))
        if done.rowcount:
            log.warning("stopping: run(s) %s had committed their results; marked done", sorted(ids))
    computing = [] if not saving_may_finish else [or_(AnalysisRun.stage.is_(None), AnalysisRun.stage != "save")]
    failed = db.session.execute(update(AnalysisRun).where(*running, ~committed, *computing).values(
        status="failed", stage="failed", error=STOPPED, finished_at=now, active_evaluation_id=None))
    db.session.commit()
    if failed.rowcount:
        log.warning("stopping: run(s) %s interrupted and marked failed", sorted(ids))


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


def start_embedded_consumer(app: Flask, *, workers: int = 2) -> Consumer:
    """Worker threads in this process (`survey.jobs.consumers.start_embedded_consumer`)."""
    from .consumers import start_embedded_consumer as start

    return start(app, get_huey(app), stop_running_jobs, _CLOUDS_LOCK, workers=workers)


def warm_up(app: Flask) -> threading.Thread:
    """Load the analysis libraries and sentence encoders and fit the statement-kind model in a
    background thread while the server starts, so staff's first click after a restart finds
    them ready (benchmarks/review_timing.py --warm-up). Best effort: a failure only costs the
    first analysis its loading time, and that analysis reports any real error itself."""
    representation = app.config.get("ANALYSIS_REPRESENTATION", "auto")

    def load() -> None:
        try:
            from analysis.embed import preload
            from analysis.pipeline import kind_model  # scikit-learn, jieba and the rest
            from analysis.tokenize import ChineseTokenizer

            ChineseTokenizer().cut("预热")  # jieba's dictionary
            models = preload(representation)
            # fitted on its bundled examples once per process (seconds); "auto" on a round-table's
            # size uses the sentence vectors
            kind_model(representation).fit()
            log.info("warm-up done; sentence encoders loaded: %s", ", ".join(models) or "none")
        except Exception:  # noqa: BLE001
            log.exception("warm-up failed; the first analysis will load what it needs")

    thread = threading.Thread(target=load, name="pingjia-warm-up", daemon=True)
    thread.start()
    return thread


def worker_consumer(app: Flask, *, workers: int = 1) -> Consumer:
    """A stand-alone consumer for `pingjia worker` (`survey.jobs.consumers.worker_consumer`)."""
    from .consumers import worker_consumer as make

    return make(app, get_huey(app), stop_running_jobs, _CLOUDS_LOCK, workers=workers)


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
