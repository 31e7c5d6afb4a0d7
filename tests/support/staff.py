"""Helpers for staff-side tests: CSRF tokens, logging in, a ready-made session."""
from __future__ import annotations

import datetime as dt
import re

from analysis.resources import corpus_path
from survey.extensions import db
from survey.models import StaffUser
from survey.plans import sync_plan_file
from survey.roster import RosterRow
from survey.sessions import create_session

PLAN_ID = "taian-ip-14th-fyp"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def add_staff(app, username: str = "amy", password: str = "correct horse") -> None:
    with app.app_context():
        user = StaffUser(username=username)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()


def log_in(client, username: str = "amy", password: str = "correct horse"):
    token = csrf_token(client, "/staff/login")
    return client.post("/staff/login", data={"username": username, "password": password, "csrf_token": token})


def make_session(app, status: str = "draft", **overrides) -> str:
    """A session on the seed plan; returns its public code."""
    fields = dict(plan_id=PLAN_ID, title="知识产权规划评价座谈会", form="专题座谈会",
                  organiser="泰安市市场监管局", starts_at=dt.datetime(2023, 11, 15, 14, 30),
                  place="一楼西会议室", status=status,
                  roster=[RosterRow("山东科技大学", "宋庆军", "高校/科研院所"),
                          RosterRow("山东鲁普科技有限公司", "", "企业")])
    fields.update(overrides)
    with app.app_context():
        sync_plan_file(corpus_path("plans", f"{PLAN_ID}.toml"))
        code = create_session(**fields).code
        db.session.commit()
    return code
