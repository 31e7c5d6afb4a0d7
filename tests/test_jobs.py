"""Analysis as a background job: one run per click, progress, failure reasons, dead workers,
retry, and real huey consumers on the SQLite and the Redis storage."""
from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from support.review import session_by_code, session_with_answers
from support.staff import add_staff, csrf_token, log_in, make_session

from survey.evaluations import evaluation_for_session
from survey.extensions import db
from survey.jobs import enqueue_analysis, get_huey
from survey.jobs.queue import start_embedded_consumer
from survey.jobs.runs import current_run, run_status
from survey.limits import LIVE_STREAMS_MAX, SERVER_BODY_MAX
from survey.models import utcnow
from survey.review.models import AnalysisRun, Statement

REDIS_URL = "redis://127.0.0.1:6379/0"


def _evaluation(code):
    evaluation = evaluation_for_session(session_by_code(code))
    db.session.commit()
    return evaluation


def _fast(app, **extra):
    """Real pipeline, TF-IDF representation (no sentence-encoder load), a queue of its own."""
    app.config.update({"ANALYSIS_REPRESENTATION": "tfidf", "HUEY_NAME": f"pingjia-test-{uuid.uuid4().hex[:8]}",
                       **extra})
    return app


def _wait_for_end(app, run_id, limit=180.0):
    # Waits for the worker; the limit only keeps a broken test from hanging the suite.
    end = time.monotonic() + limit
    while time.monotonic() < end:
        with app.app_context():
            run = db.session.get(AnalysisRun, run_id)
            if run.status in ("done", "failed"):
                return run.status, run.error, run.stage, run.done, run.total
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not end")


def test_a_second_click_starts_nothing_new(app):
    code = session_with_answers(app)
    _fast(app)
    with app.app_context():
        evaluation = _evaluation(code)
        first, created = enqueue_analysis(evaluation)
        second, created_again = enqueue_analysis(evaluation)
        assert created and not created_again and second.id == first.id
        assert first.status == "queued" and first.active_evaluation_id == evaluation.id
        assert len(db.session.scalars(select(AnalysisRun)).all()) == 1
        assert get_huey(app).pending_count() == 1  # one task on the queue, not two


def test_task_body_runs_and_reports_progress(app):
    """Huey's immediate mode: the task body only (real consumers are tested below)."""
    code = session_with_answers(app)
    _fast(app, HUEY_IMMEDIATE=True)
    with app.app_context():
        evaluation = _evaluation(code)
        run, created = enqueue_analysis(evaluation)
        assert created and run.status == "done", run.error
        assert run.active_evaluation_id is None and run.finished_at and run.heartbeat_at
        assert run.stage == "done" and run.statement_count >= 6 and run.representation == "tfidf"
        assert db.session.scalars(select(Statement)).first().run_id == run.id
        status = run_status(run)
        assert status["status_label"] == "已完成" and not status["active"]


def test_progress_stages_are_recorded_as_they_happen(app, monkeypatch):
    code = session_with_answers(app)
    _fast(app, HUEY_IMMEDIATE=True)
    seen = []
    from survey.jobs import runs

    real_write = runs._Reporter.write

    def spy(self, **values):  # read back what the separate session committed
        real_write(self, **values)
        if values:
            with app.app_context():
                row = db.session.get(AnalysisRun, self.run_id)
                seen.append((row.status, row.stage, row.done, row.total))

    monkeypatch.setattr(runs._Reporter, "write", spy)
    with app.app_context():
        enqueue_analysis(_evaluation(code))
    stages = [s for _, s, _, _ in seen]
    assert {"split", "embed", "map", "themes", "save"} <= set(stages)
    assert "wordclouds" not in stages  # results first: the clouds are a task of their own
    assert all(status == "running" for status, *_ in seen)
    assert stages.index("split") < stages.index("themes") < stages.index("save")


def test_a_failed_job_says_why_in_chinese_and_logs_the_traceback(app, caplog):
    code = session_with_answers(app)
    _fast(app, HUEY_IMMEDIATE=True, ANALYSIS_REPRESENTATION="no-such-representation")
    with app.app_context(), caplog.at_level(logging.ERROR, logger="survey.jobs.queue"):
        evaluation = _evaluation(code)
        run, _ = enqueue_analysis(evaluation)
        assert run.status == "failed" and run.active_evaluation_id is None
        assert run.error.startswith("分析过程出错") and "重试" in run.error and "Traceback" not in run.error
        assert "Traceback" in caplog.text
        # Retry: a new run, which works once the cause is fixed.
        app.config["ANALYSIS_REPRESENTATION"] = "tfidf"
        retry, created = enqueue_analysis(evaluation)
        assert created and retry.id != run.id and retry.status == "done"


def test_no_answers_fail_with_a_reason(app):
    code = make_session(app, status="open")
    _fast(app, HUEY_IMMEDIATE=True)
    with app.app_context():
        run, _ = enqueue_analysis(_evaluation(code))
        assert run.status == "failed" and run.error == "还没有收到意见，暂时无法分析。"


def test_dead_and_untaken_runs_are_failed_when_read(app):
    code = session_with_answers(app)
    _fast(app)
    with app.app_context():
        evaluation = _evaluation(code)
        long_ago = utcnow() - dt.timedelta(hours=1)
        run = AnalysisRun(evaluation=evaluation, status="running", stage="embed", started_at=long_ago,
                          heartbeat_at=long_ago, active_evaluation_id=evaluation.id)
        db.session.add(run)
        db.session.commit()
        seen = current_run(evaluation)
        assert seen.id == run.id and seen.status == "failed" and "分析进程意外中断" in seen.error
        assert seen.active_evaluation_id is None
        # A queued run no worker took.
        queued, created = enqueue_analysis(evaluation)
        assert created
        queued.created_at = long_ago
        db.session.commit()
        seen = current_run(evaluation)
        assert seen.status == "failed" and "pingjia worker" in seen.error
        # A fresh heartbeat is left alone.
        fresh, _ = enqueue_analysis(evaluation)
        fresh.status, fresh.heartbeat_at = "running", utcnow()
        db.session.commit()
        assert current_run(evaluation).status == "running"


def test_a_run_declared_dead_is_skipped_by_a_late_worker(app):
    code = session_with_answers(app)
    _fast(app)
    from survey.jobs.runs import execute_run

    with app.app_context():
        evaluation = _evaluation(code)
        run, _ = enqueue_analysis(evaluation)
        run.status, run.error = "failed", "旧的"
        db.session.commit()
        execute_run(run.id)
        assert db.session.get(AnalysisRun, run.id).status == "failed"
        assert db.session.scalars(select(Statement)).first() is None


def _through_consumer(app, code):
    with app.app_context():
        run, created = enqueue_analysis(_evaluation(code))
        assert created and run.status == "queued"
        run_id = run.id
    consumer = start_embedded_consumer(app)
    try:
        status, error, stage, done, total = _wait_for_end(app, run_id)
    finally:
        consumer.stop(graceful=True)
    assert status == "done", error
    assert stage == "done"
    with app.app_context():
        assert db.session.scalars(select(Statement).where(Statement.run_id == run_id)).first() is not None


def test_real_consumer_with_sqlite_storage(app):
    code = session_with_answers(app)
    _fast(app)
    from huey import SqliteHuey

    assert isinstance(get_huey(app), SqliteHuey)
    assert get_huey(app).storage.filename.startswith(app.instance_path)
    _through_consumer(app, code)


@pytest.fixture
def redis_available():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {exc}")


def test_real_consumer_with_redis_storage(app, redis_available):
    code = session_with_answers(app)
    _fast(app, REDIS_URL=REDIS_URL)
    from huey import RedisHuey

    huey = get_huey(app)
    assert isinstance(huey, RedisHuey)
    try:
        _through_consumer(app, code)
    finally:
        huey.flush()  # this test's queue only


def test_page_run_button_returns_at_once_and_status_endpoint(app, client):
    code = session_with_answers(app)
    _fast(app)
    add_staff(app)
    log_in(client)
    page = client.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)
    assert "尚未分析" in page and "开始分析" in page and "js/analysis.js" in page and "<script>" not in page
    assert client.get(f"/staff/sessions/{code}/analysis/status").get_json()["status"] == "none"
    token = csrf_token(client, f"/staff/sessions/{code}/analysis")
    resp = client.post(f"/staff/sessions/{code}/analysis/run", data={"csrf_token": token})
    assert resp.status_code == 302  # queued; no worker runs in this test
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已开始分析" in page and 'data-active="true"' in page and "排队等待" in page
    status = client.get(f"/staff/sessions/{code}/analysis/status").get_json()
    assert status["status"] == "queued" and status["stage_label"] == "排队等待" and status["active"]
    again = client.post(f"/staff/sessions/{code}/analysis/run", data={"csrf_token": token}, follow_redirects=True)
    assert "分析已在进行中" in again.get_data(as_text=True)
    # The worker runs it (the task body, in this thread); the page then shows the result.
    from survey.jobs.runs import execute_run

    with app.app_context():
        execute_run(status["run"])
    status = client.get(f"/staff/sessions/{code}/analysis/status").get_json()
    assert status["status"] == "done" and not status["active"]
    page = client.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)
    assert "重新分析" in page and "未归类/新问题" in page and "机器命名" in page
    with client.get(f"/staff/sessions/{code}/analysis/summary.md") as summary:
        assert summary.status_code == 200 and "意见分析汇总" in summary.get_data(as_text=True)
    assert client.get(f"/staff/sessions/{code}/analysis/../../secret_key").status_code == 404
    assert client.get(f"/staff/sessions/{code}/analysis/wordclouds/../analysis.json").status_code == 404


def test_failed_run_shows_its_reason_and_a_retry_button(app, client):
    code = make_session(app, status="open")
    _fast(app)
    add_staff(app)
    log_in(client)
    with app.app_context():
        evaluation = _evaluation(code)
        db.session.add(AnalysisRun(evaluation=evaluation, status="failed", stage="failed",
                                   error="分析进程意外中断（超过 2 分钟没有进展），可能是服务器重启或内存不足。请点击“重试”。"))
        db.session.commit()
    page = client.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)
    assert "分析进程意外中断" in page and ">重试</button>" in page
    token = csrf_token(client, f"/staff/sessions/{code}/analysis")
    page = client.post(f"/staff/sessions/{code}/analysis/run", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "还没有收到意见" in page


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
    _fast(app)
    served = []

    class Server:  # waitress's server: "serves" until the demo's analysis has ended
        def run(self):
            # The consumer the demo started runs the job while the site is up; returning
            # earlier would stop it mid-run (and a stop marks a running job failed).
            with app.app_context():
                run_id = db.session.scalars(select(AnalysisRun)).one().id
            served.append(_wait_for_end(app, run_id))

    monkeypatch.setattr("waitress.create_server", lambda app, **kw: Server())
    result = runner.invoke(args=["demo", "--port", str(_free_port())])
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
    _fast(app, REDIS_URL=REDIS_URL)
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "PINGJIA_REDIS_URL": REDIS_URL, "PINGJIA_HUEY_NAME": app.config["HUEY_NAME"],
           "PINGJIA_ANALYSIS_REPRESENTATION": "tfidf", "PINGJIA_SECRET_KEY": "worker-test"}
    pingjia = str(Path(sys.executable).with_name("pingjia"))  # the console script, as staff run it
    worker = subprocess.Popen([pingjia, "worker"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with app.app_context():
            run, _ = enqueue_analysis(_evaluation(code))
        status, error, *_ = _wait_for_end(app, run.id)
        assert status == "done", error
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=60)
        get_huey(app).flush()
    assert "后台分析进程已启动（任务队列：Redis）" in output


def test_pingjia_serve_runs_waitress_with_an_embedded_worker(app, runner, monkeypatch):
    code = session_with_answers(app)
    _fast(app)
    seen = []

    class Server:
        def __init__(self, served_app, **kw):
            self.served_app, self.kw = served_app, kw

        def run(self):
            # While "waitress" serves, a queued analysis is run by the worker serve started.
            with self.served_app.app_context():
                run, _ = enqueue_analysis(_evaluation(code))
            seen.append((self.served_app, self.kw, _wait_for_end(self.served_app, run.id)))

    monkeypatch.setattr("waitress.create_server", Server)
    warmed = []
    monkeypatch.setattr("survey.jobs.queue.warm_up", warmed.append)
    port = _free_port()
    result = runner.invoke(args=["serve", "--port", str(port), "--threads", "4"])
    assert result.exit_code == 0, result.output
    assert warmed == [app]  # the encoders load while the server starts
    assert "网站已启动" in result.output
    served_app, kw, (status, error, *_) = seen[0]
    # --threads for requests, plus one per live stream the wall area allows (survey/serve.py)
    assert served_app is app and kw == {"host": "127.0.0.1", "port": port, "threads": 4 + LIVE_STREAMS_MAX,
                                        "max_request_body_size": SERVER_BODY_MAX}
    assert status == "done", error


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_group_is_analysed_over_all_its_sessions(app, client):
    a = session_with_answers(app)
    b = session_with_answers(app, [("泰山学院", "高校/科研院所", "科研人员不了解专利转让的流程。", "")],
                             title="网上问卷", form="问卷调查")
    _fast(app, HUEY_IMMEDIATE=True)
    add_staff(app)
    log_in(client)
    from survey.evaluations import group_by_codes

    with app.app_context():
        group = group_by_codes([a, b], "座谈会与网上问卷")
        db.session.commit()
        code = group.code
    token = csrf_token(client, f"/staff/groups/{code}/analysis")
    client.post(f"/staff/groups/{code}/analysis/run", data={"csrf_token": token})
    status = client.get(f"/staff/groups/{code}/analysis/status").get_json()
    assert status["status"] == "done", status["error"]
    with app.app_context():
        from survey.evaluations import find_by_code

        group = find_by_code(code)
        sessions = {s.response.session.code for s in db.session.scalars(
            select(Statement).where(Statement.evaluation_id == group.id))}
        assert sessions == {a, b}
        # The session's own evaluation is separate: nothing analysed there yet.
        own = find_by_code(a)
        assert db.session.scalars(select(Statement).where(Statement.evaluation_id == own.id)).first() is None
    page = client.get(f"/staff/groups/{code}/analysis").get_data(as_text=True)
    assert "座谈会与网上问卷" in page and "重新分析" in page and f"/staff/groups/{code}/analysis/wordclouds/" in page
    with client.get(f"/staff/groups/{code}/analysis/summary.md") as summary:
        assert summary.status_code == 200 and "科研人员" in summary.get_data(as_text=True)


def test_results_first_then_word_clouds_in_a_task_of_their_own(app):
    """The run says done with statements and themes saved and no picture drawn; the clouds
    come from the refresh task, which a staff decision schedules again."""
    from survey.jobs import schedule_refresh
    from survey.jobs.runs import execute_run
    from survey.review.store import output_dir

    code = session_with_answers(app)
    _fast(app, HUEY_IMMEDIATE=True, ANALYSIS_WORDCLOUDS=True)
    with app.app_context():
        evaluation = _evaluation(code)
        run = AnalysisRun(evaluation_id=evaluation.id, status="queued", active_evaluation_id=evaluation.id)
        db.session.add(run)
        db.session.commit()
        assert execute_run(run.id) == evaluation.id
        db.session.expire_all()
        assert db.session.get(AnalysisRun, run.id).status == "done"
        clouds = output_dir(evaluation) / "wordclouds"
        assert (output_dir(evaluation) / "summary.md").is_file() and not list(clouds.glob("*.png"))
        assert schedule_refresh(evaluation, delay=0)
        drawn = sorted(clouds.glob("*.png"))
        assert drawn
    # A staff decision through the page schedules the redraw (immediate mode: at once).
    add_staff(app)
    client = app.test_client()
    log_in(client)
    with app.app_context():
        first = db.session.scalars(select(Statement).order_by(Statement.id)).first()
        before = {p.name: p.stat().st_mtime_ns for p in drawn}
    page = client.get(f"/staff/evaluations/{code}/review").get_data(as_text=True)
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = client.post(f"/staff/evaluations/{code}/review/actions", json={
        "action": "exclude", "statements": [first.id], "versions": {str(first.id): first.version},
        "reason": "off_topic"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        after = {p.name: p.stat().st_mtime_ns for p in (output_dir(_evaluation(code)) / "wordclouds").glob("*.png")}
    assert after and any(after.get(name) != at for name, at in before.items())


def test_a_refresh_superseded_by_a_later_one_draws_nothing(app):
    """A burst of decisions schedules several redraws; only the latest one draws."""
    from survey.jobs.queue import _refresh_key
    from survey.review.store import analyse, output_dir

    code = session_with_answers(app)
    _fast(app, ANALYSIS_WORDCLOUDS=True)
    huey = get_huey(app)
    with app.app_context():
        evaluation = _evaluation(code)
        analyse(evaluation, wordclouds=False, representation="tfidf")
        clouds = output_dir(evaluation) / "wordclouds"
        huey.put(_refresh_key(evaluation.id), "newer")
        huey.refresh_derived.call_local(evaluation.id, "older")
        assert not list(clouds.glob("*.png"))
        huey.refresh_derived.call_local(evaluation.id, "newer")
        assert list(clouds.glob("*.png"))


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
