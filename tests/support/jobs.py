"""Helpers for the background-job tests (tests/test_jobs*.py): a fast analysis on a queue of its
own, waiting for a run to end, a free port for serve and demo, and the Redis they use."""
from __future__ import annotations

import socket
import time
import uuid

from support.review import session_by_code
from survey.evaluations import evaluation_for_session
from survey.extensions import db
from survey.review.models import AnalysisRun

REDIS_URL = "redis://127.0.0.1:6379/0"


def evaluation_of(code):
    evaluation = evaluation_for_session(session_by_code(code))
    db.session.commit()
    return evaluation


def fast_analysis(app, **extra):
    """Real pipeline, TF-IDF representation (no sentence-encoder load), a queue of its own."""
    app.config.update({"ANALYSIS_REPRESENTATION": "tfidf", "HUEY_NAME": f"pingjia-test-{uuid.uuid4().hex[:8]}",
                       **extra})
    return app


def wait_for_end(app, run_id, limit=180.0):
    # Waits for the worker; the limit only keeps a broken test from hanging the suite.
    end = time.monotonic() + limit
    while time.monotonic() < end:
        with app.app_context():
            run = db.session.get(AnalysisRun, run_id)
            if run.status in ("done", "failed"):
                return run.status, run.error, run.stage, run.done, run.total
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not end")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
