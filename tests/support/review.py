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


def as_the_page_sends(app, code: str, payload: dict) -> dict:
    """The payload with what review.js adds: the version of every statement and theme it names
    as the database holds them now, and for "select all" the digest of what the filter shows.
    Fields the test already gives are kept (a stale version stays stale)."""
    from urllib.parse import parse_qs

    from werkzeug.datastructures import MultiDict

    from survey.models import Evaluation
    from survey.review import payload as payload_rules
    from survey.review.models import Statement, Theme
    from survey.review.queries import Filters, find_statements

    payload = dict(payload)
    with app.app_context():
        statements = [i for i in payload.get("statements") or [] if isinstance(i, int)]
        if statements and "versions" not in payload:
            payload["versions"] = {str(s.id): s.version for s in
                                   db.session.scalars(select(Statement).where(Statement.id.in_(statements)))}
        themes = [i for i in [payload.get("theme"), *(payload.get("themes") or [])] if isinstance(i, int)]
        if themes and "theme_versions" not in payload:
            payload["theme_versions"] = {str(t.id): t.version for t in
                                         db.session.scalars(select(Theme).where(Theme.id.in_(themes)))}
        everything = payload.get("all")
        if isinstance(everything, dict) and "state" not in everything:
            evaluation = db.session.scalar(select(Evaluation).where(Evaluation.code == code))
            args = MultiDict([(k, v) for k, vs in parse_qs(everything.get("filter", "")).items() for v in vs])
            rows = find_statements(evaluation, Filters.from_args(args))
            payload["all"] = {"count": len(rows), **everything,
                              "state": payload_rules.digest(sorted((s.id, s.version) for s in rows))}
    return payload
