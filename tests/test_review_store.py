"""Saving analysis results: stable statements, staff decisions kept across re-runs, themes
matched to the clusters that carry them on, training labels fed back to the pipeline.

Staff decisions are written straight into the tables here (the actions layer is built
elsewhere); the pipeline's output is written by hand where a test needs exact clusters,
and comes from the real pipeline where the test is about the two working together.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from support.review import add_answers, session_by_code, session_with_answers

from survey.evaluations import evaluation_for_session
from survey.extensions import db
from survey.models import utcnow
from survey.review.models import AnalysisRun, Statement, Theme
from survey.review.store import analyse, evaluation_input, output_dir, save_result, stored_result, training_labels

ENT, TALENT, CHANNELS = "enterprise-capability", "service-talent", "transfer-channels"
NEW_ANSWER = ("泰山学院", "高校/科研院所", "科研人员不了解专利转让的流程。", "")


def _evaluation(code):
    evaluation = evaluation_for_session(session_by_code(code))
    db.session.commit()
    return evaluation


def _run(evaluation):
    run = AnalysisRun(evaluation=evaluation, status="running")
    db.session.add(run)
    db.session.flush()
    return run


def _result(data, plan_rows, clusters):
    """A pipeline-shaped result. plan_rows: per input row, a list of (text, category, cluster);
    clusters: cluster id → (category, label)."""
    statements = []
    for row, parts in enumerate(plan_rows):
        for text, category, cluster in parts:
            statements.append({"row": row, "text": text, "category": category, "confidence": 0.7,
                               "theme": cluster, "review_rank": len(statements) + 1})
    assert len(plan_rows) == len(data.texts)
    themes = [{"id": cid, "category": cat, "label": label, "label_words": label.split("、"),
               "keywords": label.split("、"), "size": 0, "representatives": [], "groups": {}}
              for cid, (cat, label) in clusters.items()]
    return {"statements": statements, "themes": themes,
            "categories": [{"id": c, "name": c, "count": 0} for c in (ENT, TALENT, CHANNELS, "other")]}


FIRST = [  # rows: r0 problems, r0 suggestions, r1 problems, r2 problems, r2 suggestions, r3 suggestions
    [("学校的专利成果很多", CHANNELS, "A"), ("校企对接渠道不畅", CHANNELS, "A")],
    [("建立常态化的校企对接平台", CHANNELS, "A")],
    [("中小企业知识产权意识不强", ENT, "B"), ("没有专人管理专利", ENT, "B")],
    [("本地缺少专利评估和诉讼方面的高端人才", TALENT, "C")],
    [("加强专业人才培养", TALENT, "C")],
    [("希望专利奖补资金早点兑现", ENT, "D")],
]
FIRST_CLUSTERS = {"A": (CHANNELS, "校企、对接"), "B": (ENT, "企业、意识"), "C": (TALENT, "人才、评估"),
                  "D": (ENT, "奖补、资金")}


def _store_first(evaluation):
    """The first run stored (FIRST's categories, FIRST_CLUSTERS' themes), not yet committed;
    returns the input it was made from."""
    data = evaluation_input(evaluation)
    save_result(evaluation, _result(data, FIRST, FIRST_CLUSTERS), data.rows, _run(evaluation))
    return data


def _by_text(evaluation):
    return {s.text: s for s in db.session.scalars(select(Statement).where(Statement.evaluation_id == evaluation.id))}


def test_first_save_keys_statements_by_answer_field_and_position(app):
    code = session_with_answers(app)
    with app.app_context():
        evaluation = _evaluation(code)
        data = _store_first(evaluation)
        assert len(data.texts) == 6 and data.rows[0][1] == "problems" and data.rows[1][1] == "suggestions"
        db.session.commit()
        s = _by_text(evaluation)
        assert (s["学校的专利成果很多"].position, s["校企对接渠道不畅"].position) == (0, 1)
        assert s["校企对接渠道不畅"].response_id == s["建立常态化的校企对接平台"].response_id
        assert s["建立常态化的校企对接平台"].field == "suggestions"
        assert all(x.status == "machine" and x.category == x.machine_category for x in s.values())
        assert s["学校的专利成果很多"].theme_id == s["校企对接渠道不畅"].theme_id is not None
        themes = db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation.id)).all()
        assert sorted(t.machine_label for t in themes) == sorted(label for _, label in FIRST_CLUSTERS.values())
        assert [x.review_rank for x in sorted(s.values(), key=lambda x: x.review_rank)] == list(range(1, 9))


def test_rerun_keeps_every_staff_decision_and_theme_name(app):
    code = session_with_answers(app)
    with app.app_context():
        evaluation = _evaluation(code)
        data = _store_first(evaluation)
        db.session.commit()
        s = _by_text(evaluation)
        theme = {t: s[text].theme for t, text in (("A", "学校的专利成果很多"), ("B", "没有专人管理专利"),
                                                  ("C", "加强专业人才培养"), ("D", "希望专利奖补资金早点兑现"))}
        ids = {k: t.id for k, t in theme.items()}
        # Staff: name theme A, confirm one statement in another category, move one to theme C
        # (pinned), exclude one, merge theme D into B.
        theme["A"].staff_label = "校企对接渠道不畅"
        confirmed = s["建立常态化的校企对接平台"]
        confirmed.status, confirmed.category, confirmed.reviewed_at = "confirmed", TALENT, utcnow()
        confirmed.theme_id = ids["C"]
        moved = s["中小企业知识产权意识不强"]
        moved.status, moved.category, moved.theme_id, moved.theme_pinned = "moved", TALENT, ids["C"], True
        excluded = s["本地缺少专利评估和诉讼方面的高端人才"]
        excluded.status, excluded.exclude_reason = "excluded", "duplicate"
        theme["D"].merged_into_id = ids["B"]
        s["希望专利奖补资金早点兑现"].theme_id = ids["B"]
        db.session.commit()
        assert training_labels(evaluation) == {"建立常态化的校企对接平台": TALENT, "中小企业知识产权意识不强": TALENT}

    add_answers(app, code, [NEW_ANSWER], start=10)
    with app.app_context():
        evaluation = _evaluation(code)
        data = evaluation_input(evaluation)
        assert len(data.texts) == 7
        # The machine's second opinion: other cluster ids, other labels, a new cluster, and
        # different categories for the statements staff decided on.
        second = [
            [("学校的专利成果很多", CHANNELS, "x1"), ("校企对接渠道不畅", CHANNELS, "x1")],
            [("建立常态化的校企对接平台", CHANNELS, "x1")],
            [("中小企业知识产权意识不强", ENT, "x2"), ("没有专人管理专利", ENT, "x2")],
            [("本地缺少专利评估和诉讼方面的高端人才", ENT, "x2")],
            [("加强专业人才培养", TALENT, "x3")],
            [("希望专利奖补资金早点兑现", ENT, "x4")],
            [("科研人员不了解专利转让的流程", "other", "x5")],
        ]
        clusters = {"x1": (CHANNELS, "对接、平台"), "x2": (ENT, "企业、管理"), "x3": (TALENT, "人才、培养"),
                    "x4": (ENT, "资金、兑现"), "x5": ("other", "转让、流程")}
        run = _run(evaluation)
        save_result(evaluation, _result(data, second, clusters), data.rows, run)
        db.session.commit()
        s = _by_text(evaluation)
        themes = {t.id: t for t in db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation.id))}

        # Staff decisions stand; the machine's columns say what it thinks now.
        c = s["建立常态化的校企对接平台"]
        assert (c.status, c.category, c.theme_id, c.machine_category) == ("confirmed", TALENT, ids["C"], CHANNELS)
        m = s["中小企业知识产权意识不强"]
        assert (m.status, m.category, m.theme_id, m.theme_pinned) == ("moved", TALENT, ids["C"], True)
        e = s["本地缺少专利评估和诉讼方面的高端人才"]
        assert (e.status, e.exclude_reason, e.category, e.machine_category) == ("excluded", "duplicate", TALENT, ENT)
        assert all(x.run_id == run.id for x in s.values())
        # The theme that carries on keeps its id and the staff name; all its members stayed, so
        # its machine label stays too (labels do not move with each new answer).
        assert s["学校的专利成果很多"].theme_id == ids["A"]
        assert themes[ids["A"]].label == "校企对接渠道不畅" and themes[ids["A"]].machine_label == "校企、对接"
        # The merged theme stays merged: its cluster's statements land in the absorbing theme.
        assert themes[ids["D"]].merged_into_id == ids["B"]
        assert s["希望专利奖补资金早点兑现"].theme_id == ids["B"]
        assert s["希望专利奖补资金早点兑现"].machine_theme_id == ids["D"]
        assert s["没有专人管理专利"].theme_id == ids["B"]
        # The new answer is a new statement in a new theme.
        n = s["科研人员不了解专利转让的流程"]
        assert n.status == "machine" and n.category == "other" and n.theme_id not in ids.values()
        assert themes[n.theme_id].machine_label == "转让、流程"
        # The stored result (what the page and report read) leaves the excluded one out.
        result = stored_result(evaluation)
        assert result["excluded"] == 1 and len(result["statements"]) == 8
        assert {t["id"] for t in result["themes"]} == {str(ids["A"]), str(ids["B"]), str(ids["C"]), str(n.theme_id)}


def test_an_answer_that_lost_a_statement_drops_it_unless_staff_touched_it(app):
    code = session_with_answers(app)
    with app.app_context():
        evaluation = _evaluation(code)
        data = _store_first(evaluation)
        db.session.commit()
        _by_text(evaluation)["没有专人管理专利"].status = "confirmed"
        db.session.commit()
        shorter = [list(rows) for rows in FIRST]
        shorter[0] = shorter[0][:1]  # r0 problems now gives one statement
        shorter[2] = shorter[2][:1]  # r1 problems too, but staff confirmed its second one
        save_result(evaluation, _result(data, shorter, FIRST_CLUSTERS), data.rows, _run(evaluation))
        db.session.commit()
        s = _by_text(evaluation)
        assert "校企对接渠道不畅" not in s and "没有专人管理专利" in s


@pytest.mark.slow
def test_real_rerun_learns_from_staff_and_writes_derived_files(app):
    """The real pipeline: a confirmed label reaches analyze (which keeps it as given), and
    the word clouds and summary are written from the stored state."""
    code = session_with_answers(app)
    with app.app_context():
        evaluation = _evaluation(code)
        run = analyse(evaluation, representation="tfidf")
        assert run.status == "done" and run.statement_count >= 6
        out = output_dir(evaluation)
        assert (out / "summary.md").is_file() and any((out / "wordclouds").glob("theme-*.png"))
        target = _by_text(evaluation)["希望专利奖补资金早点兑现。"]
        wanted = next(c for c in (TALENT, CHANNELS, "other") if c != target.machine_category)
        target.status, target.category = "confirmed", wanted
        db.session.commit()

    add_answers(app, code, [NEW_ANSWER], start=10)
    with app.app_context():
        evaluation = _evaluation(code)
        analyse(evaluation, representation="tfidf")
        s = _by_text(evaluation)
        target = s["希望专利奖补资金早点兑现。"]
        assert target.status == "confirmed" and target.category == wanted
        assert target.machine_category == wanted  # the label reached analyze, which kept it
        assert "科研人员不了解专利转让的流程。" in s
        ranks = [x.review_rank for x in s.values()]  # the pipeline's review order, stored for the queue
        assert None not in ranks and sorted(ranks) == list(range(1, len(ranks) + 1))
        saved = json.loads((output_dir(evaluation) / "analysis.json").read_text(encoding="utf-8"))
        assert any(x["text"] == "科研人员不了解专利转让的流程。" for x in saved["statements"])
        for t in saved["themes"]:
            assert (output_dir(evaluation) / "wordclouds" / f"theme-{t['id']}.png").is_file()


def test_training_labels_leave_out_a_category_the_plan_no_longer_has(app):
    # The plan file may be edited after staff reviewed; the mapper refuses unknown ids, so a
    # stale label must not reach it (the job would fail), while the statement keeps it.
    code = session_with_answers(app)
    with app.app_context():
        evaluation = _evaluation(code)
        _store_first(evaluation)
        s = _by_text(evaluation)
        kept, stale = s["建立常态化的校企对接平台"], s["中小企业知识产权意识不强"]
        kept.status, kept.category = "confirmed", TALENT
        stale.status, stale.category = "moved", "a-category-removed-from-the-plan"
        db.session.commit()
        assert training_labels(evaluation) == {"建立常态化的校企对接平台": TALENT}
        assert db.session.get(Statement, stale.id).category == "a-category-removed-from-the-plan"


def test_praise_keeps_its_place_and_nothing_to_say_has_none(app):
    """A kind is a label: praise is stored with its kind AND a category and a theme by its topic
    (and the plan goal it praises, for （一）); only an empty answer ("none") is in no category,
    not even 未归类/新问题. Themes carry their kind mix."""
    code = session_with_answers(app)
    add_answers(app, code, [("泰山学院", "高校/科研院所", "没有问题", "总体感觉服务改善明显，审批速度快了很多，点赞！")],
                start=10)
    with app.app_context():
        evaluation = _evaluation(code)
        analyse(evaluation, wordclouds=False, representation="tfidf")
        rows = {s.text: s for s in db.session.scalars(select(Statement))}
        praise = next(s for t, s in rows.items() if "点赞" in t)
        assert praise.kind == "praise" and praise.category is not None and praise.theme_id is not None
        assert praise.machine_category == praise.category
        goals = {g.id for g in evaluation.plan.definition.goals}
        assert praise.goal is None or praise.goal in goals
        assert all(s.goal is None for s in rows.values() if s.kind != "praise")
        if "没有问题" in rows:
            assert rows["没有问题"].kind == "none" and rows["没有问题"].category is None
            assert rows["没有问题"].theme_id is None
        problem = next(s for t, s in rows.items() if "意识不强" in t)
        assert problem.kind == "problem" and problem.category == ENT
        result = stored_result(evaluation)
        kinds = {k["id"]: k["count"] for k in result["kinds"]}
        assert kinds["praise"] >= 1
        assert sum(c["count"] for c in result["categories"]) == len(result["statements"]) - kinds["none"]
        for theme in result["themes"]:
            assert sum(theme["kinds"].values()) == theme["size"]


def test_the_job_never_writes_over_a_decision_staff_made_while_it_ran(app):
    """The job decides where machine statements go from what it read; the UPDATE itself
    re-checks (status machine, not pinned, not in a staff theme), so a statement staff
    confirmed, moved or put in a staff theme after the job read it keeps the staff's state,
    while an untouched one follows the run (and gets a new version)."""
    from survey.review.store import _follow

    code = session_with_answers(app)
    with app.app_context():
        evaluation = _evaluation(code)
        _store_first(evaluation)
        db.session.commit()
        s = _by_text(evaluation)
        ids = {k: s[k].id for k in ("学校的专利成果很多", "校企对接渠道不畅", "中小企业知识产权意识不强", "没有专人管理专利",
                                    "希望专利奖补资金早点兑现")}
        talent_theme = s["加强专业人才培养"].theme_id
        versions = {k: s[k].version for k in ids}
        # What the job read: all four in the machine's hands. Then staff act, in another session.
        with db.engine.begin() as other:
            other.execute(Statement.__table__.update().where(Statement.id == ids["学校的专利成果很多"])
                          .values(status="confirmed"))
            other.execute(Statement.__table__.update().where(Statement.id == ids["校企对接渠道不畅"])
                          .values(theme_pinned=True))
            other.execute(Theme.__table__.update().where(Theme.id == s["中小企业知识产权意识不强"].theme_id)
                          .values(staff_label="企业意识"))
        db.session.rollback()
        _follow([{"sid": sid, "cat": TALENT, "tid": talent_theme} for sid in ids.values()])
        db.session.commit()
        db.session.expire_all()
        after = {k: db.session.get(Statement, sid) for k, sid in ids.items()}
        assert after["学校的专利成果很多"].category == CHANNELS
        assert after["校企对接渠道不畅"].category == CHANNELS
        assert after["中小企业知识产权意识不强"].category == ENT  # in a staff theme now
        assert after["没有专人管理专利"].category == ENT  # same theme as the one staff named
        untouched = after["希望专利奖补资金早点兑现"]
        assert (untouched.category, untouched.theme_id) == (TALENT, talent_theme)
        assert untouched.version == versions["希望专利奖补资金早点兑现"] + 1


def test_a_theme_that_carries_on_keeps_its_label():
    from survey.review.placement import keeps_label

    assert keeps_label(set(range(10)), set(range(6)) | {50})  # most members stay
    assert keeps_label(set(range(18)), set(range(9)) | {50, 51})  # lost half to a neighbour, still itself
    assert not keeps_label(set(range(10)), {1, 2, 50, 51, 52})  # a different theme now
    assert not keeps_label(set(), {1})
