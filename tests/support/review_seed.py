"""A small evaluation with themes and statements inserted straight into the review tables,
as a finished analysis would leave them (for the review rules and pages tests)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from support.staff import make_session
from survey.extensions import db
from survey.models import Evaluation, EvaluationSession, Response, StaffUser
from survey.review.models import Statement, Theme

# (category, theme key, organisation type, field, text, confidence, review_rank)
ROWS = [
    ("transfer-channels", "channel", "高校/科研院所", "problems", "高校与企业之间缺乏专利信息沟通渠道", 0.91, 7),
    ("transfer-channels", "channel", "企业", "problems", "校企对接平台少，成果转化渠道不畅", 0.84, 5),
    ("transfer-channels", "channel", "企业", "suggestions", "建立常态化的校企专利对接平台", 0.77, 8),
    ("transfer-channels", "fund", "高校/科研院所", "suggestions", "设立专利转化引导资金支持高校成果落地", 0.55, 2),
    ("transfer-channels", "fund", "服务机构", "suggestions", "加大专利转化资金扶持力度", 0.62, 6),
    ("service-talent", "talent", "服务机构", "problems", "本地缺少高端知识产权代理人才", 0.88, 9),
    ("service-talent", "talent", "企业", "problems", "知识产权服务机构专业人才不足", 0.71, 4),
    ("enterprise-capability", "aware", "企业", "problems", "中小企业知识产权保护意识薄弱", 0.93, 10),
    ("other", "misc", "政府部门", "problems", "会议室空调太冷", 0.31, 1),
    ("other", "misc", "其他", "suggestions", "希望多组织此类座谈会", 0.42, 3),
]
LABELS = {"channel": "校企专利信息沟通渠道不畅", "fund": "专利转化资金支持不足", "talent": "高端代理人才缺乏",
          "aware": "企业保护意识薄弱", "misc": "会议组织"}


@dataclass
class Seeded:
    evaluation_id: int
    themes: dict[str, int]  # theme key -> id
    statements: list[int]  # in ROWS order
    user_id: int
    other_user_id: int


def seed_review(app, rows=ROWS) -> Seeded:
    code = make_session(app, status="open")
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        user = StaffUser(username="reviewer", display_name="王审核")
        user.set_password("correct horse")
        other = StaffUser(username="second", display_name="李同事")
        other.set_password("correct horse")
        evaluation = Evaluation(code=session.code, plan_id=session.plan_id, title=session.title,
                                sessions=[session])
        db.session.add_all([user, other, evaluation])
        db.session.flush()
        themes: dict[str, Theme] = {}
        for category, key, *_ in rows:
            if key not in themes:
                themes[key] = Theme(evaluation_id=evaluation.id, category=category, machine_label=LABELS[key],
                                    label_words=LABELS[key][:4:2], keywords=[LABELS[key][:2], LABELS[key][2:4]])
        db.session.add_all(themes.values())
        db.session.flush()
        statements = []
        for n, (category, key, org_type, field, text, confidence, rank) in enumerate(rows):
            response = Response(session=session, submission_id=f"seed-{n}", organisation=f"单位{n}",
                                organisation_type=org_type, **{field: text})
            statement = Statement(evaluation_id=evaluation.id, response=response, field=field, position=0,
                                  text=text, machine_category=category, machine_confidence=confidence,
                                  machine_theme_id=themes[key].id, review_rank=rank, category=category,
                                  theme_id=themes[key].id, status="machine")
            db.session.add(statement)
            statements.append(statement)
        db.session.commit()
        return Seeded(evaluation.id, {k: t.id for k, t in themes.items()}, [s.id for s in statements],
                      user.id, other.id)
