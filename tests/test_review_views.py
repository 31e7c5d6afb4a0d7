"""The review workspace over HTTP: login, the page and its fragments, decisions as JSON with
the CSRF token in a header, refusals shown as Chinese messages."""
from __future__ import annotations

import json
import re

import pytest
from support.review import as_the_page_sends
from support.review_seed import seed_review

from survey.extensions import db
from survey.models import Evaluation
from survey.review.models import ReviewAction, Statement, Theme

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def seeded(app):
    return seed_review(app)


@pytest.fixture
def staff(client, seeded):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/staff/login").get_data(as_text=True)).group(1)
    client.post("/staff/login", data={"username": "reviewer", "password": "correct horse", "csrf_token": token})
    return client


def code_of(app, seeded) -> str:
    with app.app_context():
        return db.session.get(Evaluation, seeded.evaluation_id).code


def page_token(client, url: str) -> str:
    return _META.search(client.get(url).get_data(as_text=True)).group(1)


def post(client, url: str, token: str, payload: dict):
    # With the versions review.js sends (a request without them is refused: test_review_versions.py).
    payload = as_the_page_sends(client.application, url.split("/")[3], payload)
    return client.post(url + "/actions", json=payload, headers={"X-CSRFToken": token})


def test_login_required(client, app, seeded):
    response = client.get(f"/staff/evaluations/{code_of(app, seeded)}/review")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.post(f"/staff/evaluations/{code_of(app, seeded)}/review/actions", json={}).status_code in (302, 400)


def test_workspace_shows_categories_themes_statements_and_progress(staff, app, seeded):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    page = staff.get(url).get_data(as_text=True)
    assert "已审核 0 / 10" in page
    assert "校企专利信息沟通与转化渠道" in page and "未归类/新问题" in page
    assert "校企专利信息沟通渠道不畅" in page and "高校与企业之间缺乏专利信息沟通渠道" in page
    assert "高校/科研院所" in page and "意见建议" in page
    assert "命名依据" in page and "关键词" in page
    assert "js/review.js" in page and "<script>" not in page  # no inline script
    assert "键盘快捷键" in page and "<kbd>j</kbd>" in page


def test_session_code_makes_the_evaluation_on_first_use(staff, app):
    from support.staff import make_session

    code = make_session(app)
    assert staff.get(f"/staff/evaluations/{code}/review").status_code == 200
    assert staff.get(f"/staff/evaluations/{code}/review").status_code == 200
    with app.app_context():
        assert db.session.query(Evaluation).filter_by(code=code).count() == 1
    assert staff.get("/staff/evaluations/nosuchcode/review").status_code == 404
    assert f"/staff/evaluations/{code}/review" in staff.get(f"/staff/sessions/{code}").get_data(as_text=True)


def test_actions_in_place_and_undo(staff, app, seeded):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    token = page_token(staff, url)
    response = post(staff, url, token, {"action": "confirm", "statements": seeded.statements[:2]})
    assert response.status_code == 200
    data = response.get_json()
    assert data["message"] == "确认 2 条意见" and data["progress"]["text"] == "已审核 2 / 10"
    assert "已审核 2 / 10" in staff.get(url).get_data(as_text=True)

    response = post(staff, url, token, {"action": "rename", "theme": seeded.themes["fund"], "label": "资金不足"})
    assert response.status_code == 200
    board = staff.get(url + "/board").get_data(as_text=True)
    assert "资金不足" in board and board.lstrip().startswith("<div id=\"rv-board\"") and "<html" not in board

    response = post(staff, url, token, {"action": "undo"})
    assert response.get_json()["message"].startswith("已撤销：主题")
    with app.app_context():
        assert db.session.get(Theme, seeded.themes["fund"]).staff_label is None


def test_every_action_kind_through_http(staff, app, seeded):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    token = page_token(staff, url)
    s, t = seeded.statements, seeded.themes
    for payload in ({"action": "move_category", "statements": [s[8]], "category": "service-talent"},
                    {"action": "move_theme", "statements": [s[9]], "theme": t["talent"]},
                    {"action": "new_theme", "statements": [s[1], s[2]], "label": "对接平台"},
                    {"action": "merge", "theme": t["channel"], "themes": [t["fund"]]},
                    {"action": "exclude", "statements": [s[7]], "reason": "duplicate"},
                    {"action": "include", "statements": [s[7]]},
                    {"action": "split", "theme": t["channel"], "k": 2}):
        response = post(staff, url, token, payload)
        assert response.status_code == 200, (payload, response.get_json())
    with app.app_context():
        kinds = [a.kind for a in db.session.query(ReviewAction).order_by(ReviewAction.id)]
        assert kinds == ["move", "move", "new_theme", "merge", "exclude", "include", "split"]
        assert db.session.get(Statement, s[7]).status == "confirmed"


@pytest.mark.parametrize("payload, message", [
    ({"action": "exclude", "statements": [1], "reason": "nope"}, "排除原因"),
    ({"action": "confirm", "statements": []}, "请先选择意见"),
    ({"action": "confirm", "statements": ["a"]}, "意见编号有误"),
    ({"action": "rename", "theme": "x", "label": "新"}, "主题编号有误"),
    ({"action": "fly"}, "未知的操作"),
    ({"action": "undo"}, "没有可以撤销的操作"),
])
def test_refusals_are_chinese_json(staff, app, seeded, payload, message):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    token = page_token(staff, url)
    response = post(staff, url, token, payload)
    assert response.status_code == 400 and message in response.get_json()["error"]


def test_csrf_token_required(staff, app, seeded):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    staff.get(url)
    response = staff.post(url + "/actions", json={"action": "confirm", "statements": seeded.statements[:1]})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Statement, seeded.statements[0]).status == "machine"


def test_filters_queue_history_and_theme_list(staff, app, seeded):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    board = staff.get(url + "/board?org=服务机构").get_data(as_text=True)
    assert board.count('class="rv-st ') == 2
    board = staff.get(url + "/board?q=空调&category=other").get_data(as_text=True)
    assert board.count('class="rv-st ') == 1 and "会议室空调太冷" in board
    queue = staff.get(url + "/board?mode=queue").get_data(as_text=True)
    order = re.findall(r'data-id="(\d+)"', queue)
    assert [int(i) for i in order][:3] == [seeded.statements[8], seeded.statements[3], seeded.statements[9]]

    themes = staff.get(url + "/themes").get_json()
    assert {t["label"] for t in themes["themes"]} >= {"高端代理人才缺乏", "会议组织"}
    assert themes["categories"][-1] == {"key": "0", "id": "other", "name": "未归类/新问题"}

    token = page_token(staff, url)
    post(staff, url, token, {"action": "move_category", "statements": [seeded.statements[4]], "category": "other"})
    history = staff.get(url + f"/statements/{seeded.statements[4]}/history").get_data(as_text=True)
    assert "程序" in history and "置信度 62%" in history and "王审核" in history and "未归类/新问题" in history
    assert staff.get(url + "/statements/999999/history").status_code == 404
    assert "最近操作" in staff.get(url).get_data(as_text=True)
    assert "移到类别" in staff.get(url + "/recent").get_data(as_text=True)


@pytest.mark.parametrize("body", [
    b'{"action": "rename", "theme": 1, "label": ["a"]}',
    b'{"action": "rename", "theme": 1, "label": 5}',
    b'{"action": "rename", "theme": 1, "label": {"a": 1}}',
    b'{"action": "confirm", "statements": [99999999999999999999]}',
    b'{"action": "confirm", "statements": [2147483648]}',
    b'{"action": "confirm", "statements": [0]}',
    b'{"action": "confirm", "statements": [true]}',
    b'{"action": "confirm", "statements": [1.5]}',
    b'{"action": "confirm", "statements": Infinity}',
    b'{"action": "confirm", "statements": [1], "x": 1e400}',
    b'{"action": "confirm", "statements": [NaN]}',
    b'{"action": "confirm", "statements": "12"}',
    b'{"action": "merge", "theme": 1, "themes": "12"}',
    b'{"action": "split", "theme": 1, "k": "2"}',
    b'{"action": "undo", "action_id": -1}',
    b'{"action": "confirm", "statements": [1], "versions": {"1": "x"}}',
    b'[' * 3000 + b']' * 3000,
    b'{"a":' * 3000 + b'1' + b'}' * 3000,
    b'{"action": "confirm", "statements": [1], "all": "x"}',
    b'\xff\xfe',
    b'',
])
def test_malformed_json_is_a_400_with_a_chinese_message_and_acts_on_nothing(staff, app, seeded, body):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    token = page_token(staff, url)
    response = staff.post(url + "/actions", data=body, content_type="application/json",
                          headers={"X-CSRFToken": token})
    assert response.status_code == 400, response.get_data(as_text=True)[:200]
    assert re.search("[\u4e00-\u9fff]", response.get_json()["error"])
    with app.app_context():
        assert db.session.query(ReviewAction).count() == 0
        assert {s.status for s in db.session.query(Statement)} == {"machine"}
        assert db.session.query(Theme).filter(Theme.merged_into_id.is_not(None)).count() == 0


def test_theme_names_are_cleaned_of_controls_and_bidi_marks(staff, app, seeded):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    token = page_token(staff, url)
    label = "\u202e\u0007控制\u001b[31m\x00名\ufeff称\uffff"
    response = post(staff, url, token, {"action": "rename", "theme": seeded.themes["fund"], "label": label})
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        assert db.session.get(Theme, seeded.themes["fund"]).staff_label == "控制[31m名称"


def test_select_all_by_filter_acts_on_every_statement_it_shows(staff, app, seeded):
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    token = page_token(staff, url)
    everything = {"filter": "category=transfer-channels", "count": 5}
    response = post(staff, url, token, {"action": "confirm", "all": everything})
    assert response.status_code == 200 and response.get_json()["message"] == "确认 5 条意见"
    with app.app_context():
        rows = db.session.query(Statement).order_by(Statement.id).all()
        assert [s.status for s in rows] == ["confirmed"] * 5 + ["machine"] * 5
    # What the filter shows changed since the page counted it: refused, nothing done.
    response = post(staff, url, token, {"action": "exclude", "reason": "other",
                                        "all": {"filter": "reviewed=no", "count": 6}})
    assert response.status_code == 409 and "刚被其他工作人员修改" in response.get_json()["error"]
    with app.app_context():
        assert db.session.query(Statement).filter(Statement.status == "excluded").count() == 0


def test_select_all_over_5000_statements_is_one_small_request(staff, app, seeded):
    """The request names the filter, never the ids: its body is the same few bytes at 5,000
    statements as at 40,000 (where the ids alone would pass the 64 KiB JSON limit)."""
    from sqlalchemy import insert

    with app.app_context():
        first = db.session.get(Statement, seeded.statements[0])
        rows = [{"evaluation_id": first.evaluation_id, "response_id": first.response_id, "field": "problems",
                 "position": n, "text": f"第{n}条意见", "category": "other", "machine_category": "other",
                 "status": "machine"} for n in range(1, 5001)]
        db.session.execute(insert(Statement), rows)
        db.session.commit()
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    token = page_token(staff, url)
    body = {"action": "exclude", "reason": "duplicate", "all": {"filter": "q=第", "count": 5000}}
    assert len(json.dumps(body)) < 200
    response = post(staff, url, token, body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["message"] == "排除 5000 条意见（重复）"
    with app.app_context():
        assert db.session.query(Statement).filter(Statement.status == "excluded").count() == 5000


def test_praise_is_shown_under_its_kind_and_can_be_moved_into_a_category(staff, app, seeded):
    """Praise counts in no category: the workspace shows it under 肯定（不计入问题类别）, not in a
    category nor in 未归类/新问题; moving it into a category (key 1) makes it count there."""
    sid = seeded.statements[0]
    with app.app_context():
        s = db.session.get(Statement, sid)
        s.kind, s.category, s.machine_category, s.theme_id, s.machine_theme_id = "praise", None, None, None, None
        db.session.commit()
    url = f"/staff/evaluations/{code_of(app, seeded)}/review"
    page = staff.get(url).get_data(as_text=True)
    section = page[page.index('data-category="kind-praise"'):]
    assert "肯定（不计入问题类别）" in section and f'data-id="{sid}"' in section
    assert f'data-id="{sid}"' not in page[:page.index('data-category="kind-praise"')]
    with app.app_context():
        version = db.session.get(Statement, sid).version
        first = db.session.get(Evaluation, seeded.evaluation_id).plan.definition.categories[0].id
    token = page_token(staff, url)
    response = post(staff, url, token, {"action": "move_category", "category": first, "statements": [sid],
                                        "versions": {str(sid): version}})
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Statement, sid).category == first
