"""Report data assembled from the database (survey/reports/data.py), on SQLite and PostgreSQL."""

import pytest
from support.report import PHONE, make_evaluation

from survey.extensions import db
from survey.models import Evaluation
from survey.reports.data import ReportError, build_report, evaluation_for_code


@pytest.fixture
def code(app):
    return make_evaluation(app)


def test_session_records_and_roster(app, code):
    with app.app_context():
        r = build_report(code)
        assert r.title == "关于《泰安市“十四五”知识产权保护和运用规划》的政策评价情况"
        assert r.forms == "专题座谈会" and r.organisers == "泰安市市场监管局"
        assert r.sessions[0].date == "2023年11月15日" and r.sessions[0].place == "一楼西会议室"
        # the roster, then every organisation that answered without being on it
        assert [(p.organisation, p.person, p.organisation_type, p.on_roster) for p in r.participants] == [
            ("山东科技大学", "宋庆军", "高校/科研院所", True), ("山东鲁普科技有限公司", "", "企业", True),
            ("泰安某代理事务所", "", "服务机构", False)]
        assert r.response_count == 3 and len(r.organisations) == 3
        assert (r.occasion.kind, r.occasion.person) == ("roundtable", "参会代表") and r.answers_by_type == {}


def test_ratings_per_goal_and_type(app, code):
    with app.app_context():
        goals = {g.id: g for g in build_report(code).goals}
    creation = goals["creation"].overall
    assert (creation.rated, creation.unknown, creation.mean) == (3, 0, 4.0)
    assert creation.distribution == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    env = goals["environment"]
    assert (env.overall.rated, env.overall.unknown, env.overall.mean) == (2, 1, 4.5)
    assert list(env.by_type) == ["高校/科研院所", "企业", "服务机构"]  # ORG_TYPES order
    assert env.by_type["服务机构"].unknown == 1 and env.by_type["企业"].mean == 4.0
    assert goals["culture"].overall.rated == 0 and goals["culture"].overall.mean is None


def test_problems_by_category_in_plan_order(app, code):
    with app.app_context():
        r = build_report(code)
    assert [c.id for c in r.categories] == ["enterprise-capability", "service-talent", "transfer-channels"]
    counts = {c.id: c.count for c in r.categories}
    # 10 statements, one excluded: 9 counted
    assert r.counted == 9 and counts == {"enterprise-capability": 2, "service-talent": 3, "transfer-channels": 3}
    talent = r.categories[1]
    assert talent.themes[0].label == "服务机构和人才不足" and not talent.themes[0].machine_label
    assert talent.by_type == {"服务机构": 2, "企业": 1}
    enterprise = r.categories[0]
    assert enterprise.themes[0].label == "企业 重视" and enterprise.themes[0].machine_label  # not named by staff
    assert r.new_issues.count == 1 and r.new_issues.name == "新发现的问题"
    assert "与本次评价无关的内容。" not in [s.text for s in r.statements]  # excluded
    quotes = [q for c in r.categories for t in c.themes for q in t.quotes]
    assert all(q.organisation_type for q in quotes) and 2 <= len(r.categories[2].themes[0].quotes) <= 3


def test_reviewed_only(app, code):
    with app.app_context():
        r = build_report(code, reviewed_only=True)
    assert r.counted == r.reviewed == 4
    assert {c.id: c.count for c in r.categories} == {"enterprise-capability": 1, "service-talent": 2,
                                                     "transfer-channels": 1}
    assert r.new_issues is None


def test_text_is_masked_unless_asked(app, code):
    with app.app_context():
        masked = build_report(code)
        plain = build_report(code, unmasked=True)
    texts = [s.text for s in masked.statements]
    assert "有问题请联系宋**老师，电话138****5678。" in texts
    assert not any(PHONE in t or "宋庆军" in t for t in texts)
    assert f"有问题请联系宋庆军老师，电话{PHONE}。" in [s.text for s in plain.statements]
    assert masked.masked and not plain.masked


def test_suggestions_grouped_by_measure(app, code):
    with app.app_context():
        r = build_report(code)
    placed = {q.text: m.id for m in r.measures for q in m.suggestions}
    assert [m.id for m in r.measures] == ["strong-city", "publicity", "service-platform", "enforcement-training"]
    assert placed.get("希望多开展知识产权宣传进企业活动。") == "publicity"
    assert placed.get("+尽快建设知识产权保护中心和综合服务平台。") == "service-platform"
    every = set(placed) | {q.text for q in r.unmatched_suggestions}
    assert len(every) == 3  # each suggestion once, under a measure or among the others


def test_session_evaluation_made_once(app, code):
    with app.app_context():
        first = evaluation_for_code(code)
        assert evaluation_for_code(code.upper()).id == first.id
        assert not first.is_group and [s.code for s in first.sessions] == [code]
        assert db.session.query(Evaluation).count() == 1
        with pytest.raises(ReportError):
            evaluation_for_code("nosuchcode")


def test_group_evaluation_spans_sessions(app, code):
    from support.staff import make_session

    from survey.sessions import by_code

    other = make_session(app, title="第二场")
    with app.app_context():
        group = Evaluation(code="grp23456", plan_id="taian-ip-14th-fyp", title="两场合并", is_group=True,
                           sessions=[by_code(code), by_code(other)])
        db.session.add(group)
        db.session.commit()
        r = build_report("grp23456")
    assert r.is_group and len(r.sessions) == 2 and r.response_count == 3
    assert len(r.participants) == 3  # same roster at both: listed once (and the one that answered)
    assert r.counted == 0  # the group has no statements of its own yet


def test_a_sentence_said_twice_is_quoted_once():
    """Two letters (or one letter twice) with the same sentence: 意见摘编 quotes it once and
    takes the next statement in its place (found on real message-board letters)."""
    from survey.reports.data import StatementRow, pick_quotes

    def row(i, text, kind="", confidence=0.9):
        return StatementRow(id=i, response_id=i, field="problems", field_label="存在问题", text=text,
                            organisation="", organisation_type=kind, category="c", category_name="类",
                            theme_id=1, theme_label="主题", theme_machine_label=True, confidence=confidence,
                            status="machine", status_label="未审核", reviewed_by="", reviewed_at=None,
                            excluded=False, exclude_reason="")

    same = "烧柴火产生的黑烟在楼顶飘荡，不能去楼顶晾晒衣物。"
    quotes = pick_quotes([row(1, same), row(2, same, "企业"), row(3, "油烟扰民。", confidence=0.5),
                          row(4, "夜宵摊污染空气。", confidence=0.4)])
    assert [q.text for q in quotes] == [same, "油烟扰民。", "夜宵摊污染空气。"]
