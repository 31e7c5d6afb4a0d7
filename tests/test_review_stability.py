"""Issue 24 item 6: with nothing else changed, 更新分析 (an update: only the new answers' statements
are saved) and 全部重新分析 (a full run) agree on the category of at least 95% of statements, on
the demo's real-size round table, on SQLite and PostgreSQL. A new statement gets exactly the
category a full run gives it, and an update with no new answer changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from support.review_scenario import demo_without_last_answers, import_answers

from survey.extensions import db
from survey.models import Evaluation
from survey.review.models import AnalysisRun, Statement
from survey.review.store import analyse

LATE = 13  # a third of the demo's answers arrive after the first analysis


def _categories(evaluation_id: int) -> dict[int, tuple[str | None, str]]:
    return {s.id: (s.category, s.kind) for s in db.session.scalars(
        select(Statement).where(Statement.evaluation_id == evaluation_id))}


@pytest.mark.parametrize("representation", ["tfidf"])
def test_update_and_full_run_agree_on_categories(app, representation):
    with app.app_context():
        demo = demo_without_last_answers(LATE)
        evaluation = db.session.get(Evaluation, demo.evaluation_id)
        analyse(evaluation, wordclouds=False, representation=representation)
        first = _categories(demo.evaluation_id)

        analyse(evaluation, wordclouds=False, representation=representation, kind="update")
        assert _categories(demo.evaluation_id) == first  # no new answer: nothing moves

        import_answers(demo)
        evaluation = db.session.get(Evaluation, demo.evaluation_id)
        run = analyse(evaluation, wordclouds=False, representation=representation, kind="update")
        assert run.kind == "update"
        updated = _categories(demo.evaluation_id)
        assert set(first) < set(updated)
        kept = sum(updated[i] == first[i] for i in first)  # old ones stay unless mapped differently
        assert kept >= 0.8 * len(first)

        analyse(evaluation, wordclouds=False, representation=representation, kind="full")
        full = _categories(demo.evaluation_id)
        assert set(full) == set(updated)
        new = set(updated) - set(first)
        # the new statements: exactly what a full run gives them (same texts, representation,
        # staff decisions and random_state)
        assert all(updated[i] == full[i] for i in new), [(i, updated[i], full[i]) for i in new if updated[i] != full[i]]
        # every statement: the old ones the run maps differently were placed again by the update
        agree = sum(updated[i][0] == full[i][0] for i in full) / len(full)
        assert agree >= 0.95, f"更新分析与全部重新分析的类别一致率 {agree:.1%}"

        runs = db.session.scalars(select(AnalysisRun.representation).where(
            AnalysisRun.evaluation_id == demo.evaluation_id)).all()
        assert set(runs) == {representation}
