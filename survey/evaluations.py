"""Evaluations: the unit of analysis and review. One session alone (made on first use, with
the session's code), or several sessions of the same plan that staff group under a code of
their own. The staff pages, the CLI, the jobs and the review code all go through here."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .limits import EVALUATION_TITLE_MAX
from .models import Evaluation, EvaluationSession, Response, evaluation_member, new_public_code
from .sessions import by_code as session_by_code

TITLE_MAX = EVALUATION_TITLE_MAX


class EvaluationError(ValueError):
    """A request the evaluation rules refuse; the message is shown to staff as is."""


def evaluation_for_session(session: EvaluationSession) -> Evaluation:
    """The session's own evaluation, made on first use.

    Two requests may both find none and both insert: the unique code lets one win, and the
    other (inside a savepoint, so the caller's transaction survives) reads the winner's row.
    """
    found = _own_evaluation(session.code)
    if found is not None:
        return found
    evaluation = Evaluation(code=session.code, plan_id=session.plan_id, title=session.title,
                            is_group=False, sessions=[session])
    try:
        with db.session.begin_nested():
            db.session.add(evaluation)
    except IntegrityError:
        found = _own_evaluation(session.code)
        if found is None:  # some other constraint failed: not a race
            raise
        return found
    return evaluation


def _own_evaluation(code: str) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.code == code, Evaluation.is_group.is_(False)))


def group_sessions(sessions: Sequence[EvaluationSession], title: str) -> Evaluation:
    """A new evaluation analysing several sessions of one plan together; the caller commits."""
    unique = list({s.id: s for s in sessions}.values())
    if len(unique) < 2:
        raise EvaluationError("合并分析至少需要选择两场活动")
    title = (title or "").strip()
    if not title:
        raise EvaluationError("合并评价的名称不能为空")
    if len(title) > TITLE_MAX:
        raise EvaluationError(f"合并评价的名称不超过 {TITLE_MAX} 字")
    plans = {s.plan_id for s in unique}
    if len(plans) > 1:
        names = "、".join(f"{s.code}（{s.plan.title}）" for s in unique)
        raise EvaluationError(f"只能合并同一规划的活动：{names} 属于不同的规划")
    evaluation = Evaluation(code=_unused_code(), plan_id=unique[0].plan_id, title=title, is_group=True,
                            sessions=sorted(unique, key=lambda s: s.id))
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


def group_by_codes(codes: Sequence[str], title: str) -> Evaluation:
    """group_sessions for codes typed by staff (CLI, form); unknown codes are named."""
    sessions, missing = [], []
    for code in codes:
        session = session_by_code(code)
        (sessions.append(session) if session is not None else missing.append(code))
    if missing:
        raise EvaluationError(f"找不到活动代码：{'、'.join(missing)}")
    return group_sessions(sessions, title)


def _unused_code() -> str:
    # A group's code shares the sessions' alphabet and must not clash with a session either,
    # since find_by_code reads both.
    while True:
        code = new_public_code()
        taken = db.session.scalar(select(exists().where(EvaluationSession.code == code))) or \
            db.session.scalar(select(exists().where(Evaluation.code == code)))
        if not taken:
            return code


def find_by_code(code: str, *, create: bool = True) -> Evaluation | None:
    """A group's evaluation by its code, or a session's own evaluation by the session code
    (made on first use unless create=False)."""
    code = (code or "").strip().lower()
    found = db.session.scalar(select(Evaluation).where(Evaluation.code == code))
    if found is not None or not create:
        return found
    session = session_by_code(code)
    return evaluation_for_session(session) if session is not None else None


def group_by_code(code: str) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.code == (code or "").strip().lower(),
                                                      Evaluation.is_group.is_(True)))


def groups_of(session: EvaluationSession) -> list[Evaluation]:
    """The grouped evaluations a session belongs to (for links on its pages)."""
    return list(db.session.scalars(
        select(Evaluation).join(evaluation_member, evaluation_member.c.evaluation_id == Evaluation.id)
        .where(evaluation_member.c.session_id == session.id, Evaluation.is_group.is_(True))
        .order_by(Evaluation.id)))


def all_groups() -> list[Evaluation]:
    return list(db.session.scalars(select(Evaluation).where(Evaluation.is_group.is_(True))
                                   .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())))


def evaluation_responses(evaluation: Evaluation) -> list[Response]:
    """Every answer of the evaluation's sessions, in a stable order (session, then arrival)."""
    return list(db.session.scalars(
        select(Response).join(evaluation_member, evaluation_member.c.session_id == Response.session_id)
        .where(evaluation_member.c.evaluation_id == evaluation.id)
        .order_by(Response.session_id, Response.id)))
