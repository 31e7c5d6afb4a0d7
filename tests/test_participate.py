"""The participant survey over HTTP: store once, never lose typed text, Chinese pages."""
from __future__ import annotations

import datetime as dt
import re
import threading
import uuid

import pytest
from sqlalchemy import func, select
from support.participate import ROSTER, csrf_token, goal_ids, make_session, valid_answer

from survey.answers import rating_field_name, store_response, survey_form_class
from survey.extensions import db
from survey.models import ORG_TYPES, EvaluationSession, Rating, Response
from survey.participate.routes import EXPIRED_MESSAGE


def checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input checked [^>]*name="{name}" [^>]*value="([^"]*)"', html)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def open_session(app):
    with app.app_context():
        s = make_session("open")
        return s.code, goal_ids(s)


def form_page(client, code) -> str:
    r = client.get(f"/s/{code}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def submit(client, app, code, **overrides):
    token = csrf_token(form_page(client, code))
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=code))
        data = valid_answer(session, **{"csrf_token": token, **overrides})
    return data, client.post(f"/s/{code}", data=data)


def test_form_page_lists_goals_types_and_roster(client, app, open_session):
    code, ids = open_session
    html = form_page(client, code)
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=code))
        for goal in session.plan.definition.goals:
            assert goal.name in html and goal.description in html
    for org_type in ORG_TYPES:
        assert f'value="{org_type}"' in html
    for organisation, _ in ROSTER:
        assert f'<option value="{organisation}"' in html
    assert 'aria-hidden' in html and "5 很好" not in html  # label split into number and word
    assert "<b>5</b><small>很好</small>" in html and ">不了解<" in html
    assert 'name="submission_id" type="hidden" value="' in html  # no-JS fallback id
    assert 'maxlength="2000"' in html and 'maxlength="200"' in html


def test_happy_path_stores_response_and_ratings(client, app, open_session):
    code, ids = open_session
    data, r = submit(client, app, code)
    assert r.status_code == 303
    assert r.location.endswith(f"/s/{code}/thanks/{data['submission_id']}")
    thanks = client.get(r.location)
    assert thanks.status_code == 200 and "提交成功" in thanks.get_data(as_text=True)
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert count(Response) == 1
        assert response.organisation == "山东科技大学"
        assert response.organisation_type == "高校/科研院所"
        assert response.problems == data["problems"] and response.suggestions == data["suggestions"]
        scores = {r.goal_id: r.score for r in response.ratings}
        assert list(scores) == ids
        assert scores[ids[0]] == 5 and scores[ids[1]] == 4
        assert scores[ids[-1]] is None  # 不了解


def test_missing_fields_show_chinese_errors_and_keep_typed_text(client, app, open_session):
    code, ids = open_session
    typed = "专利<转化>渠道不畅，企业找不到合适的成果。"
    _, r = submit(client, app, code, organisation_type="", problems=typed,
                  **{rating_field_name(ids[2]): ""})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "请选择单位类型。" in html
    assert "还有 2 处需要补充或修改" in html
    assert "专利&lt;转化&gt;渠道不畅，企业找不到合适的成果。" in html  # kept, escaped
    assert 'value="山东科技大学"' in html
    assert checked(html, rating_field_name(ids[0])) == ["5"]
    assert checked(html, rating_field_name(ids[2])) == []
    assert EXPIRED_MESSAGE not in html
    with app.app_context():
        assert count(Response) == 0


def test_same_submission_twice_stores_one_and_shows_same_thanks(client, app, open_session):
    code, _ = open_session
    data, first = submit(client, app, code)
    second = client.post(f"/s/{code}", data=data)
    assert first.status_code == second.status_code == 303
    assert second.location == first.location + "?again=1"
    assert "没有再次保存" in client.get(second.location).get_data(as_text=True)
    assert "没有再次保存" not in client.get(first.location).get_data(as_text=True)
    with app.app_context():
        assert count(Response) == 1 and count(Rating) == len(goal_ids(
            db.session.scalar(select(EvaluationSession))))


def test_changed_answer_under_a_stored_id_is_kept_and_asked_about(client, app, open_session):
    """Back, edit, resubmit: neither dropped silently nor stored twice without asking."""
    code, _ = open_session
    data, first = submit(client, app, code)
    edited = {**data, "problems": "补充：专利质押融资门槛高。"}
    r = client.post(f"/s/{code}", data=edited)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "尚未保存" in html and data["submission_id"][:8] in html
    assert "补充：专利质押融资门槛高。" in html
    new_id = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    assert new_id != data["submission_id"]
    with app.app_context():
        assert count(Response) == 1
    again = client.post(f"/s/{code}", data={**edited, "submission_id": new_id})
    assert again.status_code == 303 and again.location.endswith(new_id)
    with app.app_context():
        assert count(Response) == 2


def test_a_resend_with_one_rating_changed_is_asked_about_not_taken_for_a_retry(client, app, open_session):
    # The stored ratings are read on the phone's own connection (same_answer with reads.rows): a
    # rating changed under the stored id is a changed answer; the same one again is the retry.
    code, ids = open_session
    data, _ = submit(client, app, code)
    field = rating_field_name(ids[0])
    changed = {**data, field: "1" if data[field] != "1" else "2"}
    r = client.post(f"/s/{code}", data=changed)
    assert r.status_code == 200 and "尚未保存" in r.get_data(as_text=True)
    assert client.post(f"/s/{code}", data=data).status_code == 303
    with app.app_context():
        assert count(Response) == 1


def test_without_js_the_form_hands_out_the_stored_id_until_asked_for_a_new_one(
        client, app, open_session):
    code, _ = open_session
    data, _ = submit(client, app, code)
    hidden = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')
    assert hidden.search(form_page(client, code)).group(1) == data["submission_id"]
    fresh = client.get(f"/s/{code}?new=1").get_data(as_text=True)
    assert hidden.search(fresh).group(1) != data["submission_id"]
    assert f'/s/{code}?new=1' in client.get(f"/s/{code}/thanks/{data['submission_id']}").get_data(as_text=True)


def test_concurrent_copies_of_one_submit_store_one(app, open_session):
    code, _ = open_session
    first = app.test_client()
    token = csrf_token(form_page(first, code))
    with app.app_context():
        data = valid_answer(db.session.scalar(select(EvaluationSession)), csrf_token=token)
    cookie = first.get_cookie("session")
    statuses, barrier = [], threading.Barrier(6)

    def post():
        c = app.test_client()
        c.set_cookie("session", cookie.value)
        barrier.wait()
        statuses.append(c.post(f"/s/{code}", data=data).status_code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [303] * 6
    with app.app_context():
        assert count(Response) == 1


def test_store_response_returns_the_existing_row_on_unique_conflict(app, open_session):
    """The look-up before storing is skipped here, so the IntegrityError path runs."""
    code, _ = open_session
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession))
        data = valid_answer(session)
    app.config["WTF_CSRF_ENABLED"] = False
    created_flags = []
    for _ in range(2):
        with app.test_request_context(f"/s/{code}", method="POST", data=data):
            session = db.session.scalar(select(EvaluationSession))
            form = survey_form_class(session.plan.definition.goals)()
            assert form.validate(), form.errors
            stored, created = store_response(session, form)
            assert stored.submission_id == data["submission_id"]
            created_flags.append(created)
    assert created_flags == [True, False]
    with app.app_context():
        assert count(Response) == 1


@pytest.mark.parametrize("token", ["garbage", ""])
def test_bad_csrf_token_rerenders_with_text_and_stores_nothing(client, app, open_session, token):
    app.config["WTF_CSRF_ENABLED"] = True
    code, _ = open_session
    _, r = submit(client, app, code, csrf_token=token, problems="评估人才匮乏。")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert EXPIRED_MESSAGE in html
    assert "评估人才匮乏。" in html and 'value="山东科技大学"' in html
    assert csrf_token(html)  # a fresh token, so the next tap goes through
    with app.app_context():
        assert count(Response) == 0


def test_lost_server_session_rerenders_and_then_stores(app, open_session):
    """The phone slept, the session cookie is gone: the resubmit from the page works."""
    app.config["WTF_CSRF_ENABLED"] = True
    code, _ = open_session
    old = app.test_client()
    token = csrf_token(form_page(old, code))
    with app.app_context():
        data = valid_answer(db.session.scalar(select(EvaluationSession)), csrf_token=token)
    fresh = app.test_client()  # no cookie
    r = fresh.post(f"/s/{code}", data=data)
    assert r.status_code == 200 and EXPIRED_MESSAGE in r.get_data(as_text=True)
    retry = fresh.post(f"/s/{code}", data={**data, "csrf_token": csrf_token(r.get_data(as_text=True))})
    assert retry.status_code == 303
    with app.app_context():
        assert count(Response) == 1


def test_closed_session_page(client, app):
    with app.app_context():
        code = make_session("closed").code
    r = client.get(f"/s/{code}")
    assert r.status_code == 200 and "本次评价已结束" in r.get_data(as_text=True)


def test_post_to_closed_session_shows_typed_text_read_only(client, app):
    with app.app_context():
        session = make_session("closed")
        code, data = session.code, valid_answer(session, problems="代理机构规模小。")
    r = client.post(f"/s/{code}", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "本次评价已结束" in html and "未能提交" in html
    assert "代理机构规模小。" in html and "readonly" in html
    with app.app_context():
        assert count(Response) == 0


def test_retry_after_session_closed_still_gets_thanks(client, app, open_session):
    code, _ = open_session
    data, first = submit(client, app, code)
    with app.app_context():
        db.session.scalar(select(EvaluationSession)).status = "closed"
        db.session.commit()
    again = client.post(f"/s/{code}", data=data)
    assert again.status_code == 303 and again.location == first.location + "?again=1"


def test_draft_session_has_not_started(client, app):
    with app.app_context():
        code = make_session("draft").code
    r = client.get(f"/s/{code}")
    assert r.status_code == 200 and "评价尚未开始" in r.get_data(as_text=True)
    assert 'id="survey-form"' not in r.get_data(as_text=True)


def test_unknown_session_is_a_chinese_404(client):
    r = client.get("/s/nosuchcode")
    assert r.status_code == 404 and "未找到该评价" in r.get_data(as_text=True)


def test_unknown_thanks_is_a_chinese_404(client, open_session):
    code, _ = open_session
    r = client.get(f"/s/{code}/thanks/{uuid.uuid4()}")
    assert r.status_code == 404 and "未找到提交记录" in r.get_data(as_text=True)


def test_too_long_text_is_refused_and_kept(client, app, open_session):
    code, _ = open_session
    long_text = "专" * 2500
    _, r = submit(client, app, code, suggestions=long_text)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "已输入 2500 字，超过上限 2000 字" in html
    assert long_text in html
    with app.app_context():
        assert count(Response) == 0


def test_over_limit_body_gets_a_page_about_the_saved_draft(client, app, open_session):
    code, _ = open_session
    _, r = submit(client, app, code, problems="长" * 30000)  # ~270 KB url-encoded
    html = r.get_data(as_text=True)
    assert r.status_code == 413
    assert "本机浏览器" in html and f'href="/s/{code}"' in html
    with app.app_context():
        assert count(Response) == 0


def test_thanks_page_shows_beijing_time(client, app, open_session):
    code, _ = open_session
    data, r = submit(client, app, code)
    with app.app_context():
        response = db.session.scalar(select(Response))
        response.created_at = dt.datetime(2023, 11, 15, 7, 5)  # UTC
        db.session.commit()
    assert "2023-11-15 15:05（北京时间）" in client.get(r.location).get_data(as_text=True)


def test_code_typed_in_capitals_still_opens_the_form(client, open_session):
    code, _ = open_session
    assert client.get(f"/s/{code.upper()}").status_code == 200
