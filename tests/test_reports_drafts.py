"""The program's drafts (survey/reports/drafts.py) and contact details (contacts.py): the
published shape, reported speech with counts, each statement used by its counted kind (a kind
is a label: a mixed theme's problems feed （二） and its suggestions （三）), new issues, 其他建议,
praise placed under its goal."""
import pytest
from sqlalchemy import select
from support.report import PHONE, make_evaluation

from survey.extensions import db
from survey.models import Response
from survey.reports.contacts import has_contact, strip_contacts
from survey.reports.data import build_report
from survey.reports.drafts import draft_blocks, issue_month, problem_sentence
from survey.review.models import Statement, Theme


@pytest.fixture
def code(app):
    return make_evaluation(app)


def test_issue_month_and_problem_sentence():
    assert issue_month("2022-05") == "2022年5月" and issue_month("2022-05-10") == "2022年5月10日"
    assert issue_month("") == ""

    class Category:
        name, description = "人才", "高端人才缺乏：本地机构规模小。"

    assert problem_sentence(Category) == "高端人才缺乏。"
    Category.description = ""
    assert problem_sentence(Category) == "人才方面还存在不足。"


@pytest.mark.parametrize("text, kept", [
    (f"有问题请联系宋庆军老师，电话{PHONE}。", None),
    ("学校专利转化比例很低，建议多对接，邮箱 abc@example.com", "学校专利转化比例很低，建议多对接"),
    ("我的电话：0538-1234567，希望多开展培训活动，尤其是面向中小企业。", "希望多开展培训活动，尤其是面向中小企业。"),
])
def test_strip_contacts(text, kept):
    assert has_contact(text)
    assert strip_contacts(text) == kept


def test_drafts_in_the_published_shape_with_counts(app, code):
    with app.app_context():
        drafts = draft_blocks(build_report(code))
    for key, text in drafts.items():
        text = text.replace("“十四五”", "")  # the plan's own title
        assert "“" not in text and "%" not in text and not has_contact(text), key
        assert "多位" not in text, key  # counts, not 多位
    problems = drafts["problems"]
    assert problems.startswith("《规划》实施以来")
    # 一是 per category with problems, in plan order, each voice counted by people and organisations
    assert "一是企业知识产权意识和能力需要进一步提升。1位企业代表反映企业对知识产权不够重视，没有专人负责。" in problems
    assert "二是知识产权品牌服务机构和高端服务人才缺乏。2位参会代表（来自1家企业、1家服务机构）反映服务机构和人才不足的问题。" in problems
    # the 未归类 statement no one on staff kept, and below the new-issue threshold, is left out
    assert "停车" not in problems and "四是" not in problems
    assert "宋" not in problems  # the contact-only statement gives no clause
    measures = drafts["measures"]
    assert measures.startswith("一是深化提升知识产权强市建设。")
    assert "三是构建知识产权服务平台。" in measures and "1位服务机构代表建议尽快建设知识产权保护中心和综合服务平台。" in measures
    assert drafts["application"].startswith("泰安市市场监管局（知识产权局）将以此次评价为契机，认真吸纳参会单位的意见建议")
    achievements = drafts["achievements"]
    assert "本次座谈共有3家单位参加，收回问卷3份，参会代表对各项目标的实施情况逐项打分（5分为最高）。" in achievements
    assert "一是知识产权创造。《规划》在这方面的目标是：有效注册商标、发明专利拥有量和每万人口高价值发明专利拥有量的增长。" in achievements
    assert "2位参会代表对此项打分，平均4.5分，评价很高；另有1位表示不了解。" in achievements  # 发展环境
    assert "七是知识产权文化环境。《规划》在这方面的目标是：宣传教育、知识产权大讲堂和领导干部专题培训。\n" in achievements + "\n"


def _statement(text_part: str) -> Statement:
    return next(s for s in db.session.scalars(select(Statement)) if text_part in s.text)


def test_a_mixed_theme_feeds_problems_and_suggestions_by_kind(app, code):
    """Kind is a label: statements are chosen by their counted kind, whatever their category;
    a theme with problems and suggestions gives both."""
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.staff_label == "服务机构和人才不足"))
        members = db.session.scalars(select(Statement).where(Statement.theme_id == theme.id)).all()
        assert {s.kind for s in members} == {"problem", "suggestion"}
        # praise with a category and a theme (as the analysis now stores it) is still praise
        praised = _statement("缺少专业人才")
        praised.text, praised.kind = "本地代理机构服务比以前规范多了，收费也透明了。", "praise"
        db.session.commit()
        drafts = draft_blocks(build_report(code))
    assert "反映服务机构和人才不足的问题" in drafts["problems"]  # the theme's remaining problem
    assert "尽快建设知识产权保护中心和综合服务平台" in drafts["measures"]  # its suggestion
    assert "规范多了" not in drafts["problems"] and "规范多了" not in drafts["measures"]
    assert "座谈中，1位企业代表肯定本地代理机构服务比以前规范多了，收费也透明了。" in drafts["achievements"]


def test_praise_is_placed_under_its_goal_and_reads_well_without_one(app, code):
    with app.app_context():
        first = _statement("希望多开展知识产权宣传进企业活动")  # the analysis placed it under a goal
        first.text, first.kind, first.goal = "专利申请受理比以前快多了，预审服务很到位。", "praise", "creation"
        second = _statement("建议建立常态化校企对接机制")  # under none
        second.text, second.kind = "知识产权宣传培训做得很扎实，企业受益很大。", "praise"
        db.session.commit()
        lines = draft_blocks(build_report(code))["achievements"].splitlines()
    creation = next(line for line in lines if line.startswith("一是知识产权创造。"))
    assert creation.endswith("1位企业代表肯定专利申请受理比以前快多了，预审服务很到位。")
    assert lines[-1] == "座谈中，1位高校院所代表肯定知识产权宣传培训做得很扎实，企业受益很大。"


def _same_issue_from_every_other_answer(parking: Statement) -> None:
    """The parking complaint again from each other answer, in the parking statement's 未归类 theme."""
    others = [r for r in db.session.scalars(select(Response)) if r.id != parking.response_id]
    for n, response in enumerate(others):
        db.session.add(Statement(evaluation_id=parking.evaluation_id, response_id=response.id, field="problems",
                                 position=9, text="会场周边停车位不够，来开会要找很久。", kind="problem",
                                 machine_category="other", category="other", machine_theme_id=parking.theme_id,
                                 theme_id=parking.theme_id, machine_confidence=0.4 + n / 10))


def test_new_issues_above_the_threshold_reach_the_problems(app, code):
    """A 未归类/新问题 theme raised by three statements (review.models.is_new_issue) is named
    in （二） with its count, in the occasion's words."""
    with app.app_context():
        parking = _statement("停车位太少")
        assert "停车" not in draft_blocks(build_report(code))["problems"]  # one statement: not yet
        _same_issue_from_every_other_answer(parking)
        db.session.commit()
        problems = draft_blocks(build_report(code))["problems"]
    last = problems.splitlines()[-1]
    assert last.startswith("此外，3位参会代表（来自") and "还反映了" in last and last.endswith("等问题。"), last


def test_the_machines_other_theme_is_no_new_issue(app, code):
    """Three statements of different answers in the machine's 其他问题 (they share no words: fragments of
    letters pooled by analysis.themes) are not "3位…反映…等问题"; staff naming it keeps it."""
    with app.app_context():
        parking = _statement("停车位太少")
        theme = db.session.get(Theme, parking.theme_id)
        theme.machine_label, theme.staff_label = "其他问题", None
        _same_issue_from_every_other_answer(parking)
        db.session.commit()
        assert "停车" not in draft_blocks(build_report(code))["problems"]
        theme.staff_label = "会场停车难"
        db.session.commit()
        assert "停车" in draft_blocks(build_report(code))["problems"]


def test_a_suggestion_that_fits_no_measure_goes_under_the_others(app, code):
    """Statement.measure None: 其他建议 (此外……), never forced onto the nearest measure."""
    with app.app_context():
        loose = _statement("建立常态化校企对接机制")
        loose.measure = None  # the analysis found no measure it fits
        db.session.commit()
        measures = draft_blocks(build_report(code))["measures"]
    assert measures.splitlines()[-1] == "此外，1位高校院所代表还建议建立常态化校企对接机制。"
    assert "加大知识产权宣传普及。" in measures and "多开展知识产权宣传进企业活动" in measures


def test_the_kind_decides_where_the_report_uses_a_statement(app, code):
    """A kind is a label (issue 24): praise placed in a category stays praise, in （一）, never a
    plan problem; staff saying it is a problem (the kind key) puts it in （二） at once, before the
    next run; a "none" statement staff placed in a category counts as its field's kind."""
    with app.app_context():
        s = db.session.scalars(select(Statement).where(Statement.status == "moved",
                                                       Statement.field == "problems")).first()
        s.kind = "praise"  # what the machine had said
        db.session.commit()
        data = build_report(code)
        row = next(r for r in data.statements if r.id == s.id)
        drafts = draft_blocks(data)
        assert row.kind == "praise"
        assert "企业对知识产权不够重视" not in drafts["problems"]
        placed = sum(c.count for c in data.categories) + (data.new_issues.count if data.new_issues else 0)
        assert placed == sum(1 for r in data.statements if r.category and r.kind not in ("praise", "none"))
        s.kind, s.kind_by_staff = "problem", True  # staff: it is a problem after all
        db.session.commit()
        data = build_report(code)
        row = next(r for r in data.statements if r.id == s.id)
        drafts = draft_blocks(data)
        assert row.kind == "problem"
        assert "企业对知识产权不够重视" in drafts["problems"]
        s.kind, s.kind_by_staff = "none", False  # the machine said none, staff placed it
        db.session.commit()
        row = next(r for r in build_report(code).statements if r.id == s.id)
        assert row.kind == "problem"


def test_an_anonymous_consultation_is_not_a_round_table(app):
    """The occasion decides the words: no 座谈, no 参会, no roster; answers per type."""
    from support.report_sessions import anonymous_business_session

    code = anonymous_business_session(app)
    with app.app_context():
        data = build_report(code)
        drafts = draft_blocks(data)
    assert data.participants == [] and data.organisations == []
    assert data.answers_by_type == {"企业": 7, "个体工商户": 5, "个人/群众": 4, "未填写": 2}
    text = "\n".join(drafts.values())
    assert "座谈" not in text and "参会" not in text
    assert "本次征求意见共收回问卷18份（企业7份、个体工商户5份、个人/群众4份、未填写类型2份）" in drafts["achievements"]
    assert "18位参与者对此项打分" in drafts["achievements"] and "社会各界的意见建议" in drafts["application"]
