"""Stopping a worker (SIGTERM, Ctrl+C): a running job finishes saving or is marked failed at
once, and a job whose results are committed is never marked failed (issue 17: SIGTERM left a
job "running" for two minutes, then failed it, also when its results were committed)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, update
from support.jobs import REDIS_URL, free_port
from support.review import session_by_code, session_with_answers

from survey.evaluations import evaluation_for_session
from survey.extensions import db
from survey.jobs import enqueue_analysis, get_huey
from survey.jobs.queue import STOPPED, _running, running_here, stop_running_jobs
from survey.models import utcnow
from survey.review.models import AnalysisRun


def running_run(app, **values) -> int:
    code = session_with_answers(app)
    with app.app_context():
        evaluation = evaluation_for_session(session_by_code(code))
        run = AnalysisRun(evaluation_id=evaluation.id, status="running", started_at=utcnow(),
                          heartbeat_at=utcnow(), active_evaluation_id=evaluation.id, **values)
        db.session.add(run)
        db.session.commit()
        return run.id


def state(app, run_id: int) -> tuple[str, str, str]:
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        return run.status, run.error, run.active_evaluation_id


def test_a_computing_run_is_failed_at_once(app):
    run_id = running_run(app, stage="map")
    started = time.monotonic()
    with _running(run_id):
        stop_running_jobs(app, grace=30)
    assert time.monotonic() - started < 5  # nothing to wait for: its result can no longer be saved
    assert state(app, run_id) == ("failed", STOPPED, None)


def test_a_committed_run_is_done_not_failed(app):
    # Results committed (representation is written with them), word clouds still being drawn.
    run_id = running_run(app, stage="wordclouds", representation="tfidf", statement_count=12)
    with _running(run_id):
        stop_running_jobs(app, grace=0.1)
    assert state(app, run_id) == ("done", "", None)


def test_a_saving_run_may_finish_within_the_grace(app):
    run_id = running_run(app, stage="save")
    go, inside = threading.Event(), threading.Event()

    def job():
        with _running(run_id):
            inside.set()
            go.wait(30)
            with app.app_context():  # the job's commit of its results, then finish()
                db.session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id).values(
                    representation="tfidf", status="done", stage="done", active_evaluation_id=None))
                db.session.commit()

    worker = threading.Thread(target=job)
    worker.start()
    inside.wait(30)
    stopper = threading.Thread(target=stop_running_jobs, args=(app,), kwargs={"grace": 30})
    stopper.start()
    go.set()
    stopper.join(60)
    worker.join(60)
    assert not stopper.is_alive() and running_here() == set()
    assert state(app, run_id)[0] == "done"


def test_a_saving_run_that_does_not_finish_is_failed_after_the_grace(app):
    run_id = running_run(app, stage="save")
    with _running(run_id):
        stop_running_jobs(app, grace=0.2)
    assert state(app, run_id)[:2] == ("failed", STOPPED)


@pytest.mark.parametrize("command", ["worker", "serve"])
def test_sigterm_leaves_no_run_running_and_fails_no_committed_result(app, backend, redis_available, tmp_path,
                                                                     command):
    if backend != "sqlite":
        pytest.skip("the process reaches the test database by its SQLite file")
    code = session_with_answers(app)
    app.config.update(ANALYSIS_REPRESENTATION="tfidf", REDIS_URL=REDIS_URL,
                      HUEY_NAME=f"pingjia-test-{uuid.uuid4().hex[:8]}")
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "PINGJIA_REDIS_URL": REDIS_URL, "PINGJIA_HUEY_NAME": app.config["HUEY_NAME"],
           "PINGJIA_ANALYSIS_REPRESENTATION": "tfidf", "PINGJIA_SECRET_KEY": "stop-test"}
    pingjia = str(Path(sys.executable).with_name("pingjia"))
    args = [pingjia, "worker"] if command == "worker" else [pingjia, "serve", "--port", str(free_port())]
    process = subprocess.Popen(args, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        with app.app_context():
            evaluation = evaluation_for_session(session_by_code(code))
            db.session.commit()
            run, _ = enqueue_analysis(evaluation)
            run_id = run.id
        deadline = time.monotonic() + 120  # bounded: a broken worker must not hang the suite
        while time.monotonic() < deadline:
            with app.app_context():
                status = db.session.scalar(select(AnalysisRun.status).where(AnalysisRun.id == run_id))
            if status != "queued":
                break
            time.sleep(0.05)
        assert status == "running", status
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        get_huey(app).flush()
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        # Ended as the process stopped, not two minutes later by the stale-heartbeat check:
        assert run.status in ("done", "failed"), run.status
        if run.status == "failed":
            assert run.error == STOPPED and run.representation == ""  # nothing had been committed
        else:
            assert run.representation != ""
