"""An evaluation's analysis in the database: answers in, the pipeline's result saved as
Statement and Theme rows (reading them back, and the derived files: `results.py`).

Persistence rules (see review/models.py):
- a statement is keyed by (response, field, position in the answer); a run writes its
  machine columns (`machine_category`, `machine_theme_id`, confidence, rank, measure) and
  nothing staff decided. `category`/`theme_id` follow the machine only while the statement
  is in the machine's hands: status "machine", theme not pinned, and not in a staff theme.
  That is checked by the UPDATE itself (`_follow`), inside the job's final transaction, so
  a staff action committed while the job ran is never undone by it.
- staff themes (named, made, merged into or split by staff: `Theme.by_staff`) belong to
  staff: a run never empties, drops or renames them, and statements in them stay there.
  New statements join the nearest staff theme of their category when close enough
  (`analysis.theme_edit.nearest_themes`), otherwise a machine theme.
- the run's clusters are matched to the existing themes by the statements the machine put
  in them (`analysis.theme_edit.match_themes`, per category): a matched theme keeps its id
  and, while most of its members stay, its label (`placement.py`); no two themes of one
  category share a label.
- an update (`kind="update"`) saves the statements of answers without statements and places
  them into the themes in force; a full run re-clusters every machine statement. Both run the
  pipeline over every answer, with the same representation (chosen by the number of answers
  read) and the same staff decisions, so with nothing else changed an update gives a new
  statement the category a full run would; a stored statement whose category that run gives
  differently is placed again too (`_update_statements`), so the two agree on every machine
  statement's category (issue 24: at least 95%); the others keep their place and theme.
- confirmed and moved statements are the training labels of the next run; a kind staff set
  (`kind_by_staff`) is kept by every run and taught to the kind model.
- the job writes through Core UPDATEs (no ORM version check, and `version` is bumped only
  where the job moved a statement), so a job never fails because staff acted meanwhile.
- the job saves in short transactions (`SaveBatches`: at most SAVE_BATCH rows each, the run
  checked to be still wanted before each commit, progress reported, a pause on SQLite): SQLite
  has one writer at a time, and one transaction for a 2,000-answer save held it for over a
  minute under load, so staff actions waited past the busy timeout (issue 21). Every rule above
  is checked by the statement that writes, so a staff action between two batches is safe; a run
  stopped between batches leaves the batches already saved, which the next run redoes.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable

from flask import current_app
from sqlalchemy import bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import OperationalError

from analysis.plan import OTHER
from analysis.privacy import roster_names
from analysis.result import AnalysisResult, StatementResult, ThemeResult

from ..extensions import db
from ..limits import LABEL_MAX
from ..models import Evaluation, utcnow
from . import placement
from .models import PLACED_BY_STAFF, AnalysisRun, ReviewAction, ReviewChange, Statement, Theme
from .results import (  # noqa: F401  (the store's public reading API lives in results.py)
    EvaluationInput,
    evaluation_input,
    output_dir,
    page_view,
    stored_result,
    write_derived_files,
    write_summary,
)

Progress = Callable[[str, int, int], None]
ST, TH = Statement.__table__, Theme.__table__
SAVE_BATCH = 200  # rows a save transaction writes at most


# deadlock detected, serialization failure: the save is tried again
RETRY_STATES = ("40P01", "40001")


class SaveBatches:
    """The job's save in short transactions (see the module docstring). Without one (tests,
    `save_result` called alone) everything is written in the caller's transaction."""

    def __init__(self, run: AnalysisRun, total: int, *, progress: Progress | None = None,
                 still_wanted: Callable[[AnalysisRun], None] | None = None, pause: float = 0.0):
        self.run, self.total, self.progress, self.still_wanted = run, max(total, 1), progress, still_wanted
        self.pause, self.done, self.pending = pause, 0, 0

    def commit(self) -> None:
        """End this batch: a run no longer wanted raises here and saves no more."""
        if self.still_wanted is not None:
            self.still_wanted(self.run)
        db.session.commit()
        self.pending = 0
        if self.progress is not None:
            self.progress("save", min(self.done, self.total), self.total)
        if self.pause:
            # SQLite's busy handler sleeps between tries (up to 100 ms): a pause longer than
            # that lets a waiting staff action or page take the lock before the next batch.
            time.sleep(self.pause)

    def wrote(self, rows: int = 1) -> None:
        self.done += rows
        self.pending += rows
        if self.pending >= SAVE_BATCH:
            self.commit()


def _executemany(stmt, params: list[dict], batches: SaveBatches | None) -> None:
    # Rows in id order, the order the ORM flushes staff changes in: two transactions that take
    # row locks in one order cannot deadlock over them (PostgreSQL once did, mid-save).
    params = sorted(params, key=lambda row: row.get("sid", 0))
    if batches is None:
        if params:
            db.session.execute(stmt, params)
        return
    start = 0
    while start < len(params):
        size = max(1, SAVE_BATCH - batches.pending)
        chunk = params[start:start + size]
        db.session.execute(stmt, chunk)
        batches.wrote(len(chunk))
        start += size


def training_labels(evaluation: Evaluation) -> dict[str, str]:
    """Every statement staff confirmed or moved: its text → its category. A category the plan
    no longer has (the plan file was edited since) teaches nothing and is left out; the mapper
    refuses unknown ids rather than guess."""
    known = {c.id for c in evaluation.plan.definition.categories} | {OTHER}
    rows = db.session.execute(select(Statement.text, Statement.category).where(
        Statement.evaluation_id == evaluation.id, Statement.status.in_(PLACED_BY_STAFF))
        .order_by(Statement.id))
    return {text: category for text, category in rows if category in known}


def training_kinds(evaluation: Evaluation) -> dict[str, str]:
    """Every statement whose kind staff set: its text → that kind (kept, and taught)."""
    rows = db.session.execute(select(Statement.text, Statement.kind).where(
        Statement.evaluation_id == evaluation.id, Statement.kind_by_staff.is_(True)).order_by(Statement.id))
    return dict(rows.all())


class AnalysisError(ValueError):
    """Why an evaluation cannot be analysed, worded for staff."""


def analyse(evaluation: Evaluation, run: AnalysisRun | None = None, *, progress: Progress | None = None,
            wordclouds: bool = True, representation: str = "auto", kind: str = "full",
            still_wanted: Callable[[AnalysisRun], None] | None = None) -> AnalysisRun:
    """Run the pipeline over the evaluation's answers (kind "full"), or over the answers
    that have no statements yet (kind "update", a full run when nothing was analysed yet),
    save and commit the result, then write summary.md/analysis.json; word clouds only when
    `wordclouds` (the job draws them in a task of their own, after the results show).

    Without `run` (the CLI), a run row is made here to record what labelled the statements.
    `still_wanted(run)` is called just before the commit and may raise to abandon the result.
    """
    from analysis.pipeline import analyze, choose_representation  # loads models: only when a run happens

    data = evaluation_input(evaluation)
    if not data.texts:
        raise AnalysisError("还没有收到意见，暂时无法分析。")
    own_run = run is None
    if run is None:
        run = AnalysisRun(evaluation=evaluation, status="running", started_at=utcnow(), kind=kind)
        db.session.add(run)
        db.session.flush()
    have = set(db.session.execute(select(Statement.response_id, Statement.field).where(
        Statement.evaluation_id == evaluation.id)).all())
    if kind == "update" and not have:
        kind = "full"
    fresh = [i for i, r in enumerate(data.rows) if kind == "full" or tuple(r) not in have]
    new_ids: list[int] | None = None
    if fresh:
        names = roster_names(evaluation.roster_people)
        # Every answer, on an update too: the mapper and the kind model see what a full run sees
        # (same texts, representation, staff decisions, random_state), so a new statement gets
        # the category a full run would give it; only the new answers' statements are saved.
        result = analyze(data.texts, evaluation.plan.definition, groups=data.groups,
                         fields=[name for _, name in data.rows], names=names,
                         confirmed=training_labels(evaluation), kinds_confirmed=training_kinds(evaluation),
                         progress=progress, representation=representation)
        analysed = len(result["statements"])
        if kind == "update":
            result = {**result, "statements": _update_statements(evaluation, result, data.rows, set(fresh))}
        if progress is not None:
            progress("save", 0, len(result["statements"]))
        if result["statements"] or kind == "full":  # an update whose new answers gave no statement: nothing
            batches = None
            if still_wanted is not None:  # the job: short transactions (the CLI keeps one)
                n = len(result["statements"])
                suggestions = sum(item.get("kind") == "suggestion" for item in result["statements"])
                pause = current_app.config["SQLITE_SAVE_PAUSE_SECONDS"] if db.engine.dialect.name == "sqlite" else 0.0
                batches = SaveBatches(run, 5 * n + suggestions, progress=progress, still_wanted=still_wanted,
                                      pause=float(pause))
            for attempt in range(3):
                try:
                    new_ids = save_result(evaluation, result, data.rows, run, only_new=kind == "update",
                                          batches=batches)
                    only = new_ids if kind == "update" else None
                    assign_measures(evaluation, representation=representation, only=only, batches=batches)
                    assign_goals(evaluation, representation=representation, only=only, batches=batches)
                    break
                except OperationalError as exc:
                    # PostgreSQL ends one side of a deadlock with a staff action: the job (whose
                    # batches so far are committed) saves again; every rule is re-checked as it writes
                    if batches is None or attempt == 2 or getattr(exc.orig, "sqlstate", None) not in RETRY_STATES:
                        raise
                    db.session.rollback()
        run.representation = representation if representation != "auto" else \
            choose_representation(analysed)
    run.kind = kind
    run.statement_count = db.session.scalar(select(func.count()).select_from(Statement).where(
        Statement.evaluation_id == evaluation.id)) or 0
    run.response_count, run.last_response_id, run.answers_at = data.responses, data.last_response_id, utcnow()
    if own_run:
        run.status, run.stage, run.finished_at = "done", "done", utcnow()
    if still_wanted is not None:
        still_wanted(run)
    db.session.commit()
    db.session.expire_all()  # the Core writes above: read the rows afresh
    if wordclouds:
        write_derived_files(evaluation, wordclouds=True, progress=progress)
    else:  # the pictures are the refresh task's: leave them (it may be drawing them right now)
        write_summary(evaluation)
    return run


def _update_statements(evaluation: Evaluation, result: AnalysisResult, rows: list[tuple[int, str]],
                       fresh: set[int]) -> list[StatementResult]:
    """What an update saves: the new answers' statements, and the stored statements whose
    category the run (over every answer, as a full run) now gives differently — those are
    placed again like new ones (while in the machine's hands), so an update and a full run
    agree on every machine statement's category; the rest keep their place and theme."""
    stored = {(r.response_id, r.field, r.position): r.machine_category for r in db.session.execute(
        select(ST.c.response_id, ST.c.field, ST.c.position, ST.c.machine_category)
        .where(ST.c.evaluation_id == evaluation.id))}
    out: list[StatementResult] = []
    position: Counter[int] = Counter()
    for item in result["statements"]:
        key = (*rows[item["row"]], position[item["row"]])
        position[item["row"]] += 1
        if item["row"] in fresh or (key in stored and stored[key] != item["category"]):
            out.append(item)
    return out


def assign_measures(evaluation: Evaluation, *, representation: str = "auto", only: list[int] | None = None,
                    batches: SaveBatches | None = None) -> None:
    """Each suggestion statement → the plan measure it supports (None: fits none); `only`:
    just these statements (an update)."""
    from analysis.measures import map_to_measures

    if batches is not None:
        batches.commit()  # the model below runs with no write lock held
    db.session.flush()
    # by kind, not by field: a suggestion typed under 存在问题 supports a measure too
    query = select(Statement.id, Statement.text).where(Statement.evaluation_id == evaluation.id,
                                                       Statement.kind == "suggestion")
    if only is not None:
        query = query.where(Statement.id.in_(only or [-1]))
    rows = db.session.execute(query.order_by(Statement.id)).all()
    if not rows:
        return
    targets = map_to_measures([r.text for r in rows], evaluation.plan.definition.measures,
                              representation=representation)
    _executemany(update(ST).where(ST.c.id == bindparam("sid")).values(measure=bindparam("m")),
                 [{"sid": r.id, "m": t} for r, t in zip(rows, targets)], batches)


def assign_goals(evaluation: Evaluation, *, representation: str = "auto", only: list[int] | None = None,
                 batches: SaveBatches | None = None) -> None:
    """Each praise statement → the plan goal it praises (None: fits none), for the report's
    （一）; every other statement → None. `only`: just these statements (an update)."""
    from analysis.measures import map_to_measures

    if batches is not None:
        batches.commit()  # the model below runs with no write lock held
    db.session.flush()
    query = select(Statement.id, Statement.text, Statement.kind).where(Statement.evaluation_id == evaluation.id)
    if only is not None:
        query = query.where(Statement.id.in_(only or [-1]))
    rows = db.session.execute(query.order_by(Statement.id)).all()
    praise = [r for r in rows if r.kind == "praise"]
    goals = list(evaluation.plan.definition.goals)
    targets = map_to_measures([r.text for r in praise], goals, representation=representation) \
        if praise and goals else [None] * len(praise)
    goal_of = {r.id: t for r, t in zip(praise, targets)}
    _executemany(update(ST).where(ST.c.id == bindparam("sid")).values(goal=bindparam("g")),
                 [{"sid": r.id, "g": goal_of.get(r.id)} for r in rows], batches)


def save_result(evaluation: Evaluation, result: AnalysisResult, rows: list[tuple[int, str]], run: AnalysisRun, *,
                only_new: bool = False, batches: SaveBatches | None = None) -> list[int]:
    """Upsert the result's statements and themes (rules in the module docstring); returns
    the ids of the statements this result added (an update, `only_new`: and those it placed
    again). An update's result covers only new answers' statements and the stored ones it maps
    differently (`_update_statements`); the other statements and themes are left as they are.
    `batches`: commit every SAVE_BATCH rows (the job); without, the caller commits."""
    wrote = batches.wrote if batches is not None else (lambda rows=1: None)
    existing = {(r.response_id, r.field, r.position): r for r in db.session.execute(
        select(ST).where(ST.c.evaluation_id == evaluation.id))}
    themes = placement.theme_rows(evaluation.id)

    seen: set[tuple] = set()
    position: Counter[int] = Counter()
    placed: list[tuple[int, StatementResult, bool]] = []  # (statement id, item, new?)
    machine_rows, kind_rows = [], []
    for item in result["statements"]:
        response_id, field_name = rows[item["row"]]
        key = (response_id, field_name, position[item["row"]])
        position[item["row"]] += 1
        seen.add(key)
        # kind: problem, suggestion, praise or none; only none has no category (None). A kind
        # staff set is kept: written below, only where staff have not set it
        values = {"text": item["text"], "run_id": run.id,
                  "machine_category": item["category"],
                  "machine_confidence": float(item["confidence"]), "review_rank": item.get("review_rank")}
        old = existing.get(key)
        if old is None:
            sid = db.session.execute(insert(ST).values(
                evaluation_id=evaluation.id, response_id=response_id, field=field_name, position=key[2],
                status="machine", theme_pinned=False, category=item["category"],
                kind=item.get("kind", "problem"), kind_by_staff=False, **values)
                .returning(ST.c.id)).scalar_one()
            placed.append((sid, item, True))
            wrote()
        else:
            machine_rows.append({"sid": old.id, **values})
            kind_rows.append({"sid": old.id, "k": item.get("kind", "problem")})
            placed.append((old.id, item, False))
    if machine_rows:
        _executemany(update(ST).where(ST.c.id == bindparam("sid")).values({k: bindparam("v_" + k) for k in values}),
                     [{"sid": r.pop("sid"), **{"v_" + k: v for k, v in r.items()}} for r in machine_rows], batches)
    if kind_rows:  # the WHERE clause is the rule: a kind staff set (even while the job ran) stays
        _executemany(update(ST).where(ST.c.id == bindparam("sid"), ST.c.kind_by_staff.is_(False))
                     .values(kind=bindparam("k")), kind_rows, batches)
    if only_new:
        _offset_ranks(evaluation, placed, batches)
    # an update places its new statements and the ones whose category changed (all it was given)
    new = [(sid, item) for sid, item, is_new in placed if (is_new or only_new) and item["category"] is not None]
    homes = placement.nearest_homes(evaluation.id, themes, new, staff_only=not only_new)
    old_members = placement.machine_members(evaluation.id, themes)
    theme_of_cluster = _match_clusters(evaluation, result["themes"], [p for p in placed if p[0] not in homes],
                                       themes, old_members, run, keep_existing=only_new, wrote=wrote)
    machine_theme = {sid: homes.get(sid, theme_of_cluster.get(item["theme"])) for sid, item, _ in placed}
    _executemany(update(ST).where(ST.c.id == bindparam("sid")).values(machine_theme_id=bindparam("tid")),
                 [{"sid": sid, "tid": tid} for sid, tid in machine_theme.items()], batches)
    themes = placement.theme_rows(evaluation.id)
    targets = []
    for sid, item, _ in placed:
        home = homes.get(sid)
        if home is not None:
            targets.append({"sid": sid, "cat": themes[home].category, "tid": home})
        else:
            targets.append({"sid": sid, "cat": item["category"], "tid": placement.follow(machine_theme[sid], themes)})
    _follow(targets, batches)
    if not only_new:
        _drop_stale(evaluation, existing, seen)
    placement.distinct_labels(evaluation.id)
    return [sid for sid, _, new in placed if new or only_new]  # measures and goals follow them


def _offset_ranks(evaluation: Evaluation, placed, batches: SaveBatches | None = None) -> None:
    """An update ranks its new statements after the ones already queued."""
    if not placed:  # the new answers gave no statement (e.g. "无")
        return
    top = db.session.scalar(select(func.max(Statement.review_rank)).where(
        Statement.evaluation_id == evaluation.id, Statement.id.notin_([sid for sid, _, _ in placed] or [-1]))) or 0
    _executemany(update(ST).where(ST.c.id == bindparam("sid")).values(review_rank=bindparam("rank")),
                 [{"sid": sid, "rank": top + (item.get("review_rank") or 0)} for sid, item, _ in placed], batches)


def _follow(targets: list[dict], batches: SaveBatches | None = None) -> None:
    """Put statements still in the machine's hands where the run says. The WHERE clause is
    the rule: re-checked by the database at the moment of writing, so a statement staff
    confirmed, moved, excluded or placed in a staff theme while the job ran is left alone.
    A statement that actually moves gets a new version (a page showing the old place is
    refused when it acts on it)."""
    if not targets:
        return
    in_staff_theme = exists().where(TH.c.id == ST.c.theme_id, Theme.by_staff)
    stmt = (update(ST).where(ST.c.id == bindparam("sid"), ST.c.status == "machine",
                             ST.c.theme_pinned.is_(False), ~in_staff_theme,
                             or_(ST.c.category.is_distinct_from(bindparam("cat")),
                                 ST.c.theme_id.is_distinct_from(bindparam("tid"))))
            .values(category=bindparam("cat"), theme_id=bindparam("tid"), version=ST.c.version + 1))
    _executemany(stmt, targets, batches)


def _match_clusters(evaluation: Evaluation, clusters: list[ThemeResult], placed: list[tuple[int, StatementResult, bool]],
                    themes: dict, old_members: dict[int, set[int]], run: AnalysisRun, *, keep_existing: bool = False,
                    wrote: Callable[..., None] = lambda rows=1: None) -> dict[str, int]:
    """Cluster id → theme id. A full run matches clusters to the themes the machine held
    before; an update only adds themes for the clusters its new statements form."""
    from analysis.theme_edit import match_themes

    new_members: dict[str, set[int]] = defaultdict(set)
    for sid, item, _ in placed:
        if item["theme"]:
            new_members[item["theme"]].add(sid)
    out: dict[str, int] = {}
    by_category: dict[str, list[ThemeResult]] = defaultdict(list)
    for c in clusters:
        by_category[c["category"]].append(c)
    for category, group in by_category.items():
        if keep_existing:  # an update: only the clusters its new statements form (not homed)
            group = [c for c in group if new_members[c["id"]]]
        matched = {}
        if not keep_existing:
            old = {str(t.id): old_members.get(t.id, set()) for t in themes.values() if t.category == category}
            matched = match_themes(old, {c["id"]: new_members[c["id"]] for c in group})
        for c in group:
            described = {"label_words": list(c.get("label_words", [])), "keywords": list(c.get("keywords", [])),
                         "representatives": list(c.get("representatives", [])), "run_id": run.id}
            label = c["label"][:LABEL_MAX]
            if c["id"] in matched:
                theme = themes[int(matched[c["id"]])]
                if placement.keeps_label(old_members.get(theme.id, set()), new_members[c["id"]]) and theme.machine_label:
                    label = theme.machine_label
                db.session.execute(update(TH).where(TH.c.id == theme.id).values(machine_label=label, **described))
                out[c["id"]] = theme.id
                wrote()
            else:
                out[c["id"]] = db.session.execute(insert(TH).values(
                    evaluation_id=evaluation.id, category=category, origin="machine", machine_label=label,
                    **described).returning(TH.c.id)).scalar_one()
                wrote()
    return out


def _drop_stale(evaluation, existing, seen) -> None:
    """Statements no longer in the answers (an answer edited shorter) go unless staff touched
    them; machine themes left with nothing (no statement, merge or audit row names them) go
    too. Staff themes are never dropped."""
    gone = [r.id for key, r in existing.items() if key not in seen]
    if gone:
        db.session.execute(delete(ST).where(ST.c.id.in_(gone), ST.c.status == "machine",
                                            ST.c.theme_pinned.is_(False)))
    other = TH.alias("other")
    named = set()  # themes an audit record names (undo may put a statement back into one)
    for before, after in db.session.execute(select(ReviewChange.before, ReviewChange.after).join(ReviewAction).where(
            ReviewAction.evaluation_id == evaluation.id, ReviewChange.statement_id.is_not(None))):
        named |= {v.get("theme_id") for v in (before or {}, after or {})} - {None}
    db.session.execute(delete(TH).where(TH.c.id.notin_(named or [-1]),
        TH.c.evaluation_id == evaluation.id, ~Theme.by_staff, Theme.in_force,
        ~exists().where(or_(ST.c.theme_id == TH.c.id, ST.c.machine_theme_id == TH.c.id)),
        ~exists().where(other.c.merged_into_id == TH.c.id),
        ~exists().where(ReviewChange.__table__.c.theme_id == TH.c.id)))


__all__ = ["AnalysisError", "EvaluationInput", "SaveBatches", "analyse", "assign_goals", "assign_measures",
           "evaluation_input", "output_dir", "page_view", "save_result", "stored_result", "training_kinds",
           "training_labels", "write_derived_files", "write_summary"]
