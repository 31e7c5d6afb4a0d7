"""The review workspace in headless Chromium on the demo's real analysis, at 1280 px (a desk)
and 768 px (a tablet): every decision made with the keyboard (or a tap), checked on the page
and in the database. Screenshots go to test-output/ (also at 375 px)."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import browser_backends, serving
from sqlalchemy import select

from survey.demo import install_demo
from survey.evaluations import find_by_code
from survey.extensions import db
from survey.models import StaffUser
from survey.review.models import ReviewAction, Statement, Theme

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="未安装 playwright").expect

USER, PASSWORD = "reviewer", "review-password"


@pytest.fixture(scope="module", params=browser_backends())
def live_server(request, tmp_path_factory):
    """This module's own server, once on SQLite and once on PostgreSQL (when configured)."""
    with serving(tmp_path_factory.mktemp(f"review-{request.param}"), request.param) as server:
        yield server


@pytest.fixture(scope="module")
def demo(live_server):
    """The demo session analysed into the review tables, and a staff login."""
    from survey.review.store import analyse

    with live_server.app.app_context():
        report = install_demo()
        if db.session.scalar(select(StaffUser).where(StaffUser.username == USER)) is None:
            user = StaffUser(username=USER, display_name="审核员")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        evaluation = find_by_code(report.session.code)
        db.session.commit()
        if not db.session.scalar(select(Statement.id).where(Statement.evaluation_id == evaluation.id).limit(1)):
            analyse(evaluation, wordclouds=False)
        return evaluation.code, evaluation.id


def log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/staff/login")
    page.get_by_label("用户名").fill(USER)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def rows_of(live_server, evaluation_id: int, **where) -> list[Statement]:
    with live_server.app.app_context():
        query = select(Statement).where(Statement.evaluation_id == evaluation_id)
        for column, value in where.items():
            query = query.where(getattr(Statement, column) == value)
        return list(db.session.scalars(query.order_by(Statement.id)))


def theme(live_server, theme_id: int) -> Theme:
    with live_server.app.app_context():
        return db.session.get(Theme, theme_id)


def statement(live_server, statement_id: int) -> Statement:
    with live_server.app.app_context():
        return db.session.get(Statement, statement_id)


def last_action(live_server, evaluation_id: int) -> ReviewAction:
    with live_server.app.app_context():
        return db.session.scalar(select(ReviewAction).where(ReviewAction.evaluation_id == evaluation_id)
                                 .order_by(ReviewAction.id.desc()).limit(1))


def two_biggest_themes(live_server, evaluation_id: int) -> tuple[int, int]:
    """The two largest themes of one category, as the page lists them."""
    rows = [s for s in rows_of(live_server, evaluation_id) if s.theme_id and s.status != "excluded"]
    sizes = Counter((s.category, s.theme_id) for s in rows)
    by_category: dict[str, list[tuple[int, int]]] = {}
    for (category, theme_id), n in sizes.items():
        by_category.setdefault(category, []).append((n, theme_id))
    candidates = sorted((sorted(v, reverse=True) for v in by_category.values() if len(v) >= 2),
                        key=lambda v: -v[0][0] - v[1][0])
    assert candidates, "the demo analysis should give some category two themes"
    (_, a), (_, b) = candidates[0][:2]
    return a, b


def focus_statement(page, statement_id: int) -> None:
    page.locator(f'.rv-st[data-id="{statement_id}"] .rv-text').click()
    expect(page.locator(f'.rv-st[data-id="{statement_id}"]')).to_have_class(re.compile("is-focus"))


def wait_toast(page, text: str) -> None:
    expect(page.locator("#rv-toast")).to_contain_text(text)
    # the toast comes before the board is redrawn: a key pressed before that reaches the old board
    expect(page.locator("body")).not_to_have_class(re.compile("rv-busy"))


def sideways_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_review_flow_at_1280(live_server, demo, desktop, output_dir):
    code, evaluation_id = demo
    page = desktop
    log_in(page, live_server)
    page.goto(f"{live_server.url}/staff/sessions/{code}")
    page.get_by_role("link", name="审核意见", exact=True).click()
    page.wait_for_url(f"**/staff/evaluations/{code}/review")
    total = len(rows_of(live_server, evaluation_id))
    expect(page.locator("#rv-progress-text")).to_have_text(f"已审核 0 / {total}")
    assert sideways_overflow(page) <= 0
    page.screenshot(path=output_dir / "review-1280.png", full_page=False)
    page.screenshot(path=output_dir / "review-1280-full.png", full_page=True)
    url = page.url

    # rename (r)
    a, b = two_biggest_themes(live_server, evaluation_id)
    first_of_a = rows_of(live_server, evaluation_id, theme_id=a)[0].id
    focus_statement(page, first_of_a)
    page.keyboard.press("r")
    name = page.get_by_label("主题名称")
    expect(name).to_have_value(theme(live_server, a).label)
    name.fill("校企对接渠道不畅")
    name.press("Enter")
    wait_toast(page, "改名为“校企对接渠道不畅”")
    expect(page.locator(f'.rv-theme[data-theme="{a}"] .rv-theme-label')).to_have_text("校企对接渠道不畅")
    assert theme(live_server, a).staff_label == "校企对接渠道不畅"
    assert page.url == url  # updated in place, no navigation

    # merge (m): theme b into a, chosen by typing its name
    members_b = [s.id for s in rows_of(live_server, evaluation_id, theme_id=b)]
    focus_statement(page, members_b[0])
    page.keyboard.press("m")
    picker = page.get_by_label("筛选主题")
    picker.fill("校企对接渠道不畅")
    picker.press("Enter")
    wait_toast(page, "合并到“校企对接渠道不畅”")
    expect(page.locator(f'.rv-theme[data-theme="{b}"]')).to_have_count(0)
    for sid in members_b:
        expect(page.locator(f'.rv-theme[data-theme="{a}"] .rv-st[data-id="{sid}"]')).to_have_count(1)
    assert theme(live_server, b).merged_into_id == a
    assert all(statement(live_server, sid).theme_id == a and statement(live_server, sid).theme_pinned
               for sid in members_b)

    # split (s) the merged theme into 2
    focus_statement(page, members_b[0])
    page.keyboard.press("s")
    k = page.get_by_label("拆成几个主题")
    k.fill("2")
    k.press("Enter")
    wait_toast(page, "拆分为 2 个主题")
    action = last_action(live_server, evaluation_id)
    assert action.kind == "split"
    with live_server.app.app_context():  # the merge target and the split theme are staff themes now; one is new
        new = db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation_id, Theme.origin == "staff",
                                                     Theme.id != a)).all()
    assert len(new) == 1 and rows_of(live_server, evaluation_id, theme_id=new[0].id)
    assert theme(live_server, a).origin == "staff"
    expect(page.locator(f'.rv-theme[data-theme="{new[0].id}"] .rv-st').first).to_be_visible()

    # move with the keyboard: j to the next statement, 0 = 未归类/新问题
    planned = page.locator('.rv-cat:not([data-category="other"]) .rv-st')
    focus_statement(page, int(planned.nth(0).get_attribute("data-id")))
    page.keyboard.press("j")
    moved_id = int(page.locator(".rv-st.is-focus").get_attribute("data-id"))
    was = statement(live_server, moved_id).category
    assert was != "other"
    page.keyboard.press("0")
    wait_toast(page, "移到类别“未归类/新问题”")
    expect(page.locator(f'.rv-cat[data-category="other"] .rv-st[data-id="{moved_id}"]')).to_have_count(1)
    s = statement(live_server, moved_id)
    assert (s.category, s.status) == ("other", "moved") and s.reviewed_by_id is not None
    assert s.theme_id is not None  # the nearest theme of that category, never "（未分主题）"
    expect(page.locator(f'.rv-theme[data-theme="{s.theme_id}"] .rv-st[data-id="{moved_id}"]')).to_have_count(1)

    # exclude (x, then reason 1 = 离题); the answer itself stays
    focus_statement(page, moved_id)
    page.keyboard.press("x")
    expect(page.locator("#rv-dialog")).to_contain_text("离题")
    page.keyboard.press("1")
    wait_toast(page, "排除 1 条意见（离题）")
    expect(page.locator(f'.rv-st[data-id="{moved_id}"] .rv-status')).to_have_text("已排除（离题）")
    s = statement(live_server, moved_id)
    assert (s.status, s.exclude_reason) == ("excluded", "off_topic")

    # bulk move: space, shift+j, shift+j selects three; 2 moves all of them to category 2
    category_2 = page.locator(".rv-keylist li").nth(1).inner_text().split(" ", 1)[1].strip()
    with live_server.app.app_context():
        from survey.models import Evaluation
        plan = db.session.get(Evaluation, evaluation_id).plan.definition
        category_2_id = [c.id for c in plan.categories if c.id != "other"][1]
    candidates = [s for s in rows_of(live_server, evaluation_id, status="machine") if s.category != category_2_id]
    focus_statement(page, candidates[0].id)
    page.keyboard.press(" ")
    page.keyboard.press("Shift+J")
    page.keyboard.press("Shift+J")
    expect(page.locator("#rv-selected")).to_have_text("已选 3 条")
    chosen = [int(i) for i in page.locator(".rv-st.is-selected").evaluate_all("els => els.map(e => e.dataset.id)")]
    before = {sid: statement(live_server, sid).category for sid in chosen}
    page.keyboard.press("2")
    wait_toast(page, f"“{category_2}”")
    for sid in chosen:
        expect(page.locator(f'.rv-cat[data-category="{category_2_id}"] .rv-st[data-id="{sid}"]')).to_have_count(1)
        assert statement(live_server, sid).category == category_2_id
    reviewed = len([s for s in rows_of(live_server, evaluation_id) if s.status != "machine"])
    expect(page.locator("#rv-progress-text")).to_have_text(f"已审核 {reviewed} / {total}")
    page.screenshot(path=output_dir / "review-1280-after.png", full_page=False)

    # undo (u): the bulk move goes back, on the page and in the database
    page.keyboard.press("u")
    wait_toast(page, "已撤销")
    for sid, category in before.items():
        assert statement(live_server, sid).category == category
        expect(page.locator(f'.rv-cat[data-category="{category}"] .rv-st[data-id="{sid}"]')).to_have_count(1)
    assert last_action(live_server, evaluation_id).undone_at is not None

    # history (h) of the excluded statement: the machine, then who did what
    focus_statement(page, moved_id)
    page.keyboard.press("h")
    history = page.locator("#rv-dialog")
    expect(history).to_contain_text("程序")
    expect(history).to_contain_text("审核员")
    expect(history).to_contain_text("排除原因：（无） → 离题")
    page.screenshot(path=output_dir / "review-1280-history.png")
    page.keyboard.press("Escape")
    expect(page.locator("#rv-dialog")).not_to_be_visible()

    # include again (i), then t → 新主题 (the first choice; Enter picks it)
    page.keyboard.press("i")
    wait_toast(page, "恢复 1 条已排除的意见")
    assert statement(live_server, moved_id).status == "moved"
    focus_statement(page, moved_id)  # the board was redrawn: act on this statement, wherever focus went
    page.keyboard.press("t")
    expect(page.get_by_label("筛选主题")).to_be_focused()
    page.keyboard.press("Enter")
    wait_toast(page, "拆出为新主题")
    s = statement(live_server, moved_id)
    assert theme(live_server, s.theme_id).origin == "staff" and s.theme_pinned and s.category == "other"
    expect(page.locator(f'.rv-theme[data-theme="{s.theme_id}"] .rv-st[data-id="{moved_id}"]')).to_have_count(1)

    # the kind key: e steps forward, Shift+E back; the statement keeps its theme (a kind is a label)
    names = {"problem": "问题", "suggestion": "建议", "praise": "肯定", "none": "无实质内容"}
    order = list(names)
    focus_statement(page, moved_id)
    before = statement(live_server, moved_id).kind
    after = order[(order.index(before) + 1) % 4]
    page.keyboard.press("e")
    wait_toast(page, f"性质改为“{names[after]}”")
    s = statement(live_server, moved_id)
    assert s.kind == after and s.kind_by_staff
    assert s.kind == "none" or s.theme_id is not None
    expect(page.locator(f'.rv-st[data-id="{moved_id}"]')).to_have_attribute("data-kind", after)  # redrawn
    focus_statement(page, moved_id)
    page.keyboard.press("Shift+E")
    wait_toast(page, f"性质改为“{names[before]}”")
    assert statement(live_server, moved_id).kind == before


def test_queue_and_touch_at_768(live_server, demo, browser, output_dir):
    code, evaluation_id = demo
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/staff/evaluations/{code}/review?mode=queue")
        assert sideways_overflow(page) <= 0
        page.screenshot(path=output_dir / "review-768-queue.png")
        unreviewed = rows_of(live_server, evaluation_id, status="machine")
        # review_rank 1 first (statements without a rank, from an analysis before ranks, last)
        first = min(unreviewed, key=lambda s: (s.review_rank is None, s.review_rank or 0, s.id))
        assert page.locator(".rv-st").first.get_attribute("data-id") == str(first.id)

        # typing in the search box fires no shortcut
        reviewed = len(rows_of(live_server, evaluation_id)) - len(unreviewed)
        page.keyboard.press("/")
        page.keyboard.type("cx0u")
        expect(page.locator("#rv-search")).to_have_value("cx0u")
        assert len(rows_of(live_server, evaluation_id, status="machine")) == len(unreviewed)
        expect(page.locator(".rv-st")).to_have_count(0)
        page.locator("#rv-search").fill("")
        page.keyboard.type("专利")  # matches: the refreshed board has rows, the caret stays in the box
        expect(page.locator(".rv-st").first).to_contain_text("专利")
        page.keyboard.type("c")
        expect(page.locator("#rv-search")).to_have_value("专利c")
        assert len(rows_of(live_server, evaluation_id, status="machine")) == len(unreviewed)
        page.locator("#rv-search").fill("")
        page.keyboard.press("Escape")
        expect(page.locator(".rv-st").first).to_have_attribute("data-id", str(first.id))

        # confirm with c: the queue moves on to rank 2, progress counts it
        page.locator(".rv-st").first.locator(".rv-text").click()
        page.keyboard.press("c")
        wait_toast(page, "确认 1 条意见")
        expect(page.locator(f'.rv-st[data-id="{first.id}"]')).to_have_count(0)
        expect(page.locator("#rv-progress-text")).to_contain_text(f"已审核 {reviewed + 1} /")
        assert statement(live_server, first.id).status == "confirmed"

        # tap-only: tick two boxes, move them to a theme from the toolbar
        boxes = page.locator(".rv-st .rv-check input")
        boxes.nth(0).tap()
        boxes.nth(1).tap()
        expect(page.locator("#rv-selected")).to_have_text("已选 2 条")
        chosen = [int(i) for i in page.locator(".rv-st.is-selected").evaluate_all("els => els.map(e => e.dataset.id)")]
        page.locator("#rv-bar").get_by_role("button", name=re.compile("^主题")).tap()
        page.locator("#rv-dialog .rv-choice").nth(1).tap()  # the first existing theme (0 is 新主题)
        wait_toast(page, "2 条意见移到主题")
        target = {statement(live_server, sid).theme_id for sid in chosen}
        assert len(target) == 1 and None not in target
        assert {statement(live_server, sid).status for sid in chosen} == {"moved"}

        # undo from the toolbar
        page.locator("#rv-bar").get_by_role("button", name=re.compile("^撤销")).tap()
        wait_toast(page, "已撤销")
        assert {statement(live_server, sid).status for sid in chosen} == {"machine"}
        expect(page.locator(f'.rv-st[data-id="{chosen[0]}"]')).to_have_count(1)

        page.goto(f"{live_server.url}/staff/evaluations/{code}/review")
        assert sideways_overflow(page) <= 0
        page.screenshot(path=output_dir / "review-768.png")
        page.set_viewport_size({"width": 375, "height": 812})
        page.reload()
        assert sideways_overflow(page) <= 0
        page.screenshot(path=output_dir / "review-375.png")
    finally:
        context.close()


def test_decisions_survive_new_answers_and_a_rerun_job(live_server, demo, desktop, output_dir):
    """Staff decisions, then two new answers and a re-run as a background job (the page's
    重新分析 button, an embedded huey consumer): every decision and name is still there."""
    from survey.jobs.queue import start_embedded_consumer
    from survey.models import Evaluation, EvaluationSession, Response
    from survey.review import decisions
    from survey.review.models import AnalysisRun

    code, evaluation_id = demo
    a, b = two_biggest_themes(live_server, evaluation_id)
    with live_server.app.app_context():
        evaluation = db.session.get(Evaluation, evaluation_id)
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == USER))
        decisions.rename_theme(user, evaluation, a, "重新分析后仍在的名称")
        decisions.merge_themes(user, evaluation, a, [b])
        free = [s for s in rows_of(live_server, evaluation_id, status="machine")
                if s.category != "other" and not s.theme_pinned]
        decisions.move_to_category(user, evaluation, [free[0].id], "other")
        decisions.exclude(user, evaluation, [free[1].id], "personal")
        decisions.confirm(user, evaluation, [free[2].id])
        pair = [s.id for s in free[3:] if s.category == free[3].category][:2]
        decisions.move_to_new_theme(user, evaluation, pair, label="员工自建主题")
        db.session.commit()
        decided = {s.id: (s.category, s.theme_id, s.status, s.exclude_reason, s.theme_pinned)
                   for s in rows_of(live_server, evaluation_id) if s.status != "machine" or s.theme_pinned}
        before = len(rows_of(live_server, evaluation_id))
        session = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        for n, text in enumerate(("专利代理机构太少，企业申请专利要跑到济南。", "希望多举办知识产权培训，讲讲商标怎么注册。")):
            db.session.add(Response(session=session, submission_id=f"rerun-{n}", organisation=f"新单位{n}",
                                    organisation_type="企业", problems=text))
        db.session.commit()
        runs_before = db.session.scalar(select(db.func.count(AnalysisRun.id)).where(
            AnalysisRun.evaluation_id == evaluation_id))

    consumer = start_embedded_consumer(live_server.app)
    try:
        page = desktop
        log_in(page, live_server)
        page.goto(f"{live_server.url}/staff/sessions/{code}/analysis")
        page.get_by_role("button", name="全部重新分析").click()
        for _ in range(600):  # up to 5 minutes on a busy machine
            with live_server.app.app_context():
                run = db.session.scalar(select(AnalysisRun).where(AnalysisRun.evaluation_id == evaluation_id)
                                        .order_by(AnalysisRun.id.desc()).limit(1))
                count = db.session.scalar(select(db.func.count(AnalysisRun.id)).where(
                    AnalysisRun.evaluation_id == evaluation_id))
            if count > runs_before and run.status in ("done", "failed"):
                break
            page.wait_for_timeout(500)
        assert run.status == "done", run.error
    finally:
        consumer.stop(graceful=True)  # no worker thread outlives the server's database

    after = {s.id: s for s in rows_of(live_server, evaluation_id)}
    assert len(after) > before  # the new answers were analysed
    for sid, state in decided.items():
        s = after[sid]
        assert (s.category, s.theme_id, s.status, s.exclude_reason, s.theme_pinned) == state
    assert theme(live_server, a).staff_label == "重新分析后仍在的名称"
    assert theme(live_server, b).merged_into_id == a

    # The analysis page reloads itself when it sees the job end, and again once the word clouds exist
    # (either reload racing a navigation of that page aborted it: net::ERR_ABORTED, in CI): the
    # workspace is opened in a tab of its own, as staff would, while the analysis page does as it likes.
    expect(page.locator('#run-status[data-active="true"]')).to_have_count(0, timeout=60_000)
    page = page.context.new_page()
    page.goto(f"{live_server.url}/staff/evaluations/{code}/review")
    expect(page.locator(f'.rv-theme[data-theme="{a}"] .rv-theme-label')).to_have_text("重新分析后仍在的名称")
    expect(page.locator(f'.rv-theme[data-theme="{b}"]')).to_have_count(0)
    expect(page.locator(".rv-theme-label", has_text="员工自建主题")).to_have_count(1)
    expect(page.locator(f'.rv-st[data-id="{free[1].id}"] .rv-status')).to_have_text("已排除（含个人信息）")
    expect(page.locator(f'.rv-cat[data-category="other"] .rv-st[data-id="{free[0].id}"]')).to_have_count(1)
    expect(page.locator("#rv-progress-text")).to_contain_text(f"/ {len(after)}")
    page.screenshot(path=output_dir / "review-1280-after-rerun.png")

