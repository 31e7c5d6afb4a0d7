"""Paper answers: the session's form printed on A4 for participants who prefer paper, and a
keyboard-only entry page where staff type each returned form; those responses are marked 纸质.

The entry page posts the phone form's fields, validated by the same form class (as for file
imports, a form with ratings but no text is accepted), and is stored like the phone form's
`survey.answers.store_response`: a repeated submit of one page stores one response.
"""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..answers import (
    ORGANISATION_MAX,
    SCALE,
    TEXT_MAX,
    UNKNOWN,
    find_response,
    new_submission_id,
    rating_field_name,
    same_answer,
    store_response,
)
from ..sessions import response_sources, session_or_404
from . import values
from .routes import bp
from .rules import transcribed_form_class

PAPER = "纸质"
# Lines to write on: 取得成效 fills the rest of page 1, 存在问题 and 意见建议 share page 2 (printed A4).
ACHIEVEMENT_LINES, PROBLEM_LINES, SUGGESTION_LINES = 7, 10, 10


@bp.route("/paper/form")
def paper_form(code: str):
    session = session_or_404(code)
    return render_template("imports/paper_form.html", session=session, goals=session.plan.definition.goals,
                           org_types=session.type_names, scale=SCALE, achievement_lines=range(ACHIEVEMENT_LINES),
                           problem_lines=range(PROBLEM_LINES),
                           suggestion_lines=range(SUGGESTION_LINES))


def _entry_data(session, posted: MultiDict) -> tuple[MultiDict, dict[str, str]]:
    """What staff typed → what the phone form posts. A type may be its number on the paper form
    (1–n in the session's list), a name or an alias; an organisation on
    the roster may leave it blank, and so may any form of an anonymous session. A rating is 1–5;
    0 or blank is 不了解. Returns the data and the problems found on the way, by field name."""
    data = MultiDict(posted)
    problems: dict[str, str] = {}
    roster = {e.organisation.strip(): e.organisation_type for e in session.roster}
    organisation = posted.get("organisation", "").strip()
    try:
        data["organisation_type"] = values.organisation_type(
            posted.get("organisation_type", ""), organisation, roster, numbered=True,
            types=session.respondent_types, missing="" if session.anonymous else None, strict=True)
    except values.ValueProblem as exc:
        problems["organisation_type"] = str(exc)
    for goal in session.plan.definition.goals:
        name = rating_field_name(goal.id)
        typed = posted.get(name, "").strip()
        try:
            data[name] = UNKNOWN if typed == "" or values.written_number(typed) == 0 else values.rating(typed)
        except values.ValueProblem as exc:
            problems[name] = f"{exc}；不了解请填 0 或留空"
    return data, problems


@bp.route("/paper", methods=["GET", "POST"])
def paper_entry(code: str):
    session = session_or_404(code)
    goals = session.plan.definition.goals
    form_class = transcribed_form_class(goals, session.type_names, anonymous=session.anonymous)
    typed = request.form if request.method == "POST" else MultiDict()
    previous = None
    if request.method == "POST":
        data, problems = _entry_data(session, request.form)
        form = form_class(formdata=data)
        valid = form.validate()
        for name, message in problems.items():
            form[name].errors = [message]
        existing = find_response(session, form.submission_id.data or "")
        if existing is not None and same_answer(existing, form):
            return _saved(session, existing, again=True)
        if existing is not None:
            # This page was saved already and now says something else: keep what was typed
            # and ask once, rather than storing twice or dropping it.
            previous = existing
            form.submission_id.data = new_submission_id()
        elif valid and not problems:
            response, created = store_response(session, form, source=PAPER)
            return _saved(session, response, again=not created)
        elif form.submission_id.errors:
            form.submission_id.data = new_submission_id()
    else:
        form = form_class(formdata=None)
        form.submission_id.data = new_submission_id()
    saved = find_response(session, request.args.get("saved", "")) if request.method == "GET" else None
    count = response_sources(session).get(PAPER, 0)
    return render_template("imports/paper_entry.html", session=session, form=form, typed=typed,
                           goals=goals, org_types=session.type_names, saved=saved, again=request.args.get("again") == "1",
                           previous=previous, paper_count=count,
                           organisations=list(dict.fromkeys((e.organisation, e.organisation_type)
                                                            for e in session.roster)),
                           organisation_max=ORGANISATION_MAX, text_max=TEXT_MAX,
                           field_name=rating_field_name)


def _saved(session, response, *, again: bool):
    # 303 and a fresh page: a reload never re-posts, and the next form starts empty.
    args = {"saved": response.submission_id}
    if again:
        args["again"] = "1"
    return redirect(url_for(".paper_entry", code=session.code, **args), code=303)
