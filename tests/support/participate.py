"""Helpers for the participant-survey tests: a session built straight from the models
(so the tests do not depend on the `pingjia demo` command) and a complete valid answer."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from survey.answers import rating_field_name
from survey.extensions import db
from survey.models import EvaluationSession, Plan, RosterEntry

PLAN_FILE = Path(__file__).resolve().parents[2] / "corpus" / "plans" / "taian-ip-14th-fyp.toml"
ROSTER = (("山东科技大学", "高校/科研院所"), ("山东鲁普科技有限公司", "企业"), ("漱玉药业", "企业"))


def make_session(status: str = "open", code: str | None = None) -> EvaluationSession:
    """Call inside an app context; reuses the seed plan row if it exists."""
    plan = db.session.get(Plan, "taian-ip-14th-fyp")
    if plan is None:
        plan = Plan(id="taian-ip-14th-fyp", title="泰安市“十四五”知识产权保护和运用规划",
                    source_text=PLAN_FILE.read_text(encoding="utf-8"), source_name=PLAN_FILE.name)
    session = EvaluationSession(plan=plan, title="《规划》政策评价专题座谈会", status=status,
                                organiser="泰安市市场监管局（知识产权局）")
    if code:
        session.code = code
    session.roster = [RosterEntry(organisation=o, organisation_type=t) for o, t in ROSTER]
    db.session.add(session)
    db.session.commit()
    return session


def goal_ids(session: EvaluationSession) -> list[str]:
    return [g.id for g in session.plan.definition.goals]


def valid_answer(session: EvaluationSession, **overrides) -> dict[str, str]:
    """Scores 5,4,3,... with the last goal 不了解."""
    ids = goal_ids(session)
    data = {
        "submission_id": str(uuid.uuid4()),
        "organisation": "山东科技大学",
        "organisation_type": "高校/科研院所",
        "problems": "高校与企业之间缺乏有效的专利技术信息沟通。",
        "suggestions": "建立常态化的校企对接平台。",
    }
    for i, goal_id in enumerate(ids):
        data[rating_field_name(goal_id)] = "na" if i == len(ids) - 1 else str(5 - i % 5)
    data.update(overrides)
    return data


_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The form's token, or "" when the app runs with CSRF off."""
    match = _TOKEN.search(html)
    return match.group(1) if match else ""
