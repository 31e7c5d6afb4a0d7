"""The review workspace (staff login): per category its themes, per theme its statements, a
filter bar, a review queue, and JSON/HTML-fragment endpoints that survey/static/js/review.js
calls so every decision updates the page in place. The rules live in `actions`."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import abort, jsonify, make_response, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from analysis.plan import OTHER

from ..background import schedule_refresh
from ..evaluations import find_by_code
from ..extensions import db
from ..guard import staff_blueprint
from ..models import Evaluation
from ..sessions import owned_or_404
from . import audit, decisions, queries
from . import payload as payload_rules
from .coverage import late_answers
from .models import (
    EXCLUDE_REASONS,
    FIELDS,
    ISSUE_KINDS,
    KINDS,
    STATEMENT_STATUSES,
    Statement,
    Theme,
    is_new_issue,
    kind_mix,
)
from .queries import STALE, Filters, ReviewError, StaleError

bp = staff_blueprint("review", __name__)



def _evaluation_or_404(code: str) -> Evaluation:
    existed = find_by_code(code, create=False) is not None
    evaluation = find_by_code(code)
    if evaluation is None:
        abort(404)
    if not existed:
        db.session.commit()  # a session's own evaluation, made on first use
    return evaluation


@bp.app_context_processor
def _late_answers_helper():
    return {"late_answers": late_answers}


# ---- the page and its fragments ----------------------------------------------------------

@dataclass
class ThemeView:
    theme: Theme | None  # None: statements of the category that have no theme
    statements: list[Statement] = field(default_factory=list)
    new_issue: bool = False  # a theme outside the plan raised by enough people (is_new_issue)
    organisations: int = 0  # how many organisations raised it (new issues)

    @property
    def mix(self) -> str:
        """问题 n · 建议 m · 肯定 k of the statements counted (not excluded)."""
        return kind_mix(s.kind for s in self.statements if s.status != "excluded")


@dataclass
class CategoryView:
    id: str
    name: str
    key: str  # the keyboard key: 1–9, 0 for 未归类/新问题
    themes: list[ThemeView] = field(default_factory=list)
    loose_label: str = "（未分主题）"  # the heading of its statements without a theme

    @property
    def count(self) -> int:
        return sum(len(t.statements) for t in self.themes)

    @property
    def new_issues(self) -> list[ThemeView]:
        return [t for t in self.themes if t.new_issue]


def _mark_new_issue(view: ThemeView) -> None:
    """A theme of 未归类/新问题 counts as a new issue once raised by enough statements or
    organisations (review.models.is_new_issue, which the report asks too); excluded statements
    and praise count for nothing."""
    issues = [s for s in view.statements if s.status != "excluded" and s.kind in ISSUE_KINDS]
    view.organisations = len({s.response.organisation or f"#{s.response_id}" for s in issues})
    view.new_issue = view.theme is not None and is_new_issue(len(issues), view.organisations)


def _keys(evaluation: Evaluation) -> list[tuple[str, str, str]]:
    """(key, id, name) for each category: 1–9 in plan order, 0 for 未归类/新问题."""
    out, n = [], 0
    for ident, name in queries.categories(evaluation):
        if ident == OTHER:
            out.append(("0", ident, name))
        else:
            n += 1
            out.append((str(n) if n <= 9 else "", ident, name))
    return out


NOT_COUNTED = "不计入问题类别"


def _org_types(evaluation: Evaluation) -> tuple[str, ...]:
    """The types the evaluation's sessions offer (the plan's, 个人/群众 when anonymous)."""
    return tuple(dict.fromkeys(t for s in evaluation.sessions for t in s.type_names))
KIND_NOTES = {"praise": "较早一次分析判断为肯定意见、未归类；重新分析后按主题归入相应类别，也可按 1–9、0 移动",
              "none": "判断为无实质内容（如“没有问题”“同上”、只留联系方式），不计入任何类别；"
                      "判断有误的可按 e 改为问题、建议或肯定，或按 1–9、0 移到相应类别"}


def board_view(evaluation: Evaluation, filters: Filters, live: list[Theme]) -> list[CategoryView]:
    """Categories in plan order; in each, themes largest first, then statements without a theme."""
    rows = queries.find_statements(evaluation, filters)
    themes = {t.id: t for t in live}
    by_theme: dict[tuple[str, int | None], list[Statement]] = {}
    for s in rows:
        theme_id = s.theme_id if s.theme_id in themes and themes[s.theme_id].category == s.category else None
        by_theme.setdefault((s.category, theme_id), []).append(s)
    view = []
    for key, ident, name in _keys(evaluation):
        category = CategoryView(ident, name, key)
        found = [(tid, members) for (cat, tid), members in by_theme.items() if cat == ident]
        found.sort(key=lambda item: (item[0] is None, -len(item[1]), item[0] or 0))
        category.themes = [ThemeView(themes.get(tid) if tid else None, members) for tid, members in found]
        if ident == OTHER:
            for tv in category.themes:
                _mark_new_issue(tv)
            # the new issues first (largest first), then the rest of 未归类
            category.themes.sort(key=lambda tv: not tv.new_issue)
        if category.themes or not filters.active:
            view.append(category)
    # Praise and "nothing to say" count in no category: shown under their kind, where staff
    # can still move one into a category (keys 1–9, 0) if the machine misjudged it.
    uncounted = by_theme.get((None, None), [])
    for kind in ("praise", "none", "suggestion", "problem"):
        members = [s for s in uncounted if s.kind == kind]
        if members:
            view.append(CategoryView(f"kind-{kind}", f"{KINDS[kind]}（不计入问题类别）", "",
                                     [ThemeView(None, members)], loose_label=KIND_NOTES.get(kind, "")))
    return view


def _context(evaluation: Evaluation) -> dict:
    filters = Filters.from_args(request.args)
    mode = "queue" if request.args.get("mode") == "queue" else "board"
    context = dict(evaluation=evaluation, filters=filters, mode=mode, progress=queries.progress(evaluation),
                   keys=_keys(evaluation), statuses=STATEMENT_STATUSES, fields=FIELDS,
                   category_names={**dict(queries.categories(evaluation)), None: NOT_COUNTED},
                   reasons=EXCLUDE_REASONS,
                   themes=queries.live_themes(evaluation))
    if mode == "queue":
        context["queue"] = queries.queue(evaluation, filters)
        context["theme_labels"] = {t.id: t.label for t in context["themes"]}
        shown = context["queue"]
        args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("mode", "reviewed")] + [("reviewed", "no")]
    else:
        context["board"] = board_view(evaluation, filters, context["themes"])
        shown = [s for c in context["board"] for t in c.themes for s in t.statements]
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "mode"]
    # "Select all": the filter that shows these rows, their number and a digest of their
    # versions, so the server acts on exactly what the page showed (or refuses).
    context["everything"] = {"filter": urlencode(args), "count": len(shown),
                             "state": payload_rules.digest(sorted((s.id, s.version) for s in shown))}
    return context


@bp.route("/evaluations/<code>/review")
def workspace(code: str):
    evaluation = _evaluation_or_404(code)
    context = _context(evaluation)
    sessions = evaluation.sessions
    response = make_response(render_template("review/workspace.html", **context, sessions=sessions,
                                             org_types=_org_types(evaluation), recent=audit.recent_actions(evaluation),
                                             late=late_answers(evaluation)))
    response.headers["Cache-Control"] = "no-store"  # participants' words, for staff only
    return response


@bp.route("/evaluations/<code>/review/board")
def board(code: str):
    """The board (or queue) alone, for the page to swap in after an action or a filter."""
    evaluation = _evaluation_or_404(code)
    return render_template("review/_board.html", **_context(evaluation))


@bp.route("/evaluations/<code>/review/themes")
def theme_list(code: str):
    """Themes in force, for the move/merge pickers."""
    evaluation = _evaluation_or_404(code)
    names = dict(queries.categories(evaluation))
    order = {ident: n for n, ident in enumerate(names)}
    sizes = dict(db.session.execute(
        select(Statement.theme_id, db.func.count()).where(Statement.evaluation_id == evaluation.id,
                                                          Statement.status != "excluded")
        .group_by(Statement.theme_id)).all())
    themes = sorted(queries.live_themes(evaluation), key=lambda t: (order.get(t.category, 99), -sizes.get(t.id, 0)))
    return jsonify(themes=[{"id": t.id, "version": t.version, "label": t.label, "category": t.category,
                            "category_name": names.get(t.category, t.category), "size": sizes.get(t.id, 0)}
                           for t in themes],
                   categories=[{"key": k, "id": i, "name": n} for k, i, n in _keys(evaluation)])


@bp.route("/evaluations/<code>/review/recent")
def recent(code: str):
    evaluation = _evaluation_or_404(code)
    return render_template("review/_recent.html", recent=audit.recent_actions(evaluation))


@bp.route("/evaluations/<code>/review/statements/<int:statement_id>/history")
def statement_history(code: str, statement_id: int):
    evaluation = _evaluation_or_404(code)
    statement = owned_or_404(Statement, statement_id, evaluation_id=evaluation.id)
    return render_template("review/_history.html", statement=statement,
                           entries=audit.history(evaluation, statement))


# ---- decisions (JSON; Flask-WTF checks the CSRF token sent in the X-CSRFToken header) ----

def _statements(evaluation: Evaluation, payload: dict) -> tuple[list[int], dict[int, int]]:
    """The selection as ids and the versions to check: explicit ids, or everything the
    filter shows (checked against the count and digest of what the page showed)."""
    chosen = payload_rules.selection(payload)
    if chosen.filter is None:
        return chosen.ids, chosen.versions
    rows = queries.find_statements(evaluation, Filters.from_args(chosen.filter))
    if not rows:
        raise ReviewError("没有符合筛选条件的意见")
    state = payload_rules.digest(sorted((s.id, s.version) for s in rows))
    if (chosen.count is not None and chosen.count != len(rows)) or (chosen.state and chosen.state != state):
        raise StaleError()
    return [s.id for s in rows], {}


def _dispatch(evaluation: Evaluation, payload: dict):
    user = current_user._get_current_object()
    kind = payload_rules.text(payload.get("action"))
    theme = payload.get("theme")
    theme = None if theme is None else payload_rules.an_id(theme, "主题编号")
    versions = payload_rules.versions(payload.get("theme_versions"))
    if kind in ("rename", "split"):
        payload_rules.require_versions([theme], versions)
    elif kind == "merge":
        payload_rules.require_versions([theme, *payload_rules.ids(payload.get("themes"), "主题编号")], versions)
    if kind == "rename":
        return decisions.rename_theme(user, evaluation, theme, payload_rules.text(payload.get("label"), required=True),
                                      version=versions.get(theme))
    if kind == "merge":
        return decisions.merge_themes(user, evaluation, theme, payload_rules.ids(payload.get("themes"), "主题编号"),
                                      versions=versions)
    if kind == "split":
        return decisions.split_theme(user, evaluation, theme, payload_rules.small_int(
            payload.get("k"), "拆分数量", 2, decisions.SPLIT_MAX), version=versions.get(theme))
    if kind == "undo":
        action_id = payload.get("action_id")
        return audit.undo(user, evaluation, None if action_id is None else payload_rules.an_id(action_id, "操作编号"))
    if kind not in STATEMENT_ACTIONS:
        raise ReviewError("未知的操作")
    ids, expected = _statements(evaluation, payload)
    if kind == "new_theme":
        category = payload.get("category")
        return decisions.move_to_new_theme(user, evaluation, ids, versions=expected,
                                           category=None if category is None else payload_rules.text(category),
                                           label=payload_rules.text(payload.get("label")))
    if kind == "move_theme":
        if theme is None:
            raise ReviewError("请选择主题")
        return decisions.move_to_theme(user, evaluation, ids, theme, versions=expected)
    if kind == "move_category":
        return decisions.move_to_category(user, evaluation, ids, payload_rules.text(payload.get("category")),
                                          theme_id=theme, versions=expected)
    if kind == "confirm":
        return decisions.confirm(user, evaluation, ids, versions=expected)
    if kind == "set_kind":
        return decisions.set_kind(user, evaluation, ids, payload_rules.text(payload.get("kind")), versions=expected)
    if kind == "exclude":
        return decisions.exclude(user, evaluation, ids, payload_rules.text(payload.get("reason")), versions=expected)
    return decisions.include(user, evaluation, ids, versions=expected)


STATEMENT_ACTIONS = {"new_theme", "move_theme", "move_category", "confirm", "exclude", "include", "set_kind"}
# A concurrent action won the row (or the lock), or a run removed the theme meanwhile.
CONFLICT = (StaleDataError, OperationalError, IntegrityError)


@bp.route("/evaluations/<code>/review/actions", methods=["POST"])
def act(code: str):
    evaluation = _evaluation_or_404(code)
    try:
        payload = payload_rules.parse(request.get_data(cache=False))
        action = _dispatch(evaluation, payload)
        summary, action_id = action.summary, action.id
        undone = payload.get("action") == "undo"
        db.session.commit()
    except StaleError as exc:
        db.session.rollback()
        return jsonify(error=str(exc), stale=True), 409
    except ReviewError as exc:
        db.session.rollback()
        return jsonify(error=str(exc)), 400
    except CONFLICT:
        db.session.rollback()
        return jsonify(error=STALE, stale=True), 409
    progress = queries.progress(evaluation)
    schedule_refresh(evaluation)
    return jsonify(ok=True, message=f"已撤销：{summary}" if undone else summary, action_id=action_id,
                   progress={"reviewed": progress.reviewed, "total": progress.total, "text": progress.text},
                   board_url=url_for("review.board", code=evaluation.code))
