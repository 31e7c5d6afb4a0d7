"""The program's drafts (survey/reports/drafts.py) and contact details (contacts.py)."""
import pytest
from support.report import PHONE, make_evaluation

from survey.reports.contacts import has_contact, strip_contacts
from survey.reports.data import build_report
from survey.reports.drafts import clause, draft_blocks, issue_month, problem_sentence


@pytest.mark.parametrize("text, expected", [
    ("公司专利数量上去了，但真正能护住核心产品的专利不多，布局比较零散", "公司专利数量上去了，但真正能护住核心产品的专利不多"),
    ("建议建立常态化校企对接机制。还有别的。", "建立常态化校企对接机制"),
    ("我们学校植物新品种权比较多，但品种被套牌的情况时有发生", "学校植物新品种权比较多，但品种被套牌的情况时有发生"),
    ("另一方面企业也不清楚学校有哪些成果能用。", "企业也不清楚学校有哪些成果能用"),
])
def test_clause(text, expected):
    assert clause(text) == expected


def test_a_suggestion_starts_at_its_cue():
    text = "宣传做得不错，建议除了4·26前后，平时也多进企业，给一线员工讲讲。"
    assert clause(text) == "宣传做得不错，建议除了4·26前后"
    assert clause(text, suggestion=True) == "除了4·26前后，平时也多进企业"


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


def test_drafts_have_no_quotes_percentages_or_contacts(app):
    code = make_evaluation(app)
    with app.app_context():
        drafts = draft_blocks(build_report(code))
    for key, text in drafts.items():
        text = text.replace("“十四五”", "")  # the plan's own title
        assert "“" not in text and "%" not in text and not has_contact(text), key
    assert drafts["problems"].startswith("《规划》实施以来")
    # 一是 per category with problems, in plan order; the 未归类 statement no one on staff kept is left out
    assert "一是企业知识产权意识和能力需要进一步提升。" in drafts["problems"]
    assert "停车" not in drafts["problems"] and "四是" not in drafts["problems"]
    assert "有代表" in drafts["problems"] or "多位" in drafts["problems"]
    assert "宋" not in drafts["problems"]  # the contact-only statement gives no clause
    assert drafts["measures"].startswith("一是深化提升知识产权强市建设。")
    assert "结合参会人员建议，" in drafts["measures"]
    assert drafts["application"].startswith("泰安市市场监管局（知识产权局）将以此次评价为契机")


def test_new_issues_staff_kept_join_the_problems(app):
    """A 未归类/新问题 theme staff named becomes a further 四是."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.review.models import Theme

    code = make_evaluation(app)
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.category == "other"))
        theme.staff_label = "会场停车不便"
        db.session.commit()
        problems = draft_blocks(build_report(code))["problems"]
    assert "四是会场停车不便。" in problems


def test_praise_feeds_the_achievements_not_the_problems(app):
    """Statements of kind praise close （一） with who praised what; they stay out of （二） and （三）."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.review.models import Statement

    code = make_evaluation(app)
    with app.app_context():
        assert "给予肯定" not in draft_blocks(build_report(code))["achievements"]
        # praise typed under either field
        praised = ["总体感觉这两年专利审查和维权服务改善明显，办事快了很多", "知识产权宣传培训做得很扎实，企业受益很大"]
        rows = db.session.scalars(select(Statement).order_by(Statement.id)).all()
        for s, text in zip([r for r in rows if r.field == "problems"][:1]
                           + [r for r in rows if r.field == "suggestions"][:1], praised):
            s.text, s.kind, s.category, s.machine_category, s.theme_id, s.machine_theme_id = text, "praise", None, None, None, None
        db.session.commit()
        drafts = draft_blocks(build_report(code))
    last = drafts["achievements"].splitlines()[-1]
    assert last.startswith("座谈中，参会代表对《规划》实施以来的工作给予肯定：")
    assert "这两年专利审查和维权服务改善明显" in last and "总体感觉" not in last
    assert "知识产权宣传培训做得很扎实" in last and last.endswith("。")
    assert "代表认为" in last and "；" in last, last
    assert "改善明显" not in drafts["problems"] and "宣传培训做得很扎实" not in drafts["measures"]


def test_praise_staff_placed_in_a_category_counts_as_a_problem(app):
    """Staff's placement wins over the machine's kind at once, before the next run."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.review.models import Statement

    code = make_evaluation(app)
    with app.app_context():
        s = db.session.scalars(select(Statement).where(Statement.status == "moved",
                                                       Statement.field == "problems")).first()
        text = s.text
        s.kind = "praise"  # what the machine had said
        db.session.commit()
        data = build_report(code)
        row = next(r for r in data.statements if r.id == s.id)
        drafts = draft_blocks(data)
    assert row.kind == "problem"
    assert "给予肯定" not in drafts["achievements"]
    assert any(part in drafts["problems"] for part in (clause(text), s.theme.staff_label or "—"))
