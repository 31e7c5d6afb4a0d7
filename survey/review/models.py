"""Analysis results and staff decisions, stored in the database (SQLAlchemy 2 typed style).

An `Evaluation` (survey.models) is the unit of analysis and review. Each `AnalysisRun` is one
background job and, once done, the run that labelled the evaluation's statements. `Statement` rows are stable across runs (keyed by their source:
response, field, position), so staff decisions stored on them survive a re-run; a run only
rewrites the machine's columns. Every staff action is a `ReviewAction` with one
`ReviewChange` per row it touched (before/after), which is the audit log, the per-statement
history and what undo replays backwards.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol, TypeVar

from sqlalchemy import JSON, ColumnElement, Float, ForeignKey, String, Text, UniqueConstraint, or_
from sqlalchemy import false as sa_false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..limits import LABEL_MAX
from ..models import WRITTEN_FIELDS, Evaluation, Response, StaffUser, utcnow

FIELDS = WRITTEN_FIELDS
KINDS = {"problem": "问题", "suggestion": "建议", "praise": "肯定", "none": "无实质内容"}
RUN_KINDS = {"full": "完整分析", "update": "更新分析"}
RUN_STATUSES = {"queued": "排队中", "running": "分析中", "done": "已完成", "failed": "失败"}
# machine: as the analysis left it; confirmed: staff agree; moved: staff changed category or
# theme; excluded: left out of counts and the report (the answer itself is never deleted).
STATEMENT_STATUSES = {"machine": "未审核", "confirmed": "已确认", "moved": "已调整", "excluded": "已排除"}
# The "reviewed" rule, in one place: a statement staff confirmed or moved has its category and
# theme settled by staff (it teaches the next run and counts as reviewed in the report); an
# excluded one is reviewed too, but counts nowhere.
PLACED_BY_STAFF = ("confirmed", "moved")
EXCLUDE_REASONS = {"off_topic": "离题", "duplicate": "重复", "personal": "含个人信息", "other": "其他"}
# A theme outside the plan's categories (未归类) is a new issue (新问题) staff see listed and the
# report names once enough people raised it: at least this many counted statements, or
# statements from at least this many organisations.
NEW_ISSUE_MIN_STATEMENTS = 3
NEW_ISSUE_MIN_ORGANISATIONS = 2


def is_new_issue(statements: int, organisations: int) -> bool:
    """The new-issue threshold, in one place: the review workspace and the report ask it."""
    return statements >= NEW_ISSUE_MIN_STATEMENTS or organisations >= NEW_ISSUE_MIN_ORGANISATIONS


ISSUE_KINDS = ("problem", "suggestion")  # what makes a theme outside the plan a new issue


class _ThemeLike(Protocol):
    """What following merges reads of a theme: a loaded Theme or a Core row of its table."""

    @property
    def id(self) -> int: ...

    @property
    def merged_into_id(self) -> int | None: ...


_T = TypeVar("_T", bound=_ThemeLike)


def kind_mix(kinds) -> str:
    """A theme's mix of kinds as staff read it: "问题 3 · 建议 2 · 肯定 1" (absent kinds left out;
    "none" is in no theme)."""
    tally = {k: 0 for k in ("problem", "suggestion", "praise")}
    for k in kinds:
        if k in tally:
            tally[k] += 1
    return " · ".join(f"{KINDS[k]} {n}" for k, n in tally.items() if n)


class AnalysisRun(db.Model):
    __tablename__ = "analysis_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # The evaluation id while queued or running, NULL otherwise: the unique constraint, not a
    # look-up, keeps a second click (or two staff at once) from starting a second job.
    active_evaluation_id: Mapped[int | None] = mapped_column(unique=True)
    stage: Mapped[str] = mapped_column(String(32), default="")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")  # Chinese, shown to staff
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    heartbeat_at: Mapped[dt.datetime | None]  # a running job whose heartbeat stops has died
    finished_at: Mapped[dt.datetime | None]
    statement_count: Mapped[int] = mapped_column(default=0)
    representation: Mapped[str] = mapped_column(String(32), default="")
    # full: every answer analysed afresh; update: only answers new since the last run, placed
    # into the themes in force (RUN_KINDS).
    kind: Mapped[str] = mapped_column(String(16), default="full", server_default="full")
    # What the figures are based on: the answers read (all of them, new or not), the highest
    # response id among them (a later id is an answer not yet analysed) and when they were read.
    response_count: Mapped[int] = mapped_column(default=0, server_default="0")
    last_response_id: Mapped[int | None]
    answers_at: Mapped[dt.datetime | None]

    evaluation: Mapped[Evaluation] = relationship()
    requested_by: Mapped[StaffUser | None] = relationship()

    @property
    def status_label(self) -> str:
        return RUN_STATUSES.get(self.status, self.status)


class Theme(db.Model):
    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(64))  # a plan category id or "other"
    machine_label: Mapped[str] = mapped_column(String(LABEL_MAX), default="")
    staff_label: Mapped[str | None] = mapped_column(String(LABEL_MAX))
    label_words: Mapped[list] = mapped_column(JSON, default=list)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    # The machine's quotes closest to the cluster's centre (texts), for the analysis page.
    representatives: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    origin: Mapped[str] = mapped_column(String(16), default="machine")  # machine | staff
    # Merged themes stay, pointing at the theme that absorbed them: undo restores them, and a
    # re-run cluster that matches one is read as the merged theme.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_run.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Optimistic concurrency: every ORM update checks and bumps it (a second reviewer acting
    # on what the first just changed is refused); the analysis job never writes it.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        return self.staff_label or self.machine_label

    # The theme rules, each in one place and usable both on a loaded theme and in a query
    # (`select(Theme).where(Theme.in_force)`, or on a Core row of the table: the job's
    # `select(TH, Theme.by_staff.label("by_staff"))`).
    @hybrid_property
    def by_staff(self) -> bool:
        """Named or made by staff (merge targets and split parts are made `staff` by the
        merge/split): a re-run never empties, drops or renames it."""
        return self.origin == "staff" or self.staff_label is not None

    @by_staff.inplace.expression
    @classmethod
    def _by_staff_expression(cls) -> ColumnElement[bool]:
        return or_(cls.origin == "staff", cls.staff_label.is_not(None))

    @hybrid_property
    def in_force(self) -> bool:
        """Not merged into another theme: its statements count under it (a merged theme stays
        in the table, for undo and to recognise a re-run's cluster, see `follow_merges`)."""
        return self.merged_into_id is None

    @in_force.inplace.expression
    @classmethod
    def _in_force_expression(cls) -> ColumnElement[bool]:
        return cls.merged_into_id.is_(None)

    @staticmethod
    def follow_merges(theme: _T | None, themes: Mapping[int, _T] | None = None) -> _T | Theme | None:
        """The theme in force for `theme`: a merged theme's statements belong to the theme that
        absorbed it (followed through chains of merges, safe against a loop). `themes`: the
        evaluation's themes by id, loaded (ORM objects or Core rows); a theme not among them
        is read from the database."""
        seen: set[int] = set()
        found: _T | Theme | None = theme
        while found is not None and found.merged_into_id is not None and found.id not in seen:
            seen.add(found.id)
            found = (themes or {}).get(found.merged_into_id) or db.session.get(Theme, found.merged_into_id)
        return found


class Statement(db.Model):
    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("evaluation_id", "response_id", "field", "position",
                                       name="uq_statement_source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(16))  # achievements | problems | suggestions (FIELDS)
    position: Mapped[int]  # 0-based place of the statement within that answer
    text: Mapped[str] = mapped_column(Text)
    # What the machine said in the latest run.
    run_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_run.id", ondelete="SET NULL"))
    # What the statement is (analysis.kinds): problem, suggestion, praise or none. A kind is a
    # label, not a partition: every statement but "none" has a category and a theme by its
    # topic; the kind decides where the report uses it. "none" counts in no category.
    kind: Mapped[str] = mapped_column(String(16), default="problem")
    # Staff set the kind: a run keeps it (and the kind model learns from it).
    kind_by_staff: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    machine_category: Mapped[str | None] = mapped_column(String(64))
    machine_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    machine_theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    review_rank: Mapped[int | None]
    # The plan measure (整改措施) a suggestion supports, None when it fits none: set by the
    # analysis job so that a report is a pure read of the database.
    measure: Mapped[str | None] = mapped_column(String(64))
    # The plan goal (a `[[goals]]` id) the statement speaks of, None when none: set by the
    # analysis job for praise, so that （一） can credit each goal with what was praised.
    goal: Mapped[str | None] = mapped_column(String(64))
    # The current state: the machine's, or what staff made it.
    category: Mapped[str | None] = mapped_column(String(64))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="machine")
    exclude_reason: Mapped[str | None] = mapped_column(String(16))
    theme_pinned: Mapped[bool] = mapped_column(default=False)  # staff chose the theme: a re-run keeps it
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None]
    # Optimistic concurrency (see Theme.version); the job bumps it only when it moves a
    # statement still in the machine's hands, so a page showing the old place is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    response: Mapped[Response] = relationship()
    theme: Mapped[Theme | None] = relationship(foreign_keys=[theme_id])
    machine_theme: Mapped[Theme | None] = relationship(foreign_keys=[machine_theme_id])
    reviewed_by: Mapped[StaffUser | None] = relationship()

    @property
    def reviewed(self) -> bool:
        return self.status != "machine"

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def field_label(self) -> str:
        return FIELDS.get(self.field, self.field)


class ReviewAction(db.Model):
    __tablename__ = "review_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))  # rename, merge, split, move, confirm, exclude, …
    summary: Mapped[str] = mapped_column(String(500), default="")  # Chinese, for the history
    undone_at: Mapped[dt.datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    user: Mapped[StaffUser | None] = relationship(foreign_keys=[user_id])
    changes: Mapped[list[ReviewChange]] = relationship(back_populates="action", cascade="all, delete-orphan",
                                                       order_by="ReviewChange.id")


class ReviewChange(db.Model):
    """One row an action touched: a statement or a theme, its columns before and after."""

    __tablename__ = "review_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("review_action.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)

    action: Mapped[ReviewAction] = relationship(back_populates="changes")
