"""What each phone request costs stays small (issue 25's phone path), without losing a guarantee:
the cached page and the cached form class follow an edited plan, a cached GET and a new answer
send a fixed handful of statements, the stored answer is the whole answer, the limiter's memory
counts still expire without a thread per count, and the connection pool covers the server's
threads. Figures: benchmarks/phone_profile.py and benchmarks/load.py (benchmarks/RESULTS.md)."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from flask import request as flask_request
from sqlalchemy import event, select
from support.participate import csrf_token, submission_id, valid_answer

from survey import create_app
from survey.answers import rating_field_name, session_form_class
from survey.extensions import db
from survey.models import EvaluationSession, Plan, Rating, Response
from survey.participate import reads
from survey.serve import POOL_SIZE
from survey.throttle import SweptMemoryStorage


@pytest.fixture
def statements(app, monkeypatch):
    """The SQL statements the app's engine sends while the test runs, and those the phone's reads
    hand to the driver directly (survey/participate/reads.py, participate/one_trip.py)."""
    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement.split()[0].upper())

    if engine.dialect.driver == "psycopg":
        import psycopg

        execute = psycopg.Connection.execute

        def driver_execute(connection, query, *args, **kwargs):
            record(None, None, query)
            return execute(connection, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Connection, "execute", driver_execute)
    else:  # sqlite3's execute cannot be patched: the phone's reads go through reads.execute
        execute = reads.execute

        def reads_execute(connection, query, *args, **kwargs):
            record(None, None, query)
            return execute(connection, query, *args, **kwargs)

        monkeypatch.setattr(reads, "execute", reads_execute)
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def _rename_first_goal(app, code: str, new_name: str) -> str:
    """Edit the plan's text as staff reloading a changed plan file would; the goal's id."""
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=code))
        plan = db.session.get(Plan, session.plan_id)
        goal = session.plan.definition.goals[0]
        assert plan.source_text.count(f'"{goal.name}"') == 1
        plan.source_text = plan.source_text.replace(f'"{goal.name}"', f'"{new_name}"')
        db.session.commit()
        return goal.id


def test_the_cached_page_follows_an_edited_plan(app, open_code):
    phone = app.test_client()
    assert "改过名的目标" not in phone.get(f"/s/{open_code}").get_data(as_text=True)
    assert "改过名的目标" not in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)  # cached
    _rename_first_goal(app, open_code, "改过名的目标")
    assert "改过名的目标" in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)


def test_the_cached_page_follows_an_edited_roster(app, open_code):
    """The roster is part of the page's key (read in the state's query on PostgreSQL)."""
    from survey.models import RosterEntry

    assert "新到的研究院" not in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)
    assert "新到的研究院" not in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)  # cached
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        db.session.add(RosterEntry(session_id=session.id, organisation="新到的研究院", person="",
                                   organisation_type="高校/科研院所"))
        db.session.commit()
    assert "新到的研究院" in app.test_client().get(f"/s/{open_code}").get_data(as_text=True)


def test_the_cached_form_class_follows_the_plan_and_the_session_kind(app, open_code):
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        first = session_form_class(session)
        assert session_form_class(session) is first  # kept, not rebuilt per request
        goals = session.plan.definition.goals
        assert session_form_class(session, goals=goals[:-1]) is not first
        session.anonymous = True
        assert session_form_class(session) is not first
        session.anonymous = False
    _rename_first_goal(app, open_code, "改过名的目标")
    with app.test_request_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        edited = session_form_class(session)
        assert edited is not first
        assert edited().rating_fields()[0][1].label.text == "改过名的目标"


def test_a_cached_get_and_a_new_answer_send_few_statements(app, open_code, statements, backend):
    app.test_client().get(f"/s/{open_code}")  # renders and keeps the page
    phone = app.test_client()
    statements.clear()
    html = phone.get(f"/s/{open_code}").get_data(as_text=True)
    # the session with its plan, then the roster (on PostgreSQL in the same query: one round trip)
    assert statements == (["SELECT"] if backend == "postgresql" else ["SELECT", "SELECT"])
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        # Quotes, a backslash, percent signs and dollar quotes: PostgreSQL's one-trip query has
        # the values merged in by psycopg, which must quote them (the stored text is compared below).
        data = valid_answer(session, csrf_token=csrf_token(html), submission_id=submission_id(html),
                            problems="50%的企业说'审批'\\慢 %(x)s %s $$ END$$; --")
    statements.clear()
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303
    # The session, its plan and any answer already under this id in one SELECT; then on SQLite the
    # answers, their ratings (one statement each) and the cap's count, on PostgreSQL the answer, its
    # ratings, the lock on the session's row, the count and the commit in one query
    # (participate/one_trip.py; on the request's own connection the query opens its transaction).
    expected = ["SELECT"] + (["BEGIN;"] if backend == "postgresql" else ["INSERT", "INSERT", "SELECT"])
    assert statements == expected
    statements.clear()
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303  # the resend
    assert statements == ["SELECT", "SELECT"]  # the session and the answer; its ratings
    with app.app_context():
        response = db.session.scalar(select(Response).filter_by(submission_id=data["submission_id"]))
        scores = {r.goal_id: r.score for r in response.ratings}
        ids = [g.id for g in session.plan.definition.goals]
        assert scores == {g: (None if data[rating_field_name(g)] == "na" else int(data[rating_field_name(g)]))
                          for g in ids}
        assert (response.organisation, response.problems, response.source) == (
            data["organisation"], data["problems"], "手机")
        assert db.session.query(Rating).count() == len(ids)


def test_a_phones_answer_is_announced_to_the_live_wall_once_committed(app, open_code, monkeypatch):
    from survey.wall import events

    announced = []
    monkeypatch.setattr(events, "publish", lambda kind, session_id, **data: announced.append((kind, session_id)))
    phone = app.test_client()
    html = phone.get(f"/s/{open_code}").get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=csrf_token(html), submission_id=submission_id(html))
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303
    assert announced == [("answers", session.id)]
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303  # the resend stores nothing
    assert announced == [("answers", session.id)]


def test_a_changed_answer_under_a_stored_id_is_still_asked_about(app, open_code):
    phone = app.test_client()
    html = phone.get(f"/s/{open_code}").get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=csrf_token(html), submission_id=str(uuid.uuid4()))
        first_goal = rating_field_name(session.plan.definition.goals[0].id)
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303
    changed = {**data, first_goal: "1" if data[first_goal] != "1" else "2"}  # only a rating differs
    again = phone.post(f"/s/{open_code}", data=changed)
    assert again.status_code == 200 and 'id="resubmit"' in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Response).count() == 1


def test_the_limiters_memory_counts_expire_without_a_thread_per_count(monkeypatch):
    storage = SweptMemoryStorage("pingjia-memory://")
    started: list = []
    monkeypatch.setattr(threading.Timer, "start", lambda timer: started.append(timer))
    for _ in range(200):
        storage.incr("phone", 1)
    assert storage.get("phone") == 200
    assert started == []  # limits' own MemoryStorage starts a Timer thread here, count after count
    time.sleep(1.1)
    storage.incr("other", 60)  # any later count sweeps what has expired
    assert storage.get("phone") == 0
    assert storage.incr("phone", 1) == 1  # a fresh window, not 201


def test_a_key_cleared_during_the_sweep_does_not_fail_the_count():
    # Another request clears a key (a repeat claim released) between the sweep listing the keys
    # and reading one: the count goes on, the rest is swept next time.
    storage = SweptMemoryStorage("pingjia-memory://")
    storage.timer.join()  # the library's one sweep at start, in its own thread
    storage.incr("claim", 60)

    class ClearedMidSweep(dict):
        def keys(self):
            listed = list(super().keys())
            self.clear()  # as storage.clear("claim") in another thread would
            return listed

    storage.expirations = ClearedMidSweep(storage.expirations)
    storage._swept = 0.0  # due
    assert storage.incr("phone", 60) == 1


def test_the_app_counts_in_the_swept_storage_without_redis(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x",
                      "REDIS_URL": None, "RATELIMIT_STORAGE_URI": None})
    assert isinstance(app.extensions["pingjia_limiter"].storage, SweptMemoryStorage)


def test_only_a_post_goes_through_the_submit_limits(app, open_code, monkeypatch):
    # The submit limits are declared for POSTs; a GET once resolved them only to skip them, and
    # Flask-Limiter's hooks ran on every request with no limit of its own to check (throttle.py).
    limiter = app.extensions["pingjia_limiter"]
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])
    assert not any(getattr(f, "args", None) == (limiter,) for f in app.after_request_funcs.get(None, []))
    submits = app.extensions["pingjia_submit_limits"]
    checked: list[str] = []
    check = submits.check

    def counted():
        checked.append(flask_request.method)
        return check()

    monkeypatch.setattr(submits, "check", counted)
    phone = app.test_client()
    page = phone.get(f"/s/{open_code}").get_data(as_text=True)
    assert checked == []
    with app.app_context():
        data = valid_answer(db.session.scalar(select(EvaluationSession).filter_by(code=open_code)),
                            csrf_token=csrf_token(page), submission_id=submission_id(page))
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303
    assert checked == ["POST"]


def test_a_connection_broken_under_a_phones_read_is_not_used_again(app, open_code, backend):
    # The phone's reads run through psycopg directly on PostgreSQL (participate/reads.py): a broken
    # connection must leave the pool as it does when SQLAlchemy runs the statement.
    if backend != "postgresql":
        pytest.skip("psycopg's own reads are PostgreSQL's")
    phone = app.test_client()
    assert phone.get(f"/s/{open_code}").status_code == 200
    with app.app_context():
        backend_pid = db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        db.session.remove()
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    import psycopg

    with psycopg.connect(url, autocommit=True) as other:  # outside the pool: ends the phone's connection
        other.execute("SELECT pg_terminate_backend(%s)", (backend_pid,))
    with pytest.raises(psycopg.OperationalError):  # a 500 when served; the test client raises it
        phone.get(f"/s/{open_code}")
    assert phone.get(f"/s/{open_code}").status_code == 200  # on a new connection


def test_limits_on_every_request_still_apply_when_configured(tmp_path):
    # The before-request check is dropped only when no default, application or meta limit is set.
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x",
                      "RATELIMIT_DEFAULT": "2 per minute"})
    client = app.test_client()
    assert [client.get("/staff/login").status_code for _ in range(3)] == [200, 200, 429]


def test_the_connection_pool_covers_the_servers_threads(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x"})
    with app.app_context():
        assert db.engine.pool.size() == POOL_SIZE
    chosen = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'y.sqlite3'}", "SECRET_KEY": "x",
                         "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 3}})
    with chosen.app_context():
        assert db.engine.pool.size() == 3  # a configured size is kept
    memory = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    with memory.app_context():
        assert "pool_size" not in memory.config["SQLALCHEMY_ENGINE_OPTIONS"]
        db.engine.connect().close()  # one shared connection, as before


def test_a_posts_session_is_kept_per_state_and_follows_staffs_changes(app, open_code):
    from survey.participate import current

    with app.test_request_context():
        first, _ = current.session_and_answer(open_code, None)
        assert current.session_and_answer(open_code.upper(), None)[0] is first  # kept, no object made
    phone = app.test_client()
    html = phone.get(f"/s/{open_code}").get_data(as_text=True)
    with app.app_context():
        data = valid_answer(db.session.scalar(select(EvaluationSession).filter_by(code=open_code)),
                            csrf_token=csrf_token(html), submission_id=submission_id(html), problems="关门后提交的意见")
    _rename_first_goal(app, open_code, "改过名的目标")
    with app.test_request_context():
        edited, _ = current.session_and_answer(open_code, None)
        assert edited is not first and edited.plan.definition.goals[0].name == "改过名的目标"
    with app.app_context():
        db.session.scalar(select(EvaluationSession).filter_by(code=open_code)).status = "closed"
        db.session.commit()
    refused = phone.post(f"/s/{open_code}", data=data)
    assert refused.status_code == 200 and "本次评价已结束" in refused.get_data(as_text=True)
    assert "关门后提交的意见" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Response).count() == 0


def test_pingjia_serve_keeps_what_it_loaded_out_of_full_collections(app, monkeypatch):
    """gc.freeze just before serving: a full collection walked the ~150,000 objects of the app and its
    modules with the interpreter held, a 0.2–0.5 s pause about every 2,000 phone requests."""
    import gc

    from survey.cli import serving

    calls = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))

    class Server:
        def run(self):
            calls.append("run")

    with app.app_context():
        serving._run(Server(), embedded=False)
    assert calls == ["collect", "freeze", "run"]


def test_the_session_cookies_serializer_is_kept_per_secret_key(tmp_path):
    # Made once per key rather than twice a request (survey/security.py); a changed key or fallback
    # list gives a new one, so a cookie signed with a retired key is refused unless listed.
    from itsdangerous import BadSignature

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "one"})
    cookies = app.session_interface
    first = cookies.get_signing_serializer(app)
    assert cookies.get_signing_serializer(app) is first
    signed = first.dumps({"device": "a1"})
    app.config["SECRET_KEY"] = "two"
    with pytest.raises(BadSignature):
        cookies.get_signing_serializer(app).loads(signed)
    app.config["SECRET_KEY_FALLBACKS"] = ["one"]
    assert cookies.get_signing_serializer(app).loads(signed) == {"device": "a1"}


def test_the_session_cookie_reads_and_signs_as_flasks_own(tmp_path):
    # survey/security.py writes a session of plain strings without Flask's tagging walk and keeps the
    # derived signing key: the cookie is byte for byte what Flask's own interface writes, and each
    # reads the other's, tagged values included.
    import datetime as dt

    from flask.sessions import SecureCookieSessionInterface

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "k"})
    ours, flasks = app.session_interface.get_signing_serializer(app), SecureCookieSessionInterface().get_signing_serializer(app)
    sessions = [{"csrf_token": "a" * 40, "device": "b1", "sent-abc": "c2"}, {" t": "looks like a tag"}, {},
                {"when": dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc), "pair": ("x", "y"), "n": 3}]
    with app.app_context():
        for session in sessions:
            assert ours.serializer.dumps(session) == flasks.serializer.dumps(session)
            assert flasks.loads(ours.dumps(session)) == session == ours.loads(flasks.dumps(session))
        app.config["SECRET_KEY"] = "changed"  # the kept key follows the secret key
        with pytest.raises(Exception, match="does not match"):
            app.session_interface.get_signing_serializer(app).loads(ours.dumps(sessions[0]))
