"""The survey form on its own: form.validate() inside a request context (cookiecutter-flask)."""
from __future__ import annotations

import re

import pytest
from support.participate import goal_ids, make_session, valid_answer

from survey.answers import TEXT_MAX, rating_field_name, survey_form_class
from survey.extensions import db
from survey.models import EvaluationSession

_LATIN = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture
def session_id(app):
    app.config["WTF_CSRF_ENABLED"] = False  # the token is tested through HTTP
    with app.app_context():
        return make_session().id


def validate(app, session_id, data):
    with app.test_request_context("/s/x", method="POST", data=data):
        session = db.session.get(EvaluationSession, session_id)
        form = survey_form_class(session.plan.definition.goals)()
        ok = form.validate()
        return ok, form


def answer(app, session_id, **overrides):
    with app.app_context():
        return valid_answer(db.session.get(EvaluationSession, session_id), **overrides)


def test_valid_answer_passes_and_scores_map_na_to_none(app, session_id):
    data = answer(app, session_id)
    ok, form = validate(app, session_id, data)
    assert ok, form.errors
    scores = form.scores()
    with app.app_context():
        ids = goal_ids(db.session.get(EvaluationSession, session_id))
    assert list(scores) == ids
    assert scores[ids[0]] == 5 and scores[ids[1]] == 4
    assert scores[ids[-1]] is None


def test_empty_post_gets_a_chinese_error_on_every_required_field(app, session_id):
    ok, form = validate(app, session_id, {})
    assert not ok
    with app.app_context():
        ids = goal_ids(db.session.get(EvaluationSession, session_id))
    expected = {"submission_id", "organisation", "organisation_type", "problems",
                *(rating_field_name(g) for g in ids)}
    assert set(form.errors) == expected
    for messages in form.errors.values():
        assert len(messages) == 1, messages  # no English twin next to ours
        assert not _LATIN.search(messages[0]), messages[0]
    assert "请选择单位类型" in form.organisation_type.errors[0]
    assert "不了解" in form[rating_field_name(ids[0])].errors[0]


def test_whitespace_organisation_is_missing(app, session_id):
    ok, form = validate(app, session_id, answer(app, session_id, organisation="   \t "))
    assert not ok and form.errors.keys() == {"organisation"}
    assert form.organisation.errors == ["请填写单位名称。"]


def test_one_of_problems_or_suggestions_is_enough(app, session_id):
    ok, _ = validate(app, session_id, answer(app, session_id, problems=""))
    assert ok
    ok, _ = validate(app, session_id, answer(app, session_id, suggestions=" "))
    assert ok
    ok, form = validate(app, session_id, answer(app, session_id, problems=" ", suggestions=""))
    assert not ok and "至少填写" in form.problems.errors[0]


def test_text_limit_message_shows_the_current_count(app, session_id):
    ok, _ = validate(app, session_id, answer(app, session_id, problems="字" * TEXT_MAX))
    assert ok
    ok, form = validate(app, session_id, answer(app, session_id, suggestions="字" * 2345))
    assert not ok
    assert form.suggestions.errors == [f"已输入 2345 字，超过上限 {TEXT_MAX} 字，请删减后再提交。"]
    assert form.suggestions.data == "字" * 2345  # kept for the re-rendered page


def test_crlf_counts_as_one_character_like_the_browser_counter(app, session_id):
    text = "字" * 1000 + "\r\n" + "字" * 999  # 2000 in the browser, 2001 bytes-as-sent
    ok, form = validate(app, session_id, answer(app, session_id, problems=text))
    assert ok, form.errors
    assert form.problems.data == "字" * 1000 + "\n" + "字" * 999


def test_organisation_limit(app, session_id):
    ok, form = validate(app, session_id, answer(app, session_id, organisation="单" * 201))
    assert not ok and "已输入 201 字" in form.organisation.errors[0]


@pytest.mark.parametrize("value", ["0", "6", "不了解", "5 很好"])
def test_rating_outside_the_scale_is_refused(app, session_id, value):
    with app.app_context():
        first = goal_ids(db.session.get(EvaluationSession, session_id))[0]
    ok, form = validate(app, session_id, answer(app, session_id, **{rating_field_name(first): value}))
    assert not ok and form.errors.keys() == {rating_field_name(first)}
    assert form.errors[rating_field_name(first)] == ["请选择 1–5 分或“不了解”。"]


def test_unknown_organisation_type_is_refused(app, session_id):
    ok, form = validate(app, session_id, answer(app, session_id, organisation_type="个人"))
    assert not ok and form.organisation_type.errors == ["请从所列选项中选择单位类型。"]


@pytest.mark.parametrize("value", ["", "abc", "x" * 36, "1" * 80])
def test_malformed_submission_id_is_refused(app, session_id, value):
    ok, form = validate(app, session_id, answer(app, session_id, submission_id=value))
    assert not ok and form.errors.keys() == {"submission_id"}


def test_hyphenated_goal_ids_become_distinct_field_names():
    assert rating_field_name("enterprise-support") == "goal_enterprise_support"
    assert rating_field_name("a-b") != rating_field_name("ab")


def test_token_checked_when_csrf_is_on(app, session_id):
    app.config["WTF_CSRF_ENABLED"] = True
    ok, form = validate(app, session_id, answer(app, session_id, csrf_token="not-a-token"))
    assert not ok and form.errors.keys() == {"csrf_token"}


def test_the_forms_token_check_says_what_flask_wtfs_says(app, session_id):
    # survey/forms.py checks the posted token with a kept serializer; every outcome must be Flask-WTF's
    # own (validate_csrf): missing, invalid, expired, another browser's secret, good.
    from flask import session as cookie_session
    from flask_wtf.csrf import validate_csrf
    from wtforms.validators import ValidationError

    from survey.forms import csrf_token

    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context("/"):
        token = csrf_token()
        secret = cookie_session["csrf_token"]
    cases = [("", secret, 3600), ("garbage", secret, 3600), (token, secret, -1), (token, "0" * 40, 3600),
             (token, None, 3600), (token, secret, 3600)]
    for posted, raw, limit in cases:
        app.config["WTF_CSRF_TIME_LIMIT"] = limit
        data = answer(app, session_id, csrf_token=posted)
        with app.test_request_context("/s/x", method="POST", data=data):
            if raw is not None:
                cookie_session["csrf_token"] = raw
            try:
                validate_csrf(posted)
                expected = []
            except ValidationError as exc:
                expected = [exc.args[0]]
            session = db.session.get(EvaluationSession, session_id)
            form = survey_form_class(session.plan.definition.goals)()
            form.validate()
            assert form.csrf_token.errors == expected, (posted[:8], raw, limit)
    assert expected == []  # the last case: the good token passes both


def test_forms_made_from_kept_fields_share_no_data_or_errors(app, session_id):
    # survey/answers.py makes each answer form's fields from the first ones WTForms bound: every form
    # still has its own data, errors and meta, and the first form is not changed by the next.
    good = answer(app, session_id, problems="第一份：材料要求不清楚。")
    later = answer(app, session_id, problems="第三份")
    results = [validate(app, session_id, good), validate(app, session_id, {}), validate(app, session_id, later)]
    (ok1, first), (ok2, empty), (ok3, third) = results
    assert ok1 and not ok2 and ok3
    assert first.errors == {} == third.errors and "problems" in empty.errors
    assert (first.problems.data, empty.problems.data, third.problems.data) == ("第一份：材料要求不清楚。", None, "第三份")
    assert first.problems is not third.problems and first.problems.meta is first.meta
    assert third.problems.meta is third.meta and first.meta is not third.meta
    for name in first._fields:
        if name != "csrf_token":
            assert first[name].label.text == third[name].label.text and first[name].id == third[name].id
    first.submission_id.data = "changed"
    assert third.submission_id.data == later["submission_id"] != good["submission_id"]
