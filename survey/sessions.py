"""Evaluation sessions: create, find by public code, open and close. The staff pages, the CLI
and the demo all go through here so they enforce the same rules."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import abort, url_for
from sqlalchemy import func, select

from .extensions import db
from .hosts import public_base_url
from .limits import ORGANISER_MAX, PLACE_MAX, SESSION_TITLE_MAX
from .models import SESSION_FORMS, Evaluation, EvaluationSession, Plan, Response, RosterEntry, new_public_code
from .roster import RosterRow


class SessionError(ValueError):
    """A request the session rules refuse; the message is shown to staff as is."""


def create_session(*, plan_id: str, title: str, form: str, organiser: str, starts_at: dt.datetime | None,
                   place: str, roster: Iterable[RosterRow] = (), status: str = "draft",
                   is_demo: bool = False, anonymous: bool = False) -> EvaluationSession:
    """A new session; `anonymous` makes it a public consultation (no organisation asked, the
    type optional, 个人/群众 offered), otherwise a named session with its roster."""
    if db.session.get(Plan, plan_id) is None:
        raise SessionError(f"找不到规划“{plan_id}”，请先用 pingjia load-plan 导入规划文件")
    if form not in SESSION_FORMS:
        raise SessionError(f"评价形式“{form}”不在可选范围内（{'、'.join(SESSION_FORMS)}）")
    if not title.strip():
        raise SessionError("活动名称不能为空")
    for label, value, limit in (("活动名称", title, SESSION_TITLE_MAX), ("组织实施单位", organiser, ORGANISER_MAX),
                                ("地点", place, PLACE_MAX)):
        if len(value.strip()) > limit:  # the column size; PostgreSQL would refuse it mid-insert
            raise SessionError(f"{label}不超过 {limit} 字（现有 {len(value.strip())} 字）")
    session = EvaluationSession(
        code=_unused_code(), plan_id=plan_id, title=title.strip(), form=form,
        organiser=organiser.strip(), starts_at=starts_at, place=place.strip(), status=status,
        is_demo=is_demo, anonymous=anonymous,
        roster=[RosterEntry(organisation=r.organisation, person=r.person,
                            organisation_type=r.organisation_type) for r in roster],
    )
    db.session.add(session)
    db.session.flush()
    return session


def _unused_code() -> str:
    # 31^8 codes make a clash very unlikely, but a unique-constraint error mid-meeting is worse.
    while True:
        code = new_public_code()
        # Grouped evaluations share the code space (survey.evaluations.find_by_code reads both).
        if db.session.scalar(select(EvaluationSession.id).where(EvaluationSession.code == code)) is None \
                and db.session.scalar(select(Evaluation.id).where(Evaluation.code == code)) is None:
            return code


def by_code(code: str) -> EvaluationSession | None:
    return db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code.strip().lower()))


def session_or_404(code: str) -> EvaluationSession:
    """The session a staff page's URL names, or 404 (every staff area looks it up this way)."""
    session = by_code(code)
    if session is None:
        abort(404)
    return session


def owned_or_404(model, row_id: int, **owner: int):
    """Row `row_id` of `model` if it belongs to the parent in the URL (owner: its foreign key and
    the parent's id), else 404: a staff URL may not reach another session's photo or statement."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, key) != value for key, value in owner.items()):
        abort(404)
    return row


def set_status(session: EvaluationSession, status: str) -> None:
    if status not in ("open", "closed"):
        raise SessionError(f"未知状态：{status}")
    session.status = status


def response_counts() -> dict[int, int]:
    """Responses per session id, in one query for the session list."""
    rows = db.session.execute(select(Response.session_id, func.count()).group_by(Response.session_id))
    return {session_id: n for session_id, n in rows}


def response_count(session: EvaluationSession) -> int:
    return db.session.scalar(select(func.count()).select_from(Response)
                             .where(Response.session_id == session.id)) or 0


def response_sources(session: EvaluationSession) -> dict[str, int]:
    """Responses per source (手机, 问卷星, 纸质 …) for the session page."""
    rows = db.session.execute(select(Response.source, func.count()).where(Response.session_id == session.id)
                              .group_by(Response.source).order_by(Response.source))
    return {source: n for source, n in rows}


def latest_responses(session: EvaluationSession, limit: int = 10) -> list[Response]:
    return list(db.session.scalars(select(Response).where(Response.session_id == session.id)
                                   .order_by(Response.created_at.desc(), Response.id.desc()).limit(limit)))


def participant_url(session: EvaluationSession) -> str:
    """The absolute link the QR code carries (the participant blueprint's /s/<code>), on
    survey.hosts.public_base_url. Needs a request context (or test_request_context)."""
    return public_base_url() + url_for("participate.survey", code=session.code)


def only_reachable_from_this_machine(url: str) -> bool:
    """True for loopback links, which a phone scanning the QR code cannot open."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")
