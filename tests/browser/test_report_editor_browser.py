"""The report editor in headless Chromium at desk width (1280 px): staff edit two blocks, the
analysis is re-run by a real huey consumer from the analysis page, and the downloaded Word
file still carries both edits; a figure the data no longer bears out is flagged and the
download says so first. Staff click a drafted sentence and see the statements it stands on,
with type and kind, beside it (editor and report page), and drop one. Screenshots go to
test-output/."""
from __future__ import annotations

import io
import re
import uuid

import pytest
from conftest import browser_backends, serving
from docx import Document
from sqlalchemy import select
from test_accessibility import axe_violations

from survey.demo import install_demo
from survey.evaluations import find_by_code
from survey.extensions import db
from survey.jobs.queue import start_embedded_consumer
from survey.models import StaffUser
from survey.reports.models import ReportBlock, ReportBlockChange
from survey.review.models import AnalysisRun

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="未安装 playwright").expect
USER, PASSWORD = "writer", "report-editor"
ACHIEVEMENT = "全市有效发明专利拥有量达到4398件，较“十三五”末增长77%。"
APPLICATION = "市市场监管局将以此次评价为契机，认真吸纳专家和企事业单位的意见建议，强化跟踪问效。"


@pytest.fixture(scope="module", params=browser_backends())
def live_server(request, tmp_path_factory):
    with serving(tmp_path_factory.mktemp(f"report-{request.param}"), request.param) as server:
        yield server


@pytest.fixture(scope="module")
def demo(live_server):
    """The demo session analysed once (TF-IDF, no word clouds: quick), and a staff login."""
    from survey.review.store import analyse

    app = live_server.app
    app.config.update({"ANALYSIS_REPRESENTATION": "tfidf", "ANALYSIS_WORDCLOUDS": False,
                       "HUEY_NAME": f"report-browser-{uuid.uuid4().hex[:8]}"})
    with app.app_context():
        code = install_demo().session.code
        if db.session.scalar(select(StaffUser).where(StaffUser.username == USER)) is None:
            user = StaffUser(username=USER, display_name="李撰稿")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        evaluation = find_by_code(code)
        db.session.commit()
        analyse(evaluation, wordclouds=False, representation="tfidf")
        db.session.commit()
        return code, evaluation.id


def _log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/staff/login")
    page.get_by_label("用户名").fill(USER)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def _word_text(page, url: str) -> str:
    response = page.request.get(url, timeout=90_000)  # the annexes' charts take a while on a busy machine
    assert response.ok
    doc = Document(io.BytesIO(response.body()))
    return "\n".join(p.text for p in doc.paragraphs)


def test_click_a_sentence_to_see_its_statements(live_server, demo, desktop, phone, output_dir):
    code, evaluation_id = demo
    for page, width in ((desktop, 1280), (phone, 375)):
        _log_in(page, live_server)
        page.goto(f"{live_server.url}/staff/reports/{code}/edit")
        block = page.locator("#block-problems")
        sentence = block.locator("details.re-claim[data-basis=statements]:has(button[value=drop])").first
        ids = sentence.get_attribute("data-statements").split(",")
        assert ids and all(i.isdigit() for i in ids)
        evidence = sentence.locator(".re-evidence")
        expect(evidence).to_be_hidden()
        sentence.locator("summary").click()
        expect(evidence).to_be_visible()
        items = evidence.locator("li[data-statement]")
        assert items.count() >= len(ids)
        assert [items.nth(i).get_attribute("data-statement") for i in range(len(ids))] == ids
        expect(items.first).to_contain_text("· 问题")  # type and kind beside each statement
        sentence.scroll_into_view_if_needed()
        page.screenshot(path=output_dir / f"report-editor-{width}-evidence.png", full_page=False)
    assert axe_violations(desktop) == []
    # drop the sentence: it leaves the draft, and the page lets staff put it back
    sentence = desktop.locator("#block-problems details.re-claim[data-basis=statements]:has(button[value=drop])").first
    text = sentence.locator(".re-sentence").inner_text()
    sentence.get_by_role("button", name="删去此句").click()
    expect(desktop.locator(".flash")).to_contain_text("已删去此句")
    expect(desktop.locator("#text-problems")).not_to_have_value(re.compile(re.escape(text)))
    dropped = desktop.locator("#block-problems details.re-dropped:has(button[value=keep])")
    expect(dropped).to_have_count(1)
    dropped.locator("summary").click()
    dropped.get_by_role("button", name="恢复此句").click()
    expect(desktop.locator(".flash")).to_contain_text("已恢复此句")
    assert text in desktop.locator("#text-problems").input_value()
    # the report page: a click on a sentence shows its statements beside it
    desktop.goto(f"{live_server.url}/staff/reports/{code}", timeout=60_000)
    link = desktop.locator("article a.claim[data-basis=statements]").first
    aside = desktop.locator(f"aside#{link.get_attribute('href')[1:]}")
    expect(aside).to_be_hidden()
    link.click()
    expect(aside).to_be_visible()
    expect(aside.locator("li").first).to_contain_text("·")
    desktop.screenshot(path=output_dir / "report-page-1280-evidence.png", full_page=False)


def test_edit_two_blocks_rerun_the_analysis_and_download(live_server, demo, desktop, output_dir):
    code, evaluation_id = demo
    page = desktop
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/staff/sessions/{code}")
    page.get_by_role("link", name="编辑报告").click()
    page.wait_for_url(f"**/staff/reports/{code}/edit")
    page.screenshot(path=output_dir / "report-editor-1280-drafts.png", full_page=True)

    # 1. （一）: the office's own achievements after 一是…
    achievements = page.locator("#text-achievements")
    draft = achievements.input_value()
    assert draft.startswith("《泰安市“十四五”知识产权保护和运用规划》（泰政办字〔2022〕22号，以下简称《规划》）")
    achievements.fill(draft.replace("一是知识产权创造。", "一是知识产权创造实现快速增长。" + ACHIEVEMENT, 1))
    expect(page.locator("#block-achievements .re-dirty")).to_have_text("有未保存的修改")
    # 2. （四）, typed but not saved yet: saving 1. must not lose it
    page.locator("#text-application").fill(APPLICATION)
    page.locator("#block-achievements").get_by_role("button", name="保存").click()
    page.wait_for_url("**/edit#block-achievements")
    expect(page.locator(".flash")).to_contain_text("已保存")
    expect(page.locator("#block-achievements .re-tag-edited")).to_be_visible()
    expect(page.locator("#text-application")).to_have_value(APPLICATION)  # kept across the reload
    expect(page.locator("#block-application .re-dirty")).to_have_text("已恢复上次未保存的修改")
    page.locator("#text-application").press("Control+s")  # the keyboard saves the block typed in
    page.wait_for_url("**/edit#block-application")
    expect(page.locator("#block-application .re-tag-edited")).to_be_visible()
    counts = page.locator("#re-body-chars").inner_text()
    assert int(counts) < 6000
    page.screenshot(path=output_dir / "report-editor-1280-edited.png", full_page=True)

    # A bad save comes back with the reason and the text as typed.
    page.locator("#text-forms").fill("专题座谈会，联系电话13812345678")
    page.locator("#block-forms").get_by_role("button", name="保存").click()
    expect(page.locator("#error-forms")).to_contain_text("联系方式")
    expect(page.locator("#text-forms")).to_have_value("专题座谈会，联系电话13812345678")
    page.locator("#text-forms").fill("专题座谈会")
    page.locator("#block-forms").get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_contain_text("没有修改")

    # Re-run the analysis from the analysis page, on a real worker.
    with live_server.app.app_context():
        runs_before = db.session.query(AnalysisRun).filter_by(evaluation_id=evaluation_id, status="done").count()
    page.goto(f"{live_server.url}/staff/sessions/{code}/analysis")
    page.get_by_role("button", name="重新分析").click()
    consumer = start_embedded_consumer(live_server.app)
    try:
        page.wait_for_function("() => !document.querySelector('#run-status') || "
                               "document.querySelector('#run-status').getAttribute('data-active') !== 'true'",
                               timeout=120_000)
        page.get_by_role("button", name="重新分析").wait_for(timeout=120_000)
    finally:
        consumer.stop(graceful=True)
    with live_server.app.app_context():
        assert db.session.query(AnalysisRun).filter_by(evaluation_id=evaluation_id,
                                                       status="done").count() == runs_before + 1

    # The edits survive, in the editor and in the downloaded Word file (with and without annexes).
    page.goto(f"{live_server.url}/staff/reports/{code}/edit")
    assert ACHIEVEMENT in page.locator("#text-achievements").input_value()
    expect(page.locator("#text-application")).to_have_value(APPLICATION)
    page.screenshot(path=output_dir / "report-editor-1280-after-rerun.png", full_page=True)

    # Data under an edited block changes (a late paper form lowers a rating): the block is marked,
    # the new draft is shown beside staff's text, and staff keep their words.
    with live_server.app.app_context():
        from survey.models import Rating, Response

        rating = db.session.scalar(select(Rating).join(Response).where(Rating.goal_id == "creation",
                                                                       Rating.score == 5).limit(1))
        rating.score = 1
        db.session.commit()
    page.reload()
    stale = page.locator("#block-achievements")
    expect(stale.locator(".re-warning")).to_contain_text("依据的数据已更新")
    expect(stale.locator(".re-draft")).to_contain_text("一是知识产权创造。")
    expect(stale.locator(".re-draft .re-changed")).to_have_count(1)  # only the 一是 line changed
    assert ACHIEVEMENT in stale.locator("textarea").input_value()
    expect(page.locator("#block-application .re-warning")).to_have_count(0)
    stale.scroll_into_view_if_needed()
    page.screenshot(path=output_dir / "report-editor-1280-stale.png", full_page=True)
    assert axe_violations(page) == []  # no serious or critical accessibility violation
    # the mean staff's text states is no longer the data's: flagged beside the sentence
    expect(stale.locator("p.re-figures")).to_contain_text("“平均4.0分”现为")
    # … and so is the pair of the consensus sentence whose type's agree count fell
    expect(stale.locator("p.re-figures")).to_contain_text("人认可”现为")
    expect(stale.locator("details.re-figure-stale .re-tag-stale")).to_have_count(2)
    stale.get_by_role("button", name="保留我的文字").click()
    expect(page.locator(".flash")).to_contain_text("已保留您的文字")
    expect(page.locator("#block-achievements .re-compare")).to_have_count(0)
    expect(page.locator("#stale-figures")).to_contain_text("（一）政策实施情况及取得成效")
    # the download says which block holds the stale figure before it gives the file
    page.goto(f"{live_server.url}/staff/reports/{code}/report.docx", timeout=60_000)
    expect(page.locator("main, body").first).to_contain_text("下载前请核对数字")
    page.screenshot(path=output_dir / "report-download-stale-1280.png", full_page=False)
    again = page.get_by_role("link", name="仍然下载").get_attribute("href")
    text = _word_text(page, f"{live_server.url}{again}")
    assert "一是知识产权创造实现快速增长。" + ACHIEVEMENT in text and APPLICATION in text
    assert "附件1　评分统计" in text
    page.goto(f"{live_server.url}/staff/reports/{code}/edit")
    page.locator("input[name=annex][type=checkbox]").uncheck()
    page.get_by_role("button", name="下载 Word 报告").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="仍然下载").click()
    short = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert APPLICATION in short and ACHIEVEMENT in short and "附件" not in short
    # The printable page inside the app says the same, with the staff toolbar above it.
    page.goto(f"{live_server.url}/staff/reports/{code}", timeout=60_000)  # with the annexes' charts
    expect(page.locator("article")).to_contain_text(APPLICATION)
    page.screenshot(path=output_dir / "report-page-1280.png", full_page=False)
    with live_server.app.app_context():
        blocks = {b.key: b for b in db.session.scalars(select(ReportBlock).where(
            ReportBlock.evaluation_id == evaluation_id))}
        assert set(blocks) == {"achievements", "application"}
        assert blocks["achievements"].edited_by.username == USER
        assert [c.kind for c in db.session.scalars(select(ReportBlockChange).order_by(ReportBlockChange.id))] == [
            "save", "save", "keep"]
