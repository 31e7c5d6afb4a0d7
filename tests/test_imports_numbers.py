"""Numbers however they are written (①, ², ４, 五, Ⅳ) in rating and type values: one normaliser
(`survey.imports.values.written_number`) for the import preview, `pingjia import` and the
paper entry page; a value it cannot read is a Chinese reason, never a 500 (issue 21 item 6)."""
from __future__ import annotations

import re

import pytest
from support.import_files import GOALS, plain, write_csv, write_xlsx
from support.staff import add_staff, log_in, make_session
from test_imports_web import page_token, paper_data, selected_mapping, selected_values, upload

from survey.answers import rating_field_name
from survey.imports.values import ValueProblem, canonical_option, guess, organisation_type, rating, written_number
from survey.sessions import by_code


@pytest.mark.parametrize("written,number", [
    ("4", 4), ("４", 4), ("④", 4), ("⁴", 4), ("₄", 4), ("❹", 4), ("⒋", 4), ("⑷", 4), ("Ⅳ", 4), ("٤", 4),
    ("⑩", 10), ("⑳", 20), ("¹⁰", 10), ("１０", 10), ("五", 5), ("伍", 5), ("两", 2), ("十", 10), ("十五", 15),
    ("二十", 20), ("零", 0), (" 3 ", 3),
])
def test_written_numbers(written, number):
    assert written_number(written) == number


@pytest.mark.parametrize("written", ["", "一般", "很好", "a", "1.5", "-1", "一二三", "9" * 5000, "①②③④", "十分",
                                     "\u202e3", "3分"])
def test_not_numbers(written):
    assert written_number(written) is None


@pytest.mark.parametrize("cell,score", [
    ("①", "1"), ("⑤", "5"), ("²", "2"), ("⁵", "5"), ("５", "5"), ("５分", "5"), ("五", "5"), ("五分", "5"),
    ("三星", "3"), ("⑤很好", "5"), ("④（满意）", "4"), ("Ⅲ", "3"), ("十分满意", "5"), ("一般", "3"),
])
def test_ratings_written_with_other_digits(cell, score):
    assert rating(cell) == score


@pytest.mark.parametrize("cell", ["⑥", "⑩", "10", "十", "¹⁰", "十分", "９" * 4000, "①②", "零"])
def test_unreadable_ratings_are_a_chinese_reason(cell):
    with pytest.raises(ValueProblem, match="不是评分"):
        rating(cell)


def test_ten_point_columns_read_other_digits():
    assert guess("⑩", ten=True) == "5" and guess("十", ten=True) == "5" and guess("①", ten=True) == "1"


def test_canonical_option_keeps_words():
    assert canonical_option("一般") == "一般" and canonical_option("十分满意") == "十分满意"
    assert canonical_option("⑤很好") == "5很好" and canonical_option("五 分") == "5 分"


@pytest.mark.parametrize("typed,kind", [("②", "企业"), ("２", "企业"), ("二", "企业"), ("²", "企业"), ("Ⅱ", "企业"),
                                        ("①", "高校/科研院所")])
def test_type_numbers_on_paper(typed, kind):
    assert organisation_type(typed, "x", {}, numbered=True, strict=True) == kind


@pytest.mark.parametrize("typed", ["⑨", "⑳", "九", "9" * 5000, "0"])
def test_type_numbers_out_of_range_are_a_chinese_reason(typed):
    with pytest.raises(ValueProblem, match="超出范围|不在可选范围内"):
        organisation_type(typed, "x", {}, numbered=True, strict=True)
    assert organisation_type(typed, "x", {}, numbered=True) == "其他"  # imports: staff decide in bulk


@pytest.fixture
def staff(app, client):
    add_staff(app)
    log_in(client)
    return client


def test_preview_with_circled_and_superscript_ratings(app, staff, tmp_path):
    code = make_session(app)
    header, rows = plain()
    expected = {"①": "1", "²": "2", "⑤": "5", "五分": "5", "④（满意）": "4"}
    cells = list(expected)
    rows = [list(row) for row in rows]
    for n, row in enumerate(rows):
        row[2] = cells[n % len(cells)]
    for path in (write_xlsx(tmp_path / "circled.xlsx", header, rows), write_csv(tmp_path / "circled.csv", header, rows)):
        response = upload(staff, code, path)
        assert response.status_code == 302
        page = staff.get(response.headers["Location"])
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "评分对应" in html
        values = selected_values(html)
        by_answer = {values[k]: values["val" + k[len("valkey"):]] for k in values if k.startswith("valkey-")}
        assert {a: s for a, s in by_answer.items() if a in cells} == {c: expected[c] for c in {r[2] for r in rows}}


@pytest.mark.parametrize("field,value", [
    ("valkey-", "x"), ("valkey-x-0", "x"), ("valkey-①-0", "①"), ("valkey-" + "9" * 5000 + "-0", "1"),
    ("valkey--", ""), ("valkey-2", "很好"), ("val-2-0", "很好很好"),
])
def test_malformed_value_mapping_fields_are_a_chinese_error(app, staff, tmp_path, field, value):
    code = make_session(app)
    url = upload(staff, code, write_xlsx(tmp_path / "plain.xlsx", *plain())).headers["Location"]
    html = staff.get(url).get_data(as_text=True)
    form = {**selected_mapping(html), **selected_values(html), "csrf_token": page_token(html), field: value}
    for action in ("check", "import"):
        response = staff.post(url, data={**form, "action": action})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "评分对应”的提交内容有误" in html, field
    with app.app_context():
        assert by_code(code).responses == []  # nothing stored from a form the page never sent


def test_paper_entry_reads_circled_and_chinese_numbers(app, staff):
    code = make_session(app)
    ratings = {rating_field_name(g): v for g, v in zip(("creation", "environment", "policy", "protection"),
                                                       ("⑤", "²", "四", "０"))}
    data = paper_data(staff, code, organisation="新单位", organisation_type="②", **ratings)
    response = staff.post(f"/staff/sessions/{code}/paper", data=data)
    assert response.status_code == 303
    with app.app_context():
        (saved,) = by_code(code).responses
        scores = {r.goal_id: r.score for r in saved.ratings}
    assert saved.organisation_type == "企业"
    assert (scores["creation"], scores["environment"], scores["policy"], scores["protection"]) == (5, 2, 4, None)


@pytest.mark.parametrize("typed_type,typed_rating", [("⑨", "4"), ("2", "⑥"), ("9" * 5000, "9" * 5000), ("²²", "¹⁰")])
def test_paper_entry_unreadable_numbers_keep_what_was_typed(app, staff, typed_type, typed_rating):
    code = make_session(app)
    data = paper_data(staff, code, organisation="新单位", organisation_type=typed_type,
                      **{rating_field_name("creation"): typed_rating}, problems="这段文字不能丢")
    response = staff.post(f"/staff/sessions/{code}/paper", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "这段文字不能丢" in html and "尚未保存" in html
    assert re.search("超出范围|不在可选范围内|不是评分", html)
    with app.app_context():
        assert by_code(code).responses == []


def test_cli_import_reads_circled_ratings(app, tmp_path):
    code = make_session(app)
    header, rows = plain()
    rows = [list(row) for row in rows]
    rows[0][2], rows[1][2] = "⑤", "²"
    path = write_csv(tmp_path / "circled.csv", header, rows)
    result = app.test_cli_runner().invoke(args=["import", str(path), "--session", code])
    assert result.exit_code == 0, result.output
    with app.app_context():
        scores = sorted(r.score for resp in by_code(code).responses for r in resp.ratings if r.goal_id == "creation")
    assert 5 in scores and 2 in scores
    assert GOALS  # the plan's goals head the columns
