"""Consensus and divergence from the database: the analysis page, the 共识与分歧 sheet, pooled
evaluations, and the report sentences against the table (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from support.staff import add_staff, log_in, make_session

from analysis.consensus import CONCERN, CONSENSUS, DIVERGENCE, UNCERTAIN
from analysis.consensus_text import ROUND_TABLE, annex_rows, goal_sentence, problem_note
from survey.consensus import consensus_of, voice_of
from survey.demo import install_demo
from survey.evaluations import evaluation_for_session, group_by_codes
from survey.extensions import db
from survey.models import Rating, Response
from survey.review.models import Statement, Theme
from survey.sessions import by_code

# creation rated by four types: agree 7/10, 3/9, 6/8, 4/5 (the issue's 0.70 / 0.33 / 0.75 / 0.80)
FOUR = [("高校/科研院所", 7, 2, 1), ("企业", 3, 3, 3), ("服务机构", 6, 1, 1), ("政府部门", 4, 1, 0)]


def scores(agree: int, neutral: int, disagree: int) -> list[int]:
    return [5 if i % 2 else 4 for i in range(agree)] + [3] * neutral + [1 if i % 2 else 2 for i in range(disagree)]


def add_answers(app, code: str, spec=FOUR, *, start: int = 0) -> list[int]:
    """One answer per score, organisations named by type and number; returns the answer ids."""
    ids = []
    with app.app_context():
        session = by_code(code)
        n = start
        for kind, *counts in spec:
            for score in scores(*counts):
                r = Response(session=session, submission_id=f"cs-{n}", organisation=f"{kind}单位{n}",
                             organisation_type=kind, problems="", suggestions="",
                             created_at=dt.datetime(2023, 11, 15, 7, 0) + dt.timedelta(minutes=n),
                             ratings=[Rating(goal_id="creation", score=score), Rating(goal_id="environment", score=None)])
                db.session.add(r)
                db.session.flush()
                ids.append(r.id)
                n += 1
        db.session.commit()
    return ids


@pytest.fixture
def staff(app, client):
    add_staff(app)
    log_in(client)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def goal_block(html: str, goal_id: str) -> str:
    start = html.index(f'id="consensus-{goal_id}"')
    return html[start:html.index("</article>", start)]


def test_the_page_shows_a_chart_per_goal_with_badges_on_the_demo(app, staff):
    with app.app_context():
        code = install_demo().session.code
        db.session.commit()
    html = page(staff, f"/staff/sessions/{code}/analysis")
    assert "各类参与者对各项目标的评价" in html and "不是程序划分的意见群体" in html
    assert "意见群体" not in html.replace("不是程序划分的意见群体", "")
    assert html.count('class="cs-goal"') == 7  # every goal of the plan, before any analysis
    creation = goal_block(html, "creation")
    assert 'cs-badge cs-consensus">共识' in creation
    # the 全部 row and one per type that answered, each with n and its counts
    assert creation.count('class="cs-row"') == 1 + 5
    assert "全部 <span class=\"muted small\">40 人打分" in creation
    assert "企业 <span class=\"muted small\">24 人打分" in creation and "认可 20 · 中立 4 · 不认可 0" in creation
    assert "服务机构 <span class=\"muted small\">2 人打分</span> <span class=\"cs-badge cs-toofew\">样本不足" in creation
    services = goal_block(html, "services")
    assert "cs-uncertain" in services
    assert 'href="/static/css/consensus.css' in html.replace("'", '"') or "css/consensus.css" in html
    assert "style=" not in html  # the CSP forbids inline styles: bar widths are SVG attributes


def test_the_issue_example_on_the_page_in_the_sheet_and_in_the_sentence(app, staff, runner, tmp_path):
    code = make_session(app, status="open")
    add_answers(app, code)
    html = page(staff, f"/staff/sessions/{code}/analysis")
    creation = goal_block(html, "creation")
    assert "分歧：企业偏低" in creation
    assert "企业认可率 35%，其他各类 73%，低 38 个百分点（z = -2.07）" in creation
    assert goal_block(html, "environment").count("cs-row") and "样本不足" in goal_block(html, "environment")

    out = tmp_path / "e.xlsx"
    result = runner.invoke(args=["export", code, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["共识与分歧"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["对象", "名称", "单位类型", "打分人数"] and header[-2:] == ["标记", "说明"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    total = next(r for r in rows if r[1] == "知识产权创造" and r[2] == "全部")
    assert total[3:8] == (32, 20, 7, 5, 0) and total[13] == "分歧：企业偏低"
    firm = next(r for r in rows if r[1] == "知识产权创造" and r[2] == "企业")
    assert firm[3:9] == (9, 3, 3, 3, 0, 0.35) and firm[14] == "偏低（其他各类23人中17人认可）"

    with app.app_context():
        evaluation = evaluation_for_session(by_code(code))
        goals = consensus_of(evaluation).goals
        voice = voice_of(evaluation)
    assert voice is ROUND_TABLE
    sentence = goal_sentence(goals[0], voice)
    assert sentence == "企业代表对知识产权创造评价偏低（9人中3人认可，其他各类23人中17人认可）。"
    # the figures are the sheet's: 企业's row, and the sum of the other types' rows
    others = [r for r in rows if r[1] == "知识产权创造" and r[2] not in ("全部", "企业")]
    assert (sum(r[3] for r in others), sum(r[4] for r in others)) == (23, 17)
    assert annex_rows(goals)[1][1:4] == ["高校/科研院所", "10", "7"]


def test_a_pooled_evaluation_counts_every_session(app, staff):
    first = make_session(app, status="open")
    second = make_session(app, status="open", title="知识产权规划评价问卷", form="问卷调查")
    add_answers(app, first, FOUR[:2])
    add_answers(app, second, FOUR[2:], start=100)
    with app.app_context():
        group = group_by_codes([first, second], "座谈会与问卷")
        db.session.commit()
        gcode = group.code
        [creation, _] = consensus_of(group).goals[:2]
        voice = voice_of(group)
        alone = consensus_of(evaluation_for_session(by_code(first))).goals[0]
        db.session.commit()
    assert creation.overall.n == 32 and creation.has(DIVERGENCE)
    assert alone.overall.n == 19  # one session: its own answers only
    assert goal_sentence(creation, voice).startswith("企业参与者对知识产权创造评价偏低（9人中3人认可，其他各类23人中17人认可）")
    html = page(staff, f"/staff/groups/{gcode}/analysis")
    assert "分歧：企业偏低" in goal_block(html, "creation")


def _statements(app, code: str, ids: list[int]) -> None:
    """A theme most enterprises raised and one every type raised, statements written directly."""
    with app.app_context():
        evaluation = evaluation_for_session(by_code(code))
        funding = Theme(evaluation_id=evaluation.id, category="enterprise-capability", machine_label="=融资 难",
                        staff_label=None, keywords=["融资"])
        talent = Theme(evaluation_id=evaluation.id, category="service-talent", machine_label="人才 不足",
                       staff_label="专业人才不足", keywords=["人才"])
        db.session.add_all([funding, talent])
        db.session.flush()
        responses = {r.id: r for r in db.session.query(Response).filter(Response.id.in_(ids))}
        firms = [i for i in ids if responses[i].organisation_type == "企业"]
        others = [i for i in ids if responses[i].organisation_type != "企业"]
        chosen = [(i, funding) for i in firms[:6]] + [(others[0], funding)]
        chosen += [(i, talent) for i in (firms[6], others[0], others[11], others[20])]
        for n, (rid, theme) in enumerate(chosen):
            db.session.add(Statement(
                evaluation_id=evaluation.id, response_id=rid, field="problems", position=n, text=f"意见{n}",
                kind="problem", machine_category=theme.category, machine_confidence=0.5, machine_theme_id=theme.id,
                category=theme.category, theme_id=theme.id, status="machine"))
        db.session.add(Statement(  # excluded: counts nowhere
            evaluation_id=evaluation.id, response_id=firms[7], field="problems", position=99, text="离题",
            kind="problem", machine_category="service-talent", machine_confidence=0.5, machine_theme_id=talent.id,
            category="service-talent", theme_id=talent.id, status="excluded", exclude_reason="off_topic"))
        db.session.commit()


def test_themes_one_type_raised_are_marked_on_the_page_and_in_the_sheet(app, staff, runner, tmp_path):
    code = make_session(app, status="open")
    _statements(app, code, add_answers(app, code))
    html = page(staff, f"/staff/sessions/{code}/analysis")
    assert "主要为企业关注" in html and "各类共同关注" in html
    assert "提出者：企业 6 人（6 家单位，6 条" in html

    out = tmp_path / "e.xlsx"
    assert runner.invoke(args=["export", code, "--format", "xlsx", "--out", str(out)]).exit_code == 0
    wb = load_workbook(out)
    ws = wb["共识与分歧"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    funding = next(r for r in rows if r[0] == "主题" and r[2] == "全部" and "融资" in r[1])
    assert funding[9:12] == (7, 7, 7) and funding[13] == "主要为企业关注"
    assert "7 人中 6 人为企业" in funding[14]
    firm = next(r for r in rows if r[0] == "主题" and r[1] == funding[1] and r[2] == "企业")
    assert firm[9:13] == (6, 6, 6, round(9 / 32, 3)) and firm[13] == "主要关注"
    talent = next(r for r in rows if r[0] == "主题" and r[1] == "专业人才不足" and r[2] == "全部")
    assert talent[9] == 4 and talent[13] == "各类共同关注"  # the excluded statement is not counted
    category = next(r for r in rows if r[0] == "类别" and r[2] == "全部" and r[11] == 7)
    assert category[13] == "主要为企业关注"
    label = next(c for c in ws["B"] if c.value == "=融资 难")  # a typed "=" stays text
    assert label.data_type == "s" and label.quotePrefix
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"

    with app.app_context():
        evaluation = evaluation_for_session(by_code(code))
        themes = {t.label: t.id for t in db.session.query(Theme)}
        pairs = [(f"t{s.theme_id}", s.response_id) for s in db.session.query(Statement) if s.status != "excluded"]
        spread = consensus_of(evaluation, topics=[(f"t{i}", label) for label, i in themes.items()],
                              statements=pairs).themes
        db.session.commit()
    concern = next(t for t in spread if t.flag == CONCERN)
    assert problem_note(concern, ROUND_TABLE) == (
        "此问题主要由企业代表反映（反映此问题的7人中6人为企业代表，企业代表占全部32名参会代表中的9名）。")


def test_csv_export_has_the_sheet_too(app, runner, tmp_path):
    code = make_session(app, status="open")
    add_answers(app, code)
    out = tmp_path / "csv"
    assert runner.invoke(args=["export", code, "--format", "csv", "--out", str(out)]).exit_code == 0
    text = (out / "共识与分歧.csv").read_bytes().decode("utf-8-sig")
    assert text.startswith("对象,名称,单位类型,打分人数") and "分歧：企业偏低" in text


def test_consensus_alone_loads_no_model_library():
    code = ("import sys, analysis.consensus, analysis.consensus_text\n"
            "sys.exit(any(m in sys.modules for m in ('numpy', 'scipy', 'sklearn', 'flask', 'jieba')))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_consensus_flags_on_the_demo_are_as_the_answers_say(app):
    with app.app_context():
        evaluation = evaluation_for_session(install_demo().session)
        db.session.commit()
        goals = {g.goal_id: g for g in consensus_of(evaluation).goals}
    assert goals["environment"].flags == (CONSENSUS,)  # 40 of 40 agree
    # 其他 (3 people, unanimous) rates 赋能助企 higher than the rest, but a catch-all type is never
    # named as a side: no divergence, and the goal is still 不确定 (16 of 40 gave 3)
    assert not goals["enterprise-support"].has(DIVERGENCE) and goals["enterprise-support"].has(UNCERTAIN)
    for g in goals.values():  # every figure in a sentence is in the table
        for n, a in re.findall(r"(\d+)人中(\d+)人认可", goal_sentence(g, ROUND_TABLE)):
            assert int(n) <= g.overall.n and int(a) <= g.overall.agree


def test_report_rows_give_the_problems_note_and_the_goal_sentences(app):
    """What the report will call (survey.consensus.report_consensus on build_report's rows)."""
    from survey.consensus import report_consensus
    from survey.reports.data import build_report

    code = make_session(app, status="open")
    _statements(app, code, add_answers(app, code))
    with app.app_context():
        data = build_report(code)
        evaluation = evaluation_for_session(by_code(code))
        result = report_consensus(evaluation, [r for r in data.statements if r.kind == "problem"])
        voice = voice_of(evaluation)
        db.session.commit()
    by_key = {t.key: t for t in result.themes}
    assert by_key["enterprise-capability"].flag == CONCERN
    assert problem_note(by_key["enterprise-capability"], voice).startswith("此问题主要由企业代表反映（反映此问题的7人中6人")
    assert problem_note(by_key["service-talent"], voice) == ""
    assert problem_note(by_key["service-talent"], voice, shared=True).startswith("各类参会代表均有反映（")
    # the goals from the database equal the report's own rating table, type by type
    [creation] = [g for g in result.goals if g.goal_id == "creation"]
    section = next(g for g in data.goals if g.id == "creation")
    assert {t.type: (t.tally.n, t.tally.unknown) for t in creation.types} == {
        k: (s.rated, s.unknown) for k, s in section.by_type.items()}
