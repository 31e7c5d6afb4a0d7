"""Open sessions that cannot be flooded (issue 21 item 5): the same text again from one device or
address counts once, one session takes a bounded share of an address (a Chinese 429 that keeps
the text), the cap holds under simultaneous submits on both databases, and an anonymous
session never stores an organisation posted to it."""
from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select
from support.participate import BUSINESS_PLAN_FILE, csrf_token, make_session, two_apps_on_redis, valid_answer

from survey.answers import rating_field_name
from survey.extensions import db
from survey.models import EvaluationSession, Response

TEXT = "网上办事流程还是太复杂，材料要反复提交，希望能一次办好。"


def answer(app, code: str, client, address: str = "203.0.113.7", **overrides):
    """One submit as a script sends it: the form opened, a fresh submission id every time."""
    env = {"REMOTE_ADDR": address}
    token = csrf_token(client.get(f"/s/{code}", environ_base=env).get_data(as_text=True))
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=code))
        data = valid_answer(session, csrf_token=token, submission_id=str(uuid.uuid4()), **overrides)
    return client.post(f"/s/{code}", data=data, environ_base=env)


def stored(app, code: str) -> list[Response]:
    with app.app_context():
        return list(db.session.scalars(select(Response).join(EvaluationSession).where(EvaluationSession.code == code)))


def test_the_same_text_from_one_device_is_stored_once(app, open_code):
    phone = app.test_client()
    first = answer(app, open_code, phone, problems="无", suggestions="")  # short texts too, from one device
    assert first.status_code == 303
    for _ in range(5):
        again = answer(app, open_code, phone, problems="无", suggestions="")
        assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"] + "?again=1"
    assert len(stored(app, open_code)) == 1
    page = phone.get(again.headers["Location"]).get_data(as_text=True)
    assert "本次重复提交没有再次保存" in page
    assert answer(app, open_code, phone, problems="另一条意见").status_code == 303  # a new text is new
    assert len(stored(app, open_code)) == 2
    # A phone passed round the table: the next person's "无" with other ratings is theirs.
    with app.app_context():
        goals = [g.id for g in db.session.scalar(select(EvaluationSession).filter_by(code=open_code)).plan.definition.goals]
    other = {rating_field_name(g): "1" for g in goals}
    assert answer(app, open_code, phone, problems="无", suggestions="", **other).status_code == 303
    assert len(stored(app, open_code)) == 3


def test_the_same_text_from_one_address_is_stored_once_but_short_answers_are_not_compared(app, open_code):
    for _ in range(4):  # a script without cookies: a new "device" every time
        assert answer(app, open_code, app.test_client(), problems=TEXT).status_code == 303
    assert len(stored(app, open_code)) == 1
    # Punctuation and spacing changed by the script do not make another answer.
    assert answer(app, open_code, app.test_client(), problems=TEXT.replace("，", " , ")).status_code == 303
    assert len(stored(app, open_code)) == 1
    # Two people behind the venue's Wi-Fi may both write "无": both kept.
    for _ in range(2):
        assert answer(app, open_code, app.test_client(), problems="无", suggestions="").status_code == 303
    assert len(stored(app, open_code)) == 3
    # The same sentence from another address and device is another person's.
    assert answer(app, open_code, app.test_client(), address="198.51.100.4", problems=TEXT).status_code == 303
    assert len(stored(app, open_code)) == 4


def test_racing_copies_of_one_text_store_one(app, open_code):
    results = []

    def script():
        results.append(answer(app, open_code, app.test_client(), problems=TEXT).status_code)

    threads = [threading.Thread(target=script) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [303] * 6
    assert len(stored(app, open_code)) == 1


def test_one_session_takes_a_bounded_share_of_an_address(app, open_code):
    app.config["SUBMIT_SESSION_ADDRESS_LIMIT"] = "3 per minute"
    for n in range(3):
        assert answer(app, open_code, app.test_client(), problems=f"第{n}条意见，关于审批时限").status_code == 303
    kept = "第四条意见：这段文字不能丢。"
    r = answer(app, open_code, app.test_client(), problems=kept)
    html = r.get_data(as_text=True)
    assert r.status_code == 429 and "提交的问卷过多" in html and "分钟后" in html and kept in html
    assert len(stored(app, open_code)) == 3
    with app.app_context():
        other = make_session("open").code
    assert answer(app, other, app.test_client(), problems=kept).status_code == 303  # another session
    assert answer(app, open_code, app.test_client(), address="198.51.100.4",
                  problems=kept).status_code == 303  # another address


@pytest.mark.parametrize("path", ["grouped", "one by one"])
def test_sixty_simultaneous_submits_against_a_cap_of_twenty_store_twenty(app, open_code, monkeypatch, path):
    # "grouped": as served (on SQLite several phones' answers to one commit, writers.py, which
    # meets the cap mid-batch). "one by one": without the writers' turn, as separate servers
    # would be: the database itself must hold the cap.
    from survey.answers import store_response
    from survey.participate import routes, writers

    if path == "one by one":
        monkeypatch.setattr(routes, "store_answer", lambda session, form, cap: store_response(session, form, cap=cap))
    monkeypatch.setattr(writers, "BATCH_MAX", 3)  # full batches, more answers waiting than one takes
    app.config.update(SESSION_RESPONSE_MAX=20, RATELIMIT_ENABLED=True, SQLITE_BUSY_TIMEOUT_SECONDS=30)
    phones = [app.test_client() for _ in range(60)]
    tokens = [csrf_token(p.get(f"/s/{open_code}").get_data(as_text=True)) for p in phones]
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        bodies = [valid_answer(session, csrf_token=token, problems=f"第{n}位参会人员的意见")
                  for n, token in enumerate(tokens)]
    app.config["SUBMIT_SESSION_ADDRESS_LIMIT"] = "1000 per minute"
    barrier, statuses = threading.Barrier(60), []

    def submit(n: int) -> None:
        barrier.wait()
        statuses.append(phones[n].post(f"/s/{open_code}", data=bodies[n]).status_code)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(stored(app, open_code)) == 20, sorted(statuses)
    assert sorted(statuses) == [303] * 20 + [403] * 40


def test_a_retry_after_the_cap_is_reached_still_finds_its_answer(app, open_code):
    app.config["SESSION_RESPONSE_MAX"] = 1
    phone = app.test_client()
    token = csrf_token(phone.get(f"/s/{open_code}").get_data(as_text=True))
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=token)
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303
    assert phone.post(f"/s/{open_code}", data=data).status_code == 303  # the same submit: its thanks page
    assert answer(app, open_code, app.test_client(), problems="另一条").status_code == 403


def test_an_anonymous_session_never_stores_a_posted_organisation(app):
    with app.app_context():
        code = make_session(anonymous=True, plan_file=BUSINESS_PLAN_FILE).code
    r = answer(app, code, app.test_client(), organisation="泰安市某某有限公司 张三", organisation_type="")
    assert r.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)
                                 .where(Response.organisation != "")) == 0
    assert [x.organisation for x in stored(app, code)] == [""]


def test_repeats_are_recognised_across_processes_through_redis(tmp_path):
    # With PINGJIA_REDIS_URL the claims live in Redis, shared by every server process: two apps
    # (two processes' worth of memory) on one database store the text once.
    import redis
    from flask_migrate import upgrade

    first, second, url, prefix = two_apps_on_redis(tmp_path)
    with first.app_context():
        upgrade()
        code = make_session("open").code
    for app in (first, second):
        assert answer(app, code, app.test_client(), problems=TEXT).status_code == 303
    assert len(stored(first, code)) == 1
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"*{prefix}*"))
    assert any(b"/repeat/" in k for k in keys)
    client.delete(*keys)
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
