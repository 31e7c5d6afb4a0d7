"""An evaluation's analysis in the database: answers in, the pipeline's result saved as
Statement and Theme rows, and the derived files (summary.md, word clouds) written from them.

Persistence rules (see REVIEW_API.md and review/models.py):
- a statement is keyed by (response, field, position in the answer); a re-run rewrites only
  its machine columns. `category`/`theme_id` follow the machine while the status is
  "machine" and the theme is not pinned; whatever staff set stays as they left it.
- the run's clusters are matched to the existing themes by the statements the machine put
  in them (`analysis.theme_edit.match_themes`, per category): a matched theme keeps its id,
  staff label and merge; an unmatched cluster becomes a new theme.
- confirmed and moved statements are the training labels of the next run.
"""
from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.plan import OTHER
from analysis.privacy import Masker
from analysis.report import Source, cloud_name, write_report

from ..evaluations import evaluation_responses
from ..extensions import db
from ..instance import make_private_dir, make_private_tree
from ..limits import LABEL_MAX
from ..models import Evaluation, utcnow
from .models import FIELDS, KINDS, PLACED_BY_STAFF, AnalysisRun, ReviewChange, Statement, Theme, follow_merges

Progress = Callable[[str, int, int], None]
QUOTES = 3


@dataclass
class EvaluationInput:
    """Input rows for the pipeline: one per non-empty 存在问题 / 意见建议 answer."""

    texts: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    rows: list[tuple[int, str]] = field(default_factory=list)  # (response id, field) of each row


def evaluation_input(evaluation: Evaluation) -> EvaluationInput:
    data = EvaluationInput()
    for response in evaluation_responses(evaluation):
        for name in FIELDS:
            text = (getattr(response, name) or "").strip()
            if text:
                data.texts.append(text)
                data.groups.append(response.organisation_type)
                data.rows.append((response.id, name))
    return data


def training_labels(evaluation: Evaluation) -> dict[str, str]:
    """Every statement staff confirmed or moved: its text → its category. A category the plan
    no longer has (the plan file was edited since) teaches nothing and is left out; the mapper
    refuses unknown ids rather than guess."""
    known = {c.id for c in evaluation.plan.definition.categories} | {OTHER}
    rows = db.session.execute(select(Statement.text, Statement.category).where(
        Statement.evaluation_id == evaluation.id, Statement.status.in_(PLACED_BY_STAFF))
        .order_by(Statement.id))
    return {text: category for text, category in rows if category in known}


class AnalysisError(ValueError):
    """Why an evaluation cannot be analysed, worded for staff."""


def analyse(evaluation: Evaluation, run: AnalysisRun | None = None, *, progress: Progress | None = None,
            wordclouds: bool = True, representation: str = "auto",
            still_wanted: Callable[[AnalysisRun], None] | None = None) -> AnalysisRun:
    """Run the pipeline over the evaluation's answers, save and commit the result, then
    write the derived files (after the commit: SQLite allows one writer, and the job's
    progress is written from another session meanwhile).

    Without `run` (the CLI), a run row is made here to record what labelled the statements.
    `still_wanted(run)` is called just before the commit and may raise to abandon the result.
    """
    from analysis.pipeline import analyze, choose_representation  # loads models: only when a run happens

    data = evaluation_input(evaluation)
    if not data.texts:
        raise AnalysisError("还没有收到意见，暂时无法分析。")
    own_run = run is None
    if own_run:
        run = AnalysisRun(evaluation=evaluation, status="running", started_at=utcnow())
        db.session.add(run)
        db.session.flush()
    names = Masker.for_people(e.person for s in evaluation.sessions for e in s.roster).names
    result = analyze(data.texts, evaluation.plan.definition, groups=data.groups,
                     fields=[name for _, name in data.rows], names=names,
                     confirmed=training_labels(evaluation), progress=progress, representation=representation)
    if progress is not None:
        progress("save", 0, len(result["statements"]))
    save_result(evaluation, result, data.rows, run)
    assign_measures(evaluation, representation=representation)
    run.statement_count = len(result["statements"])
    run.representation = representation if representation != "auto" else \
        choose_representation(len(result["statements"]))
    if own_run:
        run.status, run.stage, run.finished_at = "done", "done", utcnow()
    if still_wanted is not None:
        still_wanted(run)
    db.session.commit()
    write_derived_files(evaluation, wordclouds=wordclouds, progress=progress)
    return run


def assign_measures(evaluation: Evaluation, *, representation: str = "auto") -> None:
    """Each suggestion statement → the plan measure it supports (None: fits none)."""
    from analysis.measures import map_to_measures

    db.session.flush()
    rows = db.session.scalars(select(Statement).where(
        Statement.evaluation_id == evaluation.id, Statement.field == "suggestions").order_by(Statement.id)).all()
    targets = map_to_measures([s.text for s in rows], evaluation.plan.definition.measures,
                              representation=representation)
    for statement, target in zip(rows, targets):
        statement.measure = target


def save_result(evaluation: Evaluation, result: dict, rows: list[tuple[int, str]], run: AnalysisRun) -> None:
    """Upsert the result's statements and themes (rules in the module docstring)."""
    existing = {(s.response_id, s.field, s.position): s for s in db.session.scalars(
        select(Statement).where(Statement.evaluation_id == evaluation.id))}
    themes = {t.id: t for t in db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation.id))}
    old_members = _machine_members(themes, existing.values())

    seen: set[tuple] = set()
    position: Counter = Counter()
    placed: list[tuple[Statement, dict]] = []
    for item in result["statements"]:
        response_id, field_name = rows[item["row"]]
        key = (response_id, field_name, position[item["row"]])
        position[item["row"]] += 1
        seen.add(key)
        statement = existing.get(key)
        if statement is None:
            statement = Statement(evaluation_id=evaluation.id, response_id=response_id, field=field_name,
                                  position=key[2], status="machine", theme_pinned=False)
            db.session.add(statement)
        statement.text = item["text"]
        statement.run_id = run.id
        statement.kind = item.get("kind", "problem")
        statement.machine_category = item["category"]  # None for praise and none
        statement.machine_confidence = float(item["confidence"])
        statement.review_rank = item.get("review_rank")
        placed.append((statement, item))
    db.session.flush()  # ids for the new statements: themes are matched by them

    theme_of_cluster = _match_clusters(evaluation, result["themes"], placed, themes, old_members, run)
    for statement, item in placed:
        machine_theme = theme_of_cluster.get(item["theme"])
        statement.machine_theme_id = machine_theme.id if machine_theme is not None else None
        if statement.status == "machine" and not statement.theme_pinned:
            statement.category = statement.machine_category
            current = follow_merges(machine_theme, themes)
            statement.theme_id = current.id if current is not None else None
    _drop_stale(evaluation, existing, seen, themes)


def _machine_members(themes: dict[int, Theme], statements) -> dict[int, set[int]]:
    """Each theme's statements for matching: where the machine put them last time (so a
    merged theme is still recognised as itself), or for a staff-made theme, its members."""
    members: dict[int, set[int]] = defaultdict(set)
    for s in statements:
        if s.machine_theme_id is not None:
            members[s.machine_theme_id].add(s.id)
        if s.theme_id is not None and s.theme_id in themes and themes[s.theme_id].origin == "staff":
            members[s.theme_id].add(s.id)
    return members


def _match_clusters(evaluation, clusters, placed, themes, old_members, run) -> dict[str, Theme]:
    from analysis.theme_edit import match_themes

    new_members: dict[str, set[int]] = defaultdict(set)
    for statement, item in placed:
        if item["theme"]:
            new_members[item["theme"]].add(statement.id)
    out: dict[str, Theme] = {}
    by_category: dict[str, list[dict]] = defaultdict(list)
    for cluster in clusters:
        by_category[cluster["category"]].append(cluster)
    for category, group in by_category.items():
        old = {str(t.id): old_members.get(t.id, set()) for t in themes.values() if t.category == category}
        new = {c["id"]: new_members[c["id"]] for c in group}
        matched = match_themes(old, new)
        for cluster in group:
            theme = themes[int(matched[cluster["id"]])] if cluster["id"] in matched else None
            if theme is None:
                theme = Theme(evaluation_id=evaluation.id, category=category, origin="machine")
                db.session.add(theme)
            theme.machine_label = cluster["label"][:LABEL_MAX]
            theme.label_words = list(cluster.get("label_words", []))
            theme.keywords = list(cluster.get("keywords", []))
            theme.representatives = list(cluster.get("representatives", []))
            theme.run_id = run.id
            out[cluster["id"]] = theme
    db.session.flush()
    for theme in out.values():
        themes[theme.id] = theme
    return out


def _drop_stale(evaluation, existing, seen, themes) -> None:
    """Statements no longer in the answers (an answer edited shorter) go unless staff touched
    them; machine themes left with nothing staff made go too."""
    for key, statement in existing.items():
        if key not in seen and statement.status == "machine" and not statement.theme_pinned:
            db.session.delete(statement)
    db.session.flush()
    used = set(db.session.scalars(select(Statement.theme_id).where(Statement.evaluation_id == evaluation.id)))
    used |= set(db.session.scalars(select(Statement.machine_theme_id).where(Statement.evaluation_id == evaluation.id)))
    used |= {t.merged_into_id for t in themes.values()}
    used |= set(db.session.scalars(select(ReviewChange.theme_id).where(ReviewChange.theme_id.in_(list(themes)))))
    for theme in themes.values():
        if theme.id not in used and theme.origin == "machine" and theme.staff_label is None \
                and theme.merged_into_id is None:
            db.session.delete(theme)


# --- reading the stored result -----------------------------------------------------------

def stored_result(evaluation: Evaluation) -> dict | None:
    """The current state (staff decisions included) in the shape `analyze` returns, so the
    report writer and the page read it the same way; excluded statements are left out.
    None before the first analysis."""
    rows = db.session.execute(
        select(Statement).where(Statement.evaluation_id == evaluation.id)
        .options(selectinload(Statement.response)).order_by(Statement.response_id, Statement.field, Statement.position)).scalars().all()
    if not rows:
        return None
    kept = [s for s in rows if s.status != "excluded"]
    plan = evaluation.plan.definition
    tally = Counter(s.category for s in kept)
    members: dict[int, list[Statement]] = defaultdict(list)
    for s in kept:
        if s.theme_id is not None:
            members[s.theme_id].append(s)
    themes = db.session.scalars(select(Theme).where(Theme.id.in_(list(members))).order_by(Theme.id)).all()
    return {
        "statements": [{"id": s.id, "response_id": s.response_id, "text": s.text, "category": s.category,
                        "confidence": s.machine_confidence,
                        "theme": str(s.theme_id) if s.theme_id is not None else "",
                        "status": s.status, "field": s.field, "kind": s.kind, "review_rank": s.review_rank,
                        "organisation_type": s.response.organisation_type} for s in kept],
        "categories": [{"id": ident, "name": name, "count": tally.get(ident, 0)}
                       for ident, name in plan.category_choices()],
        "themes": [_theme_dict(t, members[t.id]) for t in themes],
        "kinds": [{"id": k, "name": name, "count": sum(s.kind == k for s in kept)} for k, name in KINDS.items()],
        "excluded": len(rows) - len(kept),
    }


def _theme_dict(theme: Theme, statements: list[Statement]) -> dict:
    texts = {s.text for s in statements}
    quotes = [q for q in theme.representatives if q in texts]
    for s in sorted(statements, key=lambda s: -s.machine_confidence):  # staff moved the quotes away
        if len(quotes) >= QUOTES:
            break
        if s.text not in quotes:
            quotes.append(s.text)
    groups = Counter(s.response.organisation_type for s in statements)
    return {"id": str(theme.id), "category": theme.category, "label": theme.label,
            "machine_label": theme.machine_label, "staff_label": theme.staff_label,
            "label_words": theme.label_words, "keywords": theme.keywords, "size": len(statements),
            "representatives": quotes, "groups": dict(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])))}


def output_dir(evaluation: Evaluation) -> Path:
    return Path(current_app.instance_path) / "analysis" / evaluation.code


def write_derived_files(evaluation: Evaluation, *, wordclouds: bool = True,
                        progress: Progress | None = None) -> Path | None:
    """summary.md, analysis.json and word clouds under instance/analysis/<code>/, from the
    stored state; call again after staff decisions to refresh them."""
    result = stored_result(evaluation)
    if result is None:
        return None
    out = output_dir(evaluation)
    make_private_dir(out)  # answers quoted in the outputs are for staff only
    shutil.rmtree(out / "wordclouds", ignore_errors=True)  # themes that ended leave no picture
    write_report(result, out, _source(evaluation), wordclouds=wordclouds, progress=progress)
    make_private_tree(out.parent)  # files 0600, folders 0700, whatever the umask
    return out


def write_summary(evaluation: Evaluation) -> Path | None:
    """summary.md and analysis.json afresh from the stored state, staff decisions included
    (no model, no drawing: cheap enough to run on each download); word clouds are kept."""
    from analysis.report import summary_markdown, write_json

    result = stored_result(evaluation)
    if result is None:
        return None
    out = output_dir(evaluation)
    make_private_dir(out)
    write_json(result, out / "analysis.json")
    clouds = sorted((out / "wordclouds").glob("*.png"))
    (out / "summary.md").write_text(summary_markdown(result, _source(evaluation), clouds=clouds), encoding="utf-8")
    make_private_tree(out.parent)
    return out


def _source(evaluation: Evaluation) -> Source:
    names = "、".join(s.code for s in evaluation.sessions)
    return Source(input_name=f"评价 {evaluation.code}：{evaluation.title}（活动 {names}）",
                  text_column="存在问题、意见建议", rows=len(evaluation_input(evaluation).texts), split=True,
                  plan_title=evaluation.plan.title, group_column="单位类型")


def page_view(result: dict, out: Path) -> list[dict]:
    """Categories in plan order (未归类/新问题 last), each with its themes, largest first."""
    def cloud(kind: str, ident: str) -> str | None:
        name = cloud_name(kind, ident)
        return name if (out / "wordclouds" / name).is_file() else None

    total = sum(c["count"] for c in result["categories"]) or 1
    view = []
    for category in result["categories"]:
        themes = sorted((t for t in result["themes"] if t["category"] == category["id"]),
                        key=lambda t: -t["size"])
        view.append({**category, "share": round(100 * category["count"] / total),
                     "cloud": cloud("category", category["id"]),
                     "themes": [{**t, "cloud": cloud("theme", t["id"])} for t in themes]})
    return view
