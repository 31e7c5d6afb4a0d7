"""The review workspace (staff login): per category its themes, per theme its statements, a
filter bar, a review queue, and JSON/HTML-fragment endpoints that survey/static/js/review.js
calls so every decision updates the page in place. The rules live in `actions`."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from analysis.plan import OTHER

from ..evaluations import find_by_code
from ..extensions import db
from ..models import ORG_TYPES, Evaluation
from . import audit, decisions, queries
from .models import EXCLUDE_REASONS, FIELDS, STATEMENT_STATUSES, Statement, Theme
from .queries import Filters, ReviewError

bp = Blueprint("review", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def _require_login():
    """Every review page requires a logged-in user."""


def _evaluation_or_404(code: str) -> Evaluation:
    existed = find_by_code(code, create=False) is not None
    evaluation = find_by_code(code)
    if evaluation is None:
        abort(404)
    if not existed:
        db.session.commit()  # a session's own evaluation, made on first use
    return evaluation


# ---- the page and its fragments ----------------------------------------------------------

@dataclass
class ThemeView:
    theme: Theme | None  # None: statements of the category that have no theme
    statements: list[Statement] = field(default_factory=list)


@dataclass
class CategoryView:
    id: str
    name: str
    key: str  # the keyboard key: 1–9, 0 for 未归类/新问题
    themes: list[ThemeView] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(t.statements) for t in self.themes)


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
        if category.themes or not filters.active:
            view.append(category)
    return view


def _context(evaluation: Evaluation) -> dict:
    filters = Filters.from_args(request.args)
    mode = "queue" if request.args.get("mode") == "queue" else "board"
    context = dict(evaluation=evaluation, filters=filters, mode=mode, progress=queries.progress(evaluation),
                   keys=_keys(evaluation), statuses=STATEMENT_STATUSES, fields=FIELDS,
                   category_names=dict(queries.categories(evaluation)), reasons=EXCLUDE_REASONS,
                   themes=queries.live_themes(evaluation))
    if mode == "queue":
        context["queue"] = queries.queue(evaluation, filters)
        context["theme_labels"] = {t.id: t.label for t in context["themes"]}
    else:
        context["board"] = board_view(evaluation, filters, context["themes"])
    return context


@bp.route("/evaluations/<code>/review")
def workspace(code: str):
    evaluation = _evaluation_or_404(code)
    context = _context(evaluation)
    sessions = evaluation.sessions
    return render_template("review/workspace.html", **context, sessions=sessions,
                           org_types=ORG_TYPES, recent=audit.recent_actions(evaluation))


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
    return jsonify(themes=[{"id": t.id, "label": t.label, "category": t.category,
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
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.evaluation_id != evaluation.id:
        abort(404)
    return render_template("review/_history.html", statement=statement,
                           entries=audit.history(evaluation, statement))


# ---- decisions (JSON; Flask-WTF checks the CSRF token sent in the X-CSRFToken header) ----

def _ids(payload: dict, key: str = "statements") -> list[int]:
    try:
        return [int(i) for i in payload.get(key) or []]
    except (TypeError, ValueError):
        raise ReviewError("意见编号有误，请刷新页面") from None


def _dispatch(evaluation: Evaluation, payload: dict):
    user = current_user._get_current_object()
    kind = payload.get("action")
    if kind == "rename":
        return decisions.rename_theme(user, evaluation, payload.get("theme"), payload.get("label", ""))
    if kind == "merge":
        return decisions.merge_themes(user, evaluation, payload.get("theme"), _ids(payload, "themes"))
    if kind == "split":
        return decisions.split_theme(user, evaluation, payload.get("theme"), payload.get("k"))
    if kind == "new_theme":
        return decisions.move_to_new_theme(user, evaluation, _ids(payload), category=payload.get("category"),
                                         label=payload.get("label"))
    if kind == "move_theme":
        return decisions.move_to_theme(user, evaluation, _ids(payload), payload.get("theme"))
    if kind == "move_category":
        return decisions.move_to_category(user, evaluation, _ids(payload), payload.get("category", ""))
    if kind == "confirm":
        return decisions.confirm(user, evaluation, _ids(payload))
    if kind == "exclude":
        return decisions.exclude(user, evaluation, _ids(payload), payload.get("reason", ""))
    if kind == "include":
        return decisions.include(user, evaluation, _ids(payload))
    if kind == "undo":
        return audit.undo(user, evaluation, payload.get("action_id"))
    raise ReviewError("未知的操作")


@bp.route("/evaluations/<code>/review/actions", methods=["POST"])
def act(code: str):
    evaluation = _evaluation_or_404(code)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="请求内容无法识别，请刷新页面后重试"), 400
    try:
        if payload.get("theme") is not None:
            payload["theme"] = int(payload["theme"])
        action = _dispatch(evaluation, payload)
    except (ReviewError, ValueError, TypeError) as exc:
        db.session.rollback()
        message = str(exc) if isinstance(exc, ReviewError) else "请求内容有误，请刷新页面后重试"
        return jsonify(error=message), 400
    summary = action.summary
    undone = payload.get("action") == "undo"
    db.session.commit()
    progress = queries.progress(evaluation)
    return jsonify(ok=True, message=f"已撤销：{summary}" if undone else summary, action_id=action.id,
                   progress={"reviewed": progress.reviewed, "total": progress.total, "text": progress.text},
                   board_url=url_for("review.board", code=evaluation.code))
