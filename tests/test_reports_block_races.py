"""Two staff saving the same report block at once, through a real server (waitress) on the
test database: exactly one save succeeds and the other gets 409 with its text kept, 30 of 30;
an undo racing a save likewise; history never forks (issue 21, item 2). A save without the
version it edited is refused (400, item 4)."""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select
from support.report import make_evaluation
from support.staff import add_staff

from survey.extensions import db
from survey.reports.data import evaluation_for_code
from survey.reports.models import ReportBlock, ReportBlockChange

TRIALS = 30
UNDO_TRIALS = 5
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """One member of staff: their own cookies, logged in."""

    def __init__(self, base: str, username: str, code: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect)
        self.token = self._token("/staff/login")
        status, _ = self.post("/staff/login", {"username": username, "password": "correct horse"})
        assert status == 302, status
        self.token = self._token(f"/staff/reports/{code}/edit")  # the session's token after logging in

    def _token(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as reply:
            return _CSRF.search(reply.read().decode()).group(1)

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({**fields, "csrf_token": self.token}).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect comes back as an HTTPError with its code


@pytest.fixture
def server(app):
    from survey.serve import make_server

    srv = make_server(app, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}"
    from waitress import wasyncore

    srv.task_dispatcher.shutdown()  # let the last requests finish before the sockets go
    wasyncore.close_all(srv._map)
    thread.join(timeout=10)


@pytest.fixture
def staff_pair(app, server):
    code = make_evaluation(app)
    add_staff(app, "amy")
    add_staff(app, "bob")
    return code, Browser(server, "amy", code), Browser(server, "bob", code)


def _version(app, code: str, key: str = "application") -> int:
    with app.app_context():
        evaluation = evaluation_for_code(code)
        block = db.session.scalar(select(ReportBlock).where(ReportBlock.evaluation_id == evaluation.id,
                                                            ReportBlock.key == key))
        db.session.commit()
        return block.version if block else 0


def _together(url: str, *posts: tuple[Browser, dict]) -> list[tuple[int, str]]:
    """Send the posts (who, form) at the same moment, each on its own thread."""
    barrier = threading.Barrier(len(posts))
    out: list = [None] * len(posts)

    def run(i, post):
        browser, fields = post
        barrier.wait()
        out[i] = browser.post(url, fields)

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _stored(app, code: str, key: str = "application") -> tuple[str | None, int, int]:
    """The block's text, its version and how many changes its history holds."""
    with app.app_context():
        evaluation = evaluation_for_code(code)
        block = db.session.scalar(select(ReportBlock).where(ReportBlock.evaluation_id == evaluation.id,
                                                            ReportBlock.key == key))
        changes = db.session.scalar(select(func.count()).select_from(ReportBlockChange)
                                    .where(ReportBlockChange.block_id == block.id))
        db.session.commit()
        return block.text, block.version, changes


def test_two_simultaneous_saves_one_wins_one_gets_409_thirty_of_thirty(app, staff_pair):
    code, amy, bob = staff_pair
    url = f"/staff/reports/{code}/blocks/application"
    outcomes = []
    for trial in range(TRIALS):
        version = _version(app, code)
        texts = (f"甲第{trial}次写的运用情况。", f"乙第{trial}次写的运用情况。")
        replies = _together(url, (amy, {"action": "save", "text": texts[0], "version": version}),
                            (bob, {"action": "save", "text": texts[1], "version": version}))
        statuses = sorted(status for status, _ in replies)
        outcomes.append(statuses)
        if statuses != [302, 409]:
            continue
        winner, loser = (0, 1) if replies[0][0] == 302 else (1, 0)
        text, stored_version, changes = _stored(app, code)
        assert text == texts[winner]  # the saved text is the one that was told 已保存
        assert stored_version == version + 1 and changes == stored_version  # one change per version: no fork
        page = replies[loser][1]
        assert texts[loser] in page  # the losing text is kept as typed …
        assert texts[winner] in page  # … beside what the other one saved
        assert "您的修改没有保存" in page
    assert outcomes == [[302, 409]] * TRIALS, outcomes


def test_an_undo_racing_a_save_one_wins(app, staff_pair):
    code, amy, bob = staff_pair
    url = f"/staff/reports/{code}/blocks/application"
    outcomes = []
    for trial in range(UNDO_TRIALS):
        first = f"第{trial}轮先保存的文字。"
        assert amy.post(url, {"action": "save", "text": first, "version": _version(app, code)})[0] == 302
        before, version, _ = _stored(app, code)
        mine = f"第{trial}轮同时保存的文字。"
        replies = _together(url, (amy, {"action": "undo", "text": first, "version": version}),
                            (bob, {"action": "save", "text": mine, "version": version}))
        statuses = [status for status, _ in replies]
        outcomes.append(sorted(statuses))
        text, stored_version, changes = _stored(app, code)
        assert stored_version == version + (1 if 302 in statuses else 0) and changes == stored_version
        if statuses == [409, 302]:
            assert text == mine
        elif statuses == [302, 409]:
            assert text != mine and mine in replies[1][1]  # undone; the save's text is kept on its page
    assert outcomes == [[302, 409]] * UNDO_TRIALS, outcomes


def test_a_save_without_its_version_is_refused_in_chinese_with_the_text_kept(app, staff_pair):
    code, amy, _ = staff_pair
    url = f"/staff/reports/{code}/blocks/application"
    for fields in ({"action": "save", "text": "没有版本的文字。"},
                   {"action": "save", "text": "没有版本的文字。", "version": ""},
                   {"action": "save", "text": "没有版本的文字。", "version": "abc"},
                   {"action": "undo", "text": "没有版本的文字。"}):
        status, page = amy.post(url, fields)
        assert status == 400
        assert "页面缺少这一段的版本信息" in page and "没有版本的文字。" in page
    assert _version(app, code) == 0  # nothing was stored
