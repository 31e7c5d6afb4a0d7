"""A web request that meets another connection's write (an analysis saving) waits, retries a
read, or says "正在保存分析结果，请稍候" with 503 and Retry-After: never a 500, never a false
409 (issue 21 item 1). The lock is a real one, held by a second connection to the same file."""
from __future__ import annotations

import re
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from support.participate import csrf_token as form_token
from support.participate import make_session as make_participant_session
from support.participate import valid_answer
from support.review_seed import seed_review
from support.staff import log_in

from survey.busy import DatabaseBusy, is_database_busy
from survey.extensions import db
from survey.models import Evaluation, Response
from survey.review.models import Statement

SHORT = {"SQLITE_BUSY_TIMEOUT_SECONDS": 1.0, "SQLITE_READ_WAIT_SECONDS": 3.0}


def sqlite_file(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


@contextmanager
def write_lock(app, seconds: float | None = None):
    """Another connection holds SQLite's write lock (as the analysis's save does), for
    `seconds` in a thread, or until the block ends."""
    other = sqlite3.connect(sqlite_file(app), timeout=10, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE evaluation SET title = title")
    release = threading.Timer(seconds, other.rollback) if seconds else None
    if release:
        release.start()
    try:
        yield
    finally:
        if release:
            release.join()
        else:
            other.rollback()
        other.close()


@pytest.fixture
def database_config(database_config):
    """Short waits: the tests hold a lock for a second or two, not for minutes."""
    return {**database_config, **SHORT}


@pytest.fixture
def reviewer(app, client):
    seeded = seed_review(app)
    log_in(client, "reviewer")
    with app.app_context():
        code = db.session.get(Evaluation, seeded.evaluation_id).code
    page = client.get(f"/staff/evaluations/{code}/review").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return seeded, code, token


def confirm(client, code, token, statement_id, version=1):
    return client.post(f"/staff/evaluations/{code}/review/actions", json={
        "action": "confirm", "statements": [statement_id], "versions": {str(statement_id): version}},
        headers={"X-CSRFToken": token, "Accept": "application/json"})


def only_sqlite(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock; its row locks are waited for (see the tests below)")


def test_every_connection_waits_for_the_lock_and_uses_wal(app):
    only_sqlite(app)
    with app.app_context():
        connections = [db.engine.connect() for _ in range(3)]  # three pooled connections at once
        try:
            for c in connections:
                assert c.execute(text("PRAGMA busy_timeout")).scalar() == 1000  # SHORT's 1 s
                assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        finally:
            for c in connections:
                c.close()


def test_staff_action_waits_for_a_short_write(app, client, reviewer):
    """Both databases: another transaction writes for a moment; the action waits and succeeds."""
    seeded, code, token = reviewer
    sid = seeded.statements[0]
    with app.app_context():
        engine = db.engine
    other = engine.connect()
    transaction = other.begin()
    # a write that holds the lock (SQLite: the database; PostgreSQL: this row), not the version
    other.execute(update(Statement.__table__).where(Statement.id == sid).values(review_rank=99))
    threading.Timer(0.6, transaction.commit).start()
    started = time.monotonic()
    try:
        response = confirm(client, code, token, sid)
    finally:
        time.sleep(0.7)
        other.close()
    assert response.status_code == 200, response.get_json()
    assert time.monotonic() - started >= 0.5  # it waited for the other writer


def test_staff_action_past_the_timeout_is_503_not_a_false_409(app, client, reviewer):
    only_sqlite(app)
    seeded, code, token = reviewer
    with write_lock(app):
        response = confirm(client, code, token, seeded.statements[0])
    assert response.status_code == 503
    assert response.get_json() == {"error": "正在保存分析结果，请稍候", "busy": True}
    assert response.headers["Retry-After"] == "5"
    with app.app_context():
        assert db.session.get(Statement, seeded.statements[0]).status == "machine"
    assert confirm(client, code, token, seeded.statements[0]).status_code == 200  # lock gone: it works


def dead_run(app, seeded) -> None:
    """A run whose worker died: the next page load or poll writes to mark it failed."""
    from survey.review.models import AnalysisRun

    with app.app_context():
        db.session.add(AnalysisRun(evaluation_id=seeded.evaluation_id, status="running", heartbeat_at=None,
                                   active_evaluation_id=seeded.evaluation_id))
        db.session.commit()


def test_polls_and_the_page_only_read_while_an_analysis_saves(app, client, reviewer):
    # issue 21: the dead-run check wrote on every poll, so each poll queued behind the save.
    only_sqlite(app)
    _, code, _ = reviewer
    with write_lock(app):
        started = time.monotonic()
        page = client.get(f"/staff/sessions/{code}/analysis")
        status = client.get(f"/staff/sessions/{code}/analysis/status", headers={"Accept": "application/json"})
        waited = time.monotonic() - started
    assert page.status_code == 200 and status.status_code == 200 and status.get_json()["status"] == "none"
    assert waited < 1.0  # never waited for the lock (the busy timeout here is 1 s)


def test_a_read_is_retried_until_the_lock_goes(app, client, reviewer):
    only_sqlite(app)
    seeded, code, _ = reviewer
    dead_run(app, seeded)
    # the status poll writes (it marks the dead run failed): it meets the lock, waits, retries
    with write_lock(app, seconds=2.0):
        response = client.get(f"/staff/sessions/{code}/analysis/status", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json()["status"] == "failed"


def test_a_read_past_the_wait_is_a_503_page_that_reloads_itself(app, client, reviewer):
    only_sqlite(app)
    seeded, code, _ = reviewer
    dead_run(app, seeded)
    with write_lock(app):
        page = client.get(f"/staff/sessions/{code}/analysis")
        status = client.get(f"/staff/sessions/{code}/analysis/status", headers={"Accept": "application/json"})
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "正在保存分析结果，请稍候" in html and 'http-equiv="refresh"' in html and "Traceback" not in html
    assert status.status_code == 503 and status.get_json()["busy"] is True


def test_a_phone_that_meets_the_lock_is_told_to_submit_again(app):
    only_sqlite(app)
    with app.app_context():
        session = make_participant_session()
        code, answer = session.code, valid_answer(session)
    client = app.test_client()
    token = form_token(client.get(f"/s/{code}").get_data(as_text=True))
    with write_lock(app):
        response = client.post(f"/s/{code}", data={**answer, "csrf_token": token})
    assert response.status_code == 503 and "还没有提交成功" in response.get_data(as_text=True)
    assert client.post(f"/s/{code}", data={**answer, "csrf_token": token}).status_code in (200, 303)
    with app.app_context():
        assert db.session.scalar(select(Response.id).where(Response.submission_id == answer["submission_id"]))


def test_outside_a_request_the_lock_stays_an_operational_error(app):
    """The job and the CLI keep SQLAlchemy's error (the job's progress writes expect it)."""
    only_sqlite(app)
    with write_lock(app), app.app_context():
        with pytest.raises(OperationalError) as raised:
            db.session.execute(update(Evaluation).values(title="x"))
        db.session.rollback()
    assert is_database_busy(raised.value) and not isinstance(raised.value, DatabaseBusy)


def test_other_errors_are_not_busy(app):
    with app.app_context():
        with pytest.raises(Exception) as raised:
            db.session.execute(text("select * from no_such_table"))
        db.session.rollback()
    assert not is_database_busy(raised.value)
    assert not is_database_busy(None) and not is_database_busy(ValueError("database is locked"))


def test_a_job_records_its_end_once_another_writer_lets_go(app, monkeypatch):
    """A command-line analysis holds SQLite's lock past the busy timeout: the job's end is tried
    again until it lets go (before, the run stayed "running" and was later called dead, with
    "可能是服务器重启或内存不足" as its reason); a job the lock defeats says so."""
    only_sqlite(app)
    from survey.jobs import runs
    from survey.review.models import AnalysisRun

    seeded = seed_review(app)
    with app.app_context():
        run = AnalysisRun(evaluation_id=seeded.evaluation_id, status="running", stage="save")
        db.session.add(run)
        db.session.commit()
        with write_lock(app, seconds=2.5):  # the busy timeout is 1 s: the first try fails
            runs.finish(run.id, "done", "")
        db.session.expire_all()
        assert db.session.get(AnalysisRun, run.id).status == "done"

        # The save itself defeated by the lock: the reason staff read is the lock, not a crash.
        run = AnalysisRun(evaluation_id=seeded.evaluation_id, status="queued")
        db.session.add(run)
        db.session.commit()
        locked = OperationalError("UPDATE statement …", {}, sqlite3.OperationalError("database is locked"))

        def save_meets_the_lock(*_args, **_kwargs):
            raise locked

        monkeypatch.setattr("survey.review.store.analyse", save_meets_the_lock)
        runs.execute_run(run.id)
        db.session.expire_all()
        failed = db.session.get(AnalysisRun, run.id)
        assert failed.status == "failed" and failed.error == runs.DATABASE_BUSY
        assert "内存不足" not in failed.error and "重试" in failed.error
