"""The participant survey in headless Chromium at phone size (375 x 812)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support.participate import make_session

from survey.extensions import db
from survey.models import EvaluationSession, Response
from survey.participate.routes import EXPIRED_MESSAGE

pytestmark = pytest.mark.browser

GOALS = ("知识产权创造", "知识产权发展环境", "知识产权政策体系", "知识产权赋能助企",
         "知识产权全链条保护", "知识产权服务能力", "知识产权文化环境")
PROBLEMS = "高校与企业之间缺乏有效的专利技术信息沟通，成果转化渠道不畅。"


def new_session(live) -> str:
    with live.app.app_context():
        return make_session("open").code


def stored(live, code: str) -> list[Response]:
    with live.app.app_context():
        return list(db.session.scalars(
            select(Response).join(EvaluationSession).where(EvaluationSession.code == code)))


def count(live, code: str) -> int:
    with live.app.app_context():
        return db.session.scalar(select(func.count(Response.id)).join(EvaluationSession)
                                 .where(EvaluationSession.code == code))


def rate(page, goal: str, label: str) -> None:
    page.get_by_role("group", name=goal).get_by_role("radio", name=label, exact=True).tap()


def fill_everything(page) -> None:
    page.get_by_label("单位名称").fill("山东科技大学")
    page.get_by_role("radio", name="高校/科研院所").tap()
    for i, goal in enumerate(GOALS):
        rate(page, goal, "不了解" if i == len(GOALS) - 1 else f"{5 - i % 5} {'很差 较差 一般 较好 很好'.split()[4 - i % 5]}")
    page.get_by_label("存在问题").fill(PROBLEMS)
    page.get_by_label("意见建议").fill("建立常态化的校企对接平台。")


def draft_json(page, code: str):
    return page.evaluate("code => localStorage.getItem('pingjia:draft:' + code)", code)


def sideways_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def small_tap_targets(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        '.sv-seg label, .sv-choice, #submit-button, #organisation, textarea'))
      .map(el => [el.id || el.textContent.trim(), el.getBoundingClientRect()])
      .filter(([, r]) => r.width < 44 || r.height < 44)
      .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)""")


def test_fill_and_submit_stores_one_response(live_server, phone, output_dir):
    code = new_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    fill_everything(phone)
    assert phone.locator("#problems-count [data-count]").inner_text() == str(len(PROBLEMS))
    phone.screenshot(path=output_dir / "survey-375-filled.png", full_page=True)
    phone.locator("#submit-button").tap()
    phone.wait_for_url("**/thanks/**")
    assert "提交成功" in phone.content()
    phone.screenshot(path=output_dir / "survey-375-thanks.png", full_page=True)

    [response] = stored(live_server, code)
    with live_server.app.app_context():
        response = db.session.merge(response)
        scores = [r.score for r in response.ratings]
    assert response.organisation == "山东科技大学" and response.problems == PROBLEMS
    assert scores == [5, 4, 3, 2, 1, 5, None]
    assert draft_json(phone, code) is None  # the thank-you page cleared the draft


def test_reload_and_reopen_restore_the_draft(live_server, phone):
    code = new_session(live_server)
    url = f"{live_server.url}/s/{code}"
    phone.goto(url)
    phone.get_by_label("单位名称").fill("漱玉药业")
    phone.get_by_role("radio", name="企业").tap()
    rate(phone, GOALS[0], "4 较好")
    rate(phone, GOALS[1], "不了解")
    phone.get_by_label("存在问题").type("缺少专业人才")  # key by key, like a person
    submission_id = phone.input_value("#submission_id")
    assert len(submission_id) == 36

    phone.reload()
    for page in (phone, phone.context.new_page()):  # a reload, then a closed-and-reopened tab
        if page is not phone:
            phone.close()
            page.goto(url)
        assert page.input_value("#organisation") == "漱玉药业"
        assert page.get_by_role("radio", name="企业").is_checked()
        assert page.get_by_role("group", name=GOALS[0]).get_by_role("radio", name="4 较好").is_checked()
        assert page.get_by_role("group", name=GOALS[1]).get_by_role("radio", name="不了解").is_checked()
        assert not page.get_by_role("group", name=GOALS[2]).get_by_role("radio", name="3 一般").is_checked()
        assert page.input_value("#problems") == "缺少专业人才"
        assert page.locator("#problems-count [data-count]").inner_text() == "6"
        assert page.input_value("#submission_id") == submission_id
        assert "已恢复您上次未提交的填写内容" in page.locator("#draft-note").inner_text()
    assert count(live_server, code) == 0


def test_two_quick_taps_store_one_response(live_server, phone):
    code = new_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    fill_everything(phone)
    posts = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    # The second tap lands after the first request has left, before its answer is back.
    phone.evaluate("""async () => { const b = document.getElementById('submit-button');
        b.click(); await new Promise(r => setTimeout(r, 0)); await new Promise(r => setTimeout(r, 0));
        b.click(); }""")
    phone.wait_for_url("**/thanks/**")
    assert len(posts) == 1  # the page sent one request; the server would dedupe a second anyway
    assert count(live_server, code) == 1


def test_back_from_thanks_and_resubmit_stores_one_response(live_server, phone):
    code = new_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    fill_everything(phone)
    phone.locator("#submit-button").tap()
    phone.wait_for_url("**/thanks/**")
    first = phone.url
    phone.go_back()
    assert phone.input_value("#organisation") == "山东科技大学"  # the browser refilled the form
    phone.locator("#submit-button").tap()
    phone.wait_for_url("**/thanks/**")
    assert phone.url == first + "?again=1"
    assert "没有再次保存" in phone.locator("#again").inner_text()
    assert count(live_server, code) == 1


def test_racing_copies_of_one_submit_store_one_response(live_server, phone):
    """The button guard bypassed: three identical POSTs in flight at once."""
    code = new_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    fill_everything(phone)
    results = phone.evaluate("""async () => {
        const form = document.getElementById('survey-form');
        const body = new URLSearchParams(new FormData(form)).toString();
        const headers = {'Content-Type': 'application/x-www-form-urlencoded'};
        const send = () => fetch(form.action, {method: 'POST', body, headers}).then(r => [r.status, r.url]);
        return Promise.all([send(), send(), send()]);
    }""")
    assert [status for status, _ in results] == [200, 200, 200]
    pages = {url.split("?")[0] for _, url in results}  # the copies that lost are told "?again=1"
    assert len(pages) == 1 and "/thanks/" in pages.pop()
    assert count(live_server, code) == 1


def test_expired_server_session_keeps_everything_typed(live_server, phone):
    code = new_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    fill_everything(phone)
    phone.context.clear_cookies()  # the phone slept past the server session
    phone.locator("#submit-button").tap()
    phone.wait_for_load_state()
    assert EXPIRED_MESSAGE in phone.locator("#expired").inner_text()
    assert phone.input_value("#organisation") == "山东科技大学"
    assert phone.input_value("#problems") == PROBLEMS
    assert phone.get_by_role("group", name=GOALS[-1]).get_by_role("radio", name="不了解").is_checked()
    assert count(live_server, code) == 0
    phone.locator("#submit-button").tap()
    phone.wait_for_url("**/thanks/**")
    assert count(live_server, code) == 1


def test_phone_layout_fits_375_with_big_tap_targets(live_server, phone, desktop, output_dir):
    code = new_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    assert sideways_overflow(phone) <= 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert small_tap_targets(phone) == []
    phone.screenshot(path=output_dir / "survey-375.png", full_page=True)

    phone.get_by_label("存在问题").fill("字" * 300)
    phone.locator("#submit-button").tap()  # everything else missing: errors beside each field
    phone.wait_for_selector("#error-summary")
    phone.wait_for_load_state()  # the element shows before the stylesheet has loaded: measure the styled page
    assert sideways_overflow(phone) <= 0 and small_tap_targets(phone) == []
    phone.screenshot(path=output_dir / "survey-375-errors.png", full_page=True)

    desktop.goto(f"{live_server.url}/s/{code}")
    assert sideways_overflow(desktop) <= 0
    desktop.screenshot(path=output_dir / "survey-1280.png", full_page=True)


def test_over_limit_answer_is_stopped_or_explained_and_the_draft_survives(live_server, phone):
    code = new_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    phone.get_by_label("单位名称").fill("泰山学院")
    # Pasted past maxlength by a script: ~270 KB once url-encoded, over the 64 KiB limit.
    phone.evaluate("""() => { const t = document.getElementById('problems');
        t.value = '长'.repeat(30000); t.dispatchEvent(new Event('input', {bubbles: true})); }""")
    phone.locator("#submit-button").tap()
    assert "填写内容过多" in phone.locator("#submit-error").inner_text()  # stopped before sending
    assert "/thanks/" not in phone.url

    # Without the page's check (old browser, no JS) the server's 413 page explains it.
    phone.evaluate("() => { const f = document.getElementById('survey-form');"
                   " f.removeAttribute('data-limit'); f.requestSubmit(); }")
    phone.wait_for_selector("text=提交内容过多，未能提交")
    assert "仍保存在本机浏览器中" in phone.content()
    phone.get_by_role("link", name="返回问卷").tap()
    phone.wait_for_selector("#draft-note:not([hidden])")
    assert phone.input_value("#organisation") == "泰山学院"
    assert len(phone.input_value("#problems")) == 30000
    assert phone.locator("#problems-count").get_attribute("class") == "sv-counter sv-counter-over"
    assert count(live_server, code) == 0


def test_session_closed_while_filling_shows_the_text_to_copy(live_server, phone, output_dir):
    code = new_session(live_server)
    phone.goto(f"{live_server.url}/s/{code}")
    fill_everything(phone)
    with live_server.app.app_context():
        db.session.scalar(select(EvaluationSession).filter_by(code=code)).status = "closed"
        db.session.commit()
    phone.locator("#submit-button").tap()
    phone.wait_for_selector("text=本次评价已结束")
    copy = phone.locator("#copy-problems")
    assert copy.input_value() == PROBLEMS and copy.get_attribute("readonly") is not None
    assert sideways_overflow(phone) <= 0
    phone.screenshot(path=output_dir / "survey-375-closed.png", full_page=True)
    assert count(live_server, code) == 0


def test_without_javascript_the_server_id_still_stores_once(live_server, phone_without_js):
    page = phone_without_js
    code = new_session(live_server)
    page.goto(f"{live_server.url}/s/{code}")
    server_id = page.input_value("#submission_id")
    fill_everything(page)
    page.locator("#submit-button").tap()
    page.wait_for_url(f"**/thanks/{server_id}")
    page.go_back()  # the browser refills the form, server id included; submit it again
    page.locator("#submit-button").tap()
    page.wait_for_url(f"**/thanks/{server_id}?again=1")
    assert count(live_server, code) == 1


def test_anonymous_public_consultation_form_at_phone_width(live_server, phone, output_dir):
    """A public consultation of the 营商环境 plan: no organisation asked, the type optional with
    个人/群众; submitted with only ratings and a suggestion."""
    from support.participate import BUSINESS_PLAN_FILE

    with live_server.app.app_context():
        code = make_session("open", anonymous=True, plan_file=BUSINESS_PLAN_FILE).code
    phone.goto(f"{live_server.url}/s/{code}")
    assert phone.locator('[name="organisation"]').count() == 0
    assert "无需填写姓名或单位" in phone.locator("#anonymous-note").inner_text()
    assert phone.get_by_role("radio", name="个人/群众").count() == 1
    assert sideways_overflow(phone) <= 0
    assert small_tap_targets(phone) == []
    phone.screenshot(path=output_dir / "survey-anonymous-375.png", full_page=True)
    for goal in ("政务服务便利度", "市场准入和退出", "融资便利", "工程建设项目审批", "公平公正监管", "惠企政策和减负"):
        rate(phone, goal, "4 较好")
    phone.get_by_label("意见建议").fill("希望推行一件事一次办。")
    phone.get_by_role("button", name="提交").tap()
    phone.wait_for_url(f"**/s/{code}/thanks/**")
    phone.screenshot(path=output_dir / "survey-anonymous-375-thanks.png", full_page=True)
    (response,) = stored(live_server, code)
    assert (response.organisation, response.organisation_type, response.suggestions) == ("", "", "希望推行一件事一次办。")
