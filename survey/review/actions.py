"""Staff decisions on an evaluation's statements and themes: the one rules layer the review
pages and the tests go through (like survey/sessions.py).

Every function takes the acting staff user, checks the request (a refused one raises
`ReviewError` with a Chinese message shown to staff as is), changes the rows and records ONE
`ReviewAction` with a `ReviewChange` per statement or theme it touched, holding only the
columns that changed, before and after. `undo` replays `before`. The caller commits.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from analysis.plan import OTHER, OTHER_NAME

from ..extensions import db
from ..models import Response, StaffUser, utcnow
from .models import (EXCLUDE_REASONS, FIELDS, STATEMENT_STATUSES, AnalysisRun, Evaluation, ReviewAction,
                     ReviewChange, Statement, Theme)

STATEMENT_COLUMNS = ("category", "theme_id", "status", "exclude_reason", "theme_pinned",
                     "reviewed_by_id", "reviewed_at")
THEME_COLUMNS = ("category", "machine_label", "staff_label", "label_words", "keywords", "representatives",
                 "origin", "merged_into_id")
ACTION_KINDS = {"rename": "重命名主题", "merge": "合并主题", "split": "拆分主题", "new_theme": "新建主题",
                "move": "移动意见", "confirm": "确认", "exclude": "排除", "include": "恢复"}
LABEL_MAX = 200  # Theme.staff_label's column size
SPLIT_MAX = 9


class ReviewError(ValueError):
    """A request the review rules refuse; the message is shown to staff as is."""


# ---- categories -------------------------------------------------------------------------

def categories(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(id, name) in the plan's order, 未归类/新问题 last: keys 1–9 and 0 on the page."""
    plan = evaluation.plan.definition
    return [(c.id, c.name) for c in plan.categories if c.id != OTHER] + [(OTHER, OTHER_NAME)]


def category_name(evaluation: Evaluation, category: str) -> str:
    return dict(categories(evaluation)).get(category, category)


def _check_category(evaluation: Evaluation, category: str) -> str:
    if category not in dict(categories(evaluation)):
        raise ReviewError(f"类别“{category}”不在本规划的问题类别中")
    return category


# ---- recording --------------------------------------------------------------------------

def _plain(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _snapshot(row, columns: Sequence[str]) -> dict:
    return {c: _plain(getattr(row, c)) for c in columns}


class _Recorder:
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


def _reviewed(statement: Statement, user: StaffUser, now: dt.datetime) -> None:
    statement.reviewed_by_id = user.id
    statement.reviewed_at = now


# ---- loading and checking ---------------------------------------------------------------

def statements_by_id(evaluation: Evaluation, ids: Iterable[int]) -> list[Statement]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ReviewError("请先选择意见")
    rows = db.session.scalars(select(Statement).where(Statement.evaluation_id == evaluation.id,
                                                      Statement.id.in_(ids))).all()
    if len(rows) != len(ids):
        raise ReviewError("有意见不属于本次评价或已不存在，请刷新页面")
    order = {i: n for n, i in enumerate(ids)}
    return sorted(rows, key=lambda s: order[s.id])


def theme_by_id(evaluation: Evaluation, theme_id: int) -> Theme:
    theme = db.session.get(Theme, int(theme_id))
    if theme is None or theme.evaluation_id != evaluation.id:
        raise ReviewError("找不到该主题，请刷新页面")
    if theme.merged_into_id is not None:
        raise ReviewError(f"主题“{theme.label}”已合并到其他主题")
    return theme


def _not_excluded(statements: Sequence[Statement], what: str) -> None:
    excluded = [s for s in statements if s.status == "excluded"]
    if excluded:
        raise ReviewError(f"所选意见中有 {len(excluded)} 条已排除，请先恢复再{what}")


def _check_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise ReviewError("主题名称不能为空")
    if len(label) > LABEL_MAX:
        raise ReviewError(f"主题名称不超过 {LABEL_MAX} 字")
    return label


def theme_statements(theme: Theme) -> list[Statement]:
    return list(db.session.scalars(select(Statement).where(Statement.theme_id == theme.id)
                                   .order_by(Statement.id)))


def _describe(statements: Sequence[Statement]) -> dict:
    from analysis.theme_edit import describe_theme  # jieba and sklearn: only when needed

    live = [s for s in statements if s.status != "excluded"] or list(statements)
    texts = [s.text for s in live]
    groups = [s.response.organisation_type for s in live]
    return describe_theme(texts, groups=groups)


def _new_theme(evaluation: Evaluation, category: str, statements: Sequence[Statement],
               label: str | None, recorder: _Recorder) -> Theme:
    described = _describe(statements)
    theme = Theme(evaluation_id=evaluation.id, category=category, origin="staff",
                  machine_label=described["label"][:LABEL_MAX], staff_label=label,
                  label_words=list(described.get("label_words", [])),
                  keywords=list(described.get("keywords", [])),
                  representatives=list(described.get("representatives", [])))
    db.session.add(theme)
    db.session.flush()
    recorder.created(theme)
    return theme


def _redescribe(theme: Theme, statements: Sequence[Statement], recorder: _Recorder) -> None:
    """Refresh the machine's label and words of a theme whose statements changed."""
    if not statements:
        return
    described = _describe(statements)
    recorder.touch(theme)
    theme.machine_label = described["label"][:LABEL_MAX]
    theme.label_words = list(described.get("label_words", []))
    theme.keywords = list(described.get("keywords", []))
    theme.representatives = list(described.get("representatives", []))


# ---- theme actions ----------------------------------------------------------------------

def rename_theme(user: StaffUser, evaluation: Evaluation, theme_id: int, label: str) -> ReviewAction:
    theme = theme_by_id(evaluation, theme_id)
    label = _check_label(label)
    if label == theme.label:
        raise ReviewError("新名称与原名称相同")
    old = theme.label
    recorder = _Recorder(user, evaluation)
    recorder.touch(theme)
    theme.staff_label = label
    return recorder.save("rename", f"主题“{old}”改名为“{label}”")


def merge_themes(user: StaffUser, evaluation: Evaluation, target_id: int,
                 source_ids: Iterable[int]) -> ReviewAction:
    """Sources point at the target (merged_into_id) and their statements move to it, pinned;
    a statement whose category changes with the merge counts as moved by staff."""
    target = theme_by_id(evaluation, target_id)
    sources = [theme_by_id(evaluation, i) for i in dict.fromkeys(int(i) for i in source_ids)]
    sources = [s for s in sources if s.id != target.id]
    if not sources:
        raise ReviewError("请选择要合并进来的其他主题")
    recorder = _Recorder(user, evaluation)
    now = utcnow()
    moved = 0
    for source in sources:
        recorder.touch(source)
        source.merged_into_id = target.id
        for earlier in db.session.scalars(select(Theme).where(Theme.merged_into_id == source.id)):
            recorder.touch(earlier)  # keep merges one level deep: what pointed at source points at target
            earlier.merged_into_id = target.id
        for statement in theme_statements(source):
            recorder.touch(statement)
            statement.theme_id = target.id
            statement.theme_pinned = True
            moved += 1
            if statement.category != target.category:
                statement.category = target.category
                if statement.status != "excluded":
                    statement.status = "moved"
                _reviewed(statement, user, now)
    names = "、".join(f"“{s.label}”" for s in sources)
    return recorder.save("merge", f"主题{names}合并到“{target.label}”（{moved} 条意见）")


def split_theme(user: StaffUser, evaluation: Evaluation, theme_id: int, k: int) -> ReviewAction:
    """Re-cluster the theme's statements into k; the largest part keeps the theme (and its
    staff name), every other part becomes a new theme. All of them are pinned."""
    from analysis.theme_edit import split_theme as cluster

    theme = theme_by_id(evaluation, theme_id)
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise ReviewError("拆分数量应为 2 到 9 之间的整数") from None
    if not 2 <= k <= SPLIT_MAX:
        raise ReviewError(f"拆分数量应为 2 到 {SPLIT_MAX} 之间的整数")
    statements = theme_statements(theme)
    live = [s for s in statements if s.status != "excluded"]
    if len(live) < k:
        raise ReviewError(f"主题“{theme.label}”只有 {len(live)} 条意见，无法拆成 {k} 个主题")
    labels = cluster([s.text for s in live], k)
    parts: dict[int, list[Statement]] = {}
    for statement, part in zip(live, labels):
        parts.setdefault(int(part), []).append(statement)
    if len(parts) < 2:
        raise ReviewError(f"主题“{theme.label}”的意见过于相近，无法再拆分")
    ordered = sorted(parts.values(), key=len, reverse=True)
    recorder = _Recorder(user, evaluation)
    for statement in statements:
        recorder.touch(statement)
        statement.theme_pinned = True
    for part in ordered[1:]:
        new = _new_theme(evaluation, theme.category, part, None, recorder)
        for statement in part:
            statement.theme_id = new.id
    _redescribe(theme, ordered[0], recorder)
    sizes = "、".join(str(len(p)) for p in ordered)
    return recorder.save("split", f"主题“{theme.label}”拆分为 {len(ordered)} 个主题（{sizes} 条）")


# ---- statement actions ------------------------------------------------------------------

def move_to_theme(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int],
                  theme_id: int) -> ReviewAction:
    theme = theme_by_id(evaluation, theme_id)
    statements = statements_by_id(evaluation, statement_ids)
    _not_excluded(statements, "移动")
    recorder = _Recorder(user, evaluation)
    now = utcnow()
    for statement in statements:
        recorder.touch(statement)
        statement.theme_id, statement.category = theme.id, theme.category
        statement.theme_pinned = True
        statement.status = "moved"
        _reviewed(statement, user, now)
    return recorder.save("move", f"{len(statements)} 条意见移到主题“{theme.label}”"
                                 f"（{category_name(evaluation, theme.category)}）")


def move_to_new_theme(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int], *,
                      category: str | None = None, label: str | None = None) -> ReviewAction:
    """Split off the selected statements as a new theme (in `category`, by default the one
    they share)."""
    statements = statements_by_id(evaluation, statement_ids)
    _not_excluded(statements, "移动")
    if category is None:
        found = {s.category for s in statements}
        if len(found) > 1:
            raise ReviewError("所选意见分属不同类别，请先选择新主题所在的类别")
        category = found.pop()
    category = _check_category(evaluation, category)
    label = _check_label(label) if label and label.strip() else None
    recorder = _Recorder(user, evaluation)
    for statement in statements:
        recorder.touch(statement)
    theme = _new_theme(evaluation, category, statements, label, recorder)
    now = utcnow()
    sources = {s.theme_id for s in statements} - {None}
    for statement in statements:
        statement.theme_id, statement.category = theme.id, category
        statement.theme_pinned = True
        statement.status = "moved"
        _reviewed(statement, user, now)
    for source in sources:  # what remains of a theme is described by what remains
        left = db.session.get(Theme, source)
        _redescribe(left, [s for s in theme_statements(left) if s.status != "excluded"], recorder)
    return recorder.save("new_theme", f"{len(statements)} 条意见拆出为新主题“{theme.label}”"
                                      f"（{category_name(evaluation, category)}）")


def move_to_category(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int],
                     category: str) -> ReviewAction:
    """A statement moved to another category leaves its theme (the next run, or staff with
    "move to theme", gives it one there). One already in that category is thereby confirmed."""
    category = _check_category(evaluation, category)
    statements = statements_by_id(evaluation, statement_ids)
    _not_excluded(statements, "移动")
    recorder = _Recorder(user, evaluation)
    now = utcnow()
    moved = confirmed = 0
    for statement in statements:
        recorder.touch(statement)
        if statement.category == category:
            if statement.status == "machine":
                statement.status = "confirmed"
                _reviewed(statement, user, now)
                confirmed += 1
            continue
        statement.category = category
        statement.theme_id = None
        statement.theme_pinned = False
        statement.status = "moved"
        _reviewed(statement, user, now)
        moved += 1
    if not moved and not confirmed:
        raise ReviewError(f"所选意见已在“{category_name(evaluation, category)}”中")
    name = category_name(evaluation, category)
    summary = f"{moved} 条意见移到类别“{name}”" if moved else f"确认 {confirmed} 条意见属于“{name}”"
    if moved and confirmed:
        summary += f"，{confirmed} 条确认"
    return recorder.save("move", summary)


def confirm(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int]) -> ReviewAction:
    """Staff agree with the statement as it stands (a moved one stays moved)."""
    statements = statements_by_id(evaluation, statement_ids)
    _not_excluded(statements, "确认")
    todo = [s for s in statements if s.status == "machine"]
    if not todo:
        raise ReviewError("所选意见都已审核过")
    recorder = _Recorder(user, evaluation)
    now = utcnow()
    for statement in todo:
        recorder.touch(statement)
        statement.status = "confirmed"
        _reviewed(statement, user, now)
    return recorder.save("confirm", f"确认 {len(todo)} 条意见")


def exclude(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int], reason: str) -> ReviewAction:
    """Leave statements out of counts and the report; the participant's answer stays."""
    if reason not in EXCLUDE_REASONS:
        raise ReviewError(f"请选择排除原因（{'、'.join(EXCLUDE_REASONS.values())}）")
    statements = statements_by_id(evaluation, statement_ids)
    todo = [s for s in statements if not (s.status == "excluded" and s.exclude_reason == reason)]
    if not todo:
        raise ReviewError("所选意见已按此原因排除")
    recorder = _Recorder(user, evaluation)
    now = utcnow()
    for statement in todo:
        recorder.touch(statement)
        statement.status = "excluded"
        statement.exclude_reason = reason
        _reviewed(statement, user, now)
    return recorder.save("exclude", f"排除 {len(todo)} 条意见（{EXCLUDE_REASONS[reason]}）")


def include(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int]) -> ReviewAction:
    """Take excluded statements back; staff have looked at them, so they count as reviewed."""
    statements = statements_by_id(evaluation, statement_ids)
    todo = [s for s in statements if s.status == "excluded"]
    if not todo:
        raise ReviewError("所选意见没有被排除")
    recorder = _Recorder(user, evaluation)
    now = utcnow()
    for statement in todo:
        recorder.touch(statement)
        changed = statement.category != statement.machine_category or statement.theme_pinned
        statement.status = "moved" if changed else "confirmed"
        statement.exclude_reason = None
        _reviewed(statement, user, now)
    return recorder.save("include", f"恢复 {len(todo)} 条已排除的意见")


# ---- undo -------------------------------------------------------------------------------

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
            who = _who(other.user)
            raise ReviewError(f"无法撤销“{action.summary}”：{who}之后的操作“{other.summary}”"
                              f"改动了同样的意见或主题，请先撤销那一步")
    for change in action.changes:
        if change.statement_id is not None:
            row, columns = db.session.get(Statement, change.statement_id), STATEMENT_COLUMNS
        else:
            row, columns = db.session.get(Theme, change.theme_id), THEME_COLUMNS
        for column, value in change.before.items():
            if column in columns:
                if column == "reviewed_at" and value is not None:
                    value = dt.datetime.fromisoformat(value)
                setattr(row, column, value)
        if isinstance(row, Statement):
            _follow_machine(row)
    action.undone_at = utcnow()
    action.undone_by_id = user.id
    db.session.flush()
    return action


def _follow_machine(statement: Statement) -> None:
    """A statement back in the machine's hands follows the latest run (which may have run
    since the action being undone), through any merge of its machine theme."""
    if statement.status != "machine" or statement.theme_pinned:
        return
    statement.category = statement.machine_category
    theme, seen = db.session.get(Theme, statement.machine_theme_id) if statement.machine_theme_id else None, set()
    while theme is not None and theme.merged_into_id is not None and theme.id not in seen:
        seen.add(theme.id)
        theme = db.session.get(Theme, theme.merged_into_id)
    statement.theme_id = theme.id if theme is not None else None


def _who(user: StaffUser | None) -> str:
    if user is None:
        return "（已删除的用户）"
    return user.display_name or user.username


# ---- reading: queue, progress, filters, history -----------------------------------------

@dataclass
class Filters:
    category: str | None = None
    theme_id: int | None = None
    organisation_type: str | None = None
    field: str | None = None
    text: str | None = None
    confidence_min: float | None = None
    confidence_max: float | None = None
    reviewed: bool | None = None  # None: both
    show_excluded: bool = True

    @classmethod
    def from_args(cls, args) -> Filters:
        """From a query string (request.args); bad values are ignored, not errors."""
        def number(name):
            try:
                value = float(args.get(name, ""))
            except ValueError:
                return None
            return value / 100  # the page speaks in percent
        def integer(name):
            try:
                return int(args.get(name, ""))
            except ValueError:
                return None
        reviewed = {"yes": True, "no": False}.get(args.get("reviewed", ""))
        return cls(category=args.get("category") or None, theme_id=integer("theme"),
                   organisation_type=args.get("org") or None,
                   field=args.get("field") if args.get("field") in FIELDS else None,
                   text=(args.get("q") or "").strip() or None,
                   confidence_min=number("cmin"), confidence_max=number("cmax"), reviewed=reviewed,
                   show_excluded=args.get("excluded", "1") != "0")

    @property
    def active(self) -> bool:
        return any(v is not None for k, v in vars(self).items() if k != "show_excluded") or not self.show_excluded


def find_statements(evaluation: Evaluation, filters: Filters | None = None) -> list[Statement]:
    """The evaluation's statements that pass the filters, with their responses loaded."""
    f = filters or Filters()
    query = (select(Statement).join(Response, Statement.response_id == Response.id)
             .where(Statement.evaluation_id == evaluation.id)
             .options(joinedload(Statement.response)))
    if f.category:
        query = query.where(Statement.category == f.category)
    if f.theme_id is not None:
        query = query.where(Statement.theme_id == f.theme_id)
    if f.organisation_type:
        query = query.where(Response.organisation_type == f.organisation_type)
    if f.field:
        query = query.where(Statement.field == f.field)
    if f.text:
        for word in f.text.split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(or_(Statement.text.like(f"%{escaped}%", escape="\\"),
                                    Response.organisation.like(f"%{escaped}%", escape="\\")))
    if f.confidence_min is not None:
        query = query.where(Statement.machine_confidence >= f.confidence_min)
    if f.confidence_max is not None:
        query = query.where(Statement.machine_confidence <= f.confidence_max)
    if f.reviewed is True:
        query = query.where(Statement.status != "machine")
    elif f.reviewed is False:
        query = query.where(Statement.status == "machine")
    if not f.show_excluded:
        query = query.where(Statement.status != "excluded")
    return list(db.session.scalars(query.order_by(Statement.id)).unique())


def queue(evaluation: Evaluation, filters: Filters | None = None) -> list[Statement]:
    """Unreviewed statements, the one the model learns most from (review_rank 1) first."""
    f = Filters(**{**vars(filters or Filters()), "reviewed": False})
    rows = find_statements(evaluation, f)
    return sorted(rows, key=lambda s: (s.review_rank is None, s.review_rank or 0, s.id))


@dataclass
class Progress:
    reviewed: int
    total: int

    @property
    def text(self) -> str:
        return f"已审核 {self.reviewed} / {self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.total) if self.total else 0


def progress(evaluation: Evaluation) -> Progress:
    rows = db.session.execute(select(Statement.status, func.count()).where(
        Statement.evaluation_id == evaluation.id).group_by(Statement.status)).all()
    counts = Counter(dict(rows))
    total = sum(counts.values())
    return Progress(total - counts.get("machine", 0), total)


def live_themes(evaluation: Evaluation) -> list[Theme]:
    """Themes in force: not merged away and holding at least one statement (a theme whose
    creation was undone stays in the table for the audit log, empty), in creation order."""
    has_statements = select(Statement.id).where(Statement.theme_id == Theme.id).exists()
    return list(db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation.id,
                                                       Theme.merged_into_id.is_(None), has_statements)
                                   .order_by(Theme.id)))


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
    return str(value)


_COLUMN_NAMES = {"category": "类别", "theme_id": "主题", "status": "状态", "exclude_reason": "排除原因"}


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
        entries.append(HistoryEntry(at=action.created_at, who=_who(action.user),
                                    kind=ACTION_KINDS.get(action.kind, action.kind),
                                    summary=action.summary, details=details,
                                    undone=action.undone_at is not None))
    return entries


def recent_actions(evaluation: Evaluation, limit: int = 10) -> list[ReviewAction]:
    return list(db.session.scalars(select(ReviewAction).where(ReviewAction.evaluation_id == evaluation.id)
                                   .order_by(ReviewAction.id.desc()).limit(limit)))
