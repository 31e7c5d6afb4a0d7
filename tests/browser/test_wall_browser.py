"""Issue 23's acceptance in headless Chromium against a real `pingjia serve` (waitress, a
subprocess): the wall and the review page are open; phones submit answers; staff approve one
comment and hide another in the moderation queue. The wall shows the approved one within 3 s
and never the hidden one (a MutationObserver records every comment the wall ever drew), the
review page's late-answer banner counts the new answers without a reload, and after the server
is stopped and started again the wall's stream reconnects and keeps updating.

Waits are on conditions (locators with timeouts), never fixed sleeps."""
from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade

from survey import create_app
from survey.extensions import db

PHONE = {"width": 375, "height": 812}  # as tests/browser/conftest.py (a bare `conftest` import is ambiguous under xdist)

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="未安装 playwright")
expect = sync_api.expect

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "wall-staff", "wall-password"
APPROVED = "希望设立知识产权快速维权窗口，缩短办案周期。"
HIDDEN = "这条意见含有不宜公开的内容，不应上墙。"
AFTER_RESTART = "重启之后提交的意见也能上墙。"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealServer:
    """`pingjia serve --no-worker` in a subprocess on a fixed port, restartable."""

    def __init__(self, env: dict, port: int):
        self.env, self.port, self.proc = env, port, None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        self.proc = subprocess.Popen([str(Path(sys.executable).with_name("pingjia")), "serve", "--no-worker",
                                      "--port", str(self.port), "--threads", "4"],
                                     env={**os.environ, **self.env}, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                assert self.proc.poll() is None, f"pingjia serve exited with {self.proc.returncode}"
                time.sleep(0.1)
        raise RuntimeError("pingjia serve did not start in 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wall")
    url = f"sqlite:///{folder / 'wall.sqlite3'}"
    env = {"DATABASE_URL": url, "PINGJIA_SECRET_KEY": "wall-browser-secret",
           "PINGJIA_SUBMIT_ADDRESS_LIMIT": "100000 per minute", "PINGJIA_ANALYSIS_WARM_UP": "false"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": env["PINGJIA_SECRET_KEY"]})
    app.instance_path = str(folder / "instance")
    with app.app_context():
        upgrade()
        code = seed()
    live = RealServer(env, free_port())
    live.code = code
    live.start()
    yield live
    live.stop()
    with app.app_context():
        db.engine.dispose()


def seed() -> str:
    """An open session with two answers and a finished analysis run that read them (so the
    review page exists and its banner counts only answers that arrive later)."""
    from support.participate import make_session

    from survey.evaluations import evaluation_for_session
    from survey.models import Response, StaffUser
    from survey.review.models import AnalysisRun

    user = StaffUser(username=USER, display_name="会务组")
    user.set_password(PASSWORD)
    db.session.add(user)
    session = make_session()
    for i, org in enumerate(("山东科技大学", "漱玉药业")):
        session.responses.append(Response(submission_id=f"seed-{i}", organisation=org, organisation_type="企业",
                                          problems="专利审查周期偏长。", suggestions=""))
    db.session.commit()
    evaluation = evaluation_for_session(session)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    db.session.add(AnalysisRun(evaluation_id=evaluation.id, status="done", kind="full", finished_at=now,
                               started_at=now, response_count=2, answers_at=now,
                               last_response_id=max(r.id for r in session.responses)))
    db.session.commit()
    return session.code


def log_in(page, url: str) -> None:
    page.goto(f"{url}/staff/login")
    page.get_by_label("用户名").fill(USER)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def answer(browser, url: str, code: str, problems: str) -> None:
    """One phone: the participant form filled and sent as a person would."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{url}/s/{code}")
    page.get_by_label("单位名称").fill("泰安市某科技公司")
    page.get_by_role("radio", name="企业").tap()
    page.evaluate("() => document.querySelectorAll('input[type=radio][value=\"4\"]').forEach(r => { r.checked = true; })")
    page.get_by_label("存在问题").fill(problems)
    page.locator("#submit-button").tap()
    page.wait_for_url("**/thanks/**")
    context.close()


def test_wall_shows_approved_comments_live_never_hidden_ones_and_survives_a_restart(server, browser, output_dir):
    staff = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    staff.set_default_timeout(15_000)
    wall = staff.new_page()
    log_in(wall, server.url)
    wall.goto(f"{server.url}/staff/sessions/{server.code}/wall")
    # Every comment text the wall ever draws, to prove the hidden one never appeared, not even briefly.
    wall.evaluate("""() => { window.seenComments = [];
        const list = document.getElementById('wall-comments');
        const note = () => list.querySelectorAll('li[data-comment] p').forEach(p => window.seenComments.push(p.textContent));
        new MutationObserver(note).observe(list, {childList: true, subtree: true}); note(); }""")
    expect(wall.locator("#wall-connection")).to_have_attribute("data-state", "live")
    expect(wall.locator("#wall-total")).to_have_text("2")

    review = staff.new_page()
    review.goto(f"{server.url}/staff/evaluations/{server.code}/review")
    expect(review.locator("[data-late-answers]")).to_have_count(0)
    review.evaluate("() => { window.notReloaded = true; }")

    answer(browser, server.url, server.code, APPROVED)
    answer(browser, server.url, server.code, HIDDEN)
    expect(wall.locator("#wall-total")).to_have_text("4")
    banner = review.locator("[data-late-answers]")
    expect(banner).to_contain_text("有 2 份新答卷尚未分析")
    assert review.evaluate("() => window.notReloaded") is True  # updated in place

    queue = staff.new_page()
    queue.goto(f"{server.url}/staff/sessions/{server.code}/moderation")
    queue.locator(".mod-item", has_text=HIDDEN).get_by_role("button", name="隐藏（h）").click()
    expect(queue.locator(".mod-item", has_text=HIDDEN)).to_have_count(0)
    queue.locator(".mod-item", has_text=APPROVED).get_by_role("button", name="上墙（a）").click()
    started = time.monotonic()
    expect(wall.locator("#wall-comments li", has_text=APPROVED)).to_be_visible(timeout=3_000)
    shown_after = time.monotonic() - started
    assert shown_after < 3
    wall.screenshot(path=output_dir / "wall-1920.png", animations="disabled")
    from test_accessibility import check

    check(wall, "wall at 1920×1080")
    check(queue, "moderation queue")

    # After a reload too, the hidden comment stays off the wall.
    wall.reload()
    expect(wall.locator("#wall-comments li", has_text=APPROVED)).to_be_visible()
    assert HIDDEN not in wall.locator("#wall").inner_text()
    wall.evaluate("""() => { window.seenComments = [];
        const list = document.getElementById('wall-comments');
        new MutationObserver(() => list.querySelectorAll('li[data-comment] p')
            .forEach(p => window.seenComments.push(p.textContent))).observe(list, {childList: true, subtree: true}); }""")
    expect(wall.locator("#wall-connection")).to_have_attribute("data-state", "live")

    # The server stops: the wall notices, and once it is back the stream reconnects by itself.
    server.stop()
    expect(wall.locator("#wall-connection")).not_to_have_attribute("data-state", "live")
    server.start()
    expect(wall.locator("#wall-connection")).to_have_attribute("data-state", "live", timeout=20_000)
    answer(browser, server.url, server.code, AFTER_RESTART)
    expect(wall.locator("#wall-total")).to_have_text("5")
    queue.reload()
    queue.locator(".mod-item", has_text=AFTER_RESTART).get_by_role("button", name="上墙（a）").click()
    expect(wall.locator("#wall-comments li", has_text=AFTER_RESTART)).to_be_visible(timeout=3_000)
    expect(banner).to_contain_text("有 3 份新答卷尚未分析")
    assert HIDDEN not in wall.evaluate("() => window.seenComments.join('|')")

    wall.set_viewport_size({"width": 375, "height": 812})
    assert wall.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    wall.screenshot(path=output_dir / "wall-375.png", full_page=True, animations="disabled")
    staff.close()
