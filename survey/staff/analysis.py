"""Staff analysis pages (on the staff blueprint, so login is required): the stored result of a
session's or a group's evaluation, the run button, the job's JSON status, derived files,
and grouping sessions.

Each page exists for a session (/staff/sessions/<code>/analysis…, endpoints `session_*`)
and for a group (/staff/groups/<code>/analysis…, endpoints `group_*`); one view serves both.
"""
from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user

from ..background import enqueue_analysis
from ..consensus import consensus_of
from ..evaluations import EvaluationError, evaluation_for_session, group_by_code, group_by_codes, groups_of
from ..extensions import db
from ..jobs.runs import current_run, last_done_run, run_status
from ..models import Evaluation
from ..review.coverage import late_answers
from ..review.store import output_dir, page_view, stored_result, write_summary
from ..sessions import by_code
from .forms import GroupForm
from .routes import bp, index

FILES = ("summary.md", "analysis.json")


def _evaluation(code: str) -> tuple[Evaluation, object]:
    """The evaluation the URL names, and the session when it is a session's page."""
    if request.endpoint.startswith("staff.group_"):
        evaluation = group_by_code(code)
        if evaluation is None:
            abort(404)
        return evaluation, None
    session = by_code(code)
    if session is None:
        abort(404)
    evaluation = evaluation_for_session(session)
    db.session.commit()  # made on first use: keep it
    return evaluation, session


def analysis_url(evaluation: Evaluation, what: str = "", **values) -> str:
    kind = "group" if evaluation.is_group else "session"
    return url_for(f"staff.{kind}_analysis{'_' + what if what else ''}", code=evaluation.code, **values)


def _route(rule: str, endpoint: str, **options):
    def register(view):
        bp.add_url_rule("/sessions/<code>/analysis" + rule, "session_" + endpoint, view, **options)
        bp.add_url_rule("/groups/<code>/analysis" + rule, "group_" + endpoint, view, **options)
        return view
    return register


@_route("", "analysis")
def analysis_page(code: str):
    evaluation, session = _evaluation(code)
    result = stored_result(evaluation)
    run = current_run(evaluation)
    return render_template(
        "staff/analysis.html", evaluation=evaluation, session=session, result=result,
        categories=page_view(result, output_dir(evaluation)) if result else None,
        run=run, status=run_status(run), last_done=last_done_run(evaluation), late=late_answers(evaluation),
        count=sum(len(s.responses) for s in evaluation.sessions),
        groups=groups_of(session) if session is not None else [], analysis_url=analysis_url,
        clouds_pending=bool(result) and current_app.config["ANALYSIS_WORDCLOUDS"] and not _clouds(evaluation),
        **_consensus(evaluation, result))


def _consensus(evaluation: Evaluation, result: dict | None) -> dict:
    """Per goal from the ratings (there before any analysis); per theme ("t<id>") and category
    ("c<id>") from the stored statements, as this page counts them."""
    if not result:
        return {"consensus": consensus_of(evaluation), "spreads": {}}
    topics = [(f"t{t['id']}", t["label"]) for t in result["themes"]]
    topics += [(f"c{c['id']}", c["name"]) for c in result["categories"]]
    pairs = [(f"t{s['theme']}", s["response_id"]) for s in result["statements"] if s["theme"]]
    pairs += [(f"c{s['category']}", s["response_id"]) for s in result["statements"] if s["category"]]
    consensus = consensus_of(evaluation, topics=topics, statements=pairs)
    return {"consensus": consensus, "spreads": {t.key: t for t in consensus.themes}}


@_route("/run", "analysis_run", methods=["POST"])
def analysis_run(code: str):
    """Queue the analysis and return at once; the page polls the status."""
    evaluation, _ = _evaluation(code)
    if sum(len(s.responses) for s in evaluation.sessions) == 0:
        flash("还没有收到意见，暂时无法分析。", "error")
        return redirect(analysis_url(evaluation))
    kind = "update" if request.form.get("kind") == "update" else "full"
    run, created = enqueue_analysis(evaluation, current_user, kind=kind)
    if not created:
        flash("分析已在进行中，请稍候。", "success")
    elif run.status == "failed":
        flash(run.error, "error")
    else:
        flash("已开始更新分析（只分析新答卷），完成后本页会自动显示结果。" if kind == "update"
              else "已开始分析，完成后本页会自动显示结果。", "success")
    return redirect(analysis_url(evaluation))


@_route("/status", "analysis_status")
def analysis_status(code: str):
    evaluation, _ = _evaluation(code)
    response = jsonify(run_status(current_run(evaluation)) | {"clouds": _clouds(evaluation)})
    response.headers["Cache-Control"] = "no-store"
    return response


def _clouds(evaluation: Evaluation) -> int:
    """How many word clouds are drawn (the page shows results first and the pictures when
    the background task has drawn them)."""
    folder = output_dir(evaluation) / "wordclouds"
    return len(list(folder.glob("*.png"))) if folder.is_dir() else 0


@_route("/<path:name>", "analysis_file")
def analysis_file(code: str, name: str):
    """summary.md, analysis.json and word-cloud images, derived from the stored result."""
    evaluation, _ = _evaluation(code)
    allowed = name in FILES or (name.startswith("wordclouds/") and name.endswith(".png") and ".." not in name)
    if not allowed:
        abort(404)
    if name in FILES and write_summary(evaluation) is None:  # fresh: staff decisions since the run count
        abort(404)
    return send_from_directory(output_dir(evaluation), name, as_attachment=not name.endswith(".png"))


@bp.route("/groups/new", methods=["POST"])
def group_new():
    """Group the sessions ticked on the session list; errors come back on that list."""
    form = GroupForm()
    if form.validate_on_submit():
        try:
            evaluation = group_by_codes(form.codes.data or [], form.title.data)
        except EvaluationError as exc:
            db.session.rollback()
            form.codes.errors = [str(exc)]
        else:
            db.session.commit()
            flash(f"已建立合并评价“{evaluation.title}”（代码 {evaluation.code}），可以开始分析。", "success")
            return redirect(analysis_url(evaluation))
    return index(group_form=form), 400
