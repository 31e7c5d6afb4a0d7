"""Participants: a per-address rate and a per-session cap far above a real round-table, each
answered by a Chinese page that keeps what was typed; security headers on every response; the
host in participant links and QR codes never taken from an untrusted Host header."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.participate import csrf_token, make_session, two_apps_on_redis, valid_answer
from support.staff import add_staff, log_in

from survey.extensions import db
from survey.models import EvaluationSession, Response
from survey.security import HEADERS

VENUE_WIFI = "203.0.113.7"  # every phone in the room shares the venue's public address


def phone_submits(app, code: str, address: str = VENUE_WIFI, **overrides):
    """A phone's answer; each its own text unless given (the same text again counts once)."""
    overrides.setdefault("problems", f"第{uuid.uuid4().hex[:6]}号意见：材料要求不清楚。")
    phone = app.test_client()
    env = {"REMOTE_ADDR": address}
    token = csrf_token(phone.get(f"/s/{code}", environ_base=env).get_data(as_text=True))
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=code))
        data = valid_answer(session, csrf_token=token, **overrides)
    return data, phone.post(f"/s/{code}", data=data, environ_base=env)


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_the_count_the_cap_reads_follows_every_way_answers_come_and_go(app, open_code):
    # The cap's check reads the session's answer_count, which the database keeps (triggers on
    # response, migration 9e4d2c7a1b60): from phones (a resend counted once), the staff's paper
    # entry, a row written in SQL (an import), a deletion and an answer moved to another session.
    from werkzeug.datastructures import MultiDict

    from survey.answers import session_form_class, store_response

    def counts() -> list[tuple[int, int, int]]:
        """(session id, its answer_count, its answers counted)."""
        with app.app_context():
            real = dict(db.session.execute(select(Response.session_id, func.count()).group_by(Response.session_id)).all())
            kept = db.session.execute(select(EvaluationSession.id, EvaluationSession.answer_count)
                                      .order_by(EvaluationSession.id)).all()
            return [(i, n, real.get(i, 0)) for i, n in kept]

    data, response = phone_submits(app, open_code)
    assert response.status_code == 303
    with app.test_request_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        other = make_session("open")
        form = session_form_class(session)(formdata=MultiDict(data), meta={"csrf": False})
        assert form.validate()
        assert store_response(session, form)[1] is False  # the phone's answer sent again: stored once
        form = session_form_class(session)(formdata=MultiDict({**data, "submission_id": str(uuid.uuid4())}),
                                           meta={"csrf": False})
        assert form.validate() and store_response(session, form, "纸质")[1] is True
        ids = list(db.session.scalars(select(Response.id).where(Response.session_id == session.id)))
        other_id = other.id
    assert counts() == [(session.id, 2, 2), (other_id, 0, 0)]
    with app.app_context():
        db.session.execute(Response.__table__.insert().values(
            session_id=other_id, submission_id="import-1", organisation="甲", organisation_type="企业",
            problems="导入的意见", suggestions="", source="导入", is_demo=False,
            created_at=func.now(), updated_at=func.now()))
        db.session.execute(Response.__table__.update().where(Response.id == ids[0]).values(session_id=other_id))
        db.session.execute(Response.__table__.delete().where(Response.id == ids[1]))
        db.session.commit()
    assert counts() == [(session.id, 0, 0), (other_id, 2, 2)]


def test_thirty_phones_behind_one_wifi_address_all_get_through(app, open_code):
    for n in range(30):
        _, r = phone_submits(app, open_code, organisation=f"单位{n}")
        assert r.status_code == 303, (n, r.status_code)
    assert stored(app) == 30


def test_one_address_storing_too_fast_gets_its_form_back(app, open_code):
    app.config["SUBMIT_ADDRESS_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert phone_submits(app, open_code)[1].status_code == 303
    data, r = phone_submits(app, open_code, problems="第四份意见：这段文字不能丢。")
    html = r.get_data(as_text=True)
    assert r.status_code == 429
    assert "提交的问卷过多" in html and "分钟后" in html and "再点击“提交”" in html
    assert "第四份意见：这段文字不能丢。" in html and data["submission_id"] in html
    assert stored(app) == 3
    assert phone_submits(app, open_code, address="198.51.100.1")[1].status_code == 303  # others unaffected


def test_retries_and_invalid_posts_do_not_use_up_the_rate(app, open_code):
    app.config["SUBMIT_ADDRESS_LIMIT"] = "2 per minute"
    data, first = phone_submits(app, open_code)
    phone = app.test_client()
    env = {"REMOTE_ADDR": VENUE_WIFI}
    for _ in range(3):  # the same answer sent again: a retry, nothing new stored
        assert phone.post(f"/s/{open_code}", data=data, environ_base=env).status_code == 303
    for _ in range(3):  # a form with a mistake comes back with its message
        assert phone_submits(app, open_code, organisation="")[1].status_code == 200
    assert phone_submits(app, open_code)[1].status_code == 303
    assert stored(app) == 2


def test_a_full_session_says_so_and_shows_the_text(app, open_code):
    app.config["SESSION_RESPONSE_MAX"] = 2
    for _ in range(2):
        assert phone_submits(app, open_code)[1].status_code == 303
    _, r = phone_submits(app, open_code, address="198.51.100.9", problems="第三份：请交给会务人员。")
    html = r.get_data(as_text=True)
    assert r.status_code == 403 and "本次评价已收满" in html and "第三份：请交给会务人员。" in html
    assert stored(app) == 2


def test_default_rate_stops_a_flood_from_one_address(app, open_code):
    # The defaults are far above a round-table (see the thirty-phone test) but not unlimited:
    # one session takes at most its share from one address, the address may still answer others.
    limit = int(re.match(r"(\d+) per minute", app.config["SUBMIT_SESSION_ADDRESS_LIMIT"]).group(1))
    assert 30 < limit < int(re.match(r"(\d+) per minute", app.config["SUBMIT_ADDRESS_LIMIT"]).group(1))
    codes = []
    for _ in range(limit + 1):
        codes.append(phone_submits(app, open_code, address="192.0.2.50")[1].status_code)
    assert codes[:limit] == [303] * limit and codes[-1] == 429
    assert stored(app) == limit
    with app.app_context():
        other = make_session("open").code
    assert phone_submits(app, other, address="192.0.2.50")[1].status_code == 303


# --- security headers ------------------------------------------------------------------------

def test_security_headers_on_every_kind_of_response(app, client, open_code):
    add_staff(app)
    responses = [client.get(f"/s/{open_code}"), client.get("/s/nosuch"), client.get("/staff/"),
                 client.get("/staff/login"), client.get("/static/css/app.css"),
                 client.post(f"/s/{open_code}", data={"problems": "字" * 40_000})]
    for r in responses:
        r.close()
        for name, value in HEADERS.items():
            assert r.headers.get(name) == value, (r.status_code, name)
    csp = HEADERS["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# A <style> with a nonce is the report page's own stylesheet, allowed per response (security.py).
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b(?![^>]*\bnonce=)|javascript:",
                     re.I)


def test_a_header_the_view_set_is_kept_and_the_others_added_once(app):
    # add_security_headers adds each header unless present in any case (the report page sets its own CSP).
    from survey.security import add_security_headers

    with app.test_request_context("/"):
        response = app.response_class("x", headers={"content-security-policy": "default-src 'none'"})
        add_security_headers(response)
        add_security_headers(response)
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    for name, value in HEADERS.items():
        assert len(response.headers.getlist(name)) == 1
        assert name == "Content-Security-Policy" or response.headers[name] == value


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(path):
    assert not _INLINE.findall(path.read_text(encoding="utf-8"))


def test_rendered_staff_pages_have_no_inline_script_or_style(app, client):
    from support.staff import make_session as make_staff_session

    add_staff(app)
    log_in(client)
    code = make_staff_session(app, status="open")
    for url in ("/staff/", f"/staff/sessions/{code}", f"/staff/sessions/{code}/poster",
                "/staff/sessions/new", f"/s/{code}"):
        html = client.get(url).get_data(as_text=True)
        assert not _INLINE.findall(html), url


# --- the host in participant links -------------------------------------------------------------

@pytest.fixture
def staff_code(app, client):
    from support.staff import make_session as make_staff_session

    add_staff(app)
    log_in(client)
    return make_staff_session(app, status="open")


def get_as(client, url: str, host: str):
    """GET with another Host header, still logged in (the test client keys cookies by host)."""
    client.set_cookie("session", client.get_cookie("session").value, domain=host.partition(":")[0])
    return client.get(url, environ_overrides={"HTTP_HOST": host})


def test_untrusted_host_header_is_never_reflected(app, client, staff_code):
    for url in (f"/staff/sessions/{staff_code}", f"/staff/sessions/{staff_code}/poster",
                f"/staff/sessions/{staff_code}/qr.svg"):
        r = get_as(client, url, "evil.example")
        assert r.status_code == 200 and b"evil.example" not in r.data, url
    page = get_as(client, f"/staff/sessions/{staff_code}", "localhost:5000")
    assert f"http://localhost:5000/s/{staff_code}" in page.get_data(as_text=True)


def test_public_base_url_decides_the_link(app, client, staff_code):
    app.config["PUBLIC_BASE_URL"] = "https://pingjia.example.gov.cn/"
    html = get_as(client, f"/staff/sessions/{staff_code}", "evil.example").get_data(as_text=True)
    assert f"https://pingjia.example.gov.cn/s/{staff_code}" in html and "evil.example" not in html


def test_trusted_hosts_refuse_other_hosts(app, client, staff_code):
    app.config["TRUSTED_HOSTS"] = ["pingjia.example.gov.cn", "localhost"]
    refused = get_as(client, f"/staff/sessions/{staff_code}", "evil.example")
    assert refused.status_code == 400 and "请求有误" in refused.get_data(as_text=True)
    assert b"evil.example" not in refused.data
    html = get_as(client, f"/staff/sessions/{staff_code}", "pingjia.example.gov.cn").get_data(as_text=True)
    assert f"http://pingjia.example.gov.cn/s/{staff_code}" in html


def test_throttling_can_be_turned_off_for_a_load_test(tmp_path):
    from flask_migrate import upgrade

    from survey import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "RATELIMIT_ENABLED": False,
                      "SUBMIT_ADDRESS_LIMIT": "1 per minute",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'off.sqlite3'}"})
    with app.app_context():
        upgrade()
        code = make_session("open").code
    for _ in range(3):
        assert phone_submits(app, code)[1].status_code == 303
    assert stored(app) == 3
    with app.app_context():
        db.engine.dispose()


def test_submit_limits_count_in_memory_when_their_storage_is_gone(tmp_path):
    # The submit limits are Pingjia's own check on the limiter's storage (throttle.SubmitLimits): with
    # Redis unreachable mid-meeting, answers are still stored and still limited, counted in memory.
    from flask_migrate import upgrade

    from survey import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SUBMIT_ADDRESS_LIMIT": "2 per minute",
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",  # nothing listens there
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'gone.sqlite3'}"})
    with app.app_context():
        upgrade()
        code = make_session("open").code
    assert [phone_submits(app, code)[1].status_code for _ in range(3)] == [303, 303, 429]
    assert phone_submits(app, code, address="198.51.100.2")[1].status_code == 303  # others unaffected
    assert stored(app) == 3
    with app.app_context():
        db.engine.dispose()


def test_submit_limits_are_shared_by_every_process_through_redis(tmp_path):
    # With Redis the submit limits' counts (throttle.SubmitLimits on the limiter's storage) are shared:
    # two apps, two processes' worth of memory, together store no more than the limit from one address.
    import redis
    from flask_migrate import upgrade

    first, second, url, prefix = two_apps_on_redis(tmp_path, SUBMIT_ADDRESS_LIMIT="3 per minute")
    with first.app_context():
        upgrade()
        code = make_session("open").code
    codes = [phone_submits(app, code)[1].status_code for app in (first, second, first, second)]
    assert codes == [303, 303, 303, 429] and stored(first) == 3
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"*{prefix}*"))
    assert any(b"submit-addr:" in k and b"participate.survey" in k for k in keys)
    client.delete(*keys)
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_every_staff_page_and_download_is_no_store(app, client):
    # issue 17: the session page and the review workspace show participants' text and had no
    # Cache-Control, so a shared computer's browser kept a copy after logout.
    from support.report import make_evaluation

    code = make_evaluation(app)
    add_staff(app)
    assert client.get("/staff/login").headers.get("Cache-Control") == "no-store"
    log_in(client)
    staff_pages = ["/staff/", f"/staff/sessions/{code}", f"/staff/sessions/{code}/poster",
                    f"/staff/evaluations/{code}/review", f"/staff/evaluations/{code}/review/themes",
                    f"/staff/reports/{code}", f"/staff/reports/{code}/export.xlsx",
                    f"/staff/sessions/{code}/import", f"/staff/sessions/{code}/paper"]
    for url in staff_pages:
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers.get("Cache-Control") == "no-store", url
        assert "ETag" not in r.headers and "Last-Modified" not in r.headers, url
    static = client.get("/static/css/app.css")
    static.close()
    assert static.headers.get("Cache-Control") != "no-store"
