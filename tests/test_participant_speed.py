"""The phone form's GET is rendered once per state of its session and personalised per request
(survey/participate/routes.py, issue 17's speed row): each phone still gets its own CSRF token
and submission id, every change staff make shows at once, and staff get their own page."""
from __future__ import annotations

import uuid

import pytest
from flask import template_rendered
from sqlalchemy import select
from support.participate import csrf_token, make_session, submission_id, valid_answer
from support.staff import add_staff, log_in

from survey.extensions import db
from survey.models import EvaluationSession, Response, RosterEntry


@pytest.fixture
def open_code(app):
    with app.app_context():
        return make_session("open").code


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


def test_sqlite_writers_queue_in_the_process_not_in_sqlite(app, open_code, monkeypatch, backend):
    # SQLite's busy handler sleeps in steps of up to 100 ms; in a burst the phones' answers
    # queue on a lock instead, one writer at a time (PostgreSQL writes concurrently).
    import threading

    from survey.participate import routes

    if backend != "sqlite":
        pytest.skip("PostgreSQL takes concurrent writers; the lock is for SQLite only")

    inside, most, entered = [0], [0], threading.Event()
    real = routes.store_response

    def store(session, form, **options):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        if inside[0] > 1:
            entered.set()
        entered.wait(0.5)  # the first writer waits for a second one to get in beside it
        try:
            return real(session, form, **options)
        finally:
            inside[0] -= 1

    monkeypatch.setattr(routes, "store_response", store)

    def phone():
        client = app.test_client()
        html = client.get(f"/s/{open_code}").get_data(as_text=True)
        with app.app_context():
            session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
            data = valid_answer(session, csrf_token=csrf_token(html), submission_id=str(uuid.uuid4()),
                                problems=f"第{uuid.uuid4().hex[:6]}号意见")  # the same text would count once
        assert client.post(f"/s/{open_code}", data=data).status_code == 303

    phones = [threading.Thread(target=phone) for _ in range(3)]
    for t in phones:
        t.start()
    for t in phones:
        t.join(60)
    with app.app_context():
        assert db.session.query(Response).count() == 3
    assert most[0] == 1
