"""Input from outside is cleaned once at the edge (survey.cleaning) and checked against one
length constant per field (survey.limits, analysis.plan): NUL, control characters and lone
surrogates never reach the database (PostgreSQL refuses them with a 500), nothing typed is lost,
and over-long values get a Chinese message, never a traceback. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from support.participate import csrf_token as page_token
from support.participate import valid_answer
from support.staff import add_staff, csrf_token, log_in, make_session

from survey.cleaning import clean_text
from survey.extensions import db
from survey.limits import ROSTER_MAX
from survey.models import EvaluationSession, Response, RosterEntry

NASTY = "\x00\x01\x07\x1b\x7f"  # a lone surrogate cannot travel over HTTP; see the CLI test


def test_clean_text_keeps_text_and_line_breaks():
    assert clean_text("单位\x00名称\r\n第二行\t制表\x1b\ud83d") == "单位名称\r\n第二行\t制表"
    assert clean_text("😀 普通文本") == "😀 普通文本"


def test_nul_in_every_participant_field_is_stripped_and_the_answer_stored(app, client, open_code):
    token = page_token(client.get(f"/s/{open_code}").get_data(as_text=True))
    sid = str(uuid.uuid4())
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=token, submission_id=sid + "\x00",
                            organisation="山东\x00科技大学", problems="专利\x00转化难" + NASTY,
                            suggestions="\x00建立平台")
    r = client.post(f"/s/{open_code}", data=data)
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    with app.app_context():
        stored = db.session.scalar(select(Response))
        assert (stored.submission_id, stored.organisation, stored.problems, stored.suggestions) == (
            sid, "山东科技大学", "专利转化难", "建立平台")


def test_nul_in_survey_url_parts_is_a_404_not_a_500(app, client, open_code):
    assert client.get("/s/%00").status_code == 404
    assert client.post("/s/%00", data={"organisation": "x"}).status_code == 404
    assert client.get(f"/s/{open_code}/thanks/%00").status_code == 404
    assert client.get(f"/s/{open_code}?new=%00").status_code == 200


def test_nul_in_login_username_and_next_is_a_normal_failure(app, client):
    add_staff(app)
    token = csrf_token(client, "/staff/login")
    r = client.post("/staff/login?next=%00", data={"username": "amy\x00x", "password": "wrong\x00",
                                                    "csrf_token": token})
    assert r.status_code == 200 and "用户名或密码不正确" in r.get_data(as_text=True)
    ok = client.post("/staff/login?next=%00", data={"username": "a\x00my", "password": "correct horse",
                                                     "csrf_token": token})
    assert ok.status_code == 302


def test_nul_in_staff_url_and_session_form(app, client):
    add_staff(app)
    log_in(client)
    assert client.get("/staff/sessions/%00").status_code == 404
    assert client.post("/staff/sessions/%00/open", data={"csrf_token": csrf_token(client, "/staff/")}).status_code == 404
    make_session(app)  # loads the plan
    token = csrf_token(client, "/staff/sessions/new")
    r = client.post("/staff/sessions/new", data={
        "csrf_token": token, "plan": "taian-ip-14th-fyp", "title": "座谈\x00会", "form": "专题座谈会",
        "organiser": "市场\x00监管局", "starts_at": "2023-11-15T14:30", "place": "会议\x00室",
        "roster": "山东\x00科技大学, 宋\x00庆军, 高校"})
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    with app.app_context():
        created = db.session.scalar(select(EvaluationSession).where(EvaluationSession.title == "座谈会"))
        assert (created.organiser, created.place) == ("市场监管局", "会议室")
        entry = db.session.scalar(select(RosterEntry).where(RosterEntry.session_id == created.id))
        assert (entry.organisation, entry.person) == ("山东科技大学", "宋庆军")


def test_roster_over_its_limit_gets_the_form_message_not_a_413(app, client):
    add_staff(app)
    log_in(client)
    make_session(app)
    token = csrf_token(client, "/staff/sessions/new")
    # The worst case for the body: 4-byte characters, 12 bytes each once percent-encoded.
    roster = "𠀀" * (ROSTER_MAX + 1)
    r = client.post("/staff/sessions/new", data={
        "csrf_token": token, "plan": "taian-ip-14th-fyp", "title": "保留的标题", "form": "专题座谈会",
        "organiser": "市场监管局", "starts_at": "2023-11-15T14:30", "place": "会议室", "roster": roster})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert f"名单已有 {ROSTER_MAX + 1} 字，超过上限 {ROSTER_MAX} 字" in html and "保留的标题" in html


def test_phone_body_limit_stays_small(app, client, open_code):
    r = client.post(f"/s/{open_code}", data={"problems": "字" * 40_000})
    assert r.status_code == 413


def test_cli_arguments_are_cleaned(app, runner):
    make_session(app)
    result = runner.invoke(args=["create-session", "--plan", "taian-ip-14th-fyp", "--title", "命令\x00行\udcff活动",
                                 "--organiser", "局\x00", "--starts-at", "2023-11-15 14:30", "--place", "室"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(EvaluationSession).where(EvaluationSession.title == "命令行活动"))
    missing = runner.invoke(args=["open-session", "\x00"])
    assert missing.exit_code == 2 and "找不到活动代码" in missing.output


def test_over_long_plan_title_is_a_file_field_reason_line(app, runner, tmp_path):
    from analysis.resources import corpus_path

    source = corpus_path("plans", "taian-ip-14th-fyp.toml").read_text(encoding="utf-8")
    bad = tmp_path / "long.toml"
    bad.write_text(source.replace('title = "', 'title = "' + "长" * 300, 1), encoding="utf-8")
    result = runner.invoke(args=["load-plan", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith(f"错误：{bad}: title: 过长（")
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("sid", ["0b6f1c1e-3c4e-4f55-9c1d-2a3b4c5d6e7f\n", "-" * 36, "-" * 32,
                                 "0b6f1c1e3c4e4f559c1d2a3b4c5d6e7", "g" * 32])
def test_bad_submission_ids_are_refused_and_replaced(app, client, open_code, sid):
    token = page_token(client.get(f"/s/{open_code}").get_data(as_text=True))
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=token, submission_id=sid)
    r = client.post(f"/s/{open_code}", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "提交编号无效" in html and data["problems"] in html
    with app.app_context():
        assert db.session.scalar(select(Response)) is None


def test_escaped_control_characters_in_a_plan_are_refused_by_field(app, runner, tmp_path):
    from analysis.resources import corpus_path

    source = corpus_path("plans", "taian-ip-14th-fyp.toml").read_text(encoding="utf-8")
    bad = tmp_path / "nul.toml"
    bad.write_text(source.replace('title = "', 'title = "\\u0000', 1), encoding="utf-8")
    result = runner.invoke(args=["load-plan", str(bad)])
    assert result.exit_code == 2 and f"错误：{bad}: title: 含有控制字符 U+0000，请删除" in result.output


def test_roster_file_with_nul_is_cleaned(app, runner, tmp_path):
    make_session(app)
    roster = tmp_path / "roster.csv"
    roster.write_bytes("单位,姓名,类型\n山东\x00科技大学,宋\x00庆军,高校\n".encode("utf-8"))
    result = runner.invoke(args=["create-session", "--plan", "taian-ip-14th-fyp", "--title", "名单文件",
                                 "--organiser", "局", "--starts-at", "2023-11-15 14:30", "--place", "室",
                                 "--roster", str(roster)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        entry = db.session.scalar(select(RosterEntry).join(EvaluationSession)
                                  .where(EvaluationSession.title == "名单文件"))
        assert (entry.organisation, entry.person) == ("山东科技大学", "宋庆军")


NONCHARACTERS = "\ufffe\uffff\ufdd0\ufdef\U0001fffe\U0010ffff"
C1 = "\x80\x85\x9f"


def test_clean_text_removes_noncharacters_and_c1_controls():
    assert clean_text("专利" + NONCHARACTERS + C1 + "转化\uffff") == "专利转化"
    assert clean_text("\ufeff全角　空格\u00a0与😀") == "\ufeff全角　空格\u00a0与😀"  # ordinary characters stay


def test_json_bodies_are_cleaned_at_the_edge(app):
    from flask import jsonify, request

    def echo():
        return jsonify(request.get_json())

    app.add_url_rule("/echo-json", view_func=echo, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    r = app.test_client().post("/echo-json", json={"label\x00": ["名称\uffff", {"k": "\x1b[31m红"}], "n": 3})
    assert r.get_json() == {"label": ["名称", {"k": "[31m红"}], "n": 3}
    deep = app.test_client().post("/echo-json", data="[" * 3000 + "]" * 3000, content_type="application/json")
    assert deep.status_code == 400


def test_an_answer_ending_in_uffff_keeps_the_excel_export_working(app, client, open_code):
    # issue 17: U+FFFF stored in one answer made /export.xlsx a 500 for the whole session.
    import io

    from openpyxl import load_workbook

    token = page_token(client.get(f"/s/{open_code}").get_data(as_text=True))
    with app.app_context():
        session = db.session.scalar(select(EvaluationSession).filter_by(code=open_code))
        data = valid_answer(session, csrf_token=token, submission_id=str(uuid.uuid4()),
                            problems="专利转化难" + NONCHARACTERS, suggestions="建立平台\ufffe" + C1)
    assert client.post(f"/s/{open_code}", data=data).status_code == 303
    add_staff(app)
    log_in(client)
    export = client.get(f"/staff/reports/{open_code}/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data), read_only=True).worksheets[0]
    cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row}
    assert "专利转化难" in cells and "建立平台" in cells


@pytest.mark.parametrize("body", [
    {"problems": "材料要求不清楚。\n第二行", "organisation": "山东科技大学"},  # nothing to remove: searched once
    {"problems": "材料\x00要求\ufffe不清楚", "bad\x7fname": "值\u0085"},  # removed from names and values
    {"a": "\ufdd0x", "b": "x\x1f", "c": ""},
])
def test_a_form_is_cleaned_the_same_when_searched_once(app, body):
    # survey/cleaning.py searches all names and values at once and cleans each only if something is
    # found: the form must come out exactly as cleaning every name and value would make it.
    from werkzeug.datastructures import MultiDict

    with app.test_request_context("/", method="POST", data=MultiDict(list(body.items()) + [("problems", "第二个\x01")])):
        from flask import request

        expected = [(clean_text(k), clean_text(v)) for k, v in
                    list(body.items()) + [("problems", "第二个\x01")]]
        assert request.form.to_dict(flat=False) == MultiDict(expected).to_dict(flat=False)


def test_query_arguments_with_a_lone_surrogate_are_cleaned():
    from werkzeug.datastructures import MultiDict

    from survey.cleaning import _clean_multidict

    cleaned = _clean_multidict(MultiDict([("a", "\ud800x"), ("b", "ok")]), MultiDict)
    assert list(cleaned.items(multi=True)) == [("a", "x"), ("b", "ok")]
