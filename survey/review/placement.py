"""Where a run puts statements and what it calls themes, around what staff have shaped.

- `staff_theme_ids`: themes that belong to staff (`Theme.by_staff`): never emptied, dropped
  or renamed by a run.
- `nearest_homes`: new statements join the nearest theme of their category when close
  enough (TF-IDF cosine to the theme's members, `analysis.theme_edit.nearest_themes`):
  staff themes on a full run, every theme in force on an update.
- `keeps_label`: a machine theme keeps its label while it carries on (most members stay, or most of what it holds were its members).
- `distinct_labels`: no two themes in force in one category share a label.

Functions take plain rows (Core), not ORM objects: the job never takes part in the ORM's
version checks, which are for staff actions.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select, update

from analysis.result import StatementResult

from ..extensions import db
from ..limits import LABEL_MAX
from .models import Statement, Theme

ST, TH = Statement.__table__, Theme.__table__
MIN_SIMILARITY = 0.2  # cosine to a theme's members for a new statement to join it
ORDINALS = "二三四五六七八九十"


def theme_rows(evaluation_id: int) -> dict:
    """The evaluation's themes as Core rows by id, each with the model's rules as columns
    (`by_staff`, `in_force`: Theme's hybrid properties, so the rule stays written once)."""
    return {t.id: t for t in db.session.execute(
        select(TH, Theme.by_staff.label("by_staff"), Theme.in_force.label("in_force"))
        .where(TH.c.evaluation_id == evaluation_id))}


def staff_theme_ids(themes: dict) -> set[int]:
    return {t.id for t in themes.values() if t.by_staff}


def follow(theme_id: int | None, themes: dict) -> int | None:
    """The theme in force for `theme_id` (`Theme.follow_merges`), by id."""
    theme = Theme.follow_merges(themes.get(theme_id), themes)
    return theme.id if theme is not None else theme_id


def machine_members(evaluation_id: int, themes: dict) -> dict[int, set[int]]:
    """Each theme's statements for matching a run's clusters: where the machine put them
    last time (so a merged theme is still recognised as itself), and for a staff theme its
    members as well."""
    members: dict[int, set[int]] = defaultdict(set)
    staff = staff_theme_ids(themes)
    for sid, machine_theme, theme in db.session.execute(select(ST.c.id, ST.c.machine_theme_id, ST.c.theme_id)
                                                        .where(ST.c.evaluation_id == evaluation_id)):
        if machine_theme is not None:
            members[machine_theme].add(sid)
        if theme in staff:
            members[theme].add(sid)
    return members


def nearest_homes(evaluation_id: int, themes: dict, new: list[tuple[int, StatementResult]], *,
                  staff_only: bool) -> dict[int, int]:
    """Statement id → the theme in force it joins, for the new statements close enough to
    one of their category's themes (staff themes only, or every theme in force)."""
    from analysis.theme_edit import nearest_themes

    if not new:
        return {}
    candidates = {t.id for t in themes.values() if t.in_force and (t.by_staff or not staff_only)}
    if not candidates:
        return {}
    new_ids = [sid for sid, _ in new]
    members: dict[int, list[str]] = defaultdict(list)
    for theme_id, text in db.session.execute(select(ST.c.theme_id, ST.c.text).where(
            ST.c.evaluation_id == evaluation_id, ST.c.theme_id.in_(candidates), ST.c.status != "excluded",
            ST.c.id.notin_(new_ids)).order_by(ST.c.id)):
        members[theme_id].append(text)
    out: dict[int, int] = {}
    by_category: dict[str | None, list[tuple[int, str]]] = defaultdict(list)
    for sid, item in new:
        by_category[item["category"]].append((sid, item["text"]))
    for category, items in by_category.items():
        pool = {tid: texts for tid, texts in members.items() if themes[tid].category == category}
        if not pool:
            continue
        found = nearest_themes([text for _, text in items], pool, min_similarity=MIN_SIMILARITY)
        out.update({sid: tid for (sid, _), tid in zip(items, found) if tid is not None})
    return out


def keeps_label(old: set[int], new: set[int]) -> bool:
    """A matched theme keeps its machine label while it carries on: most of its former members
    stay, or most of what it holds now were its members (a theme that lost part of its
    statements to a neighbour is still about what it was about)."""
    shared = len(old & new)
    return bool(old) and (2 * shared > len(old) or 2 * shared > len(new))


def distinct_labels(evaluation_id: int) -> int:
    """Give each theme in force a label no other theme of its category has: a machine-named
    duplicate gets a keyword of its own added (or an ordinal). Returns how many changed."""
    live = select(ST.c.theme_id).where(ST.c.evaluation_id == evaluation_id, ST.c.theme_id.is_not(None))
    rows = db.session.execute(select(TH).where(TH.c.evaluation_id == evaluation_id, Theme.in_force,
                                               TH.c.id.in_(live)).order_by(TH.c.id)).all()
    changed = 0
    by_category: dict[str, list] = defaultdict(list)
    for row in rows:
        by_category[row.category].append(row)
    for group in by_category.values():
        taken = {r.staff_label for r in group if r.staff_label}
        for row in sorted(group, key=lambda r: (r.staff_label is None, r.id)):
            if row.staff_label:
                continue
            label = row.machine_label
            if label in taken:
                label = _distinguish(label, row.keywords or [], taken)
                db.session.execute(update(TH).where(TH.c.id == row.id).values(machine_label=label))
                changed += 1
            taken.add(label)
    return changed


def _distinguish(label: str, keywords: list[str], taken: set[str]) -> str:
    for word in keywords:
        candidate = f"{label}（{word}）"[:LABEL_MAX]
        if word and word not in label and candidate not in taken:
            return candidate
    for ordinal in ORDINALS:
        candidate = f"{label}（{ordinal}）"[:LABEL_MAX]
        if candidate not in taken:
            return candidate
    return f"{label}（{len(taken)}）"[:LABEL_MAX]


def theme_sizes(evaluation_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(ST.c.theme_id, func.count()).where(
        ST.c.evaluation_id == evaluation_id, ST.c.status != "excluded").group_by(ST.c.theme_id)).all())
