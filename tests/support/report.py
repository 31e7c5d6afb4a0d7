"""Report test data: a session with answers, and Statement/Theme rows written directly (the
store that fills them in production is survey/review/store.py on branch review-core)."""
from __future__ import annotations

import datetime as dt

from support.staff import make_session
from survey.extensions import db
from survey.models import Rating, Response, StaffUser
from survey.reports.data import evaluation_for_code
from survey.review.models import Statement, Theme
from survey.review.store import assign_measures
from survey.sessions import by_code

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"  # check digit valid

# (organisation, type, ratings {goal: score}, problems statements, suggestions statements)
ANSWERS = [
    ("山东科技大学", "高校/科研院所", {"creation": 4, "environment": 5, "policy": None},
     [("学校专利转化比例很低，企业不清楚学校有哪些成果。", "transfer-channels", "confirmed"),
      (f"有问题请联系宋庆军老师，电话{PHONE}。", "transfer-channels", "machine")],
     [("建议建立常态化校企对接机制。", "transfer-channels", "machine")]),
    ("山东鲁普科技有限公司", "企业", {"creation": 3, "environment": 4, "policy": 2},
     [("企业对知识产权不够重视，没有专人负责。", "enterprise-capability", "moved"),
      ("=HYPERLINK(\"http://evil\")缺少专业人才", "service-talent", "machine")],
     [("希望多开展知识产权宣传进企业活动。", "enterprise-capability", "machine")]),
    ("泰安某代理事务所", "服务机构", {"creation": 5, "environment": None},
     [("本地代理机构规模小，高端人才匮乏。", "service-talent", "confirmed"),
      ("停车位太少，开会不方便。", "other", "machine"),
      ("与本次评价无关的内容。", "other", "excluded")],
     [("+尽快建设知识产权保护中心和综合服务平台。", "service-talent", "confirmed")]),
]


def make_evaluation(app) -> str:
    """A session on the seed plan with three responses and reviewed/unreviewed statements."""
    code = make_session(app, status="open")
    with app.app_context():
        session = by_code(code)
        staff = StaffUser(username="reviewer", display_name="王审核")
        staff.set_password("correct horse")
        db.session.add(staff)
        evaluation = evaluation_for_code(code)
        themes = {}

        def theme(category: str, machine: str, staff_label: str | None = None) -> Theme:
            key = (category, machine)
            if key not in themes:
                themes[key] = Theme(evaluation_id=evaluation.id, category=category, machine_label=machine,
                                    staff_label=staff_label, keywords=[machine])
                db.session.add(themes[key])
                db.session.flush()
            return themes[key]

        labels = {"transfer-channels": ("成果 转化", "校企成果转化不畅"), "enterprise-capability": ("企业 重视", None),
                  "service-talent": ("代理 人才", "服务机构和人才不足"), "other": ("停车 开会", None)}
        at = dt.datetime(2023, 11, 15, 7, 0)
        for n, (org, kind, ratings, problems, suggestions) in enumerate(ANSWERS):
            response = Response(session=session, submission_id=f"t-{n}", organisation=org, organisation_type=kind,
                                problems="".join(t for t, _, _ in problems),
                                suggestions="".join(t for t, _, _ in suggestions),
                                created_at=at + dt.timedelta(minutes=n),
                                ratings=[Rating(goal_id=g, score=s) for g, s in ratings.items()])
            db.session.add(response)
            db.session.flush()
            for field, items in (("problems", problems), ("suggestions", suggestions)):
                for position, (text, category, status) in enumerate(items):
                    machine, staff_label = labels[category]
                    t = theme(category, machine, staff_label)
                    reviewed = status in ("confirmed", "moved", "excluded")
                    db.session.add(Statement(
                        evaluation_id=evaluation.id, response_id=response.id, field=field, position=position,
                        text=text, kind="suggestion" if field == "suggestions" else "problem", machine_category=category, machine_confidence=0.5 + position / 10,
                        machine_theme_id=t.id, category=category, theme_id=t.id, status=status,
                        exclude_reason="off_topic" if status == "excluded" else None,
                        reviewed_by=staff if reviewed else None,
                        reviewed_at=at + dt.timedelta(hours=2) if reviewed else None))
        assign_measures(evaluation, representation="tfidf")  # what the analysis job stores
        db.session.commit()
    return code


def store_demo_analysis(app, code: str, *, representation: str = "tfidf") -> None:
    """Run the real analysis and store (survey/review/store.py) over a session's answers, then
    name every other theme and confirm every third statement the way staff would, so the report
    shows staff names, machine names and reviewed statements."""
    from sqlalchemy import select

    from survey.review.store import analyse

    with app.app_context():
        evaluation = evaluation_for_code(code)
        db.session.commit()
        analyse(evaluation, wordclouds=False, representation=representation)
        themes = db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation.id)
                                    .order_by(Theme.id)).all()
        for i, theme in enumerate(themes):
            if i % 2 == 0:
                theme.staff_label = f"{theme.machine_label}（已命名）"
        statements = db.session.scalars(select(Statement).where(Statement.evaluation_id == evaluation.id)
                                        .order_by(Statement.id)).all()
        for i, statement in enumerate(statements):
            if i % 3 == 0:
                statement.status = "confirmed"
                statement.reviewed_at = dt.datetime(2023, 11, 16, 2, 0)
        db.session.commit()
