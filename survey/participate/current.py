"""The session and its plan for a phone's POST, as they stand now: their columns read as plain
values in one query, with the answer already stored under the posted submission id, and the
objects kept per state, so a POST makes no ORM object for them.

Loading the session and plan as objects was a fifth of a POST's CPU time and the largest part of
a resend's (benchmarks/phone_profile.py, issue 25). The kept objects are detached from every
database session and shared by the server's threads, which only read them; everything the phone's
pages read of them is a column of the session or of its plan, all loaded. The key is every column
of both (page.py's cache key), so any change staff make loads them afresh. The stored answer is
read as a tuple of its columns: a resend only compares it, a changed answer only shows its id.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

from ..answers import StoredAnswer
from ..extensions import db
from ..models import EvaluationSession, Plan, Response
from . import page, reads

CACHE = "pingjia.phone_sessions"  # in app.extensions: {state: the session, its plan set on it}
CACHE_SIZE = 64

_ANSWER_COLUMNS = tuple(Response.__table__.c[name] for name in StoredAnswer._fields)
_POSTED = page.STATE.add_columns(*_ANSWER_COLUMNS).outerjoin(
    Response.__table__, and_(Response.__table__.c.session_id == EvaluationSession.__table__.c.id,
                             Response.__table__.c.submission_id == bindparam("submission_id")))
_OBJECTS = select(EvaluationSession, Plan).join(EvaluationSession.plan).where(EvaluationSession.id == bindparam("id"))


def session_and_answer(code: str, submission_id: str | None
                       ) -> tuple[EvaluationSession | None, StoredAnswer | None]:
    """The session by its code (None if there is none) and, given a submission id, the answer
    stored in it under that id (None if none is), in one query."""
    matched = reads.rows(_POSTED, {"code": code.strip().lower(), "submission_id": submission_id or ""})
    if not matched:
        return None, None
    row = matched[0]
    found = submission_id and row[page.STATE_WIDTH] is not None
    answer = StoredAnswer(*row[page.STATE_WIDTH:]) if found else None
    kept = current_app.extensions.setdefault(CACHE, {})
    session = kept.get(tuple(row[:page.STATE_WIDTH]))
    if session is None:
        session = _load(row[page.ID])
        if len(kept) >= CACHE_SIZE:
            kept.clear()
        kept[page.state_of(session)] = session  # the key from the objects themselves
    return session, answer


def _load(session_id: int) -> EvaluationSession:
    session, plan = db.session.execute(_OBJECTS, {"id": session_id}).one()
    set_committed_value(session, "plan", plan)
    db.session.expunge(session)
    db.session.expunge(plan)
    return session
