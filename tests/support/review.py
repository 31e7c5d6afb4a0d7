"""Helpers for the review/evaluation/job tests: a session with answers, its evaluation."""
from __future__ import annotations

from sqlalchemy import select

from support.staff import make_session
from survey.extensions import db
from survey.models import EvaluationSession, Response

ANSWERS = [
    ("山东科技大学", "高校/科研院所", "学校的专利成果很多，但企业不知道，校企对接渠道不畅。", "建立常态化的校企对接平台。"),
    ("山东鲁普科技有限公司", "企业", "中小企业知识产权意识不强，没有专人管理专利。", ""),
    ("泰安某代理机构", "服务机构", "本地缺少专利评估和诉讼方面的高端人才。", "加强专业人才培养。"),
    ("漱玉药业", "企业", "", "希望专利奖补资金早点兑现。"),
]


def session_by_code(code: str) -> EvaluationSession:
    return db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))


def add_answers(app, code: str, answers, *, start: int = 0) -> None:
    with app.app_context():
        session = session_by_code(code)
        for i, (org, kind, problems, suggestions) in enumerate(answers, start=start):
            db.session.add(Response(session=session, submission_id=f"s{i}", organisation=org,
                                    organisation_type=kind, problems=problems, suggestions=suggestions))
        db.session.commit()


def session_with_answers(app, answers=ANSWERS, **overrides) -> str:
    code = make_session(app, status="open", **overrides)
    add_answers(app, code, answers)
    return code
