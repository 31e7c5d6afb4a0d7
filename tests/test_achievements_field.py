"""The answer's 取得成效 field: what a participant says the plan has achieved, typed apart from
存在问题 and 意见建议 (the seed's （一）成效), on the phone, on paper and in imports; the kind stage
takes it as a prior for praise, so a round-table's praise is read as praise."""
from __future__ import annotations

from sqlalchemy import select
from support.participate import csrf_token, make_session, valid_answer

from survey.extensions import db
from survey.models import EvaluationSession, Response
from survey.review.models import Statement

PRAISE = "这两年专利质押融资办得很顺，我们公司贷到了一千万。"
PROBLEM = "执法检查标准不统一，同一件事两个部门说法不一样。"


def _submit(client, app, code, **fields):
    token = csrf_token(client.get(f"/s/{code}").get_data(as_text=True))
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=code))
        data = valid_answer(session, csrf_token=token, **fields)
    return data, client.post(f"/s/{code}", data=data)


def test_the_phone_form_asks_for_achievements_and_stores_them_once(client, app):
    with app.app_context():
        code = make_session("open").code
    page = client.get(f"/s/{code}").get_data(as_text=True)
    assert "取得成效" in page and "三项至少填写一项" in page
    data, first = _submit(client, app, code, achievements=PRAISE, problems="", suggestions="")
    again = client.post(f"/s/{code}", data=data)  # the same submit sent twice
    assert first.status_code == again.status_code == 303 and again.location == first.location + "?again=1"
    with app.app_context():
        stored = db.session.scalars(select(Response)).all()
        assert len(stored) == 1 and stored[0].achievements == PRAISE and stored[0].problems == ""


def test_an_answer_with_nothing_written_is_sent_back_with_what_was_typed(client, app):
    with app.app_context():
        code = make_session("open").code
    _, r = _submit(client, app, code, achievements="", problems="", suggestions="")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "请至少填写“取得成效”“存在问题”“意见建议”其中一项" in html
    with app.app_context():
        assert db.session.scalar(select(Response)) is None


def test_a_changed_achievement_under_a_stored_id_is_not_taken_for_a_resend(client, app):
    with app.app_context():
        code = make_session("open").code
    data, _ = _submit(client, app, code, achievements=PRAISE)
    changed = client.post(f"/s/{code}", data={**data, "achievements": PRAISE + "审查也快了。"})
    assert changed.status_code == 200 and "?again=1" not in (changed.location or "")
    with app.app_context():
        assert db.session.scalar(select(Response)).achievements == PRAISE


def test_what_is_typed_under_achievements_is_analysed_as_praise(client, app):
    """Through the store as the job runs it: the statement keeps its field, and the field's
    prior makes it praise where the same words under 存在问题 would be left to the model."""
    from support.report_sessions import analysed

    with app.app_context():
        code = make_session("open").code
    _submit(client, app, code, achievements=PRAISE, problems=PROBLEM, suggestions="")
    analysed(app, code)
    with app.app_context():
        rows = {s.field: s for s in db.session.scalars(select(Statement))}
    assert set(rows) == {"achievements", "problems"}
    assert rows["achievements"].kind == "praise" and rows["problems"].kind == "problem"
    assert rows["achievements"].field_label == "取得成效"


def test_an_imported_column_of_achievements_is_found_and_stored(app, tmp_path):
    """A 问卷星-style header asking for 成效 is matched to the field; the row is stored with it."""
    from survey.imports import columns
    from survey.imports.readers import Sheet
    from survey.imports.rules import check, store

    header = ["序号", "1、单位名称", "2、单位类型", "3、规划实施以来取得了哪些成效？", "4、存在的问题", "5、意见建议"]
    sheet = Sheet("答卷.csv", header, [(2, ["1", "山东科技大学", "高校/科研院所", PRAISE, PROBLEM, ""])])
    with app.app_context():
        session = make_session("open")
        goals = session.plan.definition.goals
        mapping = columns.suggest(sheet, goals)
        assert mapping[3] == columns.ACHIEVEMENTS and mapping[4] == columns.PROBLEMS
        assert columns.parse_field("取得成效", goals) == columns.ACHIEVEMENTS
        checked = check(session, sheet, "表格", mapping)
        assert not checked.bad
        store(session, checked, "表格")
        stored = db.session.scalar(select(Response))
        assert stored.achievements == PRAISE and stored.problems == PROBLEM
