"""The audit log: every staff action is ONE `ReviewAction` with a `ReviewChange` per statement
or theme it touched, holding only the columns that changed, before and after. `undo` replays
`before`; `history` tells one statement's story; `recent_actions` feeds the page.

Undo is safe under concurrency: it claims the action with a conditional UPDATE (of two undos
at once one wins, the other is told it was just undone), refuses when a later action in force
touched the same rows or when a row's staff columns are no longer what the action left, and
its writes go through the rows' version check like any action.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update

from ..extensions import db
from ..models import Evaluation, StaffUser, utcnow
from .models import (
    EXCLUDE_REASONS,
    KINDS,
    STATEMENT_STATUSES,
    AnalysisRun,
    ReviewAction,
    ReviewChange,
    Statement,
    Theme,
)
from .queries import ReviewError, StaleError, category_name

STATEMENT_COLUMNS = ("category", "theme_id", "status", "exclude_reason", "theme_pinned",
                     "reviewed_by_id", "reviewed_at", "kind", "kind_by_staff")
THEME_COLUMNS = ("category", "machine_label", "staff_label", "label_words", "keywords", "representatives",
                 "origin", "merged_into_id")
# What only staff write: undo requires them still as the action left them.
STAFF_COLUMNS = {"category", "theme_id", "status", "exclude_reason", "theme_pinned", "staff_label", "origin",
                 "merged_into_id", "kind", "kind_by_staff"}
ACTION_KINDS = {"rename": "重命名主题", "merge": "合并主题", "split": "拆分主题", "new_theme": "新建主题",
                "move": "移动意见", "confirm": "确认", "exclude": "排除", "include": "恢复",
                "kind": "更改性质"}

def _plain(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _snapshot(row, columns: Sequence[str]) -> dict:
    return {c: _plain(getattr(row, c)) for c in columns}


class Recorder:
    """Collects the before/after of each row an action touches, then writes one action."""

    def __init__(self, user: StaffUser, evaluation: Evaluation):
        self.user, self.evaluation = user, evaluation
        self._before: dict[tuple[str, int], tuple[object, dict]] = {}
        self._created: list[Theme] = []

    def touch(self, row) -> None:
        """Call before changing `row`; the first snapshot is the one kept."""
        key = (type(row).__name__, row.id)
        if key not in self._before:
            columns = STATEMENT_COLUMNS if isinstance(row, Statement) else THEME_COLUMNS
            self._before[key] = (row, _snapshot(row, columns))

    def created(self, theme: Theme) -> None:
        self._created.append(theme)

    def save(self, kind: str, summary: str) -> ReviewAction:
        action = ReviewAction(evaluation_id=self.evaluation.id, user_id=self.user.id, kind=kind,
                              summary=summary[:500])
        db.session.add(action)
        for row, before in self._before.values():
            after = _snapshot(row, STATEMENT_COLUMNS if isinstance(row, Statement) else THEME_COLUMNS)
            changed = [c for c in after if after[c] != before[c]]
            if not changed:
                continue
            action.changes.append(ReviewChange(
                statement_id=row.id if isinstance(row, Statement) else None,
                theme_id=row.id if isinstance(row, Theme) else None,
                before={c: before[c] for c in changed}, after={c: after[c] for c in changed}))
        for theme in self._created:
            # A theme made by this action: `before` is empty. Undo leaves it without statements
            # (hidden), because deleting it would delete the audit log rows that name it.
            action.changes.append(ReviewChange(theme_id=theme.id, before={},
                                               after=_snapshot(theme, THEME_COLUMNS)))
        if not action.changes:
            db.session.expunge(action)
            raise ReviewError("没有需要修改的内容")
        db.session.flush()
        return action


def reviewed(statement: Statement, user: StaffUser, now: dt.datetime) -> None:
    statement.reviewed_by_id = user.id
    statement.reviewed_at = now

def last_action(evaluation: Evaluation, user: StaffUser | None = None) -> ReviewAction | None:
    query = select(ReviewAction).where(ReviewAction.evaluation_id == evaluation.id,
                                       ReviewAction.undone_at.is_(None))
    if user is not None:
        query = query.where(ReviewAction.user_id == user.id)
    return db.session.scalar(query.order_by(ReviewAction.id.desc()).limit(1))


def _touched(action: ReviewAction) -> tuple[set[int], set[int]]:
    return ({c.statement_id for c in action.changes if c.statement_id is not None},
            {c.theme_id for c in action.changes if c.theme_id is not None})


def undo(user: StaffUser, evaluation: Evaluation, action_id: int | None = None) -> ReviewAction:
    """Undo `action_id`, by default this user's latest action not yet undone (two staff working
    at once each undo their own). Refused when a later action still in force touched the same
    statements or themes: undoing under it would silently discard that later decision."""
    if action_id is None:
        action = last_action(evaluation, user)
        if action is None:
            raise ReviewError("没有可以撤销的操作")
    else:
        action = db.session.get(ReviewAction, int(action_id))
        if action is None or action.evaluation_id != evaluation.id:
            raise ReviewError("找不到该操作")
        if action.undone_at is not None:
            raise ReviewError("该操作已撤销")
    statements, themes = _touched(action)
    later = db.session.scalars(select(ReviewAction).where(
        ReviewAction.evaluation_id == evaluation.id, ReviewAction.id > action.id,
        ReviewAction.undone_at.is_(None)).order_by(ReviewAction.id)).all()
    for other in later:
        other_statements, other_themes = _touched(other)
        if statements & other_statements or themes & other_themes:
            who = who_name(other.user)
            raise ReviewError(f"无法撤销“{action.summary}”：{who}之后的操作“{other.summary}”"
                              f"改动了同样的意见或主题，请先撤销那一步")
    # Claim the action first, conditionally: of two undos at once, one wins and the other
    # finds it already undone (the rows' versions refuse it too).
    claimed = db.session.execute(update(ReviewAction).where(ReviewAction.id == action.id,
                                                            ReviewAction.undone_at.is_(None))
                                 .values(undone_at=utcnow(), undone_by_id=user.id)
                                 .execution_options(synchronize_session="fetch"))
    if claimed.rowcount != 1:
        raise StaleError("该操作刚被其他工作人员撤销，页面已更新")
    # One flush at the end, which writes rows in id order (the order the analysis job saves in):
    # a get() per change autoflushed the rows changed so far, in the action's order, and such an
    # undo deadlocked with a save on PostgreSQL.
    with db.session.no_autoflush:
        for change in action.changes:
            _restore(action, change)
    db.session.flush()
    return action


def _restore(action: ReviewAction, change) -> None:
    if change.statement_id is not None:
        row, columns = db.session.get(Statement, change.statement_id), STATEMENT_COLUMNS
    else:
        row, columns = db.session.get(Theme, change.theme_id), THEME_COLUMNS
    if any(_plain(getattr(row, c)) != v for c, v in change.after.items() if c in STAFF_COLUMNS):
        raise StaleError(f"无法撤销“{action.summary}”：这些意见或主题之后又被改动过，页面已更新")
    for column, value in change.before.items():
        if column in columns:
            if column == "reviewed_at" and value is not None:
                value = dt.datetime.fromisoformat(value)
            setattr(row, column, value)
    if isinstance(row, Statement):
        _follow_machine(row)


def _follow_machine(statement: Statement) -> None:
    """A statement back in the machine's hands follows the latest run (which may have run
    since the action being undone), through any merge of its machine theme."""
    if statement.status != "machine" or statement.theme_pinned:
        return
    if statement.kind_by_staff and statement.kind == "none":  # staff said: nothing to act on
        statement.category = statement.theme_id = None
        return
    statement.category = statement.machine_category
    theme = Theme.follow_merges(db.session.get(Theme, statement.machine_theme_id) if statement.machine_theme_id else None)
    statement.theme_id = theme.id if theme is not None else None

def who_name(user: StaffUser | None) -> str:
    if user is None:
        return "（已删除的用户）"
    return user.display_name or user.username

@dataclass
class HistoryEntry:
    at: dt.datetime | None
    who: str
    kind: str
    summary: str
    details: list[str]
    undone: bool = False


def _describe_value(evaluation: Evaluation, column: str, value) -> str:
    if value is None:
        return "（无）"
    if column == "category":
        return category_name(evaluation, value)
    if column == "theme_id":
        theme = db.session.get(Theme, value)
        return f"“{theme.label}”" if theme else "（已删除的主题）"
    if column == "status":
        return STATEMENT_STATUSES.get(value, value)
    if column == "exclude_reason":
        return EXCLUDE_REASONS.get(value, value)
    if column == "kind":
        return KINDS.get(value, value)
    return str(value)


_COLUMN_NAMES = {"kind": "性质", "category": "类别", "theme_id": "主题", "status": "状态", "exclude_reason": "排除原因"}


def history(evaluation: Evaluation, statement: Statement) -> list[HistoryEntry]:
    """The machine's label and confidence first, then every staff change to the statement."""
    machine_theme = statement.machine_theme
    run = db.session.get(AnalysisRun, statement.run_id) if statement.run_id else None
    entries = [HistoryEntry(
        at=run.finished_at if run else None, who="程序",
        kind="machine",
        summary=(f"归入“{category_name(evaluation, statement.machine_category)}”，"
                 f"置信度 {statement.machine_confidence:.0%}"
                 + (f"，主题“{machine_theme.label}”" if machine_theme else "")),
        details=[])]
    changes = db.session.scalars(select(ReviewChange).join(ReviewAction)
                                 .where(ReviewChange.statement_id == statement.id)
                                 .order_by(ReviewAction.id)).all()
    for change in changes:
        action = change.action
        details = [f"{_COLUMN_NAMES[c]}：{_describe_value(evaluation, c, change.before.get(c))} → "
                   f"{_describe_value(evaluation, c, change.after.get(c))}"
                   for c in _COLUMN_NAMES if c in change.after or c in change.before]
        entries.append(HistoryEntry(at=action.created_at, who=who_name(action.user),
                                    kind=ACTION_KINDS.get(action.kind, action.kind),
                                    summary=action.summary, details=details,
                                    undone=action.undone_at is not None))
    return entries


def recent_actions(evaluation: Evaluation, limit: int = 10) -> list[ReviewAction]:
    return list(db.session.scalars(select(ReviewAction).where(ReviewAction.evaluation_id == evaluation.id)
                                   .order_by(ReviewAction.id.desc()).limit(limit)))
