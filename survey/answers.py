"""An answer: its fields and rating scale, the form that checks it, and how it is stored.

The phone form, the staff's paper entry and imports all go through this module, so an
answer is checked, stored and compared the same way whichever way it came in.

Every message a participant can see is Chinese and sits beside its field. Radio fields
use `validate_choice=False` plus explicit validators, because WTForms' own choice check
would add an English "Not a valid choice." next to ours.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # tuples are deprecated in WTForms 3.3
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from analysis.plan import Item

from .cleaning import clean_text
from .extensions import db
from .forms import KeptFields, PostedForm
from .limits import ANSWER_MAX as TEXT_MAX
from .limits import ORGANISATION_MAX
from .models import ORG_TYPES, SOURCE_PHONE, WRITTEN_FIELDS, EvaluationSession, Rating, Response, utcnow

# 1-5 with a word each, so a screen reader says "5 很好", not just "5".
SCALE = (("1", "很差"), ("2", "较差"), ("3", "一般"), ("4", "较好"), ("5", "很好"))
UNKNOWN = "na"  # 不了解: stored as score None
RATING_CHOICES = ([SelectChoice(value, f"{value} {word}") for value, word in SCALE]
                  + [SelectChoice(UNKNOWN, "不了解")])
# A UUID as the browser (crypto.randomUUID) or new_submission_id writes it: 32 hex digits,
# hyphens optional in the usual places. fullmatch, so a trailing newline is not accepted.
_SUBMISSION_ID = re.compile(r"[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}")


def _clean_text(value: str | None) -> str | None:
    # Browsers submit textarea line breaks as CRLF but count them as one character for
    # maxlength; normalise so the server counts the way the page's counter does.
    # clean_text again here, not only in the request: imported rows reach the form from files.
    if value is None:
        return None
    return clean_text(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


# The written answers are what the evaluation report is built from, so an answer with none of
# them is sent back; "无" is accepted for someone who truly has nothing.
NOTHING_WRITTEN = "请至少填写“取得成效”“存在问题”“意见建议”其中一项；如确实没有，可填“无”。"


def _length_message(max_chars: int) -> str:
    return f"已输入 %(length)d 字，超过上限 {max_chars} 字，请删减后再提交。"


def new_submission_id() -> str:
    """The no-JS fallback; with JS the browser makes its own and keeps it in the draft."""
    return str(uuid.uuid4())


def rating_field_name(goal_id: str) -> str:
    # Goal ids are slugs of [a-z0-9-], so swapping "-" for "_" cannot make two ids collide.
    return "goal_" + goal_id.replace("-", "_")


def parse_score(value: str) -> int | None:
    return None if value == UNKNOWN else int(value)


class SurveyFormBase(PostedForm):
    """Fields every session asks for; `survey_form_class` adds one rating per goal and the
    session's respondent types. In an anonymous session (`anonymous`) the organisation is
    not asked and the type is optional."""

    Meta = KeptFields  # each field copied from the first one bound (survey/forms.py)

    goals: tuple[Item, ...] = ()
    types: tuple[str, ...] = ORG_TYPES
    anonymous: bool = False

    submission_id = HiddenField(validators=[InputRequired(message="缺少提交编号，请再次点击提交。")])
    organisation = StringField(
        "单位名称",
        filters=[_clean_text],
        validators=[Length(max=ORGANISATION_MAX, message=_length_message(ORGANISATION_MAX))],
    )
    organisation_type = RadioField("单位类型", choices=[SelectChoice(t) for t in ORG_TYPES], validate_choice=False)
    achievements = TextAreaField(
        WRITTEN_FIELDS["achievements"],
        filters=[_clean_text],
        validators=[Length(max=TEXT_MAX, message=_length_message(TEXT_MAX))],
    )
    problems = TextAreaField(
        WRITTEN_FIELDS["problems"],
        filters=[_clean_text],
        validators=[Length(max=TEXT_MAX, message=_length_message(TEXT_MAX))],
    )
    suggestions = TextAreaField(
        WRITTEN_FIELDS["suggestions"],
        filters=[_clean_text],
        validators=[Length(max=TEXT_MAX, message=_length_message(TEXT_MAX))],
    )

    def validate_submission_id(self, field) -> None:
        if not _SUBMISSION_ID.fullmatch(field.data or ""):
            raise ValidationError("提交编号无效，已重新生成，请再次点击提交。")

    def validate_organisation(self, field) -> None:
        # The filter has already stripped "   " to "".
        if not field.data and not self.anonymous:
            raise ValidationError("请填写单位名称。")

    def validate_organisation_type(self, field) -> None:
        if not field.data:
            if self.anonymous:
                field.data = ""
                return
            raise ValidationError("请选择单位类型。")
        if field.data not in self.types:
            raise ValidationError(f"请从所列选项中选择{field.label.text}。")

    def validate_problems(self, field) -> None:
        if not any(self[name].data for name in WRITTEN_FIELDS):
            raise ValidationError(NOTHING_WRITTEN)

    def rating_fields(self) -> list[tuple[Item, RadioField]]:
        return [(goal, self[rating_field_name(goal.id)]) for goal in self.goals]

    def scores(self) -> dict[str, int | None]:
        """goal id -> 1..5, or None for 不了解; call after validate()."""
        return {goal.id: parse_score(field.data) for goal, field in self.rating_fields()}


def survey_form_class(goals: Iterable[Item], types: Sequence[str] = ORG_TYPES, *,
                      anonymous: bool = False) -> type[SurveyFormBase]:
    """A form class with one required rating per plan goal and the given respondent types
    (a class per plan and session kind, since WTForms fields are declared on the class)."""
    return _form_class(tuple(goals), tuple(types), anonymous)


# Building the class (a dozen field declarations and a metaclass) was 0.5 ms of CPU in every
# phone's request (1.6 ms under load; benchmarks/phone_profile.py). A class holds no request data, only its declarations,
# so one is kept per (goals, types, named or anonymous): an edited plan gives other goals and
# so another class.
@lru_cache(maxsize=64)
def _form_class(goals: tuple[Item, ...], types: tuple[str, ...], anonymous: bool) -> type[SurveyFormBase]:
    attrs: dict = {"goals": goals, "types": types, "anonymous": anonymous}
    attrs["organisation_type"] = RadioField(
        "身份类别（选填）" if anonymous else "单位类型",
        choices=[SelectChoice(t) for t in types],
        validate_choice=False,
        validators=[] if anonymous else [InputRequired(message="请选择单位类型。")],
    )
    if not anonymous:
        attrs["organisation"] = StringField(
            "单位名称",
            filters=[_clean_text],
            validators=[InputRequired(message="请填写单位名称。"),
                        Length(max=ORGANISATION_MAX, message=_length_message(ORGANISATION_MAX))],
        )
    values = [choice.value for choice in RATING_CHOICES]
    for goal in goals:
        attrs[rating_field_name(goal.id)] = RadioField(
            goal.name,
            description=goal.description,
            choices=RATING_CHOICES,
            validate_choice=False,
            validators=[InputRequired(message="请打分；如不清楚，请选择“不了解”。"),
                        AnyOf(values, message="请选择 1–5 分或“不了解”。")],
        )
    return type("SurveyForm", (SurveyFormBase,), attrs)


def _not_asked(value: str | None) -> str:
    return ""


def session_form_class(session: EvaluationSession, goals: Iterable[Item] | None = None) -> type[SurveyFormBase]:
    """The phone form of a session: its plan's goals (or `goals`), its types, named or anonymous.

    An anonymous session's page never asks for an organisation, so one POSTed anyway (a script,
    an old page) is dropped at input rather than stored as personal data no one agreed to give."""
    goals = tuple(session.plan.definition.goals if goals is None else goals)
    return _session_form_class(goals, session.type_names, session.anonymous)


@lru_cache(maxsize=64)
def _session_form_class(goals: tuple[Item, ...], types: tuple[str, ...], anonymous: bool) -> type[SurveyFormBase]:
    form_class = _form_class(goals, types, anonymous)
    if anonymous:
        form_class = type("AnonymousSurveyForm", (form_class,),
                          {"organisation": StringField("单位名称", filters=[_not_asked])})
    return form_class


def find_response(session: EvaluationSession, submission_id: str) -> Response | None:
    if not submission_id:
        return None
    return db.session.scalar(
        select(Response).filter_by(session_id=session.id, submission_id=submission_id))


class Stored(NamedTuple):
    """What a phone's request reads of its stored answer when no ORM object was made for it (or
    when the one made belongs to another thread's database session, whose later rollback would
    expire it)."""

    id: int
    submission_id: str


class StoredAnswer(NamedTuple):
    """An answer already stored, read as plain columns: what a resend is compared with
    (same_answer) and what a changed answer under its id shows."""

    id: int
    submission_id: str
    organisation: str
    organisation_type: str
    achievements: str
    problems: str
    suggestions: str


class SessionFull(Exception):
    """The session already holds its cap of answers (`store_response(cap=...)`)."""


# The answers a session holds: its answer_count, which the database keeps (triggers on `response`,
# migration 9e4d2c7a1b60). Counting the session's answers instead grew with the session: on
# PostgreSQL 0.3 ms of the server's CPU an answer at 2,000-4,000 answers, 1.1 ms at 6,000-8,000
# (issue 25). The trigger's update of the session's row, run by the answer's INSERT, is also the
# lock the cap needs: PostgreSQL holds it until commit, so the count read after it includes every
# answer committed before and none can commit between the read and this one's commit (counting
# without a lock let 60 simultaneous submits store 23-27 answers against a cap of 20). It updates
# a column that is not a key, so PostgreSQL takes a no-key row lock, which other answers' foreign
# key checks do not wait for. On SQLite the INSERT has taken the database's one write lock, held
# until commit, and a writer reads the newest state.
_COUNT = select(EvaluationSession.__table__.c.answer_count).where(
    EvaluationSession.__table__.c.id == bindparam("session_id"))

# The count against the cap and the commit sent together (PostgreSQL through psycopg 3), after the
# answer's INSERT (whose trigger locked the session's row and counted the answer). Sent as separate
# round trips, the row lock was held while this thread waited for the interpreter between them:
# under a burst of 50 phones the answers queued on it (POST p95 0.8 s, GET 0.2 s;
# benchmarks/load.py, issue 25). Only integers are formatted in (the session's id and the cap).
_FULL = "pingjia: session full"
_CAP_AND_COMMIT = (
    "DO $$BEGIN IF (SELECT answer_count FROM {session} WHERE id = {id}) > {cap} "
    "THEN RAISE EXCEPTION '" + _FULL + "'; END IF; END$$; COMMIT")


def cap_and_commit(session_id: int, cap: int) -> str:
    """The count against `cap` and the commit, as PostgreSQL statements to send as they are after
    the answer's INSERT (raising "session full" over the cap)."""
    return _CAP_AND_COMMIT.format(session=EvaluationSession.__table__.name, id=int(session_id), cap=int(cap))


def _commit_under_cap_in_one_trip(session: EvaluationSession, cap: int) -> bool:
    """Count against `cap` and commit in one round trip where the database allows it
    (False: not here, do it statement by statement). Raises SessionFull (rolled back) when the
    session holds more than `cap` answers with this one. The ORM's own commit still follows: it
    sends nothing more and ends the session's transaction as usual (the live wall hears of the
    answer then)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        return False
    statement = cap_and_commit(session.id, cap)
    try:
        connection.exec_driver_sql(statement)  # no parameters: one simple query, both statements
    except DBAPIError as exc:
        if _FULL not in str(exc.orig):
            raise
        db.session.rollback()
        raise SessionFull() from None
    return True


# Every column of an answer's row but the id, in the order answer_values gives them (the phone
# path's own INSERTs name them so: participate/one_trip.py, participate/writers.py).
ANSWER_COLUMNS = ("session_id", "submission_id", "organisation", "organisation_type", *WRITTEN_FIELDS,
                  "source", "is_demo", "created_at", "updated_at")


def answer_values(session: EvaluationSession, form: SurveyFormBase, source: str = SOURCE_PHONE) -> dict:
    """The answer's row as the form gives it: every column but the id, by column name (ANSWER_COLUMNS)."""
    now = utcnow()
    return {"session_id": session.id, "submission_id": form.submission_id.data,
            "organisation": form.organisation.data or "", "organisation_type": form.organisation_type.data or "",
            **{name: form[name].data or "" for name in WRITTEN_FIELDS},
            "source": source, "is_demo": session.is_demo, "created_at": now, "updated_at": now}


def new_response(session: EvaluationSession, form: SurveyFormBase, source: str = SOURCE_PHONE) -> Response:
    """The answer's row as an ORM object (not yet added to the database session)."""
    return Response(**answer_values(session, form, source))


# Answers stored in the database session's open transaction, by session id, announced once it
# commits (survey/wall/events.py fills it from the ORM's flushes and empties it at commit and
# rollback). Here in the core, so a path that stores answers without the ORM's flush (a phone's
# answer as one statement, participate/writers.py) notes them itself.
STORED_ANSWERS = "pingjia.live.answers"


def note_stored(database_session, session_ids: Iterable[int]) -> None:
    """Note answers stored without the ORM's flush, to be announced when the transaction commits."""
    database_session.info.setdefault(STORED_ANSWERS, set()).update(session_ids)


_ON_COMMITTED: list[Callable[[list[int]], None]] = []


def on_answers_committed(listener: Callable[[list[int]], None]) -> Callable[[list[int]], None]:
    """Register listener(session ids), told of the sessions whose new answers have just been
    committed (the live wall: survey/wall/events.py)."""
    _ON_COMMITTED.append(listener)
    return listener


def announce_committed(session_ids: Iterable[int]) -> None:
    """Tell the listeners of answers committed (by a database session's commit, noted as above, or
    by a path that committed outside any: the phone's one-query answer, participate/one_trip.py)."""
    ids = sorted(set(session_ids))
    if ids:
        for listener in _ON_COMMITTED:
            listener(ids)


def insert_ratings(answers: Iterable[tuple[Response | Stored, SurveyFormBase]]) -> None:
    """The ratings of answers already flushed (they have ids), in one multi-row INSERT. As ORM
    objects each was an INSERT … RETURNING of its own (7 statements a phone on SQLite), for ids
    nothing here reads; as an executemany, on SQLite each row was a step of its own, each handing
    the interpreter to another thread and waiting to get it back while the phones' write lock
    (participate/writers.py) was held."""
    scores = [(response.id, goal_id, score) for response, form in answers for goal_id, score in form.scores().items()]
    if scores:
        values = {f"{name}_{i}": value for i, row in enumerate(scores) for name, value in zip(_RATING_COLUMNS, row)}
        db.session.execute(_insert_ratings(len(scores)), values)


_RATING_COLUMNS = ("response_id", "goal_id", "score")


@lru_cache(maxsize=16)
def _insert_ratings(rows: int):
    # As text with bound parameters: SQLAlchemy compiles a multi-row insert() afresh every time (it
    # has no cache key), which was a third of the answer's transaction (benchmarks/phone_profile.py).
    table = Rating.__table__
    values = ", ".join("(" + ", ".join(f":{name}_{i}" for name in _RATING_COLUMNS) + ")" for i in range(rows))
    return text(f"INSERT INTO {table.name} ({', '.join(table.c[name].name for name in _RATING_COLUMNS)}) "
                f"VALUES {values}")


def count_answers(session_id: int) -> int:
    return db.session.scalar(_COUNT, {"session_id": session_id}) or 0


def store_response(session: EvaluationSession, form: SurveyFormBase,
                   source: str = SOURCE_PHONE, *, cap: int | None = None) -> tuple[Response, bool]:
    """Insert the answer, or return the one already stored under this submission id;
    the flag says whether this call stored it. `source` is 纸质 for the staff's paper entry page.
    With `cap`, a session that already holds `cap` answers raises `SessionFull`, checked under a
    lock on the session's row (taken by the count's trigger, _COUNT) so simultaneous submits never
    store more than the cap.

    Relies on the unique constraint rather than a look-up first, so two racing copies
    of one submit still end as one row: the loser's INSERT fails and it reads the winner's.
    The count read after the insert includes the answer.
    """
    response = new_response(session, form, source)
    # The answer itself goes through the ORM, whose flush is what announces it to the live wall
    # (survey/wall/events.py); its ratings in one statement (insert_ratings).
    db.session.add(response)
    try:
        db.session.flush()
        insert_ratings([(response, form)])
        if cap is not None and not _commit_under_cap_in_one_trip(session, cap):
            if count_answers(session.id) > cap:  # this answer is one of them (locked: _COUNT)
                db.session.rollback()
                raise SessionFull()
        db.session.commit()
    except IntegrityError:
        # Stored already (also when the session is full: a retry of an answer stored before the
        # cap was reached is answered with it).
        db.session.rollback()
        existing = find_response(session, form.submission_id.data)
        if existing is None:  # some other constraint failed: not a duplicate
            raise
        return existing, False
    return response, True


def same_answer(response: Response | StoredAnswer, form: SurveyFormBase,
                read: Callable[[Any, dict], Iterable[Sequence[Any]]] | None = None) -> bool:
    """Whether the posted form says exactly what is already stored (a true retry). `read(statement,
    params)` gives the stored ratings' rows: the phone's own connection (participate/reads.py), or
    by default the database session's."""
    try:
        scores = form.scores()
    except (TypeError, ValueError):  # a rating missing or not a number
        return False
    posted = (form.organisation.data or "", form.organisation_type.data or "",
              *(form[name].data or "" for name in WRITTEN_FIELDS))
    if posted != (response.organisation, response.organisation_type, *(getattr(response, n) for n in WRITTEN_FIELDS)):
        return False
    # Two columns by the answer's id: loading the ratings as objects was most of a resend's time.
    # Through a connection (Core), not the ORM session's execute, whose handling of a statement as
    # an ORM one was most of this read's CPU time.
    if read is None:
        read = db.session.connection().execute
    return scores == dict(tuple(row) for row in read(_SCORES, {"response_id": response.id}))


_SCORES = select(Rating.__table__.c.goal_id, Rating.__table__.c.score).where(
    Rating.__table__.c.response_id == bindparam("response_id"))
