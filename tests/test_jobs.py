"""Analysis as a background job: one run per click, progress, failure reasons, dead workers,
retry, the analysis page and its status endpoint, groups, and word clouds in a task of their own.
Real consumers, the worker process and serve's embedded worker: test_jobs_workers.py."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from support.jobs import evaluation_of, fast_analysis
from support.review import session_with_answers
from support.staff import add_staff, csrf_token, log_in, make_session

from survey.extensions import db
from survey.jobs import enqueue_analysis, get_huey
from survey.jobs.runs import current_run, run_status
from survey.models import utcnow
from survey.review.models import AnalysisRun, Statement


def test_a_second_click_starts_nothing_new(app):
    code = session_with_answers(app)
    fast_analysis(app)
    with app.app_context():
        evaluation = evaluation_of(code)
        first, created = enqueue_analysis(evaluation)
        second, created_again = enqueue_analysis(evaluation)
        assert created and not created_again and second.id == first.id
        assert first.status == "queued" and first.active_evaluation_id == evaluation.id
        assert len(db.session.scalars(select(AnalysisRun)).all()) == 1
        assert get_huey(app).pending_count() == 1  # one task on the queue, not two


def test_task_body_runs_and_reports_progress(app):
    """Huey's immediate mode: the task body only (real consumers are tested below)."""
    code = session_with_answers(app)
    fast_analysis(app, HUEY_IMMEDIATE=True)
    with app.app_context():
        evaluation = evaluation_of(code)
        run, created = enqueue_analysis(evaluation)
        assert created and run.status == "done", run.error
        assert run.active_evaluation_id is None and run.finished_at and run.heartbeat_at
        assert run.stage == "done" and run.statement_count >= 6 and run.representation == "tfidf"
        assert db.session.scalars(select(Statement)).first().run_id == run.id
        status = run_status(run)
        assert status["status_label"] == "已完成" and not status["active"]


def test_progress_stages_are_recorded_as_they_happen(app, monkeypatch):
    code = session_with_answers(app)
    fast_analysis(app, HUEY_IMMEDIATE=True)
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
        enqueue_analysis(evaluation_of(code))
    stages = [s for _, s, _, _ in seen]
    assert {"split", "embed", "map", "themes", "save"} <= set(stages)
    assert "wordclouds" not in stages  # results first: the clouds are a task of their own
    assert all(status == "running" for status, *_ in seen)
    assert stages.index("split") < stages.index("themes") < stages.index("save")


def test_a_failed_job_says_why_in_chinese_and_logs_the_traceback(app, caplog):
    code = session_with_answers(app)
    fast_analysis(app, HUEY_IMMEDIATE=True, ANALYSIS_REPRESENTATION="no-such-representation")
    with app.app_context(), caplog.at_level(logging.ERROR, logger="survey.jobs.queue"):
        evaluation = evaluation_of(code)
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
    fast_analysis(app, HUEY_IMMEDIATE=True)
    with app.app_context():
        run, _ = enqueue_analysis(evaluation_of(code))
        assert run.status == "failed" and run.error == "还没有收到意见，暂时无法分析。"


def test_dead_and_untaken_runs_are_failed_when_read(app):
    code = session_with_answers(app)
    fast_analysis(app)
    with app.app_context():
        evaluation = evaluation_of(code)
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
    fast_analysis(app)
    from survey.jobs.runs import execute_run


    with app.app_context():
        evaluation = evaluation_of(code)
        run, _ = enqueue_analysis(evaluation)
        run.status, run.error = "failed", "旧的"
        db.session.commit()
        execute_run(run.id)
        assert db.session.get(AnalysisRun, run.id).status == "failed"
        assert db.session.scalars(select(Statement)).first() is None


def test_page_run_button_returns_at_once_and_status_endpoint(app, client):
    code = session_with_answers(app)
    fast_analysis(app)
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
    fast_analysis(app)
    add_staff(app)
    log_in(client)
    with app.app_context():
        evaluation = evaluation_of(code)
        db.session.add(AnalysisRun(evaluation=evaluation, status="failed", stage="failed",
                                   error="分析进程意外中断（超过 2 分钟没有进展），可能是服务器重启或内存不足。请点击“重试”。"))
        db.session.commit()
    page = client.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)
    assert "分析进程意外中断" in page and ">重试</button>" in page
    token = csrf_token(client, f"/staff/sessions/{code}/analysis")
    page = client.post(f"/staff/sessions/{code}/analysis/run", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "还没有收到意见" in page


def test_the_session_page_says_the_last_run_failed(app, client):
    """Not only the analysis page: the session's page (and the review page) said 尚未分析 and
    nothing else after a failed run."""
    code = session_with_answers(app)
    fast_analysis(app, HUEY_IMMEDIATE=True)
    add_staff(app)
    log_in(client)
    with app.app_context():
        evaluation = evaluation_of(code)
        db.session.add(AnalysisRun(evaluation=evaluation, status="failed", stage="failed", error="出错了"))
        db.session.commit()
    page = client.get(f"/staff/sessions/{code}").get_data(as_text=True)
    assert "尚未分析" in page and "上次分析没有完成：原因和“重试”按钮见分析结果页面" in page
    with app.app_context():
        run, _ = enqueue_analysis(evaluation_of(code))  # the retry works: the note goes
        assert run.status == "done", run.error
    page = client.get(f"/staff/sessions/{code}").get_data(as_text=True)
    assert "上次分析没有完成" not in page and "依据" in page
    with app.app_context():
        db.session.add(AnalysisRun(evaluation=evaluation_of(code), status="failed", stage="failed", error="出错了"))
        db.session.commit()
    page = client.get(f"/staff/evaluations/{code}/review").get_data(as_text=True)
    assert "上次分析没有完成，现有结果来自更早的一次分析" in page


def test_a_group_is_analysed_over_all_its_sessions(app, client):
    a = session_with_answers(app)
    b = session_with_answers(app, [("泰山学院", "高校/科研院所", "科研人员不了解专利转让的流程。", "")],
                             title="网上问卷", form="问卷调查")
    fast_analysis(app, HUEY_IMMEDIATE=True)
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
    fast_analysis(app, HUEY_IMMEDIATE=True, ANALYSIS_WORDCLOUDS=True)
    with app.app_context():
        evaluation = evaluation_of(code)
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
        after = {p.name: p.stat().st_mtime_ns for p in (output_dir(evaluation_of(code)) / "wordclouds").glob("*.png")}
    assert after and any(after.get(name) != at for name, at in before.items())


def test_a_refresh_superseded_by_a_later_one_draws_nothing(app):
    """A burst of decisions schedules several redraws; only the latest one draws."""
    from survey.jobs.queue import _refresh_key
    from survey.review.store import analyse, output_dir


    code = session_with_answers(app)
    fast_analysis(app, ANALYSIS_WORDCLOUDS=True)
    huey = get_huey(app)
    with app.app_context():
        evaluation = evaluation_of(code)
        analyse(evaluation, wordclouds=False, representation="tfidf")
        clouds = output_dir(evaluation) / "wordclouds"
        huey.put(_refresh_key(evaluation.id), "newer")
        huey.refresh_derived.call_local(evaluation.id, "older")
        assert not list(clouds.glob("*.png"))
        huey.refresh_derived.call_local(evaluation.id, "newer")
        assert list(clouds.glob("*.png"))
