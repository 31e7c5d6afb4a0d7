"""Consensus and divergence in the Word report: annex 1's table, note and charts; （一）'s
sentence per flagged goal and （二）'s note on a problem one type raised, each a claim whose
figures are the table's cells and are re-checked like every other figure."""
from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
from docx import Document
from support.staff import make_session

from analysis.consensus_text import ANNEX_HEADER, annex_rows
from survey.extensions import db
from survey.models import Rating, Response
from survey.reports.blocks import document_for
from survey.reports.claims import every
from survey.reports.drafts import draft_claims
from survey.reports.figures import value
from survey.review.models import Statement, Theme
from survey.sessions import by_code

# creation rated by four types: agree 7/10, 3/9, 6/8, 4/5 (issue 22's 0.70 / 0.33 / 0.75 / 0.80)
FOUR = [("高校/科研院所", 7, 2, 1), ("企业", 3, 3, 3), ("服务机构", 6, 1, 1), ("政府部门", 4, 1, 0)]
FIRM_PROBLEMS = ["企业对知识产权不够重视，没有专人负责专利管理。", "很多中小企业研发投入少，高价值专利偏少。",
                 "企业申请专利只看数量，专利质量不高。", "企业缺少知识产权管理规范，意识还不够强。",
                 "我们企业的专利布局能力弱，和先进地区差距大。", "企业培育高价值专利的能力不足。"]


def _scores(agree: int, neutral: int, disagree: int) -> list[int]:
    return [5 if i % 2 else 4 for i in range(agree)] + [3] * neutral + [1 if i % 2 else 2 for i in range(disagree)]


def make_round_table(app) -> str:
    """32 answers rating 知识产权创造 as FOUR; six enterprises and one university raise the
    enterprises' capability (一类关注: enterprises are 9 of 32)."""
    code = make_session(app, status="open")
    with app.app_context():
        session = by_code(code)
        from survey.evaluations import evaluation_for_session

        evaluation = evaluation_for_session(session)
        theme = Theme(evaluation_id=evaluation.id, category="enterprise-capability", machine_label="企业 重视",
                      staff_label="企业重视不够", keywords=["企业"])
        db.session.add(theme)
        db.session.flush()
        n, firms, others = 0, [], []
        for kind, *counts in FOUR:
            for score in _scores(*counts):
                r = Response(session=session, submission_id=f"cs-{n}", organisation=f"{kind}单位{n}",
                             organisation_type=kind, problems="", suggestions="",
                             created_at=dt.datetime(2023, 11, 15, 7, 0) + dt.timedelta(minutes=n),
                             ratings=[Rating(goal_id="creation", score=score)])
                db.session.add(r)
                db.session.flush()
                (firms if kind == "企业" else others).append(r.id)
                n += 1
        raised = list(zip(firms[:6], FIRM_PROBLEMS)) + [(others[0], "高校发现企业对专利的重视程度和能力都不够。")]
        for i, (rid, text) in enumerate(raised):
            db.session.add(Statement(
                evaluation_id=evaluation.id, response_id=rid, field="problems", position=0, text=text,
                kind="problem", machine_category=theme.category, machine_confidence=0.8, machine_theme_id=theme.id,
                category=theme.category, theme_id=theme.id, status="confirmed" if i % 2 else "machine"))
        db.session.commit()
    return code


@pytest.fixture
def round_table(app):
    return make_round_table(app)


def _document(app, code):
    with app.app_context():
        data = document_for(code)
        db.session.commit()
    return data


def test_the_sentences_say_the_issue_example_and_the_concern(app, round_table):
    data = _document(app, round_table)
    achievements = data.blocks["achievements"]
    creation = next(line for line in achievements.split("\n") if line.startswith("一是知识产权创造"))
    assert creation.endswith("32位参会代表对此项打分，平均3.7分，总体认可。"
                             "企业代表对此项评价偏低（9人中3人认可，其他各类23人中17人认可）。")
    problems = data.blocks["problems"]
    assert "此问题主要由企业代表反映（反映此问题的7人中6人为企业代表，企业代表占全部32名参会代表中的9名）。" in problems
    # the types are the plan's: no sentence speaks of groups the program found
    for text in data.blocks.values():
        assert "群体" not in text and "聚类" not in text


def _cells(rows, goal, kind):
    """(raters, agree) of a goal's row for one type (or 全部) in annex 1's table."""
    row = next(r for r in rows if r[0] == goal and r[1] == kind)
    return int(row[2]), int(row[3])


def test_every_figure_of_a_consensus_sentence_is_a_cell_of_the_table(app, round_table):
    data = _document(app, round_table)
    rows = annex_rows(data.consensus.goals)
    names = {g.goal_id: g.goal_name for g in data.consensus.goals}
    claims = [c for block in draft_claims(data).values() for c in every(block) if c.extra.get("consensus")]
    assert {c.key for c in claims} >= {"consensus:creation", "concern:enterprise-capability"}
    checked = 0
    for claim in claims:
        assert claim.figures
        for f in claim.figures:
            assert f.text in claim.text, (f.text, claim.text)  # the sentence states every figure it carries
            assert value(f.name, f.args, data) == f.value  # and the check recomputes the same number
            if f.name == "cs_of":
                goal = names[f.args["goal"]]
                if "type" in f.args:
                    n, agree = _cells(rows, goal, f.args["type"])
                else:  # the other types: the sum of their rows, and what the type's 说明 says
                    kinds = [r[1] for r in rows if r[0] == goal and r[1] not in ("全部", f.args.get("rest"))]
                    n = sum(_cells(rows, goal, k)[0] for k in kinds)
                    agree = sum(_cells(rows, goal, k)[1] for k in kinds)
                    note = next(r[7] for r in rows if r[0] == goal and r[1] == f.args["rest"])
                    assert f"其他各类{n}人中{agree}人认可" in note
                assert f.value == f"{n}人中{agree}人认可"
                checked += 1
    assert checked == 2
    concern = next(c for c in claims if c.key == "concern:enterprise-capability")
    spread = next(t for t in data.consensus.themes if t.key == "enterprise-capability")
    assert [f.value for f in concern.figures] == [str(spread.people), str(spread.of("企业").people),
                                                  str(spread.participants), str(spread.of("企业").participants)]
    # the sentence's figures as a reader finds them: "9人中3人认可" pairs read back from the text
    creation = next(c for c in claims if c.key == "consensus:creation")
    pairs = re.findall(r"(\d+)人中(\d+)人认可", creation.text)
    assert pairs == [("9", "3"), ("23", "17")]


def test_a_figure_staff_kept_is_flagged_when_the_data_changes(app, round_table, client):
    """Staff keep the sentence in their own text; two more enterprises rate: the figures are stale."""
    from support.staff import add_staff, log_in

    add_staff(app)
    log_in(client)
    data = _document(app, round_table)
    edited = data.blocks["achievements"] + "\n本单位补充的成效。"
    page = client.get(f"/staff/reports/{round_table}/edit").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page.split('id="block-achievements"')[1]).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/staff/reports/{round_table}/blocks/achievements",
                           data={"action": "save", "text": edited, "version": version, "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        session = by_code(round_table)
        for n in range(2):
            db.session.add(Response(session=session, submission_id=f"late-{n}", organisation=f"企业单位x{n}",
                                    organisation_type="企业", problems="", suggestions="",
                                    ratings=[Rating(goal_id="creation", score=1)]))
        db.session.commit()
    data = _document(app, round_table)
    stale = {(f.said, f.now) for f in data.stale.get("achievements", [])}
    assert ("（9人中3人认可", "（11人中3人认可") in stale


def _annex_one(doc) -> tuple[str, list[list[str]]]:
    text = "\n".join(p.text for p in doc.paragraphs)
    annex = text.split("附件1　评分统计")[1].split("附件2　意见摘编")[0]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    table = next(t for t in tables if t[0] == ANNEX_HEADER)
    return annex, table


def test_annex_one_carries_the_table_the_note_and_a_chart(app, round_table, runner, tmp_path):
    out = tmp_path / "r.docx"
    result = runner.invoke(args=["report", round_table, "--out", str(out)])
    assert result.exit_code == 0, result.output
    annex, table = _annex_one(Document(out))
    assert "各类参与者对各项目标的评价（按规划确定的参与者类型）" in annex
    assert "单位类型为参与者填写时在规划所列类型中自选，按类型分别统计，不是程序划分的意见群体" in annex
    assert table[1] == ["知识产权创造", "全部", "32", "20", "7", "5", "0", "分歧：企业偏低"]
    assert ["", "企业", "9", "3", "3", "3", "0", "偏低（其他各类23人中17人认可）"] in table
    # the body's sentence states what the table says
    body = "\n".join(p.text for p in Document(out).paragraphs).split("附件：")[0]
    assert "企业代表对此项评价偏低（9人中3人认可，其他各类23人中17人认可）" in body
    # one more picture than the rating charts: the type chart of 知识产权创造 (the only compared goal)
    with zipfile.ZipFile(out) as z:
        pictures = [n for n in z.namelist() if n.startswith("word/media/")]
    rated = 1  # only creation has ratings: one score chart
    assert len(pictures) == rated + 1


def test_the_html_report_carries_the_same_table(app, round_table, client):
    from support.staff import add_staff, log_in

    add_staff(app)
    log_in(client)
    html = client.get(f"/staff/reports/{round_table}").get_data(as_text=True)
    assert "各类参与者对各项目标的评价" in html and "分歧：企业偏低" in html
    assert "偏低（其他各类23人中17人认可）" in html and 'class="wide"' in html
    assert "不是程序划分的意见群体" in html
    # the sentence's evidence: the goal's counts per declared type
    assert "“知识产权创造”按参与者填写的单位类型：高校/科研院所10人打分、7人认可（4–5分）；企业9人打分、3人认可" in html


def test_too_few_ratings_give_no_sentence(app):
    """Three answers: 样本不足 on every goal, so no consensus sentence and no concern note."""
    code = make_session(app, status="open")
    with app.app_context():
        session = by_code(code)
        for n, (kind, score) in enumerate([("企业", 1), ("企业", 2), ("高校/科研院所", 5)]):
            db.session.add(Response(session=session, submission_id=f"few-{n}", organisation=f"单位{n}",
                                    organisation_type=kind, problems="", suggestions="",
                                    ratings=[Rating(goal_id="creation", score=score)]))
        db.session.commit()
    data = _document(app, code)
    claims = [c for block in draft_claims(data).values() for c in every(block)]
    assert not [c for c in claims if c.key.startswith(("consensus:", "concern:"))]
    assert "认可（" not in data.blocks["achievements"] and "3位参会代表对此项打分" in data.blocks["achievements"]
