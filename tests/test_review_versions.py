"""A review request must carry the version of every row it changes (issue 21 item 4): without
versions, or with versions for only some rows, it is refused with 400 in Chinese and changes
nothing, so a colleague's decision made since the page loaded is never silently overwritten.
On SQLite and PostgreSQL (the `app` fixture runs both)."""
from __future__ import annotations

import re

import pytest
from support.review import as_the_page_sends
from support.review_seed import seed_review
from support.staff import add_staff, log_in

from survey.extensions import db
from survey.models import Evaluation
from survey.review.models import ReviewAction, Statement, Theme

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def two_staff(app):
    seeded = seed_review(app)
    add_staff(app, "colleague")
    with app.app_context():
        code = db.session.get(Evaluation, seeded.evaluation_id).code
    clients = []
    for name in ("reviewer", "colleague"):
        client = app.test_client()
        log_in(client, name)
        url = f"/staff/evaluations/{code}/review"
        token = _META.search(client.get(url).get_data(as_text=True)).group(1)
        clients.append((client, token))
    return seeded, code, clients


def send(client_token, code: str, payload: dict):
    client, token = client_token
    return client.post(f"/staff/evaluations/{code}/review/actions", json=payload,
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


def statuses(app, ids) -> list[str]:
    with app.app_context():
        return [db.session.get(Statement, i).status for i in ids]


def actions(app) -> int:
    with app.app_context():
        return db.session.query(ReviewAction).count()


def test_a_colleagues_decision_is_not_overwritten_by_a_request_without_versions(app, two_staff):
    seeded, code, (me, colleague) = two_staff
    sid = seeded.statements[0]
    shown = as_the_page_sends(app, code, {"action": "confirm", "statements": [sid]})  # my page loads
    assert send(colleague, code, as_the_page_sends(
        app, code, {"action": "exclude", "statements": [sid], "reason": "duplicate"})).status_code == 200
    # My request without versions: refused, the colleague's exclusion stays.
    refused = send(me, code, {"action": "include", "statements": [sid]})
    assert refused.status_code == 400 and "版本" in refused.get_json()["error"] and "刷新页面" in refused.get_json()["error"]
    assert statuses(app, [sid]) == ["excluded"]
    # With the versions my page showed: the 409 that says a colleague changed it.
    stale = send(me, code, {**shown, "action": "include"})
    assert stale.status_code == 409 and stale.get_json()["stale"]
    assert statuses(app, [sid]) == ["excluded"]


@pytest.mark.parametrize("kind", ["confirm", "exclude", "include", "move_theme", "move_category", "new_theme"])
def test_versions_for_only_some_rows_are_refused(app, two_staff, kind):
    seeded, code, (me, _) = two_staff
    ids = seeded.statements[:3]
    payload = as_the_page_sends(app, code, {"action": kind, "statements": ids, "reason": "duplicate",
                                            "theme": seeded.themes["talent"], "category": "service-talent",
                                            "label": "新主题"})
    payload["versions"].pop(str(ids[1]))
    before = statuses(app, ids), actions(app)
    response = send(me, code, payload)
    assert response.status_code == 400 and "版本" in response.get_json()["error"]
    assert (statuses(app, ids), actions(app)) == before
    del payload["versions"]
    assert send(me, code, payload).status_code == 400
    assert (statuses(app, ids), actions(app)) == before


@pytest.mark.parametrize("payload", [
    {"action": "rename", "label": "资金不足"},
    {"action": "split", "k": 2},
    {"action": "merge"},
])
def test_theme_actions_without_the_themes_versions_are_refused(app, two_staff, payload):
    seeded, code, (me, _) = two_staff
    t = seeded.themes
    payload = {**payload, "theme": t["channel"]}
    if payload["action"] == "merge":
        payload["themes"] = [t["fund"]]
        # the target's version alone is not enough: every theme it changes
        response = send(me, code, {**payload, "theme_versions": {str(t["channel"]): 1}})
        assert response.status_code == 400 and "版本" in response.get_json()["error"]
    response = send(me, code, payload)
    assert response.status_code == 400 and "版本" in response.get_json()["error"]
    assert actions(app) == 0
    with app.app_context():
        assert db.session.get(Theme, t["channel"]).staff_label is None
    assert send(me, code, as_the_page_sends(app, code, payload)).status_code == 200


def test_select_all_without_what_the_page_showed_is_refused(app, two_staff):
    seeded, code, (me, _) = two_staff
    for everything in ({"filter": "category=transfer-channels"},
                       {"filter": "category=transfer-channels", "count": 5}):
        response = send(me, code, {"action": "confirm", "all": everything})
        assert response.status_code == 400 and "版本" in response.get_json()["error"]
    assert statuses(app, seeded.statements).count("confirmed") == 0
    full = as_the_page_sends(app, code, {"action": "confirm", "all": {"filter": "category=transfer-channels"}})
    assert send(me, code, full).status_code == 200
    assert statuses(app, seeded.statements).count("confirmed") == 5
