"""An anonymous consultation of imported messages (text, no ratings, no type) as staff see it:
no round-table words (参会, 名单, 座谈) on its session, analysis and import pages, no "N 家单位"
for answers that name no organisation, and one line instead of a card per goal saying 0.
Found on a new staff user's pass with 40 real message-board letters (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from support.report_sessions import analysed
from support.staff import add_staff, log_in, make_session

from survey.extensions import db
from survey.models import Response
from survey.sessions import by_code

LETTERS = [
    "小区楼下烧烤摊油烟扰民，晚上吵得睡不着。", "烧烤店没有油烟净化设施，油烟直排。",
    "申请购房补贴一直通不过，咨询电话打不通。", "人才补贴的申请材料要求不清楚，网上申请总被拒。",
    "驾驶证期满换证一个星期没人受理。", "网上办事流水号查不到进度，没有人回复。",
    "乡村卫生室的执业许可证过期两年了还不发。", "物业收费标准偏高，应考虑居民的承受能力。",
]
ROUND_TABLE = ("参会", "名单", "座谈")


@pytest.fixture
def staff(app, client):
    add_staff(app)
    log_in(client)
    return client


@pytest.fixture
def anonymous(app):
    code = make_session(app, status="open", anonymous=True, form="问卷调查", roster=[],
                        title="知识产权规划网上征求意见", place="网上")
    with app.app_context():
        session = by_code(code)
        for n, text in enumerate(LETTERS * 2):
            db.session.add(Response(session=session, submission_id=f"letter-{n}", organisation="",
                                    organisation_type="", problems=text, source="表格"))
        db.session.commit()
    return analysed(app, code)


def test_the_staff_pages_of_an_anonymous_consultation_speak_of_no_round_table(staff, anonymous):
    for url in (f"/staff/sessions/{anonymous}", f"/staff/sessions/{anonymous}/analysis",
                f"/staff/sessions/{anonymous}/import", f"/staff/sessions/{anonymous}/paper"):
        html = staff.get(url).get_data(as_text=True)
        for word in ROUND_TABLE:
            assert word not in html, (url, word, html[max(0, html.index(word) - 80):html.index(word) + 40])
    # paper entry asks for the type in the printed form's words
    paper = staff.get(f"/staff/sessions/{anonymous}/paper").get_data(as_text=True)
    assert "身份类别（选填）</label>" in paper and ">单位类型<" not in paper
    analysis = staff.get(f"/staff/sessions/{anonymous}/analysis").get_data(as_text=True)
    # who raised a theme: people and statements, not each answer counted as its own organisation
    assert "提出者：未填写类型 " in analysis and "家单位" not in analysis
    assert "占全部参与者 100%" not in analysis
    # nobody rated a goal: one line, not seven cards of "只有 0 人打分"
    assert 'id="consensus-none"' in analysis and "只有 0 人打分" not in analysis


def test_a_round_table_keeps_its_roster_and_words(app, staff):
    code = make_session(app, status="open")
    page = staff.get(f"/staff/sessions/{code}").get_data(as_text=True)
    assert "参会单位（2）" in page and "结束后参会人员将无法再提交" in page
    assert "和参会人员姓名" in page
    assert ">单位类型</label>" in staff.get(f"/staff/sessions/{code}/paper").get_data(as_text=True)
    assert 'id="consensus-none"' in staff.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)


def test_the_report_says_nobody_rated_when_nobody_did(staff, anonymous):
    """附件1 of messages imported as text: not "参与者对…逐项打分" over a table of zeros."""
    import io

    from docx import Document

    page = staff.get(f"/staff/reports/{anonymous}").get_data(as_text=True)
    assert "本次评价共收到问卷16份，均未对" in page and "逐项打分" not in page
    word = staff.get(f"/staff/reports/{anonymous}/report.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(word.data)).paragraphs)
    assert "均未对" in text and "逐项打分" not in text


def test_the_export_of_messages_without_ratings_shows_no_rate_nobody_gave(staff, anonymous):
    """共识与分歧: no smoothed agree rate (½) for a goal nobody rated; 主题: the types named."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(staff.get(f"/staff/reports/{anonymous}/export.xlsx").data))
    goals = [r for r in wb["共识与分歧"].iter_rows(min_row=2, values_only=True) if r[0] == "目标"]
    assert goals and all(r[3] == 0 and r[8] is None for r in goals)
    spreads = [r[6] for r in wb["主题"].iter_rows(min_row=2, values_only=True) if r[5]]
    assert spreads and all(s.startswith("未填写 ") for s in spreads)
