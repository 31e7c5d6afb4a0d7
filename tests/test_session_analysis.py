"""The web app's use of the analysis: a session's answers in, results page and files out."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import EvaluationSession, Response
from survey.session_analysis import load_result, session_input

from helpers_staff import add_staff, csrf_token, log_in, make_session

ANSWERS = [
    ("山东科技大学", "高校/科研院所", "学校的专利成果很多，但企业不知道，校企对接渠道不畅。", "建立常态化的校企对接平台。"),
    ("山东鲁普科技有限公司", "企业", "中小企业知识产权意识不强，没有专人管理专利。", ""),
    ("泰安某代理机构", "服务机构", "本地缺少专利评估和诉讼方面的高端人才。", "加强专业人才培养。"),
    ("漱玉药业", "企业", "", "希望专利奖补资金早点兑现。"),
]


def _session_with_answers(app) -> str:
    code = make_session(app, status="open")
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        for i, (org, kind, problems, suggestions) in enumerate(ANSWERS):
            db.session.add(Response(session=session, submission_id=f"s{i}", organisation=org,
                                    organisation_type=kind, problems=problems, suggestions=suggestions))
        db.session.commit()
    return code


def test_session_input_has_one_row_per_nonempty_answer(app):
    code = _session_with_answers(app)
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        data = session_input(session)
    assert len(data.texts) == 6  # 8 fields, two of them empty
    assert data.groups[0] == "高校/科研院所"
    assert [r["field"] for r in data.rows[:2]] == ["problems", "suggestions"]
    assert data.rows[-1] == {"response_id": data.rows[-1]["response_id"], "field": "suggestions",
                             "field_label": "意见建议", "organisation": "漱玉药业", "organisation_type": "企业"}


@pytest.mark.slow
def test_staff_runs_analysis_and_sees_themes(app, client):
    code = _session_with_answers(app)
    add_staff(app)
    log_in(client)
    page = client.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)
    assert "尚未分析" in page
    token = csrf_token(client, f"/staff/sessions/{code}/analysis")
    resp = client.post(f"/staff/sessions/{code}/analysis/run", data={"csrf_token": token})
    assert resp.status_code == 302
    page = client.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)
    assert "分析已完成" in page and "未归类/新问题" in page and "校企专利信息沟通与转化渠道" in page
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        result = load_result(session)
    # Every statement traces back to a response and field through its row.
    assert {s["row"] for s in result["statements"]} <= set(range(len(result["rows"])))
    assert any("校企对接" in s["text"] for s in result["statements"])
    with client.get(f"/staff/sessions/{code}/analysis/summary.md") as summary:  # closes the sent file
        assert summary.status_code == 200 and "未归类/新问题" in summary.get_data(as_text=True)
    assert client.get(f"/staff/sessions/{code}/analysis/../../secret_key").status_code == 404
    assert client.get(f"/staff/sessions/{code}/analysis/wordclouds/../analysis.json").status_code == 404


def test_analysis_of_a_session_without_answers_says_so(app, client):
    code = make_session(app, status="open")
    add_staff(app)
    log_in(client)
    token = csrf_token(client, f"/staff/sessions/{code}/analysis")
    page = client.post(f"/staff/sessions/{code}/analysis/run", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "还没有收到意见" in page
