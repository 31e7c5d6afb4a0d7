"""Staff pages: login required everywhere, login/logout, session list and page, open/close,
the QR code and poster, and the create-session form's Chinese validation."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from support.staff import PLAN_ID, add_staff, csrf_token, log_in, make_session

from survey.extensions import db
from survey.models import EvaluationSession, Rating, Response
from survey.qr import qr_svg


@pytest.fixture
def staff(app, client):
    add_staff(app)
    assert log_in(client).status_code == 302
    return client


def get_session(code: str) -> EvaluationSession:
    return db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))


def staff_urls(app, code: str) -> list[tuple[str, str]]:
    """Every staff-blueprint URL with each method it accepts (found from the URL map, so a new
    page can't be forgotten here)."""
    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("staff."):
                values = {"code": code, "name": "summary.md"}
                path = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
                out += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


def test_every_staff_url_redirects_to_login_when_logged_out(app, client):
    code = make_session(app)
    urls = staff_urls(app, code)
    assert len(urls) >= 8
    app.config["WTF_CSRF_ENABLED"] = False  # so POSTs reach the login check, not the CSRF one
    for method, path in urls:
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/staff/login?next="), (method, path)



def test_every_staff_blueprint_registers_the_one_login_guard(app):
    """One guard (survey.guard.staff_only) for every blueprint behind the staff login, and the
    blueprints with it are the ones the larger form limits are for (survey.cleaning)."""
    from survey.cleaning import STAFF_BLUEPRINTS
    from survey.guard import staff_only

    guarded = {name for name, funcs in app.before_request_funcs.items() if staff_only in funcs}
    assert guarded == set(STAFF_BLUEPRINTS)
    assert {"auth", "participate"} <= set(app.blueprints) - guarded

def test_login_logout_and_safe_next(app, client):
    add_staff(app)
    bad = log_in(client, password="wrong horse")
    assert bad.status_code == 200 and "用户名或密码不正确" in bad.get_data(as_text=True)
    token = csrf_token(client, "/staff/login")
    ok = client.post("/staff/login?next=//evil.example/", data={
        "username": "amy", "password": "correct horse", "csrf_token": token})
    assert ok.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    token = csrf_token(client, "/staff/")
    out = client.post("/staff/logout", data={"csrf_token": token})
    assert out.headers["Location"] == "/staff/login"
    assert client.get("/staff/").status_code == 302


def test_the_front_page_sends_participants_to_their_qr_code_and_staff_to_the_login(app, client):
    page = client.get("/")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "扫描" in body and "二维码" in body and 'href="/staff/login"' in body
    add_staff(app)
    log_in(client)
    assert 'href="/staff/"' in client.get("/").get_data(as_text=True)


def test_login_follows_next_after_redirect(app, client):
    code = make_session(app)
    add_staff(app)
    first = client.get(f"/staff/sessions/{code}")
    login_url = first.headers["Location"]
    token = csrf_token(client, login_url)
    done = client.post(login_url, data={"username": "amy", "password": "correct horse", "csrf_token": token})
    assert done.headers["Location"] == f"/staff/sessions/{code}"


def test_session_list_shows_plan_form_date_status_and_count(app, staff):
    code = make_session(app, status="open")
    with app.app_context():
        s = get_session(code)
        db.session.add_all([Response(session=s, submission_id=str(i), organisation="泰山学院",
                                     organisation_type="高校/科研院所") for i in range(3)])
        db.session.commit()
    page = staff.get("/staff/").get_data(as_text=True)
    assert "知识产权规划评价座谈会" in page and f"/staff/sessions/{code}" in page
    assert "规划：泰安市“十四五”知识产权保护和运用规划" in page and "专题座谈会" in page and "2023-11-15 14:30" in page
    assert "开放填写" in page and "<strong>3</strong> 份" in page


def test_empty_session_list_says_what_to_do(staff):
    assert "还没有评价活动" in staff.get("/staff/").get_data(as_text=True)


def test_session_page_details_link_qr_and_roster(app, staff):
    code = make_session(app)
    page = staff.get(f"/staff/sessions/{code}").get_data(as_text=True)
    url = f"http://localhost/s/{code}"
    assert f'href="{url}"' in page
    assert str(qr_svg(url)) in page and '<svg viewBox="0 0 ' in page
    for text in ("专题座谈会", "泰安市市场监管局", "2023年11月15日 14:30", "一楼西会议室", "泰政办字〔2022〕22号",
                 "山东科技大学", "宋庆军", "山东鲁普科技有限公司", "草稿", "开放填写", "0</strong> 份意见"):
        assert text in page, text
    assert "live-update.js" not in page  # only open sessions update themselves


def test_latest_responses_newest_first_in_beijing_time(app, staff):
    code = make_session(app, status="open")
    with app.app_context():
        s = get_session(code)
        for i, org in enumerate(["泰山学院", "漱玉药业"]):
            db.session.add(Response(session=s, submission_id=org, organisation=org, organisation_type="企业",
                                    created_at=dt.datetime(2023, 11, 15, 6, 40 + i),
                                    ratings=[Rating(goal_id="creation", score=4)]))
        db.session.commit()
    page = staff.get(f"/staff/sessions/{code}").get_data(as_text=True)
    assert page.index("漱玉药业") < page.index("泰山学院")
    assert "2023-11-15 14:41" in page  # 06:41 UTC
    assert "<strong id=\"response-count\">2</strong>" in page and "live-update.js" in page
    assert 'http-equiv="refresh"' not in page  # a whole-page reload loses a reader's place


def test_open_and_close_need_post_and_csrf(app, staff):
    code = make_session(app)
    assert staff.get(f"/staff/sessions/{code}/open").status_code == 405
    assert staff.post(f"/staff/sessions/{code}/open").status_code == 400  # no CSRF token
    with app.app_context():
        assert get_session(code).status == "draft"
    token = csrf_token(staff, f"/staff/sessions/{code}")
    opened = staff.post(f"/staff/sessions/{code}/open", data={"csrf_token": token}, follow_redirects=True)
    assert "已开放填写" in opened.get_data(as_text=True) and "结束填写" in opened.get_data(as_text=True)
    with app.app_context():
        assert get_session(code).status == "open"
    staff.post(f"/staff/sessions/{code}/close", data={"csrf_token": token})
    with app.app_context():
        assert get_session(code).status == "closed"
    assert "重新开放填写" in staff.get(f"/staff/sessions/{code}").get_data(as_text=True)


def test_unknown_code_is_a_chinese_404(staff):
    response = staff.get("/staff/sessions/nosuchcode")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_poster_is_a4_with_qr_title_and_instructions(app, staff):
    code = make_session(app)
    page = staff.get(f"/staff/sessions/{code}/poster").get_data(as_text=True)
    assert str(qr_svg(f"http://localhost/s/{code}")) in page
    assert "知识产权规划评价座谈会" in page and "请用手机扫码填写评价问卷" in page and "微信" in page
    assert f"http://localhost/s/{code}" in page and "poster-page" in page
    with staff.get("/static/css/app.css") as response:
        css = response.get_data(as_text=True)
    assert re.search(r"@page\s*{\s*size:\s*A4", css)


def test_qr_svg_download(app, staff):
    code = make_session(app)
    response = staff.get(f"/staff/sessions/{code}/qr.svg")
    assert response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert body.startswith("<?xml") and 'xmlns="http://www.w3.org/2000/svg"' in body


def _form(**overrides) -> dict:
    data = {"plan": PLAN_ID, "title": "新的座谈会", "form": "专题座谈会", "organiser": "市场监管局",
            "starts_at": "2024-03-01T09:30", "place": "三楼会议室",
            "roster": "山东科技大学, 宋庆军, 高校\n泰盈科技集团股份有限公司，企业\n"}
    data.update(overrides)
    return data


def test_create_session_through_the_form(app, staff):
    make_session(app)  # loads the plan
    token = csrf_token(staff, "/staff/sessions/new")
    response = staff.post("/staff/sessions/new", data=_form(csrf_token=token))
    assert response.status_code == 302
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession).where(EvaluationSession.title == "新的座谈会"))
        assert response.headers["Location"] == f"/staff/sessions/{s.code}"
        assert (s.status, s.starts_at, s.place) == ("draft", dt.datetime(2024, 3, 1, 9, 30), "三楼会议室")
        assert [(e.organisation, e.person, e.organisation_type) for e in s.roster] == [
            ("山东科技大学", "宋庆军", "高校/科研院所"), ("泰盈科技集团股份有限公司", "", "企业")]


def test_create_session_errors_are_chinese_and_input_is_kept(app, staff):
    make_session(app)
    token = csrf_token(staff, "/staff/sessions/new")
    response = staff.post("/staff/sessions/new", data=_form(
        csrf_token=token, title="  ", plan="nope", form="茶话会", starts_at="下周一",
        roster="山东科技大学, 宋庆军, 高校\n某公司, 张三, 学校"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("请填写活动名称。", "请选择规划。", "请选择评价形式。", "请填写正确的日期和时间",
                    "第 2 行：类型“学校”不在可选范围内"):
        assert message in page, message
    assert "Not a valid" not in page and "This field" not in page
    assert 'value="市场监管局"' in page and 'value="三楼会议室"' in page and "某公司, 张三, 学校" in page
    with app.app_context():
        assert db.session.scalars(select(EvaluationSession)).all().__len__() == 1


def test_form_validates_directly(app):
    from survey.staff.forms import SessionForm

    with app.test_request_context(method="POST", data=_form()):
        form = SessionForm(plans=[(PLAN_ID, "规划")], meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.starts_at.data == dt.datetime(2024, 3, 1, 9, 30)
        assert len(form.roster_rows) == 2
    with app.test_request_context(method="POST", data=_form(starts_at="", organiser="")):
        form = SessionForm(plans=[(PLAN_ID, "规划")], meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"starts_at": ["请填写开始时间。"], "organiser": ["请填写组织实施单位。"]}


def test_new_session_page_warns_without_plans(staff):
    assert "pingjia load-plans" in staff.get("/staff/sessions/new").get_data(as_text=True)


def test_loopback_link_warns_and_public_base_url_fixes_it(app, staff):
    code = make_session(app)
    page = staff.get(f"/staff/sessions/{code}").get_data(as_text=True)
    assert "手机扫码无法访问" in page
    app.config["PUBLIC_BASE_URL"] = "http://192.168.1.20:5000/"
    page = staff.get(f"/staff/sessions/{code}").get_data(as_text=True)
    assert "手机扫码无法访问" not in page
    assert f'href="http://192.168.1.20:5000/s/{code}"' in page
    assert str(qr_svg(f"http://192.168.1.20:5000/s/{code}")) in page


def test_single_plan_is_preselected(app, staff):
    make_session(app)
    page = staff.get("/staff/sessions/new").get_data(as_text=True)
    assert f'<option selected value="{PLAN_ID}">' in page
