"""The analysis page in headless Chromium: 开始分析 queues a job, a real embedded huey consumer
runs it, the page polls the status (stage and progress), then shows the stored result."""
from __future__ import annotations

import uuid

import pytest

from survey.demo import install_demo
from survey.extensions import db
from survey.jobs.queue import start_embedded_consumer
from survey.models import StaffUser

pytestmark = pytest.mark.browser
PASSWORD = "analysis browser"


@pytest.fixture
def demo_code(live_server):
    app = live_server.app
    # TF-IDF keeps the test quick; the word clouds still give the job a visible middle.
    app.config.update({"ANALYSIS_REPRESENTATION": "tfidf", "HUEY_NAME": f"browser-{uuid.uuid4().hex[:8]}"})
    with app.app_context():
        report = install_demo()
        if db.session.query(StaffUser).filter_by(username="analyst").first() is None:
            user = StaffUser(username="analyst")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        return report.session.code


def _log_in(page, live):
    page.goto(live.url + "/staff/login")
    page.get_by_label("用户名").fill("analyst")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_run_analysis_shows_progress_then_the_result(live_server, demo_code, desktop, phone, output_dir):
    url = f"{live_server.url}/staff/sessions/{demo_code}/analysis"
    for page in (desktop, phone):
        _log_in(page, live_server)
        page.goto(url)
    desktop.get_by_role("button", name="开始分析").click()
    status = desktop.locator("#run-status")
    status.wait_for(state="visible")
    assert desktop.locator("#run-status").get_attribute("data-active") == "true"
    # No worker yet: the job waits in the queue, and the page says so.
    assert "排队" in status.inner_text()
    phone.goto(url)
    phone.locator("#run-status").wait_for(state="visible")
    phone.screenshot(path=output_dir / "analysis-375-queued.png", full_page=True)

    consumer = start_embedded_consumer(live_server.app)
    try:
        # The polling script shows the worker's stages as they happen; with the encoders loaded
        # and the vectors cached a run can end within one poll, and the page goes straight to
        # the result (checked below), so a stage is waited for only while the run is going.
        stage = ("() => { const s = document.querySelector('.run-stage'); "
                 "return (s && /拆分|计算向量|归类|提炼主题|保存|绘制词云/.test(s.textContent)) ? 'stage' "
                 ": (document.querySelector('.analysis-category') ? 'done' : false); }")
        if desktop.wait_for_function(stage, timeout=60_000).json_value() == "stage":
            desktop.screenshot(path=output_dir / "analysis-1280-running.png", full_page=True)
        if phone.wait_for_function(stage, timeout=60_000).json_value() == "stage":
            phone.screenshot(path=output_dir / "analysis-375-running.png", full_page=True)
        # When the job ends the page reloads itself with the stored result.
        desktop.get_by_role("button", name="重新分析").wait_for(timeout=120_000)
        phone.get_by_role("button", name="重新分析").wait_for(timeout=120_000)
        # Results first; the word clouds follow from their own task and the page shows them.
        assert desktop.locator(".analysis-category").count() >= 2
        desktop.locator("img.cloud").first.wait_for(timeout=120_000)
        phone.locator("img.cloud").first.wait_for(timeout=120_000)
    finally:
        consumer.stop(graceful=True)
    assert desktop.locator("#run-status").is_hidden()
    assert desktop.locator("#clouds-pending").count() == 0
    desktop.wait_for_function("() => { const i = document.querySelector('img.cloud'); return i && i.complete && i.naturalWidth > 0; }")
    desktop.screenshot(path=output_dir / "analysis-1280-done.png", full_page=True)
    phone.screenshot(path=output_dir / "analysis-375-done.png", full_page=True)
    assert phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_group_sessions_on_the_list_then_a_failed_run_offers_retry(live_server, demo_code, phone, desktop,
                                                                   output_dir):
    from survey.evaluations import group_by_code
    from survey.review.models import AnalysisRun
    from survey.sessions import create_session

    app = live_server.app
    with app.app_context():
        demo = create_session(plan_id="taian-ip-14th-fyp", title="知识产权规划网上问卷", form="问卷调查",
                              organiser="泰安市市场监管局", starts_at=None, place="线上", status="open")
        db.session.commit()
        online = demo.code
    _log_in(phone, live_server)
    phone.goto(live_server.url + "/staff/")
    phone.get_by_text("合并分析多场活动").click()
    phone.locator(f"input[name=codes][value='{demo_code}']").check()
    phone.get_by_label("合并评价名称").fill("座谈会与网上问卷")
    phone.get_by_role("button", name="建立合并评价").click()
    # One session only: the error is on the page, what was typed is still there.
    assert phone.get_by_text("合并分析至少需要选择两场活动").is_visible()
    assert phone.get_by_label("合并评价名称").input_value() == "座谈会与网上问卷"
    assert phone.locator(f"input[name=codes][value='{demo_code}']").is_checked()
    phone.screenshot(path=output_dir / "group-375-error.png", full_page=True)
    assert phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.locator(f"input[name=codes][value='{online}']").check()
    phone.get_by_role("button", name="建立合并评价").click()
    phone.get_by_text("合并分析以下活动").wait_for()
    code = phone.url.split("/groups/")[1].split("/")[0]

    with app.app_context():
        group = group_by_code(code)
        db.session.add(AnalysisRun(evaluation=group, status="failed", stage="failed",
                                   error="分析进程意外中断（超过 2 分钟没有进展），可能是服务器重启或内存不足。请点击“重试”。"))
        db.session.commit()
    for page, name in ((phone, "group-375-failed.png"), (desktop, "group-1280-failed.png")):
        if page is desktop:
            _log_in(page, live_server)
        page.goto(f"{live_server.url}/staff/groups/{code}/analysis")
        assert page.get_by_role("button", name="重试").is_visible()
        assert page.get_by_text("分析进程意外中断").is_visible()
        page.screenshot(path=output_dir / name, full_page=True)
