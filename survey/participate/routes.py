"""The participant survey: opened from the QR code on a phone, no account needed.

Nothing a person typed may be lost or stored twice:
- the view is exempt from the global CSRFProtect and checks the form's own token instead,
  so an expired page is re-rendered with the typed text rather than answered with a bare 400;
- a (session, submission_id) unique constraint makes a retried submit store one response,
  also when two copies of the request race each other; a changed answer under a stored id
  is shown again with a question rather than dropped or stored twice;
- an over-large body gets a page that says the draft is still in the browser;
- an address that stores answers faster than any round-table (survey/throttle.py, per address
  and per session and address) gets the form back with its text and a time to try again;
- the same text again from one device or address within minutes is that submit again
  (repeats.py): its thank-you page, nothing stored;
- a session that reached its cap of answers says so and shows the text for copying; the cap
  is checked under a lock on the session's row, so simultaneous submits never pass it.
"""
from __future__ import annotations

import threading

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask import session as cookie_session  # plain `session` here is an EvaluationSession
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import generate_csrf
from sqlalchemy import and_, inspect, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from ..answers import (
    ORGANISATION_MAX,
    TEXT_MAX,
    SessionFull,
    SurveyFormBase,
    find_response,
    new_submission_id,
    same_answer,
    session_form_class,
    store_response,
)
from ..extensions import csrf, db
from ..models import EvaluationSession, Response, RosterEntry
from ..sessions import by_code
from ..throttle import retry_after
from . import repeats

bp = Blueprint("participate", __name__)

EXPIRED_MESSAGE = "页面已过期，已为您保留填写内容，请再次点击提交。"


def _to_thanks(code: str, submission_id: str, repeated: bool):
    # 303 so a reload of the thank-you page never re-posts the form.
    args = {"again": 1} if repeated else {}
    return redirect(url_for(".thanks", code=code, submission_id=submission_id, **args), code=303)


def _unavailable(session: EvaluationSession | None, status: int = 200, *, full: bool = False):
    """Closed, not yet open, full, or unknown; on POST the typed text is shown so it can be copied."""
    if session is None:
        title, message, status = "未找到该评价", "请检查二维码或链接是否正确，或向会务人员确认。", 404
    elif full:
        title, message = "本次评价已收满", "本次评价收到的意见已达上限，暂不能再提交。请将您的意见交给会务人员。"
    elif session.status == "draft":
        title, message = "评价尚未开始", "本次评价尚未开放填写，请在会务人员通知后重新扫码或刷新本页。"
    else:
        title, message = "本次评价已结束", "本次评价已停止收集意见，感谢您的关注。"
    typed = None
    if request.method == "POST":
        typed = {key: request.form.get(key, "").strip()
                 for key in ("organisation", "problems", "suggestions")}
        if not any(typed.values()):
            typed = None
    return render_template("participate/unavailable.html", session=session, title=title,
                           message=message, typed=typed), status


def _sent_key(code: str) -> str:
    return f"sent-{code}"


def _fallback_submission_id(code: str) -> str:
    # Without JS, going back from the thank-you page re-fetches the form and the browser
    # refills only the visible fields: hand out the id of the answer already stored, so
    # a resubmit of it is recognised. "?new=1" (the thank-you page's link) starts afresh.
    if not request.args.get("new"):
        remembered = cookie_session.get(_sent_key(code))
        if remembered:
            return remembered
    return new_submission_id()


def _session_and_answer(code: str, submission_id: str | None = None
                        ) -> tuple[EvaluationSession | None, Response | None]:
    """The session with its plan and, given a submission id, the answer stored under it (with
    its ratings), in one query: a GET and a new answer's POST each sent three before."""
    query = (select(EvaluationSession).options(joinedload(EvaluationSession.plan))
             .where(EvaluationSession.code == code.strip().lower()))
    if not submission_id:
        return db.session.scalar(query), None
    query = (query.add_columns(Response)
             .outerjoin(Response, and_(Response.session_id == EvaluationSession.id,
                                       Response.submission_id == submission_id))
             .options(selectinload(Response.ratings)))  # only sent when an answer was found
    row = db.session.execute(query).first()
    return (row[0], row[1]) if row is not None else (None, None)


@bp.route("/s/<code>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token below, so an expired one can be re-rendered
def survey(code: str):
    posted = request.method == "POST"
    session, existing = _session_and_answer(code, request.form.get("submission_id", "") if posted else None)
    if existing is not None and not session.is_open:
        return _to_thanks(session.code, existing.submission_id, repeated=True)
    if session is None or not session.is_open:
        return _unavailable(session)
    if not posted:
        repeats.device_token()  # so this phone's repeated text is recognised (repeats.py)
        return _plain_page(session)

    form = session_form_class(session)()
    if existing is not None and same_answer(existing, form):
        # A retry of a submit that already went through: double tap, dropped connection,
        # back and resubmit. Same thank-you page, nothing stored again.
        return _to_thanks(session.code, existing.submission_id, repeated=True)

    previous = None
    valid = form.validate()
    # Flask-WTF's token error is English and names no field; say what happened instead.
    expired = bool(getattr(form, "csrf_token", None) and form.csrf_token.errors)
    if existing is not None:
        # The same page sent a different answer after its first was stored (edited after
        # going back, or a second person on a no-JS phone). Keep the text and ask once
        # before storing it as a new answer: never dropped silently, never stored twice.
        previous = existing
        form.submission_id.data = new_submission_id()
    elif valid:
        code = session.code
        earlier = repeats.claim(session, form)
        if isinstance(earlier, Response):
            # The same text from this device or address a moment ago: that submit again.
            cookie_session[_sent_key(code)] = earlier.submission_id
            return _to_thanks(code, earlier.submission_id, repeated=True)
        try:
            response, created = _store(session, form)
        except BaseException as exc:
            if earlier is not None:
                earlier.release()
            if isinstance(exc, SessionFull):
                return _unavailable(session, 403, full=True)
            raise
        if earlier is not None:
            earlier.remember(response)
        g.response_stored = created  # counted by the per-address throttle
        cookie_session[_sent_key(code)] = response.submission_id
        return _to_thanks(code, response.submission_id, repeated=not created)
    elif form.submission_id.errors:
        form.submission_id.data = new_submission_id()
    return _survey_page(session, form, expired=expired, previous=previous)


# SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps
# in steps of up to 100 ms, so in a burst a phone's answer could wait far longer than the write
# takes. Within one server process the writers queue on a lock instead (measured for issue 17).
_SQLITE_WRITER = threading.Lock()


def _store(session: EvaluationSession, form: SurveyFormBase):
    cap = current_app.config["SESSION_RESPONSE_MAX"]
    # What this request reads after the commit (the code, the stored id) is what it just read or
    # wrote: kept rather than expired, so the redirect sends no queries to read them back.
    db.session().expire_on_commit = False
    if db.engine.dialect.name != "sqlite":
        return store_response(session, form, cap=cap)
    with _SQLITE_WRITER:
        return store_response(session, form, cap=cap)


def _survey_page(session: EvaluationSession, form: SurveyFormBase, organisations=None, **notices):
    if organisations is None:
        organisations = _organisations(session)
    return render_template("participate/survey.html", session=session, form=form,
                           expired_message=EXPIRED_MESSAGE, organisations=organisations,
                           organisation_max=ORGANISATION_MAX, text_max=TEXT_MAX, **notices)


# The plain form page (a GET without notices) is the same for every phone but for its CSRF token
# and submission id, and rendering its rating buttons was half of a GET's time (profiled for
# issue 17). It is rendered once per state of the session, its plan and its roster (every
# column of the session is in the key, so any change renders afresh) and the two per-request
# values are put into a copy. Not cached for a logged-in member of staff or pending messages,
# whose header and notices are their own.
_PAGE_CACHE = "pingjia.survey_pages"
_PAGE_CACHE_SIZE = 64
_TOKEN_SLOT, _ID_SLOT = "\x00csrf\x00", "\x00sid\x00"


def _plain_page(session: EvaluationSession):
    token = generate_csrf()  # this request's token (also what a rendered form would carry)
    submission_id = _fallback_submission_id(session.code)
    if "_user_id" in cookie_session or "_flashes" in cookie_session:
        return _survey_page(session, _blank_form(session, submission_id))
    organisations = _organisations(session)
    columns = tuple(getattr(session, attr.key) for attr in inspect(session).mapper.column_attrs)
    plan = session.plan
    key = (columns, plan.id, plan.source_text, tuple(organisations))
    pages = current_app.extensions.setdefault(_PAGE_CACHE, {})
    page = pages.get(key)
    if page is None:
        html = _survey_page(session, _blank_form(session, submission_id), organisations=organisations)
        if html.count(token) != 1 or html.count(submission_id) != 1:
            return html  # not the shape this cache expects: never serve a page it cannot personalise
        page = html.replace(token, _TOKEN_SLOT).replace(submission_id, _ID_SLOT)
        if len(pages) >= _PAGE_CACHE_SIZE:
            pages.clear()
        pages[key] = page
    return page.replace(_TOKEN_SLOT, token).replace(_ID_SLOT, submission_id)


def _blank_form(session: EvaluationSession, submission_id: str) -> SurveyFormBase:
    form = session_form_class(session)()
    form.submission_id.data = submission_id
    return form


def _organisations(session: EvaluationSession) -> list[tuple[str, str]]:
    # Roster order (as staff entered it, usually the seating list), each organisation once.
    # Two columns rather than the roster's rows: this runs on every phone's GET.
    rows = db.session.execute(select(RosterEntry.organisation, RosterEntry.organisation_type)
                              .where(RosterEntry.session_id == session.id).order_by(RosterEntry.id))
    return list(dict.fromkeys((name, kind) for name, kind in rows))


@bp.errorhandler(RateLimitExceeded)
def too_many_submissions(exc: RateLimitExceeded):
    # The limit is checked before the view runs: show the form again with everything typed
    # (same submission id, so a later submit still stores it once) and when to try again.
    session = by_code((request.view_args or {}).get("code", ""))
    if session is None or not session.is_open:
        abort(429)
    minutes, at = retry_after()
    form = session_form_class(session)()
    message = (f"这个网络提交的问卷过多，已暂停接收。您填写的内容都还在下面，请在 {minutes} 分钟后"
               f"（北京时间 {at} 以后）再点击“提交”。")
    return _survey_page(session, form, throttled=message), 429


@bp.route("/s/<code>/thanks/<submission_id>")
def thanks(code: str, submission_id: str):
    session = by_code(code)
    response = find_response(session, submission_id) if session is not None else None
    if response is None:
        return render_template("participate/unavailable.html", session=session,
                               title="未找到提交记录",
                               message="没有找到这份提交。如果您刚刚提交过，请返回问卷页面再次点击提交；"
                                       "您的填写内容仍保存在本机。", typed=None), 404
    return render_template("participate/thanks.html", session=session, response=response,
                           again=request.args.get("again") == "1")


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge):
    # The body was never parsed, so nothing typed can be echoed back; the browser's
    # draft (localStorage) still holds it, and the survey page restores it.
    code = (request.view_args or {}).get("code")
    back = url_for(".survey", code=code) if code else None
    limit_kb = (request.max_content_length or 0) // 1024
    return render_template("participate/too_large.html", back=back, limit_kb=limit_kb), 413
