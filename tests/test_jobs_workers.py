"""Where analysis jobs run: real huey consumers on the SQLite and the Redis storage, `pingjia
worker` as its own process, the workers `pingjia serve` and `pingjia demo` embed, `analyze-session`
through the store, and the encoders' warm-up at start."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from support.jobs import REDIS_URL, evaluation_of, fast_analysis, free_port, wait_for_end
from support.review import session_with_answers

from survey.extensions import db
from survey.jobs import enqueue_analysis, get_huey
from survey.jobs.queue import start_embedded_consumer
from survey.limits import LIVE_STREAMS_MAX, SERVER_BODY_MAX
from survey.review.models import AnalysisRun, Statement


def _through_consumer(app, code):
    with app.app_context():
        run, created = enqueue_analysis(evaluation_of(code))
        assert created and run.status == "queued"
        run_id = run.id
    consumer = start_embedded_consumer(app)
    try:
        status, error, stage, done, total = wait_for_end(app, run_id)
    finally:
        consumer.stop(graceful=True)
    assert status == "done", error
    assert stage == "done"
    with app.app_context():
        assert db.session.scalars(select(Statement).where(Statement.run_id == run_id)).first() is not None


def test_real_consumer_with_sqlite_storage(app):
    code = session_with_answers(app)
    fast_analysis(app)
    from huey import SqliteHuey

    assert isinstance(get_huey(app), SqliteHuey)
    assert get_huey(app).storage.filename.startswith(app.instance_path)
    _through_consumer(app, code)


def test_real_consumer_with_redis_storage(app, redis_available):
    code = session_with_answers(app)
    fast_analysis(app, REDIS_URL=REDIS_URL)
    from huey import RedisHuey

    huey = get_huey(app)
    assert isinstance(huey, RedisHuey)
    try:
        _through_consumer(app, code)
    finally:
        huey.flush()  # this test's queue only


def test_analyze_session_cli_goes_through_the_store(app, runner):
    code = session_with_answers(app)
    app.config["ANALYSIS_REPRESENTATION"] = "tfidf"
    result = runner.invoke(args=["analyze-session", code, "--no-wordcloud"])
    assert result.exit_code == 0, result.output
    assert "分析结果：" in result.output
    with app.app_context():
        run = db.session.scalars(select(AnalysisRun)).one()
        assert run.status == "done" and run.statement_count >= 6
    missing = runner.invoke(args=["analyze-session", "zzzzzzzz"])
    assert missing.exit_code == 2 and "找不到" in missing.output


def test_demo_serves_with_an_embedded_worker_that_analyses(app, runner, monkeypatch):
    fast_analysis(app)
    served = []

    class Server:  # waitress's server: "serves" until the demo's analysis has ended
        def run(self):
            # The consumer the demo started runs the job while the site is up; returning
            # earlier would stop it mid-run (and a stop marks a running job failed).
            with app.app_context():
                run_id = db.session.scalars(select(AnalysisRun)).one().id
            served.append(wait_for_end(app, run_id))

    monkeypatch.setattr("waitress.create_server", lambda app, **kw: Server())
    result = runner.invoke(args=["demo", "--port", str(free_port())])
    assert result.exit_code == 0, result.output
    assert "已在后台开始分析演示意见" in result.output
    status, error, *_ = served[0]
    assert status == "done", error


def test_pingjia_worker_process_runs_queued_jobs(app, backend, redis_available, tmp_path):
    """`pingjia worker` as its own process, sharing the database and a Redis queue."""
    import os
    import signal
    import subprocess
    import sys

    if backend != "sqlite":
        pytest.skip("the worker process reaches the test database by its SQLite file")
    code = session_with_answers(app)
    fast_analysis(app, REDIS_URL=REDIS_URL)
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "PINGJIA_REDIS_URL": REDIS_URL, "PINGJIA_HUEY_NAME": app.config["HUEY_NAME"],
           "PINGJIA_ANALYSIS_REPRESENTATION": "tfidf", "PINGJIA_SECRET_KEY": "worker-test"}
    pingjia = str(Path(sys.executable).with_name("pingjia"))  # the console script, as staff run it
    worker = subprocess.Popen([pingjia, "worker"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with app.app_context():
            run, _ = enqueue_analysis(evaluation_of(code))
        status, error, *_ = wait_for_end(app, run.id)
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=60)
        get_huey(app).flush()
    assert status == "done", f"{error}\n{output[-4000:]}"  # the worker's log says why
    assert "后台分析进程已启动（任务队列：Redis）" in output


def test_pingjia_serve_runs_waitress_with_an_embedded_worker(app, runner, monkeypatch):
    code = session_with_answers(app)
    fast_analysis(app)
    seen = []

    class Server:
        def __init__(self, served_app, **kw):
            self.served_app, self.kw = served_app, kw

        def run(self):
            # While "waitress" serves, a queued analysis is run by the worker serve started.
            with self.served_app.app_context():
                run, _ = enqueue_analysis(evaluation_of(code))
            seen.append((self.served_app, self.kw, wait_for_end(self.served_app, run.id)))

    monkeypatch.setattr("waitress.create_server", Server)
    warmed = []
    monkeypatch.setattr("survey.jobs.queue.warm_up", warmed.append)
    port = free_port()
    result = runner.invoke(args=["serve", "--port", str(port), "--threads", "4"])
    assert result.exit_code == 0, result.output
    assert warmed == [app]  # the encoders load while the server starts
    assert "网站已启动" in result.output
    served_app, kw, (status, error, *_) = seen[0]
    # --threads for requests, plus one per live stream the wall area allows (survey/serve.py)
    assert served_app is app and kw == {"host": "127.0.0.1", "port": port, "threads": 4 + LIVE_STREAMS_MAX,
                                        "max_request_body_size": SERVER_BODY_MAX}
    assert status == "done", error


def test_warm_up_loads_the_encoders_the_first_analysis_will_use(app):
    """serve and worker call warm_up at start, so staff's first click finds the encoders loaded."""
    from analysis import embed
    from survey.jobs.queue import warm_up

    assert embed.preload("tfidf") == []  # the fast path has nothing to load
    app.config["ANALYSIS_REPRESENTATION"] = "use"
    thread = warm_up(app)
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert any(model == "use" for model, _ in embed._LOADED)
    from analysis import kinds
    assert any("use" in key[-1] for key in kinds._FITTED)  # the kind model, fitted with its encoder


def test_analyze_session_cli_runs_again_after_a_deadlock(app, runner, monkeypatch):
    """PostgreSQL ends the command's one transaction to break a deadlock: nothing of it stays,
    the command runs again, and the statements are saved once."""
    from sqlalchemy.exc import OperationalError

    from survey.review import store
    from survey.review.models import Statement

    class Deadlock(Exception):
        sqlstate = "40P01"

    real, calls = store.save_result, []

    def save_once_deadlocked(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            real(*args, **kwargs)  # written, then ended by the server
            raise OperationalError("INSERT …", {}, Deadlock("deadlock detected"))
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "save_result", save_once_deadlocked)
    code = session_with_answers(app)
    app.config["ANALYSIS_REPRESENTATION"] = "tfidf"
    result = runner.invoke(args=["analyze-session", code, "--no-wordcloud"])
    assert result.exit_code == 0, result.output
    assert "正在重新分析" in result.output and len(calls) == 2
    with app.app_context():
        runs = db.session.scalars(select(AnalysisRun)).all()
        assert [r.status for r in runs] == ["done"]
        keys = db.session.execute(select(Statement.response_id, Statement.field, Statement.position)).all()
        assert len(keys) == len(set(keys)) == runs[0].statement_count >= 6
