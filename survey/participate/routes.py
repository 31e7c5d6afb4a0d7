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

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask import session as cookie_session  # plain `session` here is an EvaluationSession
from flask_limiter.errors import RateLimitExceeded
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
)
from ..extensions import csrf, db
from ..forms import csrf_token
from ..models import WRITTEN_FIELDS, EvaluationSession, Response
from ..sessions import by_code
from ..throttle import retry_after
from . import current, page, reads, repeats
from .writers import store_answer

bp = Blueprint("participate", __name__)
bp.teardown_request(reads.release)  # the request's own database connection (reads.py), if it took one

EXPIRED_MESSAGE = "页面已过期，已为您保留填写内容，请再次点击提交。"


def _to_thanks(code: str, submission_id: str, repeated: bool):
    # 303 so a reload of the thank-you page never re-posts the form.
    return redirect(url_for(".thanks", code=code, submission_id=submission_id, again=1 if repeated else None),
                    code=303)


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
                 for key in ("organisation", *WRITTEN_FIELDS)}
        if not any(typed.values()):
            typed = None
    return render_template("participate/unavailable.html", session=session, title=title,
                           message=message, typed=typed, labels={"organisation": "单位名称", **WRITTEN_FIELDS}), status


@bp.route("/s/<code>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token below, so an expired one can be re-rendered
def survey(code: str):
    posted = request.method == "POST"
    if not posted and (cached := page.from_cache(code)) is not None:
        repeats.device_token()  # so this phone's repeated text is recognised (repeats.py)
        return cached
    session, existing = current.session_and_answer(code, request.form.get("submission_id", "") if posted else None)
    if existing is not None and session is not None and not session.is_open:
        return _to_thanks(session.code, existing.submission_id, repeated=True)
    if session is None or not session.is_open:
        return _unavailable(session)
    if not posted:
        repeats.device_token()  # so this phone's repeated text is recognised (repeats.py)
        return _plain_page(session)

    form = session_form_class(session)()
    # The stored ratings read on the request's own connection, as the look-up above (reads.py).
    if existing is not None and same_answer(existing, form, reads.rows):
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
            cookie_session[page.sent_key(code)] = earlier.submission_id
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
        cookie_session[page.sent_key(code)] = response.submission_id
        return _to_thanks(code, response.submission_id, repeated=not created)
    elif form.submission_id.errors:
        form.submission_id.data = new_submission_id()
    return _survey_page(session, form, expired=expired, previous=previous)


def _store(session: EvaluationSession, form: SurveyFormBase):
    cap = current_app.config["SESSION_RESPONSE_MAX"]
    # What this request reads after the commit (the code, the stored id) is what it just read or
    # wrote: kept rather than expired, so the redirect sends no queries to read them back.
    db.session().expire_on_commit = False
    # SQLite: several phones' answers to one commit; PostgreSQL: each in one round trip (writers.py).
    return store_answer(session, form, cap)


def _survey_page(session: EvaluationSession, form: SurveyFormBase, organisations=None, **notices):
    if organisations is None:
        organisations = page.organisations(session.id)
    return render_template("participate/survey.html", session=session, form=form,
                           expired_message=EXPIRED_MESSAGE, organisations=organisations,
                           organisation_max=ORGANISATION_MAX, text_max=TEXT_MAX, **notices)


def _plain_page(session: EvaluationSession):
    """The form as a phone first sees it, rendered and kept for the next phones (page.py)."""
    token = csrf_token()  # this request's token (what the form renders)
    submission_id = page.submission_id(session.code)
    form = session_form_class(session)()
    form.submission_id.data = submission_id
    if page.own_page():
        return _survey_page(session, form)
    roster = page.organisations(session.id)
    html = _survey_page(session, form, organisations=roster)
    page.keep(session, roster, html, token, submission_id)
    return html


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
