"""Database models (SQLAlchemy 2 typed style)."""
from __future__ import annotations

import datetime as dt
import secrets
from functools import cached_property, lru_cache

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from analysis import plan as plan_limits
from analysis.plan import DEFAULT_RESPONDENT_TYPES, RespondentType, parse_plan
from analysis.plan import Plan as PlanDefinition

from . import limits
from .extensions import db

# The respondent types of a plan that lists none, in a named session (the round-table); a
# session's own list is `EvaluationSession.respondent_types` (the plan's, 个人/群众 when anonymous).
ORG_TYPES = tuple(t.name for t in DEFAULT_RESPONDENT_TYPES)
SESSION_FORMS = ("专题座谈会", "问卷调查", "实地调研", "专家论证会", "其他")
SESSION_STATUSES = {"draft": "草稿", "open": "开放填写", "closed": "已结束"}
# Where a response came from: the phone form, an import from another platform or a spreadsheet,
# or a paper form typed in by staff (survey/imports/).
RESPONSE_SOURCES = ("手机", "问卷星", "腾讯问卷", "表格", "纸质")
SOURCE_PHONE = "手机"
# Short public codes avoid look-alike characters so they can be read aloud or typed.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_public_code(length: int = 8) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(limits.USERNAME_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(limits.DISPLAY_NAME_MAX), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Part of the login id in the session and remember-me cookies: raising it (logout,
    # new password) makes every cookie issued before unusable, on every device.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def end_all_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_all_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Plan(db.Model):
    """A plan as loaded from its definition file; the TOML text is kept verbatim so a
    session always shows the goals and categories it was run with."""

    __tablename__ = "plan"
    id: Mapped[str] = mapped_column(String(plan_limits.ID_MAX), primary_key=True)
    title: Mapped[str] = mapped_column(String(plan_limits.TITLE_MAX))
    document_number: Mapped[str] = mapped_column(String(plan_limits.DOCUMENT_NUMBER_MAX), default="")
    source_text: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sessions: Mapped[list[EvaluationSession]] = relationship(back_populates="plan")

    @cached_property
    def definition(self) -> PlanDefinition:
        return _parsed_plan(self.source_text, self.source_name or self.id)


@lru_cache(maxsize=16)
def _parsed_plan(source_text: str, source: str) -> PlanDefinition:
    # Every survey request reads the plan's goals; parsing the TOML each time was a tenth of
    # a request's time. Keyed by the text itself, so an edited plan is parsed afresh.
    return parse_plan(source_text, source=source)


class EvaluationSession(db.Model):
    __tablename__ = "evaluation_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_code)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"))
    title: Mapped[str] = mapped_column(String(limits.SESSION_TITLE_MAX))
    form: Mapped[str] = mapped_column(String(32), default="专题座谈会")
    organiser: Mapped[str] = mapped_column(String(limits.ORGANISER_MAX), default="")
    starts_at: Mapped[dt.datetime | None]
    place: Mapped[str] = mapped_column(String(limits.PLACE_MAX), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    is_demo: Mapped[bool] = mapped_column(default=False)
    # A public consultation (意见征集): no organisation asked, the type optional, 个人/群众 offered.
    # False: a named session (the round-table, with its roster).
    anonymous: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The answers it holds, kept by the database (triggers on `response`, migration 9e4d2c7a1b60)
    # for the cap's check (survey.answers); the app never writes it. Deferred: loaded only when read.
    answer_count: Mapped[int] = mapped_column(default=0, server_default="0", deferred=True)

    plan: Mapped[Plan] = relationship(back_populates="sessions")
    roster: Mapped[list[RosterEntry]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="RosterEntry.id")
    responses: Mapped[list[Response]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Response.id")

    @property
    def status_label(self) -> str:
        return SESSION_STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def respondent_types(self) -> tuple[RespondentType, ...]:
        """The types this session offers, in the plan's order (see Plan.types_for)."""
        return self.plan.definition.types_for(self.anonymous)

    @property
    def type_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.respondent_types)


class RosterEntry(db.Model):
    __tablename__ = "roster_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("evaluation_session.id", ondelete="CASCADE"))
    organisation: Mapped[str] = mapped_column(String(limits.ORGANISATION_MAX))
    person: Mapped[str] = mapped_column(String(limits.PERSON_MAX), default="")
    organisation_type: Mapped[str] = mapped_column(String(32))

    session: Mapped[EvaluationSession] = relationship(back_populates="roster")


# An answer's written fields, by column, with the names participants and staff read: the phone form,
# paper entry, imports, the resend check and the analysis's input all take them from here.
WRITTEN_FIELDS = {"achievements": "取得成效", "problems": "存在问题", "suggestions": "意见建议"}


class Response(db.Model):
    """One participant's submission. `submission_id` is generated in the browser when the
    form is first shown; (session, submission_id) is unique so a retried submit is stored once.
    Imported rows carry `import:<fingerprint of the row>`, so importing a file twice adds nothing."""

    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("session_id", "submission_id", name="uq_response_submission"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("evaluation_session.id", ondelete="CASCADE"))
    submission_id: Mapped[str] = mapped_column(String(limits.SUBMISSION_ID_MAX))
    organisation: Mapped[str] = mapped_column(String(limits.ORGANISATION_MAX))
    organisation_type: Mapped[str] = mapped_column(String(32))
    achievements: Mapped[str] = mapped_column(Text, default="", server_default="")  # 取得成效
    problems: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default=SOURCE_PHONE, server_default=SOURCE_PHONE)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[EvaluationSession] = relationship(back_populates="responses")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Rating.id")


class Rating(db.Model):
    """A 1-5 rating of one plan goal; score None means 不了解 (the person chose not to rate)."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("response_id", "goal_id", name="uq_rating_goal"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    goal_id: Mapped[str] = mapped_column(String(plan_limits.ID_MAX))
    score: Mapped[int | None]

    response: Mapped[Response] = relationship(back_populates="ratings")


# An evaluation is the unit of analysis and review: one session (made on its first analysis,
# with the session's code) or several sessions of the same plan that staff group together.
evaluation_member = Table(
    "evaluation_member", db.metadata,
    Column("evaluation_id", ForeignKey("evaluation.id", ondelete="CASCADE"), primary_key=True),
    Column("session_id", ForeignKey("evaluation_session.id", ondelete="CASCADE"), primary_key=True),
)


class Evaluation(db.Model):
    __tablename__ = "evaluation"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_code)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"))
    title: Mapped[str] = mapped_column(String(limits.EVALUATION_TITLE_MAX))
    # True for an evaluation staff made to group sessions; False for a session's own.
    is_group: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship()
    sessions: Mapped[list[EvaluationSession]] = relationship(secondary=evaluation_member,
                                                             order_by=EvaluationSession.id)

    @property
    def roster_people(self) -> list[str]:
        """Everyone on its sessions' rosters: the names masked in the analysis and the reports."""
        return [entry.person for session in self.sessions for entry in session.roster]
