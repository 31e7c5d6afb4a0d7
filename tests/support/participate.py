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


BUSINESS_PLAN_FILE = PLAN_FILE.with_name("city-business-environment.toml")


def make_session(status: str = "open", code: str | None = None, *, anonymous: bool = False,
                 plan_file: Path = PLAN_FILE) -> EvaluationSession:
    """Call inside an app context; reuses the plan row if it exists. `anonymous`: a public
    consultation (no roster); `plan_file`: another plan (BUSINESS_PLAN_FILE)."""
    from analysis.plan import load_plan

    definition = load_plan(plan_file)
    plan = db.session.get(Plan, definition.id)
    if plan is None:
        plan = Plan(id=definition.id, title=definition.title,
                    source_text=plan_file.read_text(encoding="utf-8"), source_name=plan_file.name)
    session = EvaluationSession(plan=plan, title=f"{definition.short_name}政策评价", status=status,
                                organiser="市政府办公室", anonymous=anonymous)
    if code:
        session.code = code
    if not anonymous:
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


_SUBMISSION = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')


def submission_id(html: str) -> str:
    """The no-JS fallback submission id the survey page carries (the page always has one)."""
    return _SUBMISSION.search(html).group(1)


def two_apps_on_redis(tmp_path, **config) -> tuple:
    """Two apps (two server processes' worth of memory) on one SQLite database, sharing the Redis of
    $TEST_REDIS_URL under a key prefix of their own: (first, second, redis url, prefix). Skips the
    test when no Redis answers, unless TEST_REDIS_URL names one (then it fails)."""
    import os

    import pytest
    import redis

    from survey import create_app

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("TEST_REDIS_URL"):
            raise
        pytest.skip(f"Redis does not answer at {url}: {exc}")
    prefix = f"pingjia-test-{uuid.uuid4().hex}"
    settings = {"TESTING": True, "SECRET_KEY": "x", "REDIS_URL": url, "RATELIMIT_KEY_PREFIX": prefix,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'redis.sqlite3'}", **config}
    return create_app(settings), create_app(settings), url, prefix
