"""Accessibility: axe-core (vendored, tests/browser/vendor) on every participant and staff page,
and the participant form with text at 200% on a 375 px phone.

Passing means no violation axe rates serious or critical (labels, names, contrast, ARIA, …).
axe is evaluated through the DevTools protocol, not as a <script> tag, so a strict CSP does
not block it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from support.participate import make_session, valid_answer

from analysis.resources import corpus_path
from survey.extensions import db
from survey.models import EvaluationSession, Response, StaffUser
from survey.plans import sync_plan_file
from survey.sessions import create_session

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")
STAFF = ("a11y-staff", "correct horse battery")


def axe_violations(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in found if v["impact"] in BLOCKING]


def check(page, what: str) -> None:
    problems = axe_violations(page)
    assert not problems, f"{what}: " + "\n".join(problems)


def open_session(live, status: str = "open") -> str:
    with live.app.app_context():
        return make_session(status).code


def test_participant_pages_have_no_serious_violations(live_server, phone):
    code = open_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    check(phone, "survey, empty")

    phone.locator("#submit-button").tap()  # nothing filled in: the server sends the form back
    phone.wait_for_selector("#error-summary")
    check(phone, "survey, with errors")

    phone.goto(f"{live_server.url}/s/{code}")
    fill_answer(phone)
    phone.locator("#submit-button").tap()
    phone.wait_for_url("**/thanks/**")
    check(phone, "thanks")

    closed = open_session(live_server, "closed")
    phone.goto(f"{live_server.url}/s/{closed}")
    check(phone, "closed")
    phone.goto(f"{live_server.url}/s/no-such-code")
    check(phone, "unknown session")


def fill_answer(page, problem: str = "高校与企业之间缺乏有效的专利技术信息沟通。") -> None:
    page.get_by_label("单位名称").fill("山东科技大学")
    page.get_by_role("radio", name="高校/科研院所").tap()
    for group in page.locator("fieldset.sv-rating").all():
        group.get_by_role("radio", name="不了解").tap()
    page.get_by_label("存在问题").fill(problem)


@pytest.fixture
def staff_page(live_server, desktop):
    with live_server.app.app_context():
        if db.session.scalar(select(StaffUser).filter_by(username=STAFF[0])) is None:
            user = StaffUser(username=STAFF[0])
            user.set_password(STAFF[1])
            db.session.add(user)
            db.session.commit()
    desktop.goto(f"{live_server.url}/staff/login")
    check(desktop, "login")
    desktop.get_by_label("用户名").fill(STAFF[0])
    desktop.get_by_label("密码").fill("wrong password")
    desktop.get_by_role("button", name="登录").click()
    desktop.wait_for_selector(".error")
    check(desktop, "login, with error")
    desktop.get_by_label("密码").fill(STAFF[1])
    desktop.get_by_role("button", name="登录").click()
    desktop.wait_for_url("**/staff/")
    return desktop


def analysed_session(live) -> str:
    """A session with answers, analysed through the store the staff page's job uses
    (TF-IDF, the fast path)."""
    from survey.evaluations import evaluation_for_session
    from survey.review.store import analyse

    with live.app.app_context():
        sync_plan_file(corpus_path("plans", "taian-ip-14th-fyp.toml"))
        session = create_session(plan_id="taian-ip-14th-fyp", title="无障碍检查座谈会", form="专题座谈会",
                                 organiser="泰安市市场监管局", starts_at=dt.datetime(2023, 11, 15, 14, 30),
                                 place="一楼西会议室", roster=[], status="open")
        texts = ["高校与企业之间缺乏有效的专利技术信息沟通，成果转化渠道不畅。", "知识产权质押融资门槛较高。",
                 "基层执法力量不足，维权周期长。", "希望加强知识产权宣传培训。", "专利代理机构服务水平参差不齐。",
                 "建议设立知识产权快速维权中心。"]
        for i, text in enumerate(texts):
            answer = valid_answer(session)
            session.responses.append(Response(submission_id=answer["submission_id"], organisation=f"单位{i}",
                                              organisation_type="企业", problems=text, suggestions=""))
        db.session.commit()
        analyse(evaluation_for_session(session), representation="tfidf")
        return session.code


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
def test_staff_pages_have_no_serious_violations(live_server, staff_page, output_dir):
    page = staff_page
    code = analysed_session(live_server)
    check(page, "session list")
    page.goto(f"{live_server.url}/staff/sessions/new")
    check(page, "new session")
    page.get_by_role("button", name="创建活动").click()
    page.wait_for_selector(".error")
    check(page, "new session, with errors")
    page.goto(f"{live_server.url}/staff/sessions/{code}")
    check(page, "session page")
    page.screenshot(path=output_dir / "staff-session-live-update.png")
    page.goto(f"{live_server.url}/staff/sessions/{code}/analysis")
    assert page.locator(".theme").count() > 0  # the results, not the empty state
    check(page, "analysis page")
    page.goto(f"{live_server.url}/staff/sessions/{code}/poster")
    check(page, "poster")
    page.goto(f"{live_server.url}/staff/evaluations/{code}/review")
    page.wait_for_selector("li.rv-st", timeout=15000)
    check(page, "review workspace")
    page.goto(f"{live_server.url}/staff/reports/{code}")
    check(page, "report page")


FOCUS_RING = """el => {
    // The ring may be drawn on the control itself or on the label that stands for it
    // (the rating segments and the organisation-type choices hide the radio under a label).
    // A drawn outline must stand out from the white card by 3:1 (WCAG 1.4.11); Chromium's own
    // ring ('auto') is two-toned and visible on any background.
    const luminance = rgb => {
        const [r, g, b] = rgb.match(/[0-9.]+/g).slice(0, 3).map(v => {
            v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const candidates = [el, el.closest('label'), el.id && document.querySelector(`label[for="${el.id}"]`)];
    return candidates.some(c => {
        if (!c) return false;
        const s = getComputedStyle(c);
        if (s.outlineStyle === 'auto') return true;
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
            && 1.05 / (luminance(s.outlineColor) + 0.05) >= 3;
    });
}"""


def test_keyboard_focus_is_visible_on_every_survey_control(live_server, phone):
    code = open_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    seen, missing = 0, []
    phone.keyboard.press("Tab")
    for _ in range(80):
        focused = phone.evaluate_handle("document.activeElement")
        name = phone.evaluate("el => el.tagName + '#' + (el.id || el.name || el.textContent.trim().slice(0, 10))", focused)
        if name.startswith("BODY"):
            break
        seen += 1
        if not phone.evaluate(FOCUS_RING, focused):
            missing.append(name)
        phone.keyboard.press("Tab")
    assert seen >= 10  # organisation, its type, a radio group per goal, both texts, submit
    assert not missing, f"no visible focus on {missing}"


def test_survey_usable_with_text_at_200_percent_on_a_phone(live_server, browser, output_dir):
    """The page as a phone set to very large text shows it: every size doubled (CSS zoom 2 on
    a 375 px screen, so the layout has 187 CSS px), and, separately, the browser's default font
    size doubled (what rem/em sizes follow). No sideways scrolling, every control inside the
    screen, and a complete answer can be filled in and sent."""
    code = open_session(live_server)
    for mode in ("zoom", "font"):
        context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True,
                                      device_scale_factor=2, locale="zh-CN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{live_server.url}/s/{code}")
        if mode == "zoom":
            page.evaluate("document.documentElement.style.zoom = '2'")
        else:
            # The default 16 px doubled; set through the CSSOM, which the app's CSP allows.
            page.evaluate("document.documentElement.style.setProperty('font-size', '32px', 'important')")
            sizes = page.evaluate("""() => ['#organisation', 'label[for=organisation]', '#problems', '#submit-button']
                .map(s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))""")
            assert min(sizes) >= 28, f"text that does not follow the reader's text size: {sizes}"
        page.screenshot(path=output_dir / f"survey-375-text200-{mode}.png", full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{mode}: {overflow}px of sideways scrolling"
        outside = page.evaluate("""() => Array.from(document.querySelectorAll(
                'input:not([type=hidden]), textarea, button:not([hidden]), select, label'))
            .filter(el => el.offsetParent !== null)
            .map(el => [el.id || el.name || el.textContent.trim().slice(0, 12), el.getBoundingClientRect()])
            .filter(([, r]) => r.left < -1 || r.right > document.documentElement.clientWidth + 1)
            .map(([name, r]) => `${name}: ${Math.round(r.left)}..${Math.round(r.right)}`)""")
        assert not outside, f"{mode}: controls outside the screen: {outside}"
        # two people's answers (the same text twice from one address would count once)
        fill_answer(page, "高校与企业之间缺乏有效的专利技术信息沟通。" if mode == "zoom" else "专利转化的中介服务机构太少。")
        page.screenshot(path=output_dir / f"survey-375-text200-{mode}-filled.png", full_page=True)
        page.locator("#submit-button").tap()
        page.wait_for_url("**/thanks/**")
        context.close()
    with live_server.app.app_context():
        stored = db.session.scalars(select(Response).join(EvaluationSession)
                                    .where(EvaluationSession.code == code)).all()
    assert len(stored) == 2


def test_session_page_updates_its_count_in_place_and_can_be_paused(live_server, staff_page):
    from playwright.sync_api import expect

    page = staff_page
    page.clock.install()
    with live_server.app.app_context():
        session = make_session("open")
        code = session.code
    page.goto(f"{live_server.url}/staff/sessions/{code}")
    page.get_by_role("link", name="查看分析结果").focus()
    assert page.locator("#response-count").inner_text() == "0"

    def add_answer(org: str) -> None:
        with live_server.app.app_context():
            session = db.session.scalar(select(EvaluationSession).filter_by(code=code))
            answer = valid_answer(session)
            session.responses.append(Response(submission_id=answer["submission_id"], organisation=org,
                                              organisation_type="企业", problems="无", suggestions=""))
            db.session.commit()

    add_answer("泰山学院")
    page.clock.run_for(31_000)
    expect(page.locator("#response-count")).to_have_text("1")  # polls from outside: the CSP forbids eval
    assert "泰山学院" in page.locator("#live-latest").inner_text()
    # Updated in place: the reader's focus stays where it was.
    assert page.evaluate("document.activeElement.textContent") == "查看分析结果"

    page.get_by_role("button", name="暂停自动更新").click()
    toggle = page.locator("#live-toggle")
    assert toggle.get_attribute("aria-pressed") == "true" and toggle.inner_text() == "恢复自动更新"
    add_answer("漱玉药业")
    page.clock.run_for(61_000)
    page.wait_for_timeout(300)
    assert page.locator("#response-count").inner_text() == "1"  # paused
    toggle.click()  # resuming fetches at once
    expect(page.locator("#response-count")).to_have_text("2")
