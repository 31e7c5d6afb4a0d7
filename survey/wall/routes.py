"""The wall page, its JSON, the moderation queue and the event stream (staff login for all:
the wall is opened by staff on the projector's computer; the room sees it, not the link).

A view parses the request, calls a rule (moderation, state) and renders. The stream reads the
hub only: the view looks up what it needs, then the request's database session ends (the
generator runs after the view has returned, outside the app context), so an open wall holds
no database connection.
"""
from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..evaluations import find_by_code
from ..extensions import db
from ..guard import staff_blueprint
from ..models import EvaluationSession
from ..qr import qr_svg
from ..sessions import participant_url, session_or_404
from . import moderation
from .events import hub, publish
from .hub import HEARTBEAT_SECONDS, STREAM_SECONDS
from .models import ACTIONS, COMMENT_STATUSES
from .state import wall_state

bp = staff_blueprint("wall", __name__)
POLL_SECONDS = 3  # the fallback when no stream can be held (a proxy that buffers, a full hub)




def _live_urls(session_ids: list[int], state_url: str) -> dict:
    return {"stream": url_for(".events", s=",".join(map(str, session_ids))), "state": state_url,
            "poll": POLL_SECONDS}


@bp.route("/sessions/<code>/wall")
def wall(code: str):
    session = session_or_404(code)
    link = participant_url(session)
    return render_template("wall/wall.html", session=session, state=wall_state(session), link=link,
                           qr=qr_svg(link), live=_live_urls([session.id], url_for(".state", code=code)))


@bp.route("/sessions/<code>/wall/state.json")
def state(code: str):
    session = session_or_404(code)
    return jsonify(wall_state(session).as_json())


@bp.route("/live/events")
def events():
    """Server-sent events for the sessions in `?s=1,2`: `answers`, `comments`, and `sync` (re-read
    everything: a first connection, or one resuming from before a server restart)."""
    ids = [int(part) for part in request.args.get("s", "").split(",") if part.strip().isdigit()]
    found = hub()
    if found is None or not ids:
        abort(404)
    if not found.claim_stream():
        # Every stream slot taken: the page polls instead (its script reads the 503).
        return Response("实时连接已满，页面改为每隔几秒自动刷新。", status=503, headers={"Retry-After": "10"},
                        mimetype="text/plain")
    db.session.remove()  # nothing below reads the database: give the connection back now
    config = current_app.config
    body = found.stream(ids, request.headers.get("Last-Event-ID"),
                        heartbeat=config.get("LIVE_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS),
                        lifetime=config.get("LIVE_STREAM_SECONDS", STREAM_SECONDS))
    response = Response(body, mimetype="text/event-stream",
                        headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"})
    response.call_on_close(found.release_stream)
    return response


# ---- moderation ---------------------------------------------------------------------------

def _queue_context(session: EvaluationSession) -> dict:
    status = request.args.get("status", "pending")
    if status not in COMMENT_STATUSES:
        status = "pending"
    moderation.sync_comments(session)
    return dict(session=session, status=status, statuses=COMMENT_STATUSES,
                comments=moderation.queue(session, status), counts=moderation.status_counts(session),
                actions=ACTIONS)


@bp.route("/sessions/<code>/moderation")
def queue(code: str):
    session = session_or_404(code)
    return render_template("wall/moderation.html", **_queue_context(session),
                           live=_live_urls([session.id], url_for(".queue_list", code=code,
                                                                 status=request.args.get("status", "pending"))))


@bp.route("/sessions/<code>/moderation/list")
def queue_list(code: str):
    """The queue as an HTML fragment: what moderation.js swaps in when something changed."""
    return render_template("wall/_queue.html", **_queue_context(session_or_404(code)))


@bp.route("/sessions/<code>/moderation/<int:comment_id>", methods=["POST"])
def decide(code: str, comment_id: int):
    session = session_or_404(code)
    wants_json = request.accept_mimetypes.best == "application/json"
    version = request.form.get("version", "")
    try:
        comment = moderation.decide(session, comment_id, request.form.get("action", ""), current_user,
                                    int(version) if version.isdigit() else None)
    except moderation.ModerationError as exc:
        if wants_json:
            return jsonify(ok=False, message=str(exc)), 409
        flash(str(exc), "error")
        return redirect(url_for(".queue", code=code, status=request.form.get("status", "pending")))
    publish("comments", session.id, comment=comment.id, status=comment.status)
    message = f"已{ACTIONS[request.form['action']][1]}：{comment.text[:20]}"
    if wants_json:
        return jsonify(ok=True, message=message, status=comment.status, version=comment.version)
    flash(message, "success")
    return redirect(url_for(".queue", code=code, status=request.form.get("status", "pending")))


# ---- the late-answer banner of the staff pages ---------------------------------------------

@bp.route("/evaluations/<code>/live/banner")
def banner(code: str):
    """The session, analysis and review pages' "有 N 份新答卷尚未分析" banner, as a fragment
    live-banner.js swaps in when an answer arrives."""
    from ..review.coverage import late_answers

    evaluation = find_by_code(code, create=False)
    if evaluation is None:
        session_or_404(code)
        return ""  # a session never analysed or reviewed has no banner
    return render_template("wall/_banner.html", late=late_answers(evaluation))
