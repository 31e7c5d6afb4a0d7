"""The consensus chart and badges in headless Chromium at 1280 and 375 px: on the demo (with its
analysis stored, so themes carry their marks) and on an anonymous session imported from a
real-shaped 问卷星 download. Screenshots go to test-output/ to be looked at."""
from __future__ import annotations

import pytest
from support.import_files import business_session, wjx_text_xls, write_xls
from support.report import store_demo_analysis

from survey.demo import install_demo
from survey.extensions import db
from survey.models import StaffUser

pytestmark = pytest.mark.browser
PASSWORD = "consensus browser"


@pytest.fixture
def logged_in(live_server, desktop, phone):
    app = live_server.app
    with app.app_context():
        if db.session.query(StaffUser).filter_by(username="consensus").first() is None:
            user = StaffUser(username="consensus")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
    for page in (desktop, phone):
        page.goto(live_server.url + "/staff/login")
        page.get_by_label("用户名").fill("consensus")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
    return desktop, phone


def _fits(page) -> None:
    """Nothing wider than the window (no sideways scrolling at 375 px)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _look(pages, url: str, name: str, output_dir) -> None:
    for page in pages:
        page.goto(url)
        card = page.locator("#consensus")
        card.wait_for()
        _fits(page)
        width = page.viewport_size["width"]
        card.screenshot(path=output_dir / f"consensus-{name}-{width}.png")
        page.screenshot(path=output_dir / f"consensus-{name}-{width}-page.png", full_page=True)


def test_demo_chart_badges_and_theme_marks(live_server, logged_in, output_dir):
    app = live_server.app
    app.config.update({"ANALYSIS_REPRESENTATION": "tfidf", "ANALYSIS_WORDCLOUDS": False})
    with app.app_context():
        code = install_demo().session.code
        db.session.commit()
    store_demo_analysis(app, code)
    desktop, phone = logged_in
    _look(logged_in, f"{live_server.url}/staff/sessions/{code}/analysis", "demo", output_dir)
    for page in logged_in:
        assert page.locator(".cs-goal").count() == 7
        assert page.locator(".cs-badge.cs-consensus").count() >= 3
        bar = page.locator("#consensus-creation .cs-bar").first.bounding_box()
        assert bar["width"] > 0.6 * page.viewport_size["width"] - 40 or page.viewport_size["width"] > 700
        assert page.get_by_text("不是程序划分的意见群体").count() == 1
    # at 375 px the type, the bar and the counts stack; on a desk they share one line
    row = phone.locator("#consensus-creation .cs-row").nth(1)
    assert row.locator(".cs-bar").bounding_box()["y"] > row.locator(".cs-type").bounding_box()["y"]
    row = desktop.locator("#consensus-creation .cs-row").nth(1)
    assert abs(row.locator(".cs-bar").bounding_box()["y"] - row.locator(".cs-type").bounding_box()["y"]) < 12
    marks = desktop.locator(".cs-concern, .cs-shared")
    assert marks.count() >= 1
    marks.first.scroll_into_view_if_needed()
    desktop.locator(".analysis-category").first.screenshot(path=output_dir / "consensus-demo-1280-category.png")


def test_an_imported_wjx_session_shows_the_chart(live_server, logged_in, tmp_path, output_dir):
    app = live_server.app
    code = business_session(app)
    header, rows, _ = wjx_text_xls(80)
    path = write_xls(tmp_path / "问卷星.xls", header, rows)
    result = app.test_cli_runner().invoke(args=["import", str(path), "--session", code])
    assert result.exit_code == 0, result.output
    _look(logged_in, f"{live_server.url}/staff/sessions/{code}/analysis", "wjx", output_dir)
    desktop, _ = logged_in
    text = desktop.locator("#consensus").inner_text()
    assert "个人/群众" in text and "未填写" in text  # anonymous: 个人/群众 offered, some chose no type
    assert desktop.locator("#consensus .cs-badge").count() >= 6
