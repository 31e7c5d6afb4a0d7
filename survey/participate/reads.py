"""The phone path's reads, run by the database driver on the request's own connection.

A phone's GET reads its page's state in one query on PostgreSQL, two on SQLite (page.py), its POST
the session and any answer stored under the posted id in one query (current.py): Core selects of
plain columns, built once. Through SQLAlchemy's Connection.execute each took about 0.25 ms of CPU,
half of it SQLAlchemy's execution context and its result (the result metadata made from the
driver's description of 19 columns, per statement), not the query (in-process, issue 25); a
phone's GET is little else.

So on psycopg and on Python's sqlite3 the statement SQLAlchemy compiles for the dialect (once per
statement) is run by the driver with the same values, on the request's connection (connection()
below): the same query, the same snapshot. The rows are plain tuples in the statement's column order, each value
converted as SQLAlchemy's result would convert it (on SQLite the times come back as text and the
booleans as integers: the column types' own result processors, taken once per statement; psycopg
needs none here). A failure is what SQLAlchemy's execute would make of it: a connection found
broken is invalidated, so the pool never hands it out again, and SQLite's busy lock in a request
is `DatabaseBusy` (survey/busy.py), which a GET waits out. Other drivers run the statement through
SQLAlchemy Core on the same connection (not the ORM session's execute, which handled these
selects as ORM statements).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from flask import g, has_app_context
from sqlalchemy import Select, event
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

from ..busy import raise_if_busy
from ..extensions import db

_DRIVERS = ("psycopg", "pysqlite")


class _Compiled(NamedTuple):
    statement: Select  # kept with it: its id stays its own
    sql: str
    names: tuple[str, ...] | None  # the values' order for a positional paramstyle (SQLite's ?)
    convert: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column position, result processor)


_COMPILED: dict[tuple[int, str], _Compiled] = {}


def rows(statement: Select, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    """Every row of `statement` with `params`, on the phone request's connection (connection())."""
    return rows_on(connection(), statement, params)


_HELD = "pingjia_phone_connection"  # in flask.g: the request's own pooled connection
_AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


def connection() -> Connection:
    """The connection a phone's request reads on (and on PostgreSQL stores its answer on): a pooled
    one of its own, taken on first use and held until release() (at the latest when the request
    ends), rather than the ORM database session's. Making the session, its transaction and, at the
    request's end, its teardown were a fifth of a cached GET's CPU time, and a POST's look-up
    through the session was 8% of the served app's time (py-spy, issue 25). A database session
    already in a transaction (a caller's app context around the request) is read through as it
    is, so the read sees what it holds.

    On PostgreSQL it is outside a transaction (autocommit): psycopg sends BEGIN as a round trip of
    its own, and the pool a ROLLBACK when the connection is returned, each handing the interpreter
    to another of the server's threads and waiting to get it back. The reads are single statements:
    at PostgreSQL's default isolation (read committed) each reads its own snapshot in or out of a
    transaction alike; the answer's one query carries its own BEGIN and COMMIT (one_trip.py). The
    connection is set back when it returns to the pool. (SQLite begins no transaction for a read.)"""
    held = g.get(_HELD)
    if held is not None:
        return held
    if db.session.registry.has() and db.session().in_transaction():
        return db.session.connection()
    held = db.engine.connect()
    if held.dialect.name == "postgresql":
        if held.dialect.driver == "psycopg":
            # Set on the driver, as psycopg's own attribute: SQLAlchemy's isolation-level options, set
            # on taking the connection and undone on giving it back, were a tenth of a cached GET's
            # Python calls; nothing here runs through SQLAlchemy on this connection (release() sets
            # it back).
            _autocommit(held, True)
        else:
            held.execution_options(**_AUTOCOMMIT)
    setattr(g, _HELD, held)
    return held


@event.listens_for(Session, "after_transaction_create")
def _one_connection_at_a_time(_session, _transaction) -> None:
    """A database session of this request beginning (to compare a resend, store an answer the usual
    way, load the session's objects): the request's own connection is given back first, before the
    session takes one, so that no request holds two (with each of 60 phones at once holding one and
    waiting for a second, the pool ran dry)."""
    if has_app_context():
        release()


def release(_error: BaseException | None = None) -> None:
    """Give the request's own connection back to the pool (a teardown of the phone's requests; and
    before an answer waits for SQLite's write turn, so that no waiting phone holds a connection)."""
    held = g.pop(_HELD, None)
    if held is None:
        return
    if held.dialect.driver == "psycopg" and not held.invalidated:
        try:
            _autocommit(held, False)  # as the pool hands connections out
        except held.dialect.loaded_dbapi.Error:
            held.invalidate()  # broken, or in no state to be used again
    held.close()


def _autocommit(connection: Connection, on: bool) -> None:
    driver: Any = connection.connection.driver_connection
    driver.autocommit = on


def own(connection: Connection) -> bool:
    """Whether `connection` is the request's own (outside any transaction on PostgreSQL)."""
    return g.get(_HELD) is connection


def rows_on(connection: Connection, statement: Select, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    """Every row of `statement` with `params` on `connection` (SQLAlchemy's)."""
    dialect = connection.dialect
    if dialect.driver not in _DRIVERS:
        return connection.execute(statement, params).all()
    compiled = _compile(statement, dialect)
    values = params if compiled.names is None else tuple(params[name] for name in compiled.names)
    try:
        found = execute(connection.connection.driver_connection, compiled.sql, values)
    except dialect.loaded_dbapi.Error as exc:
        if dialect.is_disconnect(exc, connection.connection.dbapi_connection, None):
            connection.invalidate()  # a broken connection: never back into the pool
        raise_if_busy(exc)
        raise
    if not compiled.convert:
        return found
    converted = []
    for row in found:
        cells = list(row)
        for position, processor in compiled.convert:
            cells[position] = processor(cells[position])
        converted.append(tuple(cells))
    return converted


def execute(driver_connection, sql: str, values) -> list[tuple]:
    """The driver's own execute and fetch (a function of its own, so tests count the statements)."""
    return driver_connection.execute(sql, values).fetchall()


def _compile(statement: Select, dialect: Dialect) -> _Compiled:
    key = (id(statement), dialect.name)
    kept = _COMPILED.get(key)
    if kept is None or kept.statement is not statement:
        compiled = statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        processors = ((i, column.type._cached_result_processor(dialect, None))  # noqa: SLF001 - SQLAlchemy's own cache
                      for i, column in enumerate(statement.selected_columns))
        kept = _COMPILED[key] = _Compiled(statement, str(compiled), names,
                                          tuple((i, p) for i, p in processors if p is not None))
    return kept
