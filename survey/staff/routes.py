"""Staff pages (login required): sessions, their status, the participant link and QR code."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..evaluations import all_groups, groups_of
from ..extensions import db
from ..guard import staff_blueprint
from ..models import EvaluationSession, Plan
from ..qr import qr_svg, qr_svg_file
from ..sessions import (
    create_session,
    latest_responses,
    only_reachable_from_this_machine,
    participant_url,
    response_count,
    response_counts,
    response_sources,
    session_or_404,
    set_status,
)
from .forms import GroupForm, SessionForm

# The area's one blueprint: these pages and the analysis pages (staff/analysis.py) are on it.
bp = staff_blueprint("staff", __name__)



@bp.route("/")
def index(group_form: GroupForm | None = None):
    sessions = db.session.scalars(select(EvaluationSession).order_by(
        EvaluationSession.starts_at.desc(), EvaluationSession.id.desc())).all()
    return render_template("staff/index.html", sessions=sessions, counts=response_counts(),
                           groups=all_groups(), group_form=group_form or GroupForm())


@bp.route("/sessions/new", methods=["GET", "POST"])
def session_new():
    plans = db.session.scalars(select(Plan).order_by(Plan.title)).all()
    form = SessionForm(plans=[(p.id, p.title) for p in plans])
    if request.method == "GET" and len(plans) == 1:
        form.plan.data = plans[0].id  # the usual case: one plan being evaluated
    if form.validate_on_submit():
        session = create_session(plan_id=form.plan.data, title=form.title.data, form=form.form.data,
                                 organiser=form.organiser.data, starts_at=form.starts_at.data,
                                 place=form.place.data, roster=form.roster_rows, anonymous=form.anonymous)
        db.session.commit()
        flash("活动已创建（草稿）。准备好后点击“开放填写”。", "success")
        return redirect(url_for("staff.session_detail", code=session.code))
    types = {p.id: [t.name for t in p.definition.types_for()] for p in plans}
    return render_template("staff/session_new.html", form=form, has_plans=bool(plans), plan_types=types)


@bp.route("/sessions/<code>")
def session_detail(code: str):
    session = session_or_404(code)
    url = participant_url(session)
    return render_template("staff/session.html", session=session, participant_url=url,
                           loopback=only_reachable_from_this_machine(url),
                           qr=qr_svg(url), count=response_count(session),
                           sources=response_sources(session), latest=latest_responses(session),
                           groups=groups_of(session))


@bp.route("/sessions/<code>/open", methods=["POST"])
def session_open(code: str):
    session = session_or_404(code)
    set_status(session, "open")
    db.session.commit()
    flash("已开放填写，参会人员现在可以扫码提交。", "success")
    return redirect(url_for("staff.session_detail", code=code))


@bp.route("/sessions/<code>/close", methods=["POST"])
def session_close(code: str):
    session = session_or_404(code)
    set_status(session, "closed")
    db.session.commit()
    flash("已结束填写，之后扫码将看到“活动已结束”。", "success")
    return redirect(url_for("staff.session_detail", code=code))


@bp.route("/sessions/<code>/poster")
def session_poster(code: str):
    session = session_or_404(code)
    url = participant_url(session)
    return render_template("staff/poster.html", session=session, participant_url=url, qr=qr_svg(url))


@bp.route("/sessions/<code>/qr.svg")
def session_qr(code: str):
    """The bare QR code, to drop into slides or a printed agenda."""
    session = session_or_404(code)
    return Response(qr_svg_file(participant_url(session)), mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'inline; filename="qr-{session.code}.svg"'})

