"""A statement's kind is a label staff can change (issue 24 item 1), and 未归类 lists its new
issues (item 3): the rules on SQLite and PostgreSQL, then over HTTP."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support.review_seed import seed_review

from survey.extensions import db
from survey.models import Evaluation, StaffUser
from survey.reports.data import counted_kind
from survey.review import audit, decisions
from survey.review.models import ReviewAction, Statement
from survey.review.queries import ReviewError


@pytest.fixture
def seeded(app):
    return seed_review(app)


def _ctx(seeded):
    return (db.session.get(Evaluation, seeded.evaluation_id), db.session.get(StaffUser, seeded.user_id),
            lambda n: db.session.get(Statement, seeded.statements[n]))


def _reload():
    db.session.commit()
    db.session.expire_all()


def test_kind_changes_in_every_direction_keep_the_place_audited_and_undoable(app, seeded):
    with app.app_context():
        evaluation, user, s = _ctx(seeded)
        place = (s(0).category, s(0).theme_id)
        for kind in ("suggestion", "praise", "problem"):  # problem → suggestion → praise → problem
            action = decisions.set_kind(user, evaluation, [s(0).id], kind)
            _reload()
            assert (s(0).kind, s(0).kind_by_staff) == (kind, True)
            assert (s(0).category, s(0).theme_id) == place  # a label: the place stays
            assert action.kind == "kind" and "性质改为" in action.summary
        [change] = action.changes
        assert change.before["kind"] == "praise" and change.after["kind"] == "problem"
        for _ in range(3):
            audit.undo(user, evaluation)
            _reload()
        assert (s(0).kind, s(0).kind_by_staff) == ("problem", False)
        entries = audit.history(evaluation, s(0))
        assert any("性质：问题 → 建议" in d for e in entries for d in e.details)


def test_none_leaves_every_category_and_coming_back_joins_a_new_issue_theme(app, seeded):
    with app.app_context():
        evaluation, user, s = _ctx(seeded)
        decisions.set_kind(user, evaluation, [s(5).id], "none")
        _reload()
        assert (s(5).kind, s(5).category, s(5).theme_id) == ("none", None, None)
        decisions.set_kind(user, evaluation, [s(5).id], "suggestion")
        _reload()
        misc = s(8).theme_id  # the only theme of 未归类/新问题
        assert (s(5).kind, s(5).category, s(5).theme_id) == ("suggestion", "other", misc)
        audit.undo(user, evaluation)
        audit.undo(user, evaluation)
        _reload()
        assert (s(5).kind, s(5).category) == ("problem", "service-talent") and s(5).theme_id is not None


def test_kind_change_refusals(app, seeded):
    with app.app_context():
        evaluation, user, s = _ctx(seeded)
        with pytest.raises(ReviewError, match="意见性质"):
            decisions.set_kind(user, evaluation, [s(0).id], "complaint")
        decisions.set_kind(user, evaluation, [s(0).id], "suggestion")
        _reload()
        with pytest.raises(ReviewError, match="已是“建议”"):
            decisions.set_kind(user, evaluation, [s(0).id], "suggestion")
        # the machine's own kind, said again by staff, becomes staff's (the next run keeps it)
        action = decisions.set_kind(user, evaluation, [s(1).id], "problem")
        _reload()
        assert s(1).kind_by_staff and action.changes[0].after == {"kind_by_staff": True,
                                                                  "reviewed_by_id": user.id,
                                                                  "reviewed_at": action.changes[0].after["reviewed_at"]}


def test_the_report_goes_by_the_kind_staff_set(app, seeded):
    """counted_kind: staff's kind as set; praise in a category stays praise; a "none" statement
    staff placed in a category counts as its field's kind."""
    with app.app_context():
        evaluation, user, s = _ctx(seeded)
        decisions.set_kind(user, evaluation, [s(0).id], "praise")
        _reload()
        assert counted_kind(s(0)) == "praise"
        s(1).kind, s(1).status = "praise", "confirmed"
        s(2).kind, s(2).status = "none", "confirmed"
        _reload()
        assert counted_kind(s(1)) == "praise" and counted_kind(s(2)) == "suggestion"


def test_training_kinds_are_the_kinds_staff_set(app, seeded):
    from survey.review.store import training_kinds

    with app.app_context():
        evaluation, user, s = _ctx(seeded)
        decisions.set_kind(user, evaluation, [s(0).id, s(9).id], "praise")
        _reload()
        assert training_kinds(evaluation) == {s(0).text: "praise", s(9).text: "praise"}


# ---- over HTTP ------------------------------------------------------------------------------------

@pytest.fixture
def staff(client, seeded):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/staff/login").get_data(as_text=True)).group(1)
    client.post("/staff/login", data={"username": "reviewer", "password": "correct horse", "csrf_token": token})
    return client


def test_the_workspace_shows_kinds_mixes_and_new_issues_and_takes_the_kind_key(staff, app, seeded):
    with app.app_context():
        code = db.session.get(Evaluation, seeded.evaluation_id).code
        for sid in seeded.statements:  # the seed's kinds: its fields'
            s = db.session.get(Statement, sid)
            s.kind = "suggestion" if s.field == "suggestions" else "problem"
        db.session.commit()
    url = f"/staff/evaluations/{code}/review"
    page = staff.get(url).get_data(as_text=True)
    assert "问题 2 · 建议 1" in page and "建议 2" in page  # the theme 校企专利信息沟通渠道不畅: its kind mix
    # 会议组织: two statements from two organisations, outside the plan: a new issue
    assert "新问题 1 个" in page and re.search(r"会议组织</a>\s*<span[^>]*>2 条 · 2 个单位", page)
    assert 'data-act="kind"' in page and "<kbd>e</kbd>" in page
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    with app.app_context():
        sid = seeded.statements[3]
        version = db.session.get(Statement, sid).version  # 设立专利转化引导资金…: a suggestion
    response = staff.post(url + "/actions", json={"action": "set_kind", "kind": "praise", "statements": [sid],
                                                  "versions": {str(sid): version}}, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    assert "性质改为“肯定”" in response.get_json()["message"]
    with app.app_context():
        assert db.session.get(Statement, sid).kind == "praise"
        assert db.session.scalar(select(ReviewAction.kind).order_by(ReviewAction.id.desc()).limit(1)) == "kind"
    board = staff.get(url + "/board").get_data(as_text=True)
    assert "肯定 ✓" in board
    with app.app_context():
        version = db.session.get(Statement, sid).version
    bad = staff.post(url + "/actions", json={"action": "set_kind", "kind": "?", "statements": [sid],
                                             "versions": {str(sid): version}}, headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and "意见性质" in bad.get_json()["error"]


def test_a_run_keeps_the_kinds_staff_set_and_learns_from_them(app, seeded, monkeypatch):
    """The next run (the real pipeline, TF-IDF) keeps staff's kinds — praise with its category and
    theme, none out of every category — and fits the kind model on them."""
    from analysis import pipeline
    from survey.review.store import analyse

    taught = []
    real = pipeline.statement_kinds

    def spy(texts, fields, placed, rep, cache_dir=None, given=None, **more):
        taught.append({t: g for t, g in zip(texts, given or []) if g})
        return real(texts, fields, placed, rep, cache_dir, given=given, **more)

    monkeypatch.setattr(pipeline, "statement_kinds", spy)
    with app.app_context():
        evaluation, user, s = _ctx(seeded)
        decisions.set_kind(user, evaluation, [s(0).id], "praise")
        decisions.set_kind(user, evaluation, [s(6).id], "none")
        _reload()
        analyse(evaluation, wordclouds=False, representation="tfidf")
        _reload()
        assert (s(0).kind, s(0).kind_by_staff) == ("praise", True)
        assert s(0).category is not None and s(0).theme_id is not None
        assert (s(6).kind, s(6).category, s(6).theme_id) == ("none", None, None)
        assert taught[0] == {s(0).text: "praise", s(6).text: "none"}
