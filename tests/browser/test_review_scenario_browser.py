"""Issue 14's scenario in headless Chromium, on SQLite and PostgreSQL: the demo analysed
without its last 8 answers; staff rename, merge and split themes and move statements with the
keyboard; the 8 answers are imported; the session and review pages say "有 8 份新答卷尚未分析";
one click on 更新分析 (a background job on an embedded worker) and every staff theme keeps its
name and statements while the new statements land in themes. Then the keyboard details: Escape
leaves the search box keeping the search, n/p and g+digit move between themes and categories,
select-all by filter, a move to a category chooses the theme, a stale page is refused.

Waits are on conditions only (locators, the database), never fixed times."""
from __future__ import annotations

import re

import pytest
from conftest import browser_backends, serving
from sqlalchemy import select

from survey.extensions import db
from survey.models import Evaluation, StaffUser
from survey.review.models import AnalysisRun, ReviewAction, Statement, Theme

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="未安装 playwright")
expect = sync_api.expect

USER, PASSWORD = "reviewer", "review-password"


@pytest.fixture(scope="module", params=browser_backends())
def server(request, tmp_path_factory):
    with serving(tmp_path_factory.mktemp(f"scenario-{request.param}"), request.param) as live:
        live.app.config.update(ANALYSIS_REPRESENTATION="tfidf", ANALYSIS_WORDCLOUDS=False, REFRESH_DELAY=0)
        yield live


@pytest.fixture(scope="module")
def scenario(server):
    from support.review_scenario import demo_without_last_answers

    from survey.review.store import analyse

    with server.app.app_context():
        demo = demo_without_last_answers()
        user = StaffUser(username=USER, display_name="审核员")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        analyse(db.session.get(Evaluation, demo.evaluation_id), wordclouds=False, representation="tfidf")
    return demo


def log_in(page, server) -> None:
    page.goto(f"{server.url}/staff/login")
    page.get_by_label("用户名").fill(USER)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def read(server, fn):
    with server.app.app_context():
        return fn()


def toast(page, text: str) -> None:
    # a split re-clusters on the server: on a busy 2-core machine that can take longer than
    # expect's default 5 s
    expect(page.locator("#rv-toast")).to_contain_text(text, timeout=30_000)


def focused_theme(page) -> int:
    return int(page.locator(".rv-st.is-focus").evaluate("e => e.closest('.rv-theme').dataset.theme"))


def themes_on_page(page) -> list[int]:
    return [int(t) for t in page.locator(".rv-theme[data-theme]:not([data-theme=''])").evaluate_all(
        "els => els.filter(e => e.querySelector('.rv-st')).map(e => e.dataset.theme)")]


def test_staff_work_survives_late_answers_and_the_update(server, scenario, desktop, output_dir):
    from support.review_scenario import import_answers, staff_themes

    from survey.jobs.queue import start_embedded_consumer

    page = desktop
    code, evaluation_id = scenario.code, scenario.evaluation_id
    log_in(page, server)
    page.goto(f"{server.url}/staff/evaluations/{code}/review")
    expect(page.locator("[data-coverage]").first).to_contain_text("依据")
    expect(page.locator("[data-late-answers]")).to_have_count(0)

    # rename with the keyboard: n moves theme by theme (no more j through every statement)
    order = themes_on_page(page)
    expect(page.locator(".rv-st.is-focus")).to_have_count(1)
    assert focused_theme(page) == order[0]  # the page starts on the first statement
    page.keyboard.press("n")
    page.keyboard.press("n")
    assert focused_theme(page) == order[2]
    page.keyboard.press("p")
    assert focused_theme(page) == order[1]
    renamed = focused_theme(page)
    page.keyboard.press("r")
    page.get_by_label("主题名称").fill("高校专利信息不透明，校企对接渠道不畅")
    page.get_by_label("主题名称").press("Enter")
    toast(page, "改名为“高校专利信息不透明，校企对接渠道不畅”")

    # merge the third theme into the renamed one
    page.locator(f'.rv-theme[data-theme="{order[2]}"] .rv-st').first.locator(".rv-text").click()
    page.keyboard.press("m")
    page.get_by_label("筛选主题").fill("高校专利信息不透明")
    page.get_by_label("筛选主题").press("Enter")
    toast(page, "合并到“高校专利信息不透明，校企对接渠道不畅”")

    # split the fourth theme in two
    page.locator(f'.rv-theme[data-theme="{order[3]}"] .rv-st').first.locator(".rv-text").click()
    page.keyboard.press("s")
    page.get_by_label("拆成几个主题").fill("2")
    page.get_by_label("拆成几个主题").press("Enter")
    toast(page, "拆分为 2 个主题")

    # move two statements of the fifth theme into the renamed one (t, type its name, Enter)
    fifth = page.locator(f'.rv-theme[data-theme="{order[4]}"] .rv-st')
    moved = [int(fifth.nth(i).get_attribute("data-id")) for i in range(2)]
    fifth.nth(0).locator(".rv-text").click()
    page.keyboard.press(" ")
    page.keyboard.press("Shift+J")
    expect(page.locator("#rv-selected")).to_have_text("已选 2 条")
    page.keyboard.press("t")
    page.get_by_label("筛选主题").fill("高校专利信息不透明")
    page.get_by_label("筛选主题").press("Enter")
    toast(page, "2 条意见移到主题“高校专利信息不透明，校企对接渠道不畅”")

    before = read(server, lambda: staff_themes(evaluation_id))
    assert len(before) >= 3 and "高校专利信息不透明，校企对接渠道不畅" in {v[0] for v in before.values()}
    assert set(moved) <= before[renamed][1]

    # 8 answers arrive (an import): the pages say so, with one click to update
    new_responses = read(server, lambda: import_answers(scenario))
    page.goto(f"{server.url}/staff/sessions/{code}")
    expect(page.locator("[data-late-answers]")).to_contain_text("有 8 份新答卷尚未分析")
    page.screenshot(path=output_dir / "review-late-answers-session-1280.png")
    page.goto(f"{server.url}/staff/evaluations/{code}/review")
    banner = page.locator("[data-late-answers]")
    expect(banner).to_contain_text("有 8 份新答卷尚未分析")
    page.screenshot(path=output_dir / "review-late-answers-1280.png")

    consumer = start_embedded_consumer(server.app)
    try:
        banner.get_by_role("button", name="更新分析").click()
        page.wait_for_url(f"**/staff/sessions/{code}/analysis")
        # the analysis page polls the job and reloads with the result: no banner, all answers counted
        total = read(server, lambda: len(db.session.get(Evaluation, evaluation_id).sessions[0].responses))
        expect(page.locator("[data-coverage]").first).to_contain_text(f"依据 {total} 份答卷", timeout=180_000)
        expect(page.locator("[data-late-answers]")).to_have_count(0)
        page.screenshot(path=output_dir / "analysis-after-update-1280.png")
    finally:
        consumer.stop(graceful=True)  # no worker thread outlives the server's database
    run = read(server, lambda: db.session.scalar(select(AnalysisRun).where(AnalysisRun.evaluation_id == evaluation_id)
                                                 .order_by(AnalysisRun.id.desc()).limit(1)))
    assert (run.status, run.kind) == ("done", "update"), run.error

    after = read(server, lambda: staff_themes(evaluation_id))
    for theme_id, (label, members) in before.items():
        assert theme_id in after and after[theme_id][0] == label, label
        assert members <= after[theme_id][1], f"“{label}” lost statements"
    new = read(server, lambda: db.session.scalars(select(Statement).where(
        Statement.response_id.in_(new_responses))).all())
    assert new and all(s.theme_id is not None for s in new)

    page.goto(f"{server.url}/staff/evaluations/{code}/review")
    expect(page.locator(f'.rv-theme[data-theme="{renamed}"] .rv-theme-label')).to_have_text(
        "高校专利信息不透明，校企对接渠道不畅")
    for s in new:
        expect(page.locator(f'.rv-theme .rv-st[data-id="{s.id}"]')).to_have_count(1)
    expect(page.locator("[data-late-answers]")).to_have_count(0)
    page.screenshot(path=output_dir / "review-after-update-1280.png")


def test_keyboard_search_jump_select_all_and_category_theme(server, scenario, desktop):
    page = desktop
    code, evaluation_id = scenario.code, scenario.evaluation_id
    log_in(page, server)
    page.goto(f"{server.url}/staff/evaluations/{code}/review?mode=queue")

    # Escape leaves the search box and keeps the search (and the filtered list)
    page.keyboard.press("/")
    page.keyboard.type("专利")
    expect(page).to_have_url(re.compile("q=%E4%B8%93%E5%88%A9"))
    expect(page.locator(".rv-st").first).to_contain_text("专利")
    # the unfiltered queue's first row may say 专利 too: count once every row shown does
    expect(page.locator(".rv-st", has_not_text="专利")).to_have_count(0)
    shown = page.locator(".rv-st").count()
    page.keyboard.press("Escape")
    expect(page.locator("#rv-search")).to_have_value("专利")
    expect(page.locator("#rv-search")).not_to_be_focused()
    expect(page.locator(".rv-st.is-focus")).to_have_count(1)
    assert page.locator(".rv-st").count() == shown

    # a: every statement the filter shows, by filter on the server; c says what already was so
    statuses = read(server, lambda: {s.id: s.status for s in db.session.scalars(select(Statement).where(
        Statement.evaluation_id == evaluation_id, Statement.text.contains("专利")))})
    page.keyboard.press("a")
    expect(page.locator("#rv-selected")).to_have_text(f"已选全部 {shown} 条（按当前筛选）")
    page.keyboard.press("c")
    toast(page, f"确认 {shown} 条意见")
    after = read(server, lambda: {s.id: s.status for s in db.session.scalars(select(Statement).where(
        Statement.id.in_(list(statuses))))})
    assert sum(1 for i, st in statuses.items() if st == "machine" and after[i] == "confirmed") == shown

    # g then a digit jumps to that category; 1–9 via the 类别 button then lets staff pick the theme
    page.goto(f"{server.url}/staff/evaluations/{code}/review")
    keys = page.locator(".rv-keylist li kbd").all_inner_texts()
    page.keyboard.press("g")
    page.keyboard.press("2")
    second = page.locator(".rv-cat").nth(1).get_attribute("data-category")
    expect(page.locator(".rv-st.is-focus")).to_have_count(1)
    assert page.locator(".rv-st.is-focus").evaluate("e => e.closest('.rv-cat').dataset.category") == second
    assert keys[1] == "2"
    focus = page.locator(".rv-st.rv-machine").first
    sid = int(focus.get_attribute("data-id"))
    here = focus.get_attribute("data-category")
    # a category with themes, other than the statement's own
    target = page.locator(".rv-cat").evaluate_all(
        "(els, here) => els.filter(c => c.dataset.category !== here && c.querySelector('.rv-theme[data-theme]:not([data-theme=\"\"]) .rv-st'))"
        ".map(c => [c.dataset.category, c.querySelector('.rv-cat-head').textContent])[0]", here)
    name = re.sub(r"^\s*\d?\s*|\s*（\d+ 条）\s*$", "", target[1]).strip()
    focus.locator(".rv-text").click()
    page.locator("#rv-bar").get_by_role("button", name=re.compile("^类别")).click()
    page.locator("#rv-dialog .rv-choice", has_text=name).click()
    expect(page.locator("#rv-dialog-title")).to_contain_text(f"移到“{name}”的哪个主题")
    choices = page.locator("#rv-dialog .rv-choice")
    expect(choices.first).to_contain_text("自动放入最接近的主题")
    chosen = choices.nth(1)
    label = chosen.inner_text().split(" ", 1)[1].rsplit(" ", 2)[0].strip()
    chosen.click()
    toast(page, "移到主题")
    s = read(server, lambda: db.session.get(Statement, sid))
    assert s.category == target[0] and s.theme_id is not None and s.status == "moved"
    assert read(server, lambda: db.session.get(Theme, s.theme_id).label) == label


def test_a_page_showing_rows_another_reviewer_changed_is_refused_then_updated(server, scenario, desktop):
    from survey.review import decisions

    page = desktop
    code, evaluation_id = scenario.code, scenario.evaluation_id
    log_in(page, server)
    page.goto(f"{server.url}/staff/evaluations/{code}/review")
    row = page.locator(".rv-st.rv-machine").first
    sid = int(row.get_attribute("data-id"))
    row.locator(".rv-text").click()

    def colleague():
        user = StaffUser(username="colleague", display_name="李同事")
        user.set_password(PASSWORD)
        db.session.add(user)
        decisions.exclude(user, db.session.get(Evaluation, evaluation_id), [sid], "duplicate")
        db.session.commit()

    read(server, colleague)
    page.keyboard.press("c")
    toast(page, "这些意见刚被其他工作人员修改，页面已更新，请重新操作")
    expect(page.locator(f'.rv-st[data-id="{sid}"] .rv-status')).to_have_text("已排除（重复）")
    assert read(server, lambda: db.session.get(Statement, sid).status) == "excluded"


def test_an_action_made_while_the_last_is_saving_waits_its_turn(server, scenario, browser):
    """A key pressed while the board is still reloading after the last action is not lost: it
    runs after that one (a split typed right after a merge was dropped unseen, in CI)."""
    def machine_statements():
        return [s.id for s in db.session.scalars(select(Statement).where(
            Statement.evaluation_id == scenario.evaluation_id, Statement.status == "machine",
            Statement.theme_id.is_not(None)).order_by(Statement.id))][:2]

    def state(sid):
        return db.session.get(Statement, sid).status

    def summaries():
        return [a.summary for a in db.session.scalars(select(ReviewAction).where(
            ReviewAction.evaluation_id == scenario.evaluation_id).order_by(ReviewAction.id))]

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    # the board answers slowly, as on a busy server: every reload takes 1.5 s more
    context.add_init_script("""(() => {
      const real = window.fetch.bind(window);
      window.fetch = (url, options) => String(url).includes('/board')
        ? new Promise(done => setTimeout(done, 1500)).then(() => real(url, options))
        : real(url, options);
    })()""")
    page = context.new_page()
    try:
        log_in(page, server)
        page.goto(f"{server.url}/staff/evaluations/{scenario.code}/review")
        first, second = read(server, machine_statements)
        before = len(read(server, summaries))
        for sid in (first, second):
            row = page.locator(f'.rv-st[data-id="{sid}"]')
            row.locator(".rv-text").click()
            expect(row).to_have_class(re.compile("is-focus"))
            page.keyboard.press("c")
            expect(page.locator("body")).to_have_class(re.compile("rv-busy"))  # the board is still on its way
        expect(page.locator("body")).not_to_have_class(re.compile("rv-busy"), timeout=30_000)
        assert read(server, lambda: (state(first), state(second))) == ("confirmed", "confirmed")
        made = read(server, summaries)[before:]
        assert len(made) == 2 and all(a.startswith("确认 1 条意见") for a in made), made
    finally:
        context.close()
