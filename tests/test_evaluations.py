"""Evaluations: a session's own (made once, race-safe), groups of one plan, find by code."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support.review import ANSWERS, session_by_code, session_with_answers
from support.staff import add_staff, csrf_token, log_in

import survey.evaluations as evaluations
from analysis.resources import corpus_path
from survey.evaluations import (
    EvaluationError,
    evaluation_for_session,
    evaluation_responses,
    find_by_code,
    group_by_codes,
    group_sessions,
)
from survey.extensions import db
from survey.models import Evaluation, Plan
from survey.plans import sync_plan_file


def test_a_sessions_evaluation_is_made_once_with_its_code(app):
    code = session_with_answers(app)
    with app.app_context():
        session = session_by_code(code)
        first = evaluation_for_session(session)
        db.session.commit()
        again = evaluation_for_session(session)
        assert again.id == first.id and first.code == code and not first.is_group
        assert [s.code for s in first.sessions] == [code]
        assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 1


def test_a_racing_second_insert_reads_the_winner(app, monkeypatch):
    """The look-up misses (another request has not committed yet when it looks); the unique
    code then stops the second insert, and the caller's transaction carries on."""
    code = session_with_answers(app)
    with app.app_context():
        session = session_by_code(code)
        winner = evaluation_for_session(session)
        db.session.commit()
        real = evaluations._own_evaluation
        calls = []

        def miss_once(c):
            calls.append(c)
            return None if len(calls) == 1 else real(c)

        monkeypatch.setattr(evaluations, "_own_evaluation", miss_once)
        loser = evaluation_for_session(session)
        assert loser.id == winner.id and len(calls) == 2
        db.session.commit()  # the savepoint rolled back alone
        assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 1


def test_group_sessions_of_one_plan(app):
    a = session_with_answers(app)
    b = session_with_answers(app, ANSWERS[:2], title="网上问卷", form="问卷调查")
    with app.app_context():
        group = group_by_codes([a, b.upper()], "  座谈会与网上问卷 ")
        db.session.commit()
        assert group.is_group and group.title == "座谈会与网上问卷" and group.code not in (a, b)
        assert {s.code for s in group.sessions} == {a, b}
        assert len(evaluation_responses(group)) == len(ANSWERS) + 2
        assert find_by_code(group.code).id == group.id
        # A session code still finds the session's own evaluation, not the group.
        own = find_by_code(a)
        assert own.code == a and not own.is_group
        assert find_by_code("nosuchcd") is None


def test_group_refuses_other_plans_one_session_and_unknown_codes(app, tmp_path):
    a = session_with_answers(app)
    other_plan = tmp_path / "other.toml"
    text = corpus_path("plans", "taian-ip-14th-fyp.toml").read_text(encoding="utf-8")
    other_plan.write_text(text.replace('id = "taian-ip-14th-fyp"', 'id = "other-plan"', 1), encoding="utf-8")
    with app.app_context():
        sync_plan_file(other_plan)
        db.session.commit()
        assert db.session.get(Plan, "other-plan") is not None
    b = session_with_answers(app, ANSWERS[:1], plan_id="other-plan", title="另一规划的座谈会")
    with app.app_context():
        with pytest.raises(EvaluationError, match="只能合并同一规划的活动"):
            group_by_codes([a, b], "混合")
        with pytest.raises(EvaluationError, match="至少需要选择两场活动"):
            group_sessions([session_by_code(a), session_by_code(a)], "一场")
        with pytest.raises(EvaluationError, match="找不到活动代码：zzzzzzzz"):
            group_by_codes([a, "zzzzzzzz"], "缺一场")
        with pytest.raises(EvaluationError, match="名称不能为空"):
            group_sessions([session_by_code(a), session_by_code(b)], " ")


def test_group_sessions_cli(app, runner):
    a = session_with_answers(app)
    b = session_with_answers(app, ANSWERS[:1], title="网上问卷")
    result = runner.invoke(args=["group-sessions", "--title", "合并评价", a, b])
    assert result.exit_code == 0, result.output
    assert "已建立合并评价" in result.output
    result = runner.invoke(args=["group-sessions", "--title", "只有一场", a])
    assert result.exit_code == 2 and "至少需要选择两场活动" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evaluation).where(Evaluation.is_group)) == 1


def test_staff_group_form_keeps_what_was_typed_on_error(app, client):
    a = session_with_answers(app)
    b = session_with_answers(app, ANSWERS[:1], title="网上问卷")
    add_staff(app)
    log_in(client)
    page = client.get("/staff/").get_data(as_text=True)
    assert "合并分析多场活动" in page
    token = csrf_token(client, "/staff/")
    resp = client.post("/staff/groups/new", data={"csrf_token": token, "codes": [a], "title": "我的合并评价"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "至少需要选择两场活动" in page
    assert 'value="我的合并评价"' in page and f'value="{a}"\n        checked' in page
    resp = client.post("/staff/groups/new", data={"csrf_token": token, "codes": [a, b], "title": "我的合并评价"})
    assert resp.status_code == 302 and "/staff/groups/" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "我的合并评价" in page and "合并分析以下活动" in page and "开始分析" in page
    assert "也参与合并评价" in client.get(f"/staff/sessions/{a}").get_data(as_text=True)
    assert client.get("/staff/groups/nosuchcd/analysis").status_code == 404
