"""Issue 23: the wall's moderation (only approved comments reach it, hidden ones never, every
decision audited), its JSON, the event stream (ids that resume, a restart answered with `sync`,
streams counted so they cannot take every thread) and the live banner."""
from __future__ import annotations

import json
import os
import re
import time

import pytest
from support.participate import make_session, valid_answer
from support.staff import add_staff, log_in

from survey.extensions import db
from survey.models import EvaluationSession, StaffUser
from survey.wall.hub import Hub
from survey.wall.models import WallAction, WallComment
from survey.wall.moderation import ModerationError, approved_comments, decide, sync_comments

_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:", re.I)


@pytest.fixture
def code(app, client):
    add_staff(app)
    log_in(client)
    with app.app_context():
        return make_session().code


def submit(client, app, code, **overrides):
    with app.app_context():
        session = db.session.scalar(db.select(EvaluationSession).where(EvaluationSession.code == code))
        data = valid_answer(session, **overrides)
    page = client.get(f"/s/{code}").get_data(as_text=True)
    data["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post(f"/s/{code}", data=data).status_code == 303


def comments(app, code) -> list[WallComment]:
    with app.app_context():
        session = db.session.scalar(db.select(EvaluationSession).where(EvaluationSession.code == code))
        sync_comments(session)
        found = db.session.scalars(db.select(WallComment).order_by(WallComment.id)).all()
        db.session.expunge_all()
        return found


def test_only_approved_comments_reach_the_wall_and_every_decision_is_audited(app, client, code):
    submit(client, app, code, problems="专利转化渠道不畅，联系人王经理电话13812345678。",
           suggestions="建议设立校企对接平台。")
    submit(client, app, code, problems="这条不该上墙。", suggestions="")
    made = comments(app, code)
    assert [c.status for c in made] == ["pending"] * 3
    assert "13812345678" not in made[0].text and "138****5678" in made[0].text  # masked before stored
    state = client.get(f"/staff/sessions/{code}/wall/state.json").get_json()
    assert state["total"] == 2 and state["comments"] == []

    token = re.search(r'name="csrf-token" content="([^"]+)"',
                      client.get(f"/staff/sessions/{code}/moderation").get_data(as_text=True)).group(1)
    post = lambda cid, action, **extra: client.post(  # noqa: E731
        f"/staff/sessions/{code}/moderation/{cid}", data={"action": action, "csrf_token": token, **extra},
        headers={"Accept": "application/json"})
    assert post(made[1].id, "approve").get_json()["ok"]
    assert post(made[2].id, "hide").get_json()["ok"]
    state = client.get(f"/staff/sessions/{code}/wall/state.json").get_json()
    assert [c["text"] for c in state["comments"]] == ["建议设立校企对接平台。"]
    wall = client.get(f"/staff/sessions/{code}/wall").get_data(as_text=True)
    assert "建议设立校企对接平台" in wall and "这条不该上墙" not in wall
    assert not _INLINE.findall(wall)

    # approve then hide: gone from the wall; a stale page's decision is refused
    assert post(made[1].id, "hide").get_json()["ok"]
    assert client.get(f"/staff/sessions/{code}/wall/state.json").get_json()["comments"] == []
    refused = post(made[0].id, "approve", version="99")
    assert refused.status_code == 409 and "其他工作人员" in refused.get_json()["message"]
    with app.app_context():
        log = [(a.comment_id, a.kind, a.before, a.after) for a in
               db.session.scalars(db.select(WallAction).order_by(WallAction.id))]
        assert log == [(made[1].id, "approve", "pending", "approved"), (made[2].id, "hide", "pending", "hidden"),
                       (made[1].id, "hide", "approved", "hidden")]
        assert all(a.user_id for a in db.session.scalars(db.select(WallAction)))


def test_an_achievement_is_a_comment_too(app, client, code):
    # 取得成效 is a written field like the other two: it reaches the queue, labelled, in the answer's order
    submit(client, app, code, achievements="专利质押融资办得快，企业受益明显。", problems="", suggestions="建议扩大试点。")
    made = comments(app, code)
    assert [(c.field, c.field_label) for c in made] == [("achievements", "取得成效"), ("suggestions", "意见建议")]
    assert made[0].text == "专利质押融资办得快，企业受益明显。"


def test_restore_and_repeat_are_rules_not_views(app, code):
    with app.app_context():
        session = db.session.scalar(db.select(EvaluationSession).where(EvaluationSession.code == code))
        session.responses.append(_answer())
        db.session.commit()
        sync_comments(session)
        user = db.session.scalar(db.select(StaffUser))
        first = approved_comments(session)
        assert first == []
        comment = db.session.scalar(db.select(WallComment))
        decide(session, comment.id, "hide", user)
        with pytest.raises(ModerationError, match="已隐藏"):
            decide(session, comment.id, "hide", user)
        decide(session, comment.id, "restore", user)
        assert comment.status == "pending" and approved_comments(session) == []
        with pytest.raises(ModerationError):
            decide(session, comment.id, "delete", user)


def _answer():
    from survey.models import Response

    return Response(submission_id="x1", organisation="甲单位", organisation_type="企业",
                    problems="审批时间太长。", suggestions="")


def test_pages_need_login_and_are_not_cached(app, client, code):
    client.post("/staff/logout", data={})
    anonymous = app.test_client()
    for url in (f"/staff/sessions/{code}/wall", f"/staff/sessions/{code}/moderation", "/staff/live/events?s=1"):
        assert anonymous.get(url).status_code in (302, 401), url
    page = client.get(f"/staff/sessions/{code}/moderation")
    assert page.headers["Cache-Control"] == "no-store" and not _INLINE.findall(page.get_data(as_text=True))


def read_events(body: str) -> list[tuple[str, str, dict]]:
    out = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            out.append((fields.get("id", ""), fields["event"], json.loads(fields["data"])))
    return out


def test_the_stream_announces_answers_and_resumes_from_its_last_id(app, client, code):
    app.config.update(LIVE_STREAM_SECONDS=0.3, LIVE_HEARTBEAT_SECONDS=0.1)
    with app.app_context():
        session_id = db.session.scalar(db.select(EvaluationSession.id).where(EvaluationSession.code == code))
    first = read_events(client.get(f"/staff/live/events?s={session_id}").get_data(as_text=True))
    assert first[0][1] == "sync"  # a first connection re-reads everything
    last_id = first[-1][0]
    submit(client, app, code)
    submit(client, app, code, problems="第二份")
    resumed = read_events(client.get(f"/staff/live/events?s={session_id}",
                                     headers={"Last-Event-ID": last_id}).get_data(as_text=True))
    answers = [e for e in resumed if e[1] == "answers"]
    assert resumed[0][1] == "hello" and len(answers) == 2 and answers[0][2]["session"] == session_id
    # an id from before a restart (another boot) is told to re-read everything
    restarted = read_events(client.get(f"/staff/live/events?s={session_id}",
                                       headers={"Last-Event-ID": "0000-5"}).get_data(as_text=True))
    assert restarted[0][1] == "sync" and not [e for e in restarted if e[1] == "answers"]
    # another session's answers are not sent
    other = read_events(client.get(f"/staff/live/events?s={session_id + 1}",
                                   headers={"Last-Event-ID": last_id}).get_data(as_text=True))
    assert not [e for e in other if e[1] == "answers"]


def test_an_open_stream_holds_no_database_connection(app, client, code):
    with app.app_context():
        session_id = db.session.scalar(db.select(EvaluationSession.id).where(EvaluationSession.code == code))
        pool = db.engine.pool
        db.session.remove()
    stream = client.get(f"/staff/live/events?s={session_id}", buffered=False)
    try:
        first = next(iter(stream.response))
        assert b"retry" in first
        assert pool.checkedout() == 0  # the stream is open, no connection held
        assert app.extensions["pingjia.live"].open_streams == 1
    finally:
        stream.close()
    assert app.extensions["pingjia.live"].open_streams == 0  # closing the response frees the slot


def test_streams_are_counted_and_released():
    hub = Hub(max_streams=2)
    assert hub.claim_stream() and hub.claim_stream() and not hub.claim_stream()
    body = hub.stream([1], None, heartbeat=0.01, lifetime=0.05)
    next(body)
    hub.publish("answers", 1)
    hub.publish("answers", 2)
    rest = "".join(body)
    assert rest.count("event: answers") == 1
    hub.release_stream()
    assert hub.claim_stream()


def test_a_full_hub_sends_pages_to_polling(app, client, code):
    app.config.update(LIVE_STREAMS_MAX=0)
    app.extensions.pop("pingjia.live", None)
    refused = client.get("/staff/live/events?s=1")
    assert refused.status_code == 503 and "自动刷新" in refused.get_data(as_text=True)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set")
def test_several_processes_share_events_through_redis(tmp_path):
    """Two apps stand for two server processes: an answer announced by one reaches the other's
    hub (its walls), whether or not the first has a page open itself."""
    import uuid

    from survey import create_app
    from survey.wall import events

    config = {"TESTING": True, "SECRET_KEY": "x", "REDIS_URL": REDIS_URL,
              "LIVE_CHANNEL": f"pingjia:live:test:{uuid.uuid4().hex}",
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.sqlite3'}"}
    first, second = create_app(dict(config)), create_app(dict(config))
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis does not answer: {exc}")
    with second.app_context():
        listening = events.hub()
        start = listening.latest()
    with first.app_context():
        events.publish("answers", 7)  # no hub in this process: sent only
        assert "pingjia.live" not in first.extensions
        events.hub()
        events.publish("comments", 7, comment=1, status="approved")  # its own hub, through Redis
    got = listening.wait(start, 3)
    deadline = time.monotonic() + 3
    while len(got) < 2 and time.monotonic() < deadline:
        got = listening.wait(got[-1].n if got else start, 1) and [e for e in listening._events if e.n > start]
    assert [(e.kind, e.session_id) for e in got] == [("answers", 7), ("comments", 7)]
    with first.app_context():
        mine = events.hub()
        assert [e.kind for e in mine.wait(0, 3)][-1:] == ["comments"]  # delivered back to its own hub too
    for app in (first, second):
        app.extensions["pingjia.live"].close()
