"""The plain survey page (a phone's GET, no notices): rendered once per state of its session,
plan and roster, then personalised per phone.

The page is the same for every phone but for its CSRF token and submission id, and rendering its
rating buttons was half of a GET's time (profiled for issue 17). The cache key is every column of
the session and of its plan and the roster's organisations, so any change staff make renders
afresh; on a hit they are read as plain columns (one query on PostgreSQL, two on SQLite) and no ORM object is made
(issue 25: the session and plan as objects were a third of a cached GET's CPU time). Not cached
for a logged-in member of staff or pending messages, whose header and notices are their own.
"""
from __future__ import annotations

from flask import current_app
from flask import session as cookie_session  # plain `session` here is an EvaluationSession
from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from ..answers import new_submission_id
from ..forms import csrf_token
from ..models import EvaluationSession, Plan, RosterEntry
from . import reads

CACHE = "pingjia.survey_pages"  # in app.extensions: {key: page with two slots}
CACHE_SIZE = 64
_TOKEN_SLOT, _ID_SLOT = "\x00csrf\x00", "\x00sid\x00"

# Every column but the count of its answers, which changes with every answer (the database keeps it).
_SESSION_COLUMNS = tuple(c for c in EvaluationSession.__table__.columns if c.name != "answer_count")
_PLAN_COLUMNS = tuple(Plan.__table__.columns)
STATE_WIDTH = len(_SESSION_COLUMNS) + len(_PLAN_COLUMNS)
# Positions in a STATE row (rows read by reads.py are plain tuples).
ID, CODE, STATUS = ([c.name for c in _SESSION_COLUMNS].index(name) for name in ("id", "code", "status"))
# The session's and its plan's every column by the session's code (state_of's order). Built once:
# composing the statement was a measurable part of a request that does little else.
STATE = (select(*_SESSION_COLUMNS, *_PLAN_COLUMNS)
          .join_from(EvaluationSession.__table__, Plan.__table__)
          .where(EvaluationSession.__table__.c.code == bindparam("code")))
_ROSTER = (select(RosterEntry.organisation, RosterEntry.organisation_type)
           .where(RosterEntry.session_id == bindparam("session_id")).order_by(RosterEntry.id))
# On PostgreSQL the roster comes with the state, as one JSON array in roster order: a second query
# was a second round trip to the server for every phone's GET, and each trip hands the interpreter
# to another server thread and waits to get it back (issue 25). SQLite, in the process, keeps two.
_ROSTER_JSON = (select(func.json_agg(aggregate_order_by(
    func.json_build_array(RosterEntry.organisation, RosterEntry.organisation_type), RosterEntry.id)))
    .where(RosterEntry.session_id == EvaluationSession.__table__.c.id).scalar_subquery())
_STATE_AND_ROSTER = STATE.add_columns(_ROSTER_JSON)


def sent_key(code: str) -> str:
    """The cookie-session key of the answer this browser last stored in the session `code`."""
    return f"sent-{code}"


def submission_id(code: str) -> str:
    """The submission id the page carries: a new one, or after a stored answer that one."""
    # Without JS, going back from the thank-you page re-fetches the form and the browser
    # refills only the visible fields: hand out the id of the answer already stored, so
    # a resubmit of it is recognised. "?new=1" (the thank-you page's link) starts afresh.
    from flask import request

    args = request.args
    if "new" not in args or not args["new"]:  # args.get raises and catches a KeyError when it is missing
        remembered = cookie_session.get(sent_key(code))
        if remembered:
            return remembered
    return new_submission_id()


def own_page() -> bool:
    """A logged-in member of staff, or messages waiting to be shown: a page of their own."""
    return "_user_id" in cookie_session or "_flashes" in cookie_session


def organisations(session_id: int) -> list[tuple[str, str]]:
    """The roster's organisations and types in roster order (as staff entered it, usually the
    seating list), each once."""
    return _each_once(reads.rows(_ROSTER, {"session_id": session_id}))


def _each_once(rows) -> list[tuple[str, str]]:
    """(organisation, type) pairs in their order, each once: the page's roster and its key."""
    return list(dict.fromkeys((name, kind) for name, kind in rows))


def from_cache(code: str) -> str | None:
    """This phone's copy of the cached page, or None: the session is unknown or not open, the
    page is its own (own_page), or it has not been rendered in this state yet."""
    if own_page():
        return None
    postgresql = reads.connection().dialect.name == "postgresql"
    found = reads.rows(_STATE_AND_ROSTER if postgresql else STATE, {"code": code.strip().lower()})
    if not found or found[0][STATUS] != "open":
        return None
    row = found[0]
    roster = _each_once(row[STATE_WIDTH] or ()) if postgresql else organisations(row[ID])
    page = _pages().get((tuple(row[:STATE_WIDTH]), tuple(roster)))
    if page is None:
        return None
    token = csrf_token()
    return page.replace(_TOKEN_SLOT, token).replace(_ID_SLOT, submission_id(row[CODE]))


def keep(session: EvaluationSession, roster: list[tuple[str, str]], html: str, token: str, sid: str) -> None:
    """Keep a page just rendered for `session` with `roster`, carrying `token` and `sid`."""
    if html.count(token) != 1 or html.count(sid) != 1:
        return  # not the shape this cache expects: never serve a page it cannot personalise
    # The key as from_cache reads it, from the objects the page was rendered from.
    state = state_of(session)
    pages = _pages()
    if len(pages) >= CACHE_SIZE:
        pages.clear()
    pages[(state, tuple(roster))] = html.replace(token, _TOKEN_SLOT).replace(sid, _ID_SLOT)


def state_of(session: EvaluationSession) -> tuple:
    """Every column of `session` and of its plan, as STATE reads them."""
    return (tuple(getattr(session, _attribute(EvaluationSession, c)) for c in _SESSION_COLUMNS)
            + tuple(getattr(session.plan, _attribute(Plan, c)) for c in _PLAN_COLUMNS))


def _attribute(model, column) -> str:
    return inspect(model).get_property_by_column(column).key


def _pages() -> dict:
    return current_app.extensions.setdefault(CACHE, {})
