"""The analysis job saves in short transactions (issue 21): at most SAVE_BATCH rows each, the run
checked between batches (a run marked dead stops saving), progress reported, and the same result
as one transaction. The real pipeline over a small session; SAVE_BATCH made small so a handful of
statements takes several batches. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select
from support.review import add_answers, session_by_code, session_with_answers

from survey.evaluations import evaluation_for_session
from survey.extensions import db
from survey.jobs.runs import JobError
from survey.models import utcnow
from survey.review import store
from survey.review.models import AnalysisRun, Statement

MORE = [("泰山学院", "高校/科研院所", "科研人员不了解专利转让的流程，也不知道找谁咨询。", "希望定期举办专利转化培训。"),
        ("泰安某科技公司", "企业", "专利申请费用高，审查周期太长。", "提高专利资助标准，缩短审查时间。"),
        ("市律师协会", "服务机构", "知识产权侵权取证难、赔偿低。", "加大侵权惩罚力度。")]
WRITES = ("INSERT", "UPDATE", "DELETE")


def _evaluation(app):
    code = session_with_answers(app)
    add_answers(app, code, MORE, start=10)
    with app.app_context():
        evaluation = evaluation_for_session(session_by_code(code))
        db.session.commit()
        return evaluation.id


def _analyse(app, evaluation_id, *, still_wanted, progress=None):
    from survey.models import Evaluation

    with app.app_context():
        evaluation = db.session.get(Evaluation, evaluation_id)
        run = AnalysisRun(evaluation=evaluation, status="running", started_at=utcnow(), heartbeat_at=utcnow())
        db.session.add(run)
        db.session.commit()
        store.analyse(evaluation, run, wordclouds=False, representation="tfidf", still_wanted=still_wanted,
                      progress=progress)
        return [(s.response_id, s.field, s.position, s.category, s.machine_theme_id is not None)
                for s in db.session.scalars(select(Statement).order_by(Statement.response_id, Statement.field,
                                                                       Statement.position))]


class RowsPerTransaction:
    """The most rows written to the statement and theme tables between two commits."""

    def __init__(self, engine):
        self.engine, self.now, self.most, self.commits = engine, 0, 0, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.executed)
        event.listen(self.engine, "commit", self.committed)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.executed)
        event.remove(self.engine, "commit", self.committed)

    def executed(self, conn, cursor, statement, parameters, context, executemany):
        words = statement.lstrip().split(None, 3)
        if words and words[0].upper() in WRITES and any(t in statement for t in ("statement", "theme")):
            self.now += len(parameters) if executemany else 1
            self.most = max(self.most, self.now)

    def committed(self, conn):
        self.now = 0
        self.commits += 1


def test_the_save_commits_in_small_batches_and_reports_progress(app, monkeypatch):
    monkeypatch.setattr(store, "SAVE_BATCH", 3)
    app.config["SQLITE_SAVE_PAUSE_SECONDS"] = 0.0
    evaluation_id = _evaluation(app)
    checks, saves = [], []
    with app.app_context():
        engine = db.engine
    with RowsPerTransaction(engine) as rows:
        _analyse(app, evaluation_id, still_wanted=lambda run: checks.append(run.id),
                 progress=lambda stage, done, total: saves.append((done, total)) if stage == "save" else None)
    assert rows.most <= 3 + 2  # a batch, plus the run's own row and heartbeat
    assert len(checks) >= 5 and rows.commits >= 5
    done = [d for d, _ in saves]
    assert done == sorted(done) and done[-1] > done[1] > 0 and all(d <= t for d, t in saves)


def test_batched_and_single_transaction_saves_store_the_same(app, monkeypatch):
    app.config["SQLITE_SAVE_PAUSE_SECONDS"] = 0.0
    one = _analyse(app, _evaluation(app), still_wanted=None)  # the CLI: one transaction
    with app.app_context():
        db.session.execute(Statement.__table__.delete())
        db.session.commit()
    monkeypatch.setattr(store, "SAVE_BATCH", 2)
    batched = _analyse(app, _evaluation(app), still_wanted=lambda run: None)
    strip = [row[1:] for row in one]
    assert [row[1:] for row in batched][-len(strip):] == strip and len(strip) >= 8


def test_a_run_marked_dead_between_batches_saves_no_more(app, monkeypatch):
    monkeypatch.setattr(store, "SAVE_BATCH", 2)
    app.config["SQLITE_SAVE_PAUSE_SECONDS"] = 0.0
    evaluation_id = _evaluation(app)
    calls = []

    def still_wanted(run):
        calls.append(run.id)
        if len(calls) > 1:
            raise JobError("分析任务已被标记为中断，本次结果未保存。")

    with pytest.raises(JobError):
        _analyse(app, evaluation_id, still_wanted=still_wanted)
    with app.app_context():
        db.session.rollback()
        assert db.session.query(Statement).count() <= 2  # the first batch, nothing after
    assert len(calls) == 2
