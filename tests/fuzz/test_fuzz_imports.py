"""The import preview's POST and the paper entry page under arbitrary input, through HTTP, on
SQLite and PostgreSQL (issue 21 item 6): never a 5xx or a traceback; numbers written with any
digits (①, ², ４, 五) are read or refused with a Chinese reason; a refused paper form keeps what
was typed; nothing is stored from a preview form the page never sent."""
from __future__ import annotations

import collections
import re

from hypothesis import example, given
from hypothesis import strategies as st
from support.fuzz_strategies import any_text, examples, texts
from support.import_files import plain, write_xlsx
from support.staff import add_staff, csrf_token, log_in, make_session

from survey.answers import rating_field_name
from survey.sessions import by_code

# Digits as people and spreadsheets write them, and the words around them.
DIGITS = st.sampled_from(list("0123456789０１２３４５６７８９①②③④⑤⑥⑦⑧⑨⑩⑪⑳❶❺⒈⑴¹²³⁴⁵⁶⁷⁸⁹⁰₁₂ⅠⅡⅢⅣⅤⅩ"
                              "零〇一二两三四五六七八九十壹贰叁肆伍") + ["分", "星", "★", "☆", ".", "-", " ", "满意", "很好"])
NUMBERISH = st.one_of(st.lists(DIGITS, max_size=6).map("".join), texts(8), st.just("9" * 5000))
GOALS = ("creation", "environment", "policy", "enterprise-support", "protection", "services", "culture")


def test_paper_entry_never_fails(app, client):
    add_staff(app)
    log_in(client)
    code = make_session(app)
    url = f"/staff/sessions/{code}/paper"
    token = csrf_token(client, url)
    outcomes = collections.Counter()

    @examples(0.6)
    @given(kind=NUMBERISH, scores=st.lists(NUMBERISH, min_size=len(GOALS), max_size=len(GOALS)),
           organisation=any_text(30, 300), problems=texts(40))
    @example(kind="②", scores=["⑤", "²", "四", "０", "", "5", "３"], organisation="泰山学院", problems="审批慢")
    @example(kind="⑨", scores=["⑥"] * 7, organisation="泰山学院", problems="审批慢")
    def check(kind, scores, organisation, problems):
        page = client.get(url).get_data(as_text=True)
        submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page).group(1)
        data = {"csrf_token": token, "submission_id": submission, "organisation": organisation,
                "organisation_type": kind, "problems": problems, "suggestions": ""}
        data.update({rating_field_name(g): s for g, s in zip(GOALS, scores)})
        response = client.post(url, data=data)
        body = response.get_data(as_text=True)
        outcomes[response.status_code] += 1
        assert response.status_code in (200, 303, 413), response.status_code
        assert "Traceback" not in body
        if response.status_code == 200 and "尚未保存" in body:
            # every problem is said in Chinese and nothing typed is lost
            assert re.search(r"[\u4e00-\u9fff]", body)

    check()
    assert outcomes[303] >= 1 and outcomes[200] >= 1, outcomes  # the examples above: one saved, one refused


def test_import_preview_post_never_fails(app, client, tmp_path):
    add_staff(app)
    log_in(client)
    code = make_session(app)
    token = csrf_token(client, f"/staff/sessions/{code}/import")
    header, rows = plain()
    with open(write_xlsx(tmp_path / "plain.xlsx", header, rows), "rb") as f:
        response = client.post(f"/staff/sessions/{code}/import", content_type="multipart/form-data",
                               data={"csrf_token": token, "file": (f, "plain.xlsx")})
    url = response.headers["Location"]
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    names = st.one_of(
        st.builds(lambda a, b: f"valkey-{a}-{b}", NUMBERISH, NUMBERISH),
        st.builds(lambda a, b: f"val-{a}-{b}", NUMBERISH, NUMBERISH),
        st.builds(lambda a: f"col-{a}", NUMBERISH),
        st.builds(lambda a: f"typekey-{a}", NUMBERISH),
        st.builds(lambda a: f"type-{a}", NUMBERISH),
        st.sampled_from(["valkey-", "valkey--", "val-", "numbered", "allow_missing", "only_good", "source", "action"]),
        texts(12),
    )
    values = st.one_of(NUMBERISH, any_text(20, 500), st.sampled_from(["1", "5", "na", "", "problems", "import"]))
    outcomes = collections.Counter()

    @examples(0.6)
    @given(fields=st.lists(st.tuples(names, values), max_size=12), action=st.sampled_from(["check", "import"]))
    @example(fields=[("valkey-2-0", "①"), ("val-2-0", "5")], action="check")
    @example(fields=[("valkey-", "x")], action="import")
    def check(fields, action):
        from werkzeug.datastructures import MultiDict

        data = MultiDict([("csrf_token", form_token), ("action", action)] + fields)
        response = client.post(url, data=data)
        outcomes[response.status_code] += 1
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 302, 400, 413), response.status_code
        assert "Traceback" not in body

    check()
    with app.app_context():
        stored = len(by_code(code).responses)
    # An import may happen (a well-formed form with action=import); never more than the file's rows.
    assert stored <= len(rows), stored
    assert outcomes[200] >= 1, outcomes
