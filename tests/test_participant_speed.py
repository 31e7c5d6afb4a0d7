"""The phone form's GET is rendered once per state of its session and personalised per request
(survey/participate/routes.py, issue 17's speed row): each phone still gets its own CSRF token
and submission id, every change staff make shows at once, and staff get their own page."""
from __future__ import annotations

import time
import uuid

import pytest
from flask import template_rendered
from sqlalchemy import func, select
from support.participate import csrf_token, submission_id, valid_answer
from support.staff import add_staff, log_in

from survey.extensions import db
from survey.models import EvaluationSession, Response, RosterEntry


@pytest.fixture
def renders(app):
    seen = []

    def record(_sender, template, context, **_extra):
        seen.append(template.name)

    template_rendered.connect(record, app)
    yield seen
    template_rendered.disconnect(record, app)


def test_phones_share_one_rendering_but_not_their_token_or_id(app, open_code, renders):
    pages = [app.test_client().get(f"/s/{open_code}").get_data(as_text=True) for _ in range(3)]
    assert renders == ["participate/survey.html"]  # rendered once, served three times
    tokens = {csrf_token(p) for p in pages}
    ids = {submission_id(p) for p in pages}
    assert len(tokens) == 3 and len(ids) == 3
    assert "\x00" not in pages[1]
    normalised = {p.replace(csrf_token(p), "T").replace(submission_id(p), "S") for p in pages}
    assert len(normalised) == 1


def test_a_cached_page_posts_and_stores(app, open_code):
    phone = app.test_client()
    app.test_client().get(f"/s/{open_code}")  # fills the cache
    html = phone.get(f"/s/{open_code}").get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=csrf_token(html), submission_id=submission_id(html))
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Response)).submission_id == data["submission_id"]


def test_changes_by_staff_show_at_once(app, open_code, renders):
    assert "新的单位" not in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        session.title = "改过的标题"
        db.session.commit()
    assert "改过的标题" in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        db.session.add(RosterEntry(session=session, organisation="新的单位", organisation_type="企业"))
        db.session.commit()
    assert "新的单位" in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)
    assert len(renders) == 3


def test_staff_get_their_own_page(app, client, open_code):
    app.test_client().get(f"/s/{open_code}")
    add_staff(app)
    log_in(client)
    assert "退出（amy）" in client.get(f"/s/{open_code}").get_data(as_text=True)
    assert "退出（amy）" not in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)


def test_a_returning_phone_gets_the_id_it_stored(app, open_code):
    phone = app.test_client()
    html = phone.get(f"/s/{open_code}").get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=csrf_token(html), submission_id=str(uuid.uuid4()))
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303
    again = phone.get(f"/s/{open_code}").get_data(as_text=True)
    assert submission_id(again) == data["submission_id"]


def test_sqlite_writers_take_turns_and_share_a_commit(app, open_code, monkeypatch, backend):
    # SQLite's busy handler sleeps in steps of up to 100 ms; in a burst the phones' answers take
    # turns in the process instead, one batch at a time, and the phones that arrive while a batch
    # is being stored go together into the next one: one commit (one fsync) for them all.
    import threading

    from survey.participate import writers

    if backend != "sqlite":
        pytest.skip("PostgreSQL takes concurrent writers; the turns are for SQLite only")

    inside, most, sizes, first_in = [0], [0], [], threading.Event()
    release = threading.Event()
    real = writers._store_together

    def store(batch, cap):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        sizes.append(len(batch))
        first_in.set()
        release.wait(10)  # the first batch is held until the other phones are waiting
        storing.on = True
        try:
            return real(batch, cap)
        finally:
            storing.on = False
            inside[0] -= 1

    monkeypatch.setattr(writers, "_store_together", store)
    commits: list = []  # the commits a batch makes (a waiting phone also ends its reads with one)
    storing = threading.local()
    monkeypatch.setattr(writers.db.session, "commit", _counting(writers.db.session.commit, commits, storing))

    def phone(n: int) -> None:
        client = app.test_client()
        html = client.get(f"/s/{open_code}").get_data(as_text=True)
        with app.app_context():
            session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
            data = valid_answer(session, csrf_token=csrf_token(html), submission_id=str(uuid.uuid4()),
                                problems=f"第{n}号意见")  # the same text would count once
        statuses.append(client.post(f"/s/{open_code}", data=data).status_code)

    statuses: list[int] = []
    phones = [threading.Thread(target=phone, args=(n,)) for n in range(4)]
    phones[0].start()
    assert first_in.wait(10)
    for t in phones[1:]:
        t.start()
    deadline = time.monotonic() + 10
    while len(writers._WAITING) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for t in phones:
        t.join(60)
    with app.app_context():
        assert db.session.query(Response).count() == 4
    assert statuses == [303] * 4
    assert most[0] == 1 and sizes == [1, 3] and len(commits) == 2


def _counting(function, calls: list, storing):
    def counted(*args, **kwargs):
        if getattr(storing, "on", False):
            calls.append(1)
        return function(*args, **kwargs)
    return counted


def test_a_cached_pages_token_is_good_in_its_own_browser_only(app, open_code):
    # The page is rendered once and each phone's token put in (page.py), made by forms.csrf_token
    # with a kept signer: a token signs that browser's own secret (its session cookie), nobody else's.
    from survey.participate.routes import EXPIRED_MESSAGE

    app.config["WTF_CSRF_ENABLED"] = True
    app.test_client().get(f"/s/{open_code}")  # fills the cache
    mine, other = app.test_client(), app.test_client()
    html, others = (phone.get(f"/s/{open_code}").get_data(as_text=True) for phone in (mine, other))
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=csrf_token(html), submission_id=submission_id(html))
    refused = other.post(f"/s/{open_code}", data=data)  # my token from the other browser
    assert refused.status_code == 200 and EXPIRED_MESSAGE in refused.get_data(as_text=True)
    assert csrf_token(others) != csrf_token(html)
    assert mine.post(f"/s/{open_code}", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_kept_signer_makes_flask_wtfs_own_token(app):
    from flask_wtf.csrf import generate_csrf, validate_csrf

    from survey.forms import csrf_token as make_token

    for secret in ("one key", "another key"):  # a changed key signs with the new one
        app.config["SECRET_KEY"] = secret
        with app.test_request_context("/"):
            token = make_token()
            assert generate_csrf() == token == make_token()  # once per request, either way
            validate_csrf(token)  # Flask-WTF's own check passes
        with app.test_request_context("/"):
            with pytest.raises(Exception, match="session token is missing"):
                validate_csrf(token)  # another browser: no secret of its own to match
