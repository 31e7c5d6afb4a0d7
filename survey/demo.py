"""The demo: the seed's plan, a session modelled on the published 专题座谈会, ~40 fictional
responses (corpus/demo/*.toml) and a staff login — installed idempotently, so `pingjia demo`
can be run again at any time without duplicating anything."""
from __future__ import annotations

import datetime as dt
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from analysis.plan import Plan as PlanDefinition
from analysis.resources import corpus_path

from .extensions import db
from .models import WRITTEN_FIELDS, EvaluationSession, Rating, Response, StaffUser
from .plans import plan_dir, sync_plan_dir, sync_plan_file
from .roster import RosterError, RosterRow, parse_toml_tables
from .sessions import create_session
from .timefmt import local_to_utc

DEMO_USERNAME = "staff"
UNKNOWN = "不了解"
# Demo answers arrive as if typed during the meeting, one every 90 s after it starts.
_ANSWER_INTERVAL = dt.timedelta(seconds=90)


class DemoError(ValueError):
    """A demo data file that can't be used: `文件: 字段: 原因`."""


@dataclass
class DemoReport:
    session: EvaluationSession
    session_created: bool
    responses_added: int
    staff_password: str | None  # None: the user already existed and keeps its password


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DemoError(f"{path}: (文件): {exc}") from exc


def _text(table: dict, key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise DemoError(f"{where}{key}: 应为非空字符串")
    return value.strip()


def read_session_file(path: Path) -> tuple[dict, list[RosterRow]]:
    data = _read_toml(path)
    where = f"{path}: "
    starts_at = data.get("starts_at")
    if not isinstance(starts_at, dt.datetime):
        raise DemoError(f"{where}starts_at: 应为日期时间，例如 2023-11-15T14:30:00")
    fields = {key: _text(data, key, where) for key in ("plan", "title", "form", "organiser", "place")}
    fields["starts_at"] = starts_at.replace(tzinfo=None)
    try:
        roster = parse_toml_tables(data.get("roster", []))
    except RosterError as exc:
        raise DemoError(f"{where}{exc}") from exc
    return fields, roster


def read_responses_file(path: Path, plan: PlanDefinition) -> list[dict]:
    data = _read_toml(path)
    goal_ids = {g.id for g in plan.goals}
    names = [t.name for t in plan.types_for()]  # the plan's respondent types (the defaults if it lists none)
    out = []
    for i, t in enumerate(data.get("responses", [])):
        where = f"{path}: responses[{i}]."
        kind = _text(t, "organisation_type", where)
        if kind not in names:
            raise DemoError(f"{where}organisation_type: “{kind}”不在可选范围内（{'、'.join(names)}）")
        ratings = t.get("ratings", {})
        if not isinstance(ratings, dict) or set(ratings) - goal_ids:
            raise DemoError(f"{where}ratings: 键应为规划目标编号（{'、'.join(sorted(goal_ids))}）")
        for goal, score in ratings.items():
            if score != UNKNOWN and not (isinstance(score, int) and 1 <= score <= 5):
                raise DemoError(f"{where}ratings.{goal}: 应为 1-5 或“{UNKNOWN}”")
        out.append({
            "organisation": _text(t, "organisation", where), "organisation_type": kind,
            "ratings": {g: (None if s == UNKNOWN else s) for g, s in ratings.items()},
            **{field: _text(t, field, where, required=False) for field in WRITTEN_FIELDS},
        })
    if not out:
        raise DemoError(f"{path}: responses: 没有演示意见")
    return out


def install_demo(session_file: Path | None = None, responses_file: Path | None = None) -> DemoReport:
    """Add whatever part of the demo is missing; the caller commits."""
    session_file = session_file or corpus_path("demo", "session.toml")
    responses_file = responses_file or corpus_path("demo", "responses.toml")
    fields, roster = read_session_file(session_file)

    # every bundled plan, so a new user finds the second example (营商环境) on the new-session
    # form without knowing about `pingjia load-plans`
    sync_plan_dir(corpus_path("plans"))
    plan = sync_plan_file(_plan_file(fields["plan"])).plan

    session = db.session.scalar(select(EvaluationSession).where(
        EvaluationSession.is_demo.is_(True), EvaluationSession.title == fields["title"]))
    created = session is None
    if created:
        session = create_session(plan_id=plan.id, roster=roster, status="open", is_demo=True,
                                 **{k: v for k, v in fields.items() if k != "plan"})
    else:
        session.status = "open"  # a demo is for trying the survey; reopen it if someone closed it

    answers = read_responses_file(responses_file, plan.definition)
    have = set(db.session.scalars(select(Response.submission_id).where(Response.session_id == session.id)))
    start = local_to_utc(fields["starts_at"])
    added = 0
    for n, answer in enumerate(answers, start=1):
        submission_id = f"demo-{n:03d}"  # stable ids make a second run add nothing
        if submission_id in have:
            continue
        at = start + n * _ANSWER_INTERVAL
        db.session.add(Response(
            session=session, submission_id=submission_id, is_demo=True, created_at=at, updated_at=at,
            organisation=answer["organisation"], organisation_type=answer["organisation_type"],
            **{field: answer[field] for field in WRITTEN_FIELDS},
            ratings=[Rating(goal_id=g, score=s) for g, s in answer["ratings"].items()],
        ))
        added += 1

    password = None
    if db.session.scalar(select(StaffUser).where(StaffUser.username == DEMO_USERNAME)) is None:
        password = secrets.token_urlsafe(9)
        user = StaffUser(username=DEMO_USERNAME, display_name="演示工作人员")
        user.set_password(password)
        db.session.add(user)
    db.session.flush()
    return DemoReport(session, created, added, password)


def _plan_file(plan_id: str) -> Path:
    for folder in (plan_dir(), corpus_path("plans")):
        path = folder / f"{plan_id}.toml"
        if path.is_file():
            return path
    raise DemoError(f"找不到演示所用的规划文件 {plan_id}.toml")
