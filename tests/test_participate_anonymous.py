"""Anonymous sessions (public consultations) and plan respondent types on the phone form, the
paper entry page and the new-session form: no organisation asked, the type optional with
个人/群众 offered; a named session of another plan offers that plan's types."""
from __future__ import annotations

import re

import pytest
from support.participate import BUSINESS_PLAN_FILE, csrf_token, make_session, valid_answer
from support.staff import add_staff, log_in

from survey.answers import session_form_class
from survey.extensions import db
from survey.models import EvaluationSession, Response

_RADIO_VALUES = re.compile(r'name="organisation_type"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="organisation_type"')


def type_options(html: str) -> list[str]:
    return [a or b for a, b in _RADIO_VALUES.findall(html)]


@pytest.fixture
def anonymous_code(app):
    with app.app_context():
        return make_session(anonymous=True, plan_file=BUSINESS_PLAN_FILE).code


def post(client, code, data):
    html = client.get(f"/s/{code}").get_data(as_text=True)
    return client.post(f"/s/{code}", data={**data, "csrf_token": csrf_token(html)})


def stored(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(r.organisation, r.organisation_type, r.suggestions) for r in db.session.query(Response)]


def test_anonymous_form_asks_no_organisation_and_offers_public_type(app, client, anonymous_code):
    html = client.get(f"/s/{anonymous_code}").get_data(as_text=True)
    assert 'name="organisation"' not in html and "无需填写姓名或单位" in html
    assert "身份类别（选填）" in html
    assert type_options(html) == ["企业", "个体工商户", "行业协会商会", "金融机构", "政府部门", "个人/群众", "其他"]
    assert "请结合您单位的实际情况" not in html


def test_anonymous_answer_without_organisation_or_type_is_stored_once(app, client, anonymous_code):
    with app.app_context():
        session = db.session.query(EvaluationSession).filter_by(code=anonymous_code).one()
        data = valid_answer(session, suggestions="希望办事更方便")
    del data["organisation"], data["organisation_type"]
    response = post(client, anonymous_code, data)
    assert response.status_code == 303, response.get_data(as_text=True)
    again = post(client, anonymous_code, data)  # a repeated submit stores one
    assert again.status_code == 303
    assert stored(app) == [("", "", "希望办事更方便")]


def test_anonymous_type_if_given_must_be_one_of_the_list_and_text_is_kept(app, client, anonymous_code):
    with app.app_context():
        session = db.session.query(EvaluationSession).filter_by(code=anonymous_code).one()
        goals = {f"goal_{g.id.replace('-', '_')}": "3" for g in session.plan.definition.goals}
    base = {"submission_id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "problems": "窗口排队太久", **goals}
    html = post(client, anonymous_code, {**base, "organisation_type": "高校/科研院所"}).get_data(as_text=True)
    assert "请从所列选项中选择身份类别（选填）。" in html and "窗口排队太久" in html and stored(app) == []
    assert post(client, anonymous_code, {**base, "organisation_type": "个人/群众"}).status_code == 303
    assert stored(app) == [("", "个人/群众", "")]


def test_named_session_of_another_plan_offers_its_types_and_needs_organisation(app, client):
    with app.app_context():
        code = make_session(plan_file=BUSINESS_PLAN_FILE).code
    html = client.get(f"/s/{code}").get_data(as_text=True)
    assert 'name="organisation"' in html
    assert type_options(html) == ["企业", "个体工商户", "行业协会商会", "金融机构", "政府部门", "其他"]


def test_form_classes_validate_directly(app, anonymous_code):
    app.config["WTF_CSRF_ENABLED"] = False
    with app.test_request_context("/s/x", method="POST", data={"submission_id": "1b4e28ba2fa111d2883f0016d3cca427",
                                                               "problems": "无"}):
        session = db.session.query(EvaluationSession).filter_by(code=anonymous_code).one()
        form = session_form_class(session, goals=())()
        assert form.validate(), form.errors
        session.anonymous = False
        named = session_form_class(session, goals=())()
        assert not named.validate()
        assert named.errors == {"organisation": ["请填写单位名称。"], "organisation_type": ["请选择单位类型。"]}


def test_paper_entry_in_an_anonymous_session_leaves_organisation_and_type_blank(app, client, anonymous_code):
    add_staff(app)
    log_in(client)
    url = f"/staff/sessions/{anonymous_code}/paper"
    html = client.get(url).get_data(as_text=True)
    assert "单位名称（选填）" in html and "6 个人/群众" in html
    submission = re.search(r'name="submission_id"[^>]*value="([^"]+)"', html).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(url, data={"csrf_token": token, "submission_id": submission, "organisation": "",
                                      "organisation_type": "", "suggestions": "纸质意见"})
    assert response.status_code == 303
    assert stored(app) == [("", "", "纸质意见")]
    form = client.get(f"/staff/sessions/{anonymous_code}/paper/form").get_data(as_text=True)
    assert "单位名称：" not in form and "身份类别（选填）" in form and "个人/群众" in form


def test_new_session_form_creates_an_anonymous_session_and_reads_roster_types_from_the_plan(app, client):
    from analysis.resources import corpus_path
    from survey.plans import sync_plan_file

    with app.app_context():
        sync_plan_file(corpus_path("plans", "city-business-environment.toml"))
        db.session.commit()
    add_staff(app)
    log_in(client)
    html = client.get("/staff/sessions/new").get_data(as_text=True)
    assert "匿名：公开征求意见" in html and "知识产权" not in html and "泰安" not in html
    assert "类型为规划所列：企业、个体工商户、行业协会商会、金融机构、政府部门、其他" in html
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    fields = {"csrf_token": token, "plan": "city-business-environment", "title": "意见征集", "form": "问卷调查",
              "organiser": "市营商环境建设局", "starts_at": "2024-05-10T09:00", "place": "网上"}
    response = client.post("/staff/sessions/new", data={**fields, "respondents": "anonymous"})
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]+)', response.get_data(as_text=True))
    named = client.post("/staff/sessions/new", data={**fields, "respondents": "named",
                                                     "roster": "某某烧烤店, 个体户\n某银行支行, 银行"})
    assert named.status_code == 302
    bad = client.post("/staff/sessions/new", data={**fields, "respondents": "named", "roster": "某大学, 高校"})
    assert "类型“高校”不在可选范围内" in bad.get_data(as_text=True)  # not a type of this plan
    with app.app_context():
        sessions = db.session.query(EvaluationSession).order_by(EvaluationSession.id).all()
        assert [s.anonymous for s in sessions] == [True, False]
        assert [(e.organisation, e.organisation_type) for e in sessions[1].roster] == [
            ("某某烧烤店", "个体工商户"), ("某银行支行", "金融机构")]
