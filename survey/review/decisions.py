"""Staff decisions on an evaluation's statements and themes: the one rules layer the review
pages and the tests go through (like survey/sessions.py).

Every function takes the acting staff user, checks the request (a refused one raises
`ReviewError` with a Chinese message shown to staff as is), changes the rows and records ONE
`ReviewAction` through `audit.Recorder`. The caller commits.

Concurrency (optimistic): Statement and Theme carry a `version` the ORM checks and bumps on
every UPDATE, so of two staff acting on the same rows at once one wins and the other's flush
fails (StaleDataError; the page says "这些意见刚被其他工作人员修改，页面已更新，请重新操作" and
shows the current state). `versions` (statement id → version) / `version` (a theme's) are what
the page showed: a row changed since (by staff, or a run that moved a statement still in the
machine's hands) is refused up front (`queries.StaleError`). Hence the audit's "before" is
always the state the action replaced. Themes staff merged into or split become staff themes
(`Theme.by_staff`): a re-run keeps them whole. A move to a category lands in the theme staff
chose there or the nearest one (never outside every theme). Messages count what changed and
what already was so ("确认 12 条意见，另 6 条已调整过").
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select

from analysis.plan import OTHER

from ..extensions import db
from ..limits import LABEL_MAX
from ..models import Evaluation, StaffUser, utcnow
from .audit import Recorder, reviewed
from .models import EXCLUDE_REASONS, KINDS, ReviewAction, Statement, Theme
from .payload import text as clean_text
from .queries import (
    ReviewError,
    category_name,
    check_category,
    live_themes,
    statements_by_id,
    theme_by_id,
    theme_statements,
)

SPLIT_MAX = 9

def _not_excluded(statements: Sequence[Statement], what: str) -> None:
    excluded = [s for s in statements if s.status == "excluded"]
    if excluded:
        raise ReviewError(f"所选意见中有 {len(excluded)} 条已排除，请先恢复再{what}")


ALREADY = {"confirmed": "已确认过", "moved": "已调整过", "excluded": "已排除"}


def _already(statements: Sequence[Statement], what: dict[str, str] = ALREADY) -> str:
    """"，另 6 条已调整过": what was already so, for the message of an action that skipped it."""
    counts = Counter(s.status for s in statements)
    parts = [f"{counts[status]} 条{word}" for status, word in what.items() if counts[status]]
    return ("，另 " + "、".join(parts)) if parts else ""


def _check_label(label) -> str:
    label = " ".join(clean_text(label).split())
    if not label:
        raise ReviewError("主题名称不能为空")
    if len(label) > LABEL_MAX:
        raise ReviewError(f"主题名称不超过 {LABEL_MAX} 字")
    return label

def _describe(statements: Sequence[Statement]) -> dict:
    from analysis.privacy import roster_names
    from analysis.theme_edit import describe_theme  # jieba and sklearn: only when needed

    live = [s for s in statements if s.status != "excluded"] or list(statements)
    texts = [s.text for s in live]
    groups = [s.response.organisation_type for s in live]
    # the roster's names masked in the label, keywords and quotes, as the job's themes are
    evaluation = db.session.get(Evaluation, live[0].evaluation_id) if live else None
    names = roster_names(evaluation.roster_people) if evaluation is not None else ()
    return describe_theme(texts, groups=groups, kinds=[s.kind for s in live], names=names)


def _new_theme(evaluation: Evaluation, category: str, statements: Sequence[Statement],
               label: str | None, recorder: Recorder) -> Theme:
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


def _redescribe(theme: Theme, statements: Sequence[Statement], recorder: Recorder) -> None:
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

def rename_theme(user: StaffUser, evaluation: Evaluation, theme_id: int, label: str, *,
                 version: int | None = None) -> ReviewAction:
    theme = theme_by_id(evaluation, theme_id, version)
    label = _check_label(label)
    if label == theme.label:
        raise ReviewError("新名称与原名称相同")
    old = theme.label
    recorder = Recorder(user, evaluation)
    recorder.touch(theme)
    theme.staff_label = label
    return recorder.save("rename", f"主题“{old}”改名为“{label}”")


def merge_themes(user: StaffUser, evaluation: Evaluation, target_id: int,
                 source_ids: Iterable[int], *, versions: Mapping[int, int] | None = None) -> ReviewAction:
    """Sources point at the target (merged_into_id) and their statements move to it, pinned;
    a statement whose category changes with the merge counts as moved by staff. The target
    becomes a staff theme (a re-run keeps it whole)."""
    versions = versions or {}
    target = theme_by_id(evaluation, target_id, versions.get(int(target_id)))
    sources = [theme_by_id(evaluation, i, versions.get(i)) for i in dict.fromkeys(int(i) for i in source_ids)]
    sources = [s for s in sources if s.id != target.id]
    if not sources:
        raise ReviewError("请选择要合并进来的其他主题")
    recorder = Recorder(user, evaluation)
    recorder.touch(target)
    target.origin = "staff"
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
                reviewed(statement, user, now)
    names = "、".join(f"“{s.label}”" for s in sources)
    return recorder.save("merge", f"主题{names}合并到“{target.label}”（{moved} 条意见）")


def split_theme(user: StaffUser, evaluation: Evaluation, theme_id: int, k: int, *,
                version: int | None = None) -> ReviewAction:
    """Re-cluster the theme's statements into k; the largest part keeps the theme (and its
    staff name), every other part becomes a new theme. All of them are pinned, and all of
    them are staff themes."""
    from analysis.theme_edit import split_theme as cluster

    theme = theme_by_id(evaluation, theme_id, version)
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
    recorder = Recorder(user, evaluation)
    recorder.touch(theme)
    theme.origin = "staff"
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
                  theme_id: int, *, versions: Mapping[int, int] | None = None) -> ReviewAction:
    theme = theme_by_id(evaluation, theme_id)
    statements = statements_by_id(evaluation, statement_ids, versions)
    _not_excluded(statements, "移动")
    todo = [s for s in statements if not (s.theme_id == theme.id and s.theme_pinned and s.status != "machine")]
    if not todo:
        raise ReviewError(f"所选意见已在主题“{theme.label}”中")
    recorder = Recorder(user, evaluation)
    now = utcnow()
    for statement in todo:
        recorder.touch(statement)
        statement.theme_id, statement.category = theme.id, theme.category
        statement.theme_pinned = True
        statement.status = "moved"
        reviewed(statement, user, now)
    skipped = len(statements) - len(todo)
    return recorder.save("move", f"{len(todo)} 条意见移到主题“{theme.label}”"
                                 f"（{category_name(evaluation, theme.category)}）"
                                 + (f"，另 {skipped} 条已在该主题中" if skipped else ""))


def move_to_new_theme(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int], *,
                      category: str | None = None, label: str | None = None,
                      versions: Mapping[int, int] | None = None) -> ReviewAction:
    """Split off the selected statements as a new theme (in `category`, by default the one
    they share)."""
    statements = statements_by_id(evaluation, statement_ids, versions)
    _not_excluded(statements, "移动")
    if category is None:
        found = {s.category for s in statements}
        if len(found) > 1:
            raise ReviewError("所选意见分属不同类别，请先选择新主题所在的类别")
        category = found.pop()
    category = check_category(evaluation, category)
    label = _check_label(label) if label and label.strip() else None
    recorder = Recorder(user, evaluation)
    for statement in statements:
        recorder.touch(statement)
    theme = _new_theme(evaluation, category, statements, label, recorder)
    now = utcnow()
    sources = {s.theme_id for s in statements} - {None}
    for statement in statements:
        statement.theme_id, statement.category = theme.id, category
        statement.theme_pinned = True
        statement.status = "moved"
        reviewed(statement, user, now)
    for source in sources:  # what remains of a theme is described by what remains
        left = db.session.get(Theme, source)
        _redescribe(left, [s for s in theme_statements(left) if s.status != "excluded"], recorder)
    return recorder.save("new_theme", f"{len(statements)} 条意见拆出为新主题“{theme.label}”"
                                      f"（{category_name(evaluation, category)}）")


def _nearest_theme(evaluation: Evaluation, category: str, statements: Sequence[Statement]) -> dict[int, Theme]:
    """Statement id → the theme in force of `category` its text is closest to (TF-IDF, no
    model), for statements moved to a category without naming a theme."""
    from analysis.theme_edit import nearest_themes

    moving = {s.id for s in statements}
    pool = {t.id: t for t in live_themes(evaluation) if t.category == category}
    members = {tid: [s.text for s in theme_statements(t) if s.id not in moving and s.status != "excluded"]
               for tid, t in pool.items()}
    members = {tid: texts for tid, texts in members.items() if texts}
    if not members:
        return {}
    found = nearest_themes([s.text for s in statements], members, min_similarity=0.0)
    return {s.id: pool[tid] for s, tid in zip(statements, found) if tid is not None}


def move_to_category(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int],
                     category: str, *, theme_id: int | None = None,
                     versions: Mapping[int, int] | None = None) -> ReviewAction:
    """Move statements to a category, into the theme staff chose there (`theme_id`) or else
    the nearest theme of that category (a new staff theme when it has none): a statement
    never lands outside every theme. One already in that category is thereby confirmed."""
    category = check_category(evaluation, category)
    if theme_id is not None:
        theme = theme_by_id(evaluation, theme_id)
        if theme.category != category:
            raise ReviewError(f"主题“{theme.label}”不在类别“{category_name(evaluation, category)}”中")
        return move_to_theme(user, evaluation, statement_ids, theme.id, versions=versions)
    statements = statements_by_id(evaluation, statement_ids, versions)
    _not_excluded(statements, "移动")
    moving = [s for s in statements if s.category != category]
    to_confirm = [s for s in statements if s.category == category and s.status == "machine"]
    if not moving and not to_confirm:
        raise ReviewError(f"所选意见已在“{category_name(evaluation, category)}”中")
    recorder = Recorder(user, evaluation)
    now = utcnow()
    for statement in statements:
        recorder.touch(statement)
    homes = _nearest_theme(evaluation, category, moving)
    if moving and len(homes) < len(moving):  # the category has no theme yet: one for them
        new = _new_theme(evaluation, category, [s for s in moving if s.id not in homes], None, recorder)
        homes.update({s.id: new for s in moving if s.id not in homes})
    for statement in moving:
        statement.category = category
        statement.theme_id = homes[statement.id].id
        statement.theme_pinned = True
        statement.status = "moved"
        reviewed(statement, user, now)
    for statement in to_confirm:
        statement.status = "confirmed"
        reviewed(statement, user, now)
    name = category_name(evaluation, category)
    places = "、".join(f"“{t.label}”" for t in dict.fromkeys(homes[s.id] for s in moving))
    summary = f"{len(moving)} 条意见移到类别“{name}”（主题{places}）" if moving else \
        f"确认 {len(to_confirm)} 条意见属于“{name}”"
    if moving and to_confirm:
        summary += f"，{len(to_confirm)} 条确认"
    skipped = [s for s in statements if s not in moving and s not in to_confirm]
    if skipped:
        summary += f"，另 {len(skipped)} 条已在该类别中"
    return recorder.save("move", summary)


def confirm(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int], *,
            versions: Mapping[int, int] | None = None) -> ReviewAction:
    """Staff agree with the statement as it stands (a moved one stays moved)."""
    statements = statements_by_id(evaluation, statement_ids, versions)
    _not_excluded(statements, "确认")
    todo = [s for s in statements if s.status == "machine"]
    if not todo:
        raise ReviewError("所选意见都已审核过")
    note = _already(statements)  # before the change
    recorder = Recorder(user, evaluation)
    now = utcnow()
    for statement in todo:
        recorder.touch(statement)
        statement.status = "confirmed"
        reviewed(statement, user, now)
    return recorder.save("confirm", f"确认 {len(todo)} 条意见" + note)


def exclude(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int], reason: str, *,
            versions: Mapping[int, int] | None = None) -> ReviewAction:
    """Leave statements out of counts and the report; the participant's answer stays."""
    if reason not in EXCLUDE_REASONS:
        raise ReviewError(f"请选择排除原因（{'、'.join(EXCLUDE_REASONS.values())}）")
    statements = statements_by_id(evaluation, statement_ids, versions)
    todo = [s for s in statements if not (s.status == "excluded" and s.exclude_reason == reason)]
    if not todo:
        raise ReviewError("所选意见已按此原因排除")
    recorder = Recorder(user, evaluation)
    now = utcnow()
    for statement in todo:
        recorder.touch(statement)
        statement.status = "excluded"
        statement.exclude_reason = reason
        reviewed(statement, user, now)
    skipped = len(statements) - len(todo)
    return recorder.save("exclude", f"排除 {len(todo)} 条意见（{EXCLUDE_REASONS[reason]}）"
                                    + (f"，另 {skipped} 条已按此原因排除" if skipped else ""))


def include(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int], *,
            versions: Mapping[int, int] | None = None) -> ReviewAction:
    """Take excluded statements back; staff have looked at them, so they count as reviewed."""
    statements = statements_by_id(evaluation, statement_ids, versions)
    todo = [s for s in statements if s.status == "excluded"]
    if not todo:
        raise ReviewError("所选意见没有被排除")
    recorder = Recorder(user, evaluation)
    now = utcnow()
    for statement in todo:
        recorder.touch(statement)
        changed = statement.category != statement.machine_category or statement.theme_pinned
        statement.status = "moved" if changed else "confirmed"
        statement.exclude_reason = None
        reviewed(statement, user, now)
    skipped = len(statements) - len(todo)
    return recorder.save("include", f"恢复 {len(todo)} 条已排除的意见"
                                    + (f"，另 {skipped} 条本未排除" if skipped else ""))


KIND_ORDER = ("problem", "suggestion", "praise", "none")  # the order the kind key steps through


def set_kind(user: StaffUser, evaluation: Evaluation, statement_ids: Iterable[int], kind: str, *,
             versions: Mapping[int, int] | None = None) -> ReviewAction:
    """Staff say what statements are (问题/建议/肯定/无实质内容), in any direction. The kind is a
    label: a statement keeps its category and theme unless it becomes "none" (nothing to act
    on: out of every category); one that stops being "none" joins the nearest theme of
    未归类/新问题 until the next run places it. Every run keeps the kind and the kind model
    learns from it (`store.training_kinds`)."""
    if kind not in KINDS:
        raise ReviewError(f"请选择意见性质（{'、'.join(KINDS.values())}）")
    statements = statements_by_id(evaluation, statement_ids, versions)
    todo = [s for s in statements if not (s.kind == kind and s.kind_by_staff)]
    if not todo:
        raise ReviewError(f"所选意见已是“{KINDS[kind]}”")
    recorder = Recorder(user, evaluation)
    now = utcnow()
    for statement in todo:
        recorder.touch(statement)
    coming_back = [s for s in todo if kind != "none" and s.category is None]
    homes = _nearest_theme(evaluation, OTHER, coming_back) if coming_back else {}
    for statement in todo:
        statement.kind, statement.kind_by_staff = kind, True
        if kind == "none":
            statement.category, statement.theme_id = None, None
        elif statement.category is None:
            statement.category = OTHER
            home = homes.get(statement.id)
            statement.theme_id = home.id if home is not None else None
        reviewed(statement, user, now)
    skipped = len(statements) - len(todo)
    return recorder.save("kind", f"{len(todo)} 条意见的性质改为“{KINDS[kind]}”"
                                 + (f"，另 {skipped} 条已是“{KINDS[kind]}”" if skipped else ""))
