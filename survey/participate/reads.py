"""The phone path's reads, run by the database driver on the request's own connection.

A phone's GET reads its page's state in one query on PostgreSQL, two on SQLite (page.py), its POST
the session and any answer stored under the posted id in one query (current.py): Core selects of
plain columns, built once. Through SQLAlchemy's Connection.execute each took about 0.25 ms of CPU,
half of it SQLAlchemy's execution context and its result (the result metadata made from the
driver's description of 19 columns, per statement), not the query (in-process, issue 25); a
phone's GET is little else.

So on psycopg and on Python's sqlite3 the statement SQLAlchemy compiles for the dialect (once per
statement) is run by the driver with the same values, on the very connection the request's
database session holds and in its transaction (or outside one, as page.py arranges): the same
query, the same snapshot. The rows are plain tuples in the statement's column order, each value
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

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Dialect

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
    """Every row of `statement` with `params`, on the database session's connection."""
    return rows_on(db.session.connection(), statement, params)


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
        row = list(row)
        for position, processor in compiled.convert:
            row[position] = processor(row[position])
        converted.append(tuple(row))
    return converted


def execute(driver_connection, sql: str, values) -> list[tuple]:
    """The driver's own execute and fetch (a function of its own, so tests count the statements)."""
    return driver_connection.execute(sql, values).fetchall()


def _compile(statement: Select, dialect: Dialect) -> _Compiled:
    key = (id(statement), dialect.name)
    kept = _COMPILED.get(key)
    if kept is None or kept.statement is not statement:
        compiled = statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup) if compiled.positional else None
        processors = ((i, column.type._cached_result_processor(dialect, None))  # noqa: SLF001 - SQLAlchemy's own cache
                      for i, column in enumerate(statement.selected_columns))
        kept = _COMPILED[key] = _Compiled(statement, str(compiled), names,
                                          tuple((i, p) for i, p in processors if p is not None))
    return kept
