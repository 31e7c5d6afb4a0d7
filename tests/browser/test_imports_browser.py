"""Staff import and paper pages in headless Chromium: upload → preview → mapping → import at
desktop width (the preview also at 768 px), the keyboard-only paper entry page, and the paper
form printed on A4. Screenshots go to test-output/."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from support.participate import make_session

from survey.extensions import db
from survey.models import EvaluationSession, Response, StaffUser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.import_files import wjx, write_xlsx  # noqa: E402

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="未安装 playwright").expect

USERNAME, PASSWORD = "imports-staff", "correct horse battery"


@pytest.fixture
def staff_page(live_server, desktop):
    with live_server.app.app_context():
        if db.session.scalar(select(StaffUser).filter_by(username=USERNAME)) is None:
            user = StaffUser(username=USERNAME)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
        code = make_session("open").code
    desktop.goto(f"{live_server.url}/staff/login")
    desktop.get_by_label("用户名").fill(USERNAME)
    desktop.get_by_label("密码").fill(PASSWORD)
    desktop.get_by_role("button", name="登录").click()
    desktop.wait_for_url("**/staff/")
    return desktop, code


def responses(live, code: str) -> list[Response]:
    with live.app.app_context():
        rows = db.session.scalars(select(Response).join(EvaluationSession)
                                  .where(EvaluationSession.code == code).order_by(Response.id)).all()
        for r in rows:
            _ = r.ratings  # load before the context closes
        return list(rows)


def sideways_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_upload_preview_change_mapping_import(live_server, staff_page, tmp_path, output_dir):
    page, code = staff_page
    path = write_xlsx(tmp_path / "问卷星导出_按文本.xlsx", *wjx())
    page.goto(f"{live_server.url}/staff/sessions/{code}")
    page.get_by_role("link", name="导入问卷星 / 腾讯问卷 / 表格").click()
    page.screenshot(path=output_dir / "import-upload-1280.png", full_page=True)
    page.get_by_label("答卷文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("#preview")
    assert page.locator("#file-kind").inner_text() == "问卷星（按文本）"
    assert "可导入 3 行" in page.locator("#summary").inner_text()
    assert responses(live_server, code) == []  # nothing stored by the preview
    assert page.locator("#preview tbody tr").count() == 3
    assert page.get_by_label("5、您对《规划》实施有哪些意见建议？").input_value() == "suggestions"
    page.screenshot(path=output_dir / "import-preview-1280.png", full_page=True)

    page.set_viewport_size({"width": 768, "height": 1024})
    assert sideways_overflow(page) <= 0  # wide tables scroll inside their card
    page.screenshot(path=output_dir / "import-preview-768.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Staff decide the suggestions column is not to be imported, re-check, then import.
    page.get_by_label("5、您对《规划》实施有哪些意见建议？").select_option(label="不导入")
    page.get_by_role("button", name="按此对应重新检查").click()
    page.wait_for_selector("#preview")
    assert page.get_by_label("5、您对《规划》实施有哪些意见建议？").input_value() == ""
    assert page.locator("#preview tbody tr").first.locator("td").last.inner_text() == ""
    page.get_by_role("button", name="导入 3 份答卷").click()
    page.wait_for_url(f"**/staff/sessions/{code}")
    assert "导入 3 份答卷（来源：问卷星）" in page.locator(".flash-success").inner_text()
    assert page.locator("#response-count").inner_text() == "3"
    assert page.locator(".tag-source").first.inner_text() == "问卷星"
    page.screenshot(path=output_dir / "import-done-1280.png", full_page=True)
    stored = responses(live_server, code)
    assert [r.source for r in stored] == ["问卷星"] * 3
    assert all(r.suggestions == "" for r in stored)
    assert {x.goal_id: x.score for x in stored[0].ratings}["creation"] == 5


def test_bad_rows_shown_and_only_good_imported(live_server, staff_page, tmp_path, output_dir):
    page, code = staff_page
    header, rows = wjx()
    rows.append([9, "2023/11/15 15:00:00", "90秒", "微信", "N/A", "1.1.1.1", "", "企业", *["很棒"] * 7, "x", "y", ""])
    path = write_xlsx(tmp_path / "bad.xlsx", header, rows)
    page.goto(f"{live_server.url}/staff/sessions/{code}/import")
    page.get_by_label("答卷文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    bad = page.locator("#bad-rows").inner_text()
    assert "第 5 行" in bad and "单位名称：请填写单位名称。" in bad and "“很棒”不是评分" in bad
    page.screenshot(path=output_dir / "import-bad-rows-1280.png", full_page=True)
    assert responses(live_server, code) == []
    page.get_by_role("button", name="只导入没有问题的 3 行").click()
    page.wait_for_url(f"**/staff/sessions/{code}")
    assert "跳过有问题的 1 行" in page.locator(".flash-success").inner_text()
    assert len(responses(live_server, code)) == 3


def test_paper_entry_by_keyboard_only(live_server, staff_page, output_dir):
    page, code = staff_page
    page.goto(f"{live_server.url}/staff/sessions/{code}/paper")
    # The whole form is on one screen at a desk's window size.
    bottom = page.evaluate("() => document.getElementById('save').getBoundingClientRect().bottom")
    assert bottom <= 900
    assert page.evaluate("() => document.activeElement.id") == "organisation"
    keys = page.keyboard
    keys.type("山东科技大学")
    keys.press("Tab")
    keys.press("Tab")  # type left blank: the roster knows it
    for digit in "5432100":
        keys.type(digit)
        keys.press("Tab")
    keys.press("Tab")  # 取得成效 left blank on this form
    keys.type("校企对接不畅")
    keys.press("Enter")
    page.wait_for_selector("#saved")
    saved = page.locator("#saved").inner_text()
    assert "已保存：山东科技大学（高校/科研院所）" in saved
    expect(page.locator("#organisation")).to_be_focused()  # ready for the next form
    page.screenshot(path=output_dir / "paper-entry-saved-1280.png", full_page=True)

    keys.type("某某科技有限公司")
    keys.press("Tab")
    keys.type("2")
    for _ in range(7):
        keys.press("Tab")
        keys.type("4")
    keys.press("Tab")
    keys.press("Tab")
    keys.press("Tab")  # no achievements or problems written on this form
    keys.type("第一条建议")
    keys.press("Shift+Enter")
    keys.type("第二条建议")
    keys.press("Enter")
    page.wait_for_selector("#saved")
    assert "某某科技有限公司（企业）" in page.locator("#saved").inner_text()
    assert page.locator("#paper-count").inner_text() == "2"

    first, second = responses(live_server, code)
    assert (first.source, second.source) == ("纸质", "纸质")
    assert [r.score for r in first.ratings] == [5, 4, 3, 2, 1, None, None]
    assert first.problems == "校企对接不畅"
    assert second.suggestions == "第一条建议\n第二条建议" and second.problems == "" == second.achievements

    # A mistake is shown beside its field and nothing typed is lost.
    keys.type("新单位")
    keys.press("Tab")
    keys.type("9")
    keys.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.get_by_label("单位名称").input_value() == "新单位"
    # the first field to fix (paper.js moves the cursor there once the page has loaded: wait for it)
    expect(page.locator("#organisation_type")).to_be_focused()
    assert "超出范围" in page.locator(".has-error .error").first.inner_text()
    page.screenshot(path=output_dir / "paper-entry-error-1280.png", full_page=True)
    assert len(responses(live_server, code)) == 2


def test_paper_form_prints_on_a4(live_server, staff_page, output_dir):
    page, code = staff_page
    page.goto(f"{live_server.url}/staff/sessions/{code}/paper/form")
    page.screenshot(path=output_dir / "paper-form-1280.png", full_page=True)
    pdf = output_dir / "paper-form-a4.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
    data = pdf.read_bytes()
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages == 2, pages  # page 1: questions and 取得成效; page 2: 存在问题 and 意见建议
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(output_dir / "paper-form-a4")], check=True)


def test_anonymous_session_value_mapping_changed_in_the_preview(live_server, staff_page, tmp_path, output_dir):
    """A 2023 问卷星 按序号 download without organisation columns into an anonymous session of the
    营商环境 plan: the preview shows each rating column's answers and scores; staff reverse the
    numbers of one column (the questionnaire listed 很满意 first), re-check and import."""
    from support.import_files import BUSINESS_GOALS, wjx_2023_numbered
    from support.participate import BUSINESS_PLAN_FILE

    page, _ = staff_page
    with live_server.app.app_context():
        code = make_session("open", anonymous=True, plan_file=BUSINESS_PLAN_FILE).code
    header, rows, expected = wjx_2023_numbered(30)
    path = write_xlsx(tmp_path / "2023_问卷星_按序号.xlsx", header, rows)
    page.goto(f"{live_server.url}/staff/sessions/{code}/import")
    page.get_by_label("答卷文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("#value-mapping")
    assert page.locator("#file-kind").inner_text() == "问卷星（按序号）"
    assert "可导入 30 行" in page.locator("#summary").inner_text()
    assert "不需要单位名称" in page.locator("#anonymous-note").inner_text()
    first = page.locator(".imp-scale").first
    assert BUSINESS_GOALS[0] in first.locator("h3").inner_text()
    assert first.get_by_label("1", exact=True).input_value() == "1"
    assert first.get_by_label("6", exact=True).input_value() == "na"
    page.screenshot(path=output_dir / "import-anonymous-preview-1280.png", full_page=True)
    for answer, score in (("1", "5 很好"), ("2", "4 较好"), ("4", "2 较差"), ("5", "1 很差")):
        first.get_by_label(answer, exact=True).select_option(label=score)
    page.get_by_role("button", name="按此对应重新检查").click()
    page.wait_for_selector("#value-mapping")
    first = page.locator(".imp-scale").first
    assert first.get_by_label("1", exact=True).input_value() == "5"  # kept across the re-check
    page.screenshot(path=output_dir / "import-anonymous-remapped-1280.png", full_page=True)
    assert responses(live_server, code) == []
    page.get_by_role("button", name="导入 30 份答卷").click()
    page.wait_for_url(f"**/staff/sessions/{code}")
    assert "导入 30 份答卷" in page.locator(".flash-success").inner_text()
    page.screenshot(path=output_dir / "import-anonymous-done-1280.png", full_page=True)
    stored = responses(live_server, code)
    assert len(stored) == 30 and {(r.organisation, r.organisation_type) for r in stored} == {("", "")}
    got = sorted((r.suggestions + r.problems, {x.goal_id: x.score for x in r.ratings}) for r in stored)
    want = sorted((e["suggestions"] + e["problems"],
                   {g: (None if s is None else 6 - s if g == "government-services" else s)
                    for g, s in e["scores"].items()}) for e in expected)
    assert got == want
