"""The phone path's reads on PostgreSQL, run by psycopg on the request's own connection.

A phone's GET reads its page's state in one query (page.py), its POST the session and any answer
stored under the posted id in one query (current.py): Core selects of plain columns, built once.
Through SQLAlchemy's Connection.execute each took about 0.25 ms of CPU, half of it SQLAlchemy's
execution context and its result (the result metadata made from psycopg's description of 19
columns, per statement), not the query (in-process, issue 25); a phone's GET is little else.

So on psycopg the statement SQLAlchemy compiles for this dialect (once per statement) is run by
the driver with the same values, on the very connection the request's database session holds and
in its transaction (or outside one, as page.py arranges): the same query, the same snapshot, the
same prepared-statement reuse by psycopg. The rows are plain tuples in the statement's column
order, as SQLAlchemy's rows would give them (no column here has a result conversion on psycopg:
text, integers, booleans, timestamps and JSON come back as psycopg makes them either way).
A connection found broken is invalidated, as SQLAlchemy's own execute does, so the pool never
hands it out again. Other databases and drivers run the statement through SQLAlchemy Core on the
same connection (not the ORM session's execute, which handled these selects as ORM statements).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect

from ..extensions import db

_COMPILED: dict[tuple[int, str], tuple[Select, str]] = {}


def rows(statement: Select, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    """Every row of `statement` with `params`, on the database session's connection."""
    connection = db.session.connection()
    if connection.dialect.driver != "psycopg":
        return connection.execute(statement, params).all()
    import psycopg

    driver = connection.connection.driver_connection
    try:
        return driver.execute(_sql(statement, connection.dialect), params).fetchall()  # type: ignore[union-attr]
    except psycopg.OperationalError:
        connection.invalidate()  # a broken connection: never back into the pool
        raise


def _sql(statement: Select, dialect: Dialect) -> str:
    key = (id(statement), dialect.name)
    kept = _COMPILED.get(key)
    if kept is None or kept[0] is not statement:  # the statement is kept with it: its id stays its own
        kept = _COMPILED[key] = (statement, str(statement.compile(dialect=dialect)))
    return kept[1]
