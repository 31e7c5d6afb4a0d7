"""A phone's answer on PostgreSQL in one round trip: its row, its ratings (the row's insert locks
the session's row and counts the answer: a trigger, survey/answers.py _COUNT), the count against
the cap and the commit, sent as one query.

Through the ORM the answer took three round trips (its INSERT … RETURNING, its ratings, then lock,
count and commit together: answers._commit_under_cap_in_one_trip), and after each the thread
waited to take the interpreter back from the server's other threads; the ORM's flush alone was a
quarter of a phone's POST in CPU time (benchmarks/phone_profile.py, issue 25).
The row and its ratings are one statement (a data-modifying WITH); the check of the count and the
commit follow in the same query, with the same PL/pgSQL block as store_response's, so the cap holds
the same way: the count is read under the row lock the insert took, after every answer committed
before.

The values are merged in on the client by psycopg (ClientCursor.mogrify, its own quoting of each
value): values sent apart from the text would make it a prepared statement, which holds one
statement only. The session's id and the cap, the only values inside the block, are integers. Nothing but plain success is handled here: an id
already stored, a full session or any error is rolled back, and the caller stores the answer the
usual way (answers.store_response), which says what happened exactly as before.
"""
from __future__ import annotations

from functools import lru_cache

from ..answers import (
    ANSWER_COLUMNS,
    Stored,
    SurveyFormBase,
    announce_committed,
    answer_values,
    cap_and_commit,
    note_stored,
)
from ..extensions import db
from ..models import EvaluationSession, Rating, Response
from . import reads


def store(session: EvaluationSession, form: SurveyFormBase, cap: int | None) -> tuple[Stored, bool] | None:
    """Store a new answer in one round trip: (what was stored, True), or None when it was not
    (rolled back; the caller stores it the usual way). Only with psycopg 3."""
    connection = reads.connection()
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        return None
    import psycopg

    values = answer_values(session, form)
    scores = list(form.scores().items())
    params = dict(values)
    for i, (goal_id, score) in enumerate(scores):
        params[f"goal_{i}"], params[f"score_{i}"] = goal_id, score
    driver = connection.connection.driver_connection
    if driver is None:  # no live connection underneath: the usual way
        return None
    # psycopg merges the values in (its own quoting); sent without values, as one simple query, by
    # the driver itself: through SQLAlchemy's exec_driver_sql its execution context and result were
    # a fifth of the answer's CPU time (issue 25). Given no values, psycopg reads no %-placeholders.
    # On the request's own connection (reads.connection: outside a transaction) the query opens
    # its transaction itself, so psycopg sends no BEGIN of its own, a round trip saved.
    own = reads.own(connection)
    query = psycopg.ClientCursor(driver).mogrify(
        _query(len(scores), None if cap is None else int(cap), int(session.id)), params)
    try:
        cursor = driver.execute(f"BEGIN; {query}" if own else query)
        if own:
            cursor.nextset()  # BEGIN's result, then the answer's id
        response_id = cursor.fetchone()[0]
    except connection.dialect.loaded_dbapi.Error as exc:  # psycopg's Error
        if connection.dialect.is_disconnect(exc, connection.connection.dbapi_connection, None):
            connection.invalidate()  # a broken connection: never back into the pool
        elif own:
            _roll_back(connection, driver)
        else:
            db.session.rollback()
        return None
    if own:
        # Committed outside any database session: the live wall is told directly. (Through the
        # session's commit, which sent nothing, it was a twentieth of a POST's Python calls.)
        announce_committed([session.id])
    else:
        note_stored(db.session, [session.id])
        db.session.commit()  # sends nothing (committed above); the live wall hears of the answer
    return Stored(response_id, values["submission_id"]), True


def _roll_back(connection, driver) -> None:
    """End the failed transaction the query opened on the request's own connection."""
    import psycopg

    try:
        driver.execute("ROLLBACK")
    except psycopg.Error:
        connection.invalidate()  # in no state to be used again


@lru_cache(maxsize=64)
def _query(ratings: int, cap: int | None, session_id: int) -> str:
    # Built once per (number of goals, cap, session); %(name)s are psycopg's client-side values,
    # so a literal % in the text would be doubled (there is none).
    answer, rating = Response.__table__.name, Rating.__table__.name
    insert = (f"INSERT INTO {answer} ({', '.join(ANSWER_COLUMNS)}) "
              f"VALUES ({', '.join(f'%({c})s' for c in ANSWER_COLUMNS)}) RETURNING id")
    if ratings:
        given = ", ".join(f"(%(goal_{i})s, CAST(%(score_{i})s AS integer))" for i in range(ratings))
        statement = (f"WITH answer AS ({insert}), rated AS (INSERT INTO {rating} (response_id, goal_id, score) "
                     f"SELECT answer.id, given.goal_id, given.score FROM answer, (VALUES {given}) AS given(goal_id, score)) "
                     "SELECT id FROM answer")
    else:
        statement = insert
    if cap is None:
        return f"{statement}; COMMIT"
    return f"{statement}; {cap_and_commit(session_id, cap)}"
