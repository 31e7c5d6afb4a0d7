"""The staff import and paper pages over HTTP: login, upload → preview (nothing stored) →
mapping → import, bad rows, and the paper entry page's once-only save."""
from __future__ import annotations

import re

import pytest
from support.import_files import EXPECTED, GOAL_IDS, plain, wjx, write_csv, write_xlsx
from support.staff import add_staff, csrf_token, log_in, make_session

from survey.answers import rating_field_name
from survey.extensions import db
from survey.sessions import by_code, response_count


@pytest.fixture
def staff(app, client):
    add_staff(app)
    log_in(client)
    return client


def count(app, code) -> int:
    with app.app_context():
        return response_count(by_code(code))


def upload(client, code, path, name=None, source=""):
    token = csrf_token(client, f"/staff/sessions/{code}/import")
    with open(path, "rb") as f:
        return client.post(f"/staff/sessions/{code}/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "source": source, "file": (f, name or path.name)})


def selected_mapping(html: str) -> dict[str, str]:
    return dict(re.findall(r'<select name="(col-\d+)" id="[^"]+">.*?<option value="([^"]*)" selected', html, re.S))


def page_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_import_pages_need_login(app, client):
    code = make_session(app)
    for url in (f"/staff/sessions/{code}/import", f"/staff/sessions/{code}/paper",
                f"/staff/sessions/{code}/paper/form", f"/staff/sessions/{code}/import/" + "a" * 32):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_session_page_links_to_imports_and_paper(app, staff):
    code = make_session(app)
    html = staff.get(f"/staff/sessions/{code}").get_data(as_text=True)
    assert f"/staff/sessions/{code}/import" in html and f"/staff/sessions/{code}/paper" in html


def test_upload_preview_import(app, staff, tmp_path):
    code = make_session(app)
    response = upload(staff, code, write_xlsx(tmp_path / "wjx.xlsx", *wjx()), name="问卷星导出.xlsx")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    html = staff.get(preview_url).get_data(as_text=True)
    assert count(app, code) == 0  # the preview stores nothing
    assert "问卷星（按文本）" in html and "可导入 <strong>3</strong> 行" in html
    assert "山东科技大学" in html and "泰安市知识产权保护协会" in html  # first rows
    mapping = selected_mapping(html)
    assert mapping["col-6"] == "organisation" and mapping["col-8"] == "goal:creation"
    assert mapping["col-0"] == "" and mapping["col-17"] == ""  # 序号, the multi-choice channel question
    response = staff.post(preview_url, data={**mapping, "csrf_token": page_token(html), "action": "import",
                                             "source": "问卷星", "numbered": "0"})
    assert response.status_code == 302
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "已从 问卷星导出.xlsx 导入 3 份答卷（来源：问卷星）" in page and "问卷星 3" in page
    with app.app_context():
        session = by_code(code)
        got = {r.organisation: {x.goal_id: x.score for x in r.ratings} for r in session.responses}
    for organisation, _, scores, _, _ in EXPECTED:
        assert got[organisation] == dict(zip(GOAL_IDS, scores))
    # the upload is gone once imported; a second upload of the same file adds nothing
    assert staff.get(preview_url).status_code == 302
    again = upload(staff, code, tmp_path / "wjx.xlsx")
    html = staff.get(again.headers["Location"]).get_data(as_text=True)
    assert "3 行以前已导入过" in html
    staff.post(again.headers["Location"], data={**selected_mapping(html), "csrf_token": page_token(html),
                                                "action": "import", "source": "问卷星"})
    assert count(app, code) == 3


def test_changing_the_mapping_on_the_preview(app, staff, tmp_path):
    code = make_session(app)
    path = write_csv(tmp_path / "odd.csv", ["机构", "性质", "打分A", "看法"],
                     [["山东科技大学", "高校", "4", "校企对接不畅"]])
    url = upload(staff, code, path).headers["Location"]
    html = staff.get(url).get_data(as_text=True)
    assert "没有对应“单位名称”的列" in html and "单位名称：请填写单位名称。" in html
    mapping = {"col-0": "organisation", "col-1": "organisation_type", "col-2": "goal:creation", "col-3": "problems"}
    html = staff.post(url, data={**mapping, "csrf_token": page_token(html), "action": "check",
                                 "source": "表格"}).get_data(as_text=True)
    assert "可导入 <strong>1</strong> 行" in html and count(app, code) == 0
    assert selected_mapping(html) == mapping
    twice = {**mapping, "col-3": "organisation"}
    html = staff.post(url, data={**twice, "csrf_token": page_token(html), "action": "import",
                                 "source": "表格"}).get_data(as_text=True)
    assert "“单位名称”对应了 2 列" in html and count(app, code) == 0
    staff.post(url, data={**mapping, "csrf_token": page_token(html), "action": "import", "source": "纸质"})
    with app.app_context():
        (response,) = by_code(code).responses
        assert (response.source, response.problems, response.ratings[0].score) == ("纸质", "校企对接不畅", 4)


def test_bad_rows_listed_and_nothing_stored_until_only_good(app, staff, tmp_path):
    code = make_session(app)
    header, rows = plain()
    rows = [*rows, ["", "外星来客", 4, 4, 4, 4, 4, 4, 4, "有问题", ""]]
    url = upload(staff, code, write_xlsx(tmp_path / "bad.xlsx", header, rows)).headers["Location"]
    html = staff.get(url).get_data(as_text=True)
    assert "<strong>第 5 行</strong>：单位名称：请填写单位名称。" in html
    assert "尚未导入任何数据" in html and "只导入没有问题的 3 行" in html
    # in the preview table the bad row's reasons fill every column after its row number
    table = html[html.index('id="preview"'):]
    columns = len(re.findall(r"<th[ >]", table[:table.index("</thead>")]))
    assert int(re.search(r'class="imp-bad"><td>5</td><td colspan="(\d+)"', table).group(1)) == columns - 1
    html_after = staff.post(url, data={**selected_mapping(html), "csrf_token": page_token(html),
                                       "action": "import", "source": "表格"}).get_data(as_text=True)
    assert count(app, code) == 0 and "未导入任何数据" in html_after
    response = staff.post(url, data={**selected_mapping(html), "csrf_token": page_token(html),
                                     "action": "import", "only_good": "1", "source": "表格"})
    assert response.status_code == 302 and count(app, code) == 3


def test_upload_refuses_other_files_in_chinese(app, staff, tmp_path):
    code = make_session(app)
    (tmp_path / "notes.docx").write_bytes(b"PK")
    html = upload(staff, code, tmp_path / "notes.docx").get_data(as_text=True)
    assert "只能导入 .xlsx、.xls 或 .csv 文件。" in html
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    response = upload(staff, code, tmp_path / "broken.xlsx")
    html = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "不是有效的 Excel" in html


def test_upload_larger_than_the_phone_form_limit(app, staff, tmp_path):
    # The app refuses bodies over 64 KB for the phone form; an export is bigger and must pass.
    code = make_session(app)
    header, rows = plain()
    rows = [[f"单位{i}", "企业", 4, 4, 4, 4, 4, 4, 4, "问题" * 40, "建议" * 40] for i in range(400)]
    path = write_csv(tmp_path / "big.csv", header, rows)
    assert path.stat().st_size > 64 * 1024
    response = upload(staff, code, path)
    assert response.status_code == 302


# ---- paper --------------------------------------------------------------------------------

def test_paper_form_prints_goals_boxes_and_lines(app, staff):
    code = make_session(app)
    html = staff.get(f"/staff/sessions/{code}/paper/form").get_data(as_text=True)
    for name in ("知识产权创造", "知识产权文化环境", "单位名称", "高校/科研院所", "取得成效", "存在问题", "意见建议", "不了解"):
        assert name in html
    assert html.count('class="box"') == 5 + 7 * 6 and html.count('class="paper-rule"') == 7 + 10 + 10


def paper_data(client, code, **fields):
    token = csrf_token(client, f"/staff/sessions/{code}/paper")
    page = client.get(f"/staff/sessions/{code}/paper").get_data(as_text=True)
    submission_id = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "submission_id": submission_id, "organisation": "山东科技大学",
            "organisation_type": "", "problems": "缺少对接平台", "suggestions": ""}
    data.update({rating_field_name(g): "4" for g in GOAL_IDS})
    data.update(fields)
    return data


def test_paper_entry_saves_once_marked_paper(app, staff):
    code = make_session(app)
    data = paper_data(staff, code, **{rating_field_name("culture"): "0", rating_field_name("services"): ""})
    first = staff.post(f"/staff/sessions/{code}/paper", data=data)
    assert first.status_code == 303
    page = staff.get(first.headers["Location"]).get_data(as_text=True)
    assert "已保存：<strong>山东科技大学</strong>（高校/科研院所）" in page  # type from the roster
    again = staff.post(f"/staff/sessions/{code}/paper", data=data)  # Enter pressed twice
    assert "again=1" in again.headers["Location"]
    assert "这份已保存过，没有重复保存" in staff.get(again.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        (response,) = by_code(code).responses
        scores = {r.goal_id: r.score for r in response.ratings}
        assert response.source == "纸质" and scores["culture"] is None and scores["services"] is None
        assert scores["creation"] == 4


def test_paper_entry_keeps_typed_text_on_errors(app, staff):
    code = make_session(app)
    data = paper_data(staff, code, organisation="新单位", organisation_type="9",
                      **{rating_field_name("creation"): "7"}, problems="这段文字不能丢")
    html = staff.post(f"/staff/sessions/{code}/paper", data=data).get_data(as_text=True)
    assert "尚未保存" in html and "这段文字不能丢" in html and 'value="新单位"' in html
    assert "单位类型选项序号“9”超出范围" in html and "“7”不是评分" in html and 'value="7"' in html
    assert count(app, code) == 0
    data.update(organisation_type="2", **{rating_field_name("creation"): "5"})
    assert staff.post(f"/staff/sessions/{code}/paper", data=data).status_code == 303
    with app.app_context():
        assert by_code(code).responses[0].organisation_type == "企业"


def test_paper_entry_changed_answer_under_a_saved_id_is_not_stored_silently(app, staff):
    code = make_session(app)
    data = paper_data(staff, code)
    staff.post(f"/staff/sessions/{code}/paper", data=data)
    html = staff.post(f"/staff/sessions/{code}/paper", data={**data, "problems": "另一份的内容"}).get_data(as_text=True)
    assert "尚未保存" in html and "另一份的内容" in html and count(app, code) == 1
    new_id = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    assert new_id != data["submission_id"]
    staff.post(f"/staff/sessions/{code}/paper", data={**data, "problems": "另一份的内容", "submission_id": new_id})
    assert count(app, code) == 2
    with app.app_context():
        db.session.remove()


def test_upload_over_the_import_limit_is_explained(app, staff, tmp_path, monkeypatch):
    # A smaller limit than the real 16 MB (declared on the route): the test client spools bodies
    # over 500 KB to a temporary file it never closes when the app does not read it.
    monkeypatch.setattr(app.view_functions["imports.upload"], "body_max", 256 * 1024)
    code = make_session(app)
    path = tmp_path / "huge.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 80_000)
    response = upload(staff, code, path)
    assert response.status_code == 413
    assert "文件超过 0.25 MB，请分成几个文件导入。" in response.get_data(as_text=True)


def selected_values(html: str) -> dict[str, str]:
    """The value mapping as posted: valkey-*/val-* pairs."""
    keys = dict(re.findall(r'name="(valkey-\d+-\d+)" value="([^"]*)"', html))
    chosen = dict(re.findall(r'<select name="(val-\d+-\d+)" id="[^"]+">.*?<option value="([^"]*)" selected', html, re.S))
    return {**keys, **chosen}


def selected_types(html: str) -> dict[str, str]:
    keys = dict(re.findall(r'name="(typekey-\d+)" value="([^"]*)"', html))
    chosen = dict(re.findall(r'<select name="(type-\d+)" id="[^"]+">.*?<option value="([^"]*)" selected', html, re.S))
    return {written: chosen["type-" + key[len("typekey-"):]] for key, written in keys.items()}


def test_preview_value_mapping_type_mapping_and_missing_organisation(app, staff, tmp_path):
    from support.import_files import business_session, wjx_satisfaction, wjx_text_xls, write_xls

    code = business_session(app, anonymous=False)
    header, rows, _ = wjx_satisfaction()
    url = upload(staff, code, write_xlsx(tmp_path / "sat.xlsx", header, rows)).headers["Location"]
    html = staff.get(url).get_data(as_text=True)
    assert 'id="value-mapping"' in html and "缺少单位名称的行照样导入" in html
    values = selected_values(html)
    by_answer = {values[k]: values["val" + k[len("valkey"):]] for k in values if k.startswith("valkey-")}
    assert by_answer == {"很满意": "5", "满意": "4", "一般": "3", "不满意": "2", "很不满意": "1", "不清楚": "na",
                         "无法评价": "na"}
    assert "可导入 <strong>0</strong> 行" in html and count(app, code) == 0
    # Staff say 一般 means 2 here and that rows without an organisation are to be imported.
    values = {k: ("2" if values.get("valkey" + k[3:]) == "一般" else v) for k, v in values.items()}
    form = {**selected_mapping(html), **values, "csrf_token": page_token(html), "source": "问卷星",
            "numbered": "0", "allow_missing": "1"}
    html = staff.post(url, data={**form, "action": "check"}).get_data(as_text=True)
    assert f"可导入 <strong>{len(rows)}</strong> 行" in html and count(app, code) == 0
    assert re.search(r'name="allow_missing" value="1" id="allow-missing" checked', html)
    response = staff.post(url, data={**form, "action": "import"})
    assert response.status_code == 302
    with app.app_context():
        session = by_code(code)
        got = {r.suggestions: ({x.goal_id: x.score for x in r.ratings}["government-services"], r.organisation_type)
               for r in session.responses}
    assert got["意见3"] == (2, "其他") and got["意见1"] == (5, "其他")

    anonymous = business_session(app)
    header, rows, _ = wjx_text_xls(14)
    url = upload(staff, anonymous, write_xls(tmp_path / "t.xls", header, rows)).headers["Location"]
    html = staff.get(url).get_data(as_text=True)
    types = selected_types(html)
    assert 'id="type-mapping"' in html and types["个体户"] == "个体工商户" and types["事业单位"] == "政府部门"
    assert types["外卖骑手"] == "其他" and "不需要单位名称" in html
    assert "可导入 <strong>14</strong> 行" in html
    # Staff put 外卖骑手 under 个人/群众 for every row that says so, then import.
    keys = dict(re.findall(r'name="(typekey-\d+)" value="([^"]*)"', html))
    choices = {f"type-{k[len('typekey-'):]}": ("个人/群众" if w == "外卖骑手" else types[w]) for k, w in keys.items()}
    form = {**selected_mapping(html), **selected_values(html), **keys, **choices, "csrf_token": page_token(html),
            "source": "问卷星", "numbered": "0"}
    html = staff.post(url, data={**form, "action": "check"}).get_data(as_text=True)
    assert selected_types(html)["外卖骑手"] == "个人/群众"
    assert staff.post(url, data={**form, "action": "import"}).status_code == 302
    with app.app_context():
        kinds = sorted(r.organisation_type for r in by_code(anonymous).responses)
    assert kinds.count("个人/群众") == 4 and kinds.count("其他") == 2  # 市民 ×2, 骑手 ×2; 〖退休教师〗 ×2


def test_preview_import_refused_over_the_session_cap(app, staff, tmp_path):
    from support.import_files import business_session, wjx_2023_numbered

    app.config["SESSION_RESPONSE_MAX"] = 10
    code = business_session(app)
    header, rows, _ = wjx_2023_numbered(12)
    url = upload(staff, code, write_xlsx(tmp_path / "w.xlsx", header, rows)).headers["Location"]
    html = staff.get(url).get_data(as_text=True)
    form = {**selected_mapping(html), **selected_values(html), "csrf_token": page_token(html), "source": "问卷星",
            "numbered": "1", "action": "import"}
    html = staff.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert "本活动最多接收 10 份答卷，已有 0 份" in html and "超出 2 份" in html and count(app, code) == 0
