"""Phones' answers: on SQLite written one batch at a time, several answers to one commit; on
PostgreSQL each in one round trip.

SQLite lets one connection write at a time, and each commit waits for the disk (fsync, so an
answer is durable before its phone is told so): about 5 ms, so answers stored one transaction
each could not pass ~180 a second however fast the rest was, and in a burst a phone's answer
queued behind every other (issue 25: POST p50 0.3 s against the GET's 0.12 s at 50 phones).

So the phones' writers take turns (a thread lock within a process and, for `pingjia serve
--processes`, an advisory lock on a file beside the database across them; SQLite's own busy
handler sleeps in steps of up to 100 ms), and whoever has the turn stores every answer waiting
at that moment in one transaction with one commit: group commit. Each phone is answered only
once the commit holding its answer is done; a failed commit fails every answer in it (none is
acknowledged). Should a batch meet the session's cap or an answer already stored (a unique
constraint), it is rolled back and its answers stored one by one the usual way
(answers.store_response), so the cap and the once-only rule hold exactly as before. Other
writers (staff, an analysis saving) wait in SQLite's busy handler as before.

On PostgreSQL (one_trip.py) the answer, its ratings, the session's row lock, the count against
the cap and the commit go to the server as one query: each round trip had handed the interpreter
to another of the server's threads and waited to get it back. Anything but plain success (an id
stored already, the cap, any error) is rolled back and done again by store_response, which says
what happened as before.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import bindparam, text
from sqlalchemy.exc import IntegrityError

from ..answers import (
    ANSWER_COLUMNS,
    SessionFull,
    Stored,
    SurveyFormBase,
    answer_values,
    count_answers,
    insert_ratings,
    note_stored,
    store_response,
)
from ..extensions import db
from ..models import EvaluationSession, Response
from . import one_trip, reads

try:
    import fcntl
except ImportError:  # Windows: one process, the thread lock alone
    fcntl = None  # type: ignore[assignment]

BATCH_MAX = 32  # answers in one transaction at most

_TURN = threading.Lock()  # guards _WAITING and _busy
_WAITING: list[_Answer] = []
_busy = False  # a thread of this process is storing a batch
_FILES: dict[str, tuple[int, int]] = {}  # lock file path -> (process id, descriptor)


@dataclass(eq=False)
class _Answer:
    session: EvaluationSession
    form: SurveyFormBase
    engine: object = None
    done: bool = False
    result: tuple[Stored, bool] | None = None
    error: BaseException | None = None
    # Set when this answer is done, or when the turn is free and it is the first waiting: each
    # waiting phone is woken for itself. A condition shared by all woke every waiting phone after
    # every batch, each to take the interpreter and the lock only to wait again.
    woken: threading.Event = field(default_factory=threading.Event)

    def keep(self, response: Response | Stored, created: bool) -> None:
        self.result, self.done = (Stored(response.id, response.submission_id), created), True


def store_answer(session: EvaluationSession, form: SurveyFormBase, cap: int | None) -> tuple[Stored, bool]:
    """answers.store_response for a phone on SQLite, committed together with the answers of the
    phones waiting at the same moment (SQLite), or in one round trip (PostgreSQL). Raises
    SessionFull as store_response does."""
    if db.engine.dialect.name != "sqlite":
        stored = one_trip.store(session, form, cap)
        return stored if stored is not None else store_response(session, form, cap=cap)
    # End this request's reads before waiting (its objects stay loaded: the caller keeps them on
    # commit): a phone waiting for its turn holds no pooled connection. With each waiting phone
    # holding one, 60 at once emptied the pool and the batch's own next query timed out.
    db.session().expire_on_commit = False
    db.session.commit()
    reads.release()
    answer = _Answer(session, form, db.engine)
    with _TURN:
        _WAITING.append(answer)
        batch = _take_turn(answer)
    while batch is None:
        answer.woken.wait()
        with _TURN:
            if answer.done:
                break
            answer.woken.clear()
            batch = _take_turn(answer)
    if batch is not None:
        try:
            _store_batch(batch, cap)
        finally:
            _pass_turn(batch)
    if answer.error is not None:
        raise answer.error
    assert answer.result is not None
    return answer.result


def _take_turn(answer: _Answer) -> list[_Answer] | None:
    """With _TURN held: the batch `answer`'s thread is to store, or None while another stores one."""
    global _busy
    if _busy:
        return None
    _busy = True
    # Its own answer first (with more than BATCH_MAX waiting, a batch of the first ones left it
    # waiting after its thread had gone), then others to the same database (tests run several apps
    # in one process).
    batch = [answer] + [a for a in _WAITING if a is not answer and a.engine is answer.engine][:BATCH_MAX - 1]
    _WAITING[:] = [a for a in _WAITING if a not in batch]
    return batch


def _pass_turn(batch: list[_Answer]) -> None:
    """The batch stored (or failed): wake its phones, and the first phone waiting to take the turn."""
    global _busy
    with _TURN:
        _busy = False
        for answer in batch:
            answer.woken.set()
        if _WAITING:
            _WAITING[0].woken.set()


def _store_batch(batch: list[_Answer], cap: int | None) -> None:
    """Store `batch` with this thread's database session; every answer in it ends done."""
    try:
        with _file_lock(db.engine.url.database):
            _store_together(batch, cap)
    except BaseException as exc:  # noqa: BLE001 - handed to every phone of the batch, each raises it
        for answer in batch:
            if not answer.done:
                answer.error, answer.done = exc, True


def _store_together(batch: list[_Answer], cap: int | None) -> None:
    # A copy sent twice at once (double tap) is one answer: the later copy gets the first's result.
    first: dict[tuple[int, str], _Answer] = {}
    for answer in batch:
        first.setdefault((answer.session.id, answer.form.submission_id.data), answer)
    unique = list(first.values())
    try:
        rows = list(zip(_insert_answers(unique), (a.form for a in unique)))
        insert_ratings(rows)
        if cap is not None and any(count_answers(i) > cap for i in {a.session.id for a in unique}):
            raise SessionFull()
        note_stored(db.session, {a.session.id for a in unique})
        db.session.commit()
    except (IntegrityError, SessionFull):
        # Rare (a session at its cap, an answer stored meanwhile): one by one, exactly as before.
        db.session.rollback()
        for answer in unique:
            try:
                answer.keep(*store_response(answer.session, answer.form, cap=cap))
            except SessionFull as exc:
                answer.error, answer.done = exc, True
    else:
        for answer, (response, _) in zip(unique, rows):
            answer.keep(response, True)
    for answer in batch:
        if not answer.done:
            twin = first[(answer.session.id, answer.form.submission_id.data)]
            answer.result = (twin.result[0], False) if twin.result else None
            answer.error, answer.done = twin.error, True


def _insert_answers(answers: list[_Answer]) -> list[Stored]:
    """The answers' rows in one statement, in the order given. As ORM objects their flush was a
    third of a phone's answer (benchmarks/phone_profile.py); the live wall hears of them through
    note_stored instead."""
    values = [answer_values(a.session, a.form) for a in answers]
    params = {f"{name}_{i}": value for i, row in enumerate(values) for name, value in row.items()}
    returned = db.session.execute(_insert_statement(len(values)), params).all()
    # RETURNING's order is not promised: matched by (session, submission id), unique in a batch.
    ids = {(session_id, submission_id): id_ for id_, session_id, submission_id in returned}
    return [Stored(ids[row["session_id"], row["submission_id"]], row["submission_id"]) for row in values]


@lru_cache(maxsize=BATCH_MAX)
def _insert_statement(rows: int):
    # Text with typed bound parameters (the columns' types convert booleans and times as the ORM
    # does), built once per batch size: SQLAlchemy compiles a multi-row insert() every time.
    table = Response.__table__
    names = [f"{name}_{i}" for i in range(rows) for name in ANSWER_COLUMNS]
    values = ", ".join("(" + ", ".join(f":{name}_{i}" for name in ANSWER_COLUMNS) + ")" for i in range(rows))
    statement = text(f"INSERT INTO {table.name} ({', '.join(ANSWER_COLUMNS)}) VALUES {values} "
                     "RETURNING id, session_id, submission_id")
    return statement.bindparams(*(bindparam(name, type_=table.c[name.rsplit("_", 1)[0]].type) for name in names))


@contextmanager
def _file_lock(database: str | None) -> Iterator[None]:
    """The phones' write turn across server processes (called holding this process's turn)."""
    descriptor = _descriptor(database)
    if descriptor is None:
        yield
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def _descriptor(database: str | None) -> int | None:
    """This process's descriptor of the lock file. Opened per process: a descriptor inherited
    through fork shares its lock with the parent, so would exclude nothing."""
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = f"{database}-writers.lock"
    opened = _FILES.get(path)
    if opened is not None and opened[0] == os.getpid():
        return opened[1]
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    _FILES[path] = (os.getpid(), descriptor)
    return descriptor
