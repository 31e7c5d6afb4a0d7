"""Issue 14's scenario on the real pipeline (TF-IDF, for speed), on SQLite and PostgreSQL:
staff rename, merge and split themes and move statements; 8 answers arrive; the analysis is
updated (only the new answers) or re-run in full. Every staff theme keeps its name and its
statements, the new statements land in themes, and the pages say what the figures are based on."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from support.review_scenario import biggest_themes, demo_without_last_answers, import_answers, staff_themes

from survey.extensions import db
from survey.models import Evaluation, StaffUser
from survey.review import decisions
from survey.review.coverage import coverage
from survey.review.models import Statement, Theme
from survey.review.store import analyse

NAMES = ("高校专利信息不透明，校企对接渠道不畅", "政策宣传解读不够，申报信息分散")


def _user() -> StaffUser:
    user = StaffUser(username="reviewer", display_name="王审核")
    user.set_password("correct horse")
    db.session.add(user)
    db.session.commit()
    return user


def _reshape(user, evaluation) -> None:
    """What staff did in the issue: rename two themes, merge two, split one, move statements."""
    a, b, c, d, e = biggest_themes(evaluation.id, 5)
    decisions.rename_theme(user, evaluation, a.id, NAMES[0])
    decisions.rename_theme(user, evaluation, b.id, NAMES[1])
    decisions.merge_themes(user, evaluation, c.id, [d.id])
    decisions.split_theme(user, evaluation, e.id, 2)
    loose = db.session.scalars(select(Statement).where(Statement.evaluation_id == evaluation.id,
                                                       Statement.status == "machine",
                                                       Statement.theme_id.notin_([a.id, b.id, c.id, e.id]))
                               .order_by(Statement.id).limit(2)).all()
    decisions.move_to_theme(user, evaluation, [s.id for s in loose], a.id)
    db.session.commit()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["update", "full"])
def test_staff_themes_keep_names_and_statements_when_answers_arrive(app, kind):
    with app.app_context():
        demo = demo_without_last_answers()
        evaluation = db.session.get(Evaluation, demo.evaluation_id)
        first = analyse(evaluation, wordclouds=False, representation="tfidf")
        _reshape(_user(), evaluation)
        before = staff_themes(evaluation.id)
        assert {label for label, _ in before.values()} >= set(NAMES) and len(before) >= 5
        decided = {s.id: (s.status, s.category, s.theme_id) for s in db.session.scalars(
            select(Statement).where(Statement.evaluation_id == evaluation.id, Statement.status != "machine"))}

        new_responses = import_answers(demo)
        late = coverage(evaluation)
        assert (late.pending, late.analysed) == (8, late.total - 8) and late.pending_text == "有 8 份新答卷尚未分析"

        run = analyse(evaluation, kind=kind, wordclouds=False, representation="tfidf")
        db.session.expire_all()
        assert run.kind == kind
        after = staff_themes(evaluation.id)
        for theme_id, (label, members) in before.items():
            assert theme_id in after, f"staff theme “{label}” was emptied or dropped"
            assert after[theme_id][0] == label
            assert members <= after[theme_id][1], f"“{label}” lost statements"
        for sid, state in decided.items():
            s = db.session.get(Statement, sid)
            assert (s.status, s.category, s.theme_id) == state
        new = db.session.scalars(select(Statement).where(Statement.response_id.in_(new_responses))).all()
        assert new and all(s.theme_id is not None for s in new)
        assert all(db.session.get(Theme, s.theme_id).category == s.category for s in new)
        if kind == "update":  # old statements keep their place unless the run maps them differently
            old = db.session.scalars(select(Statement).where(Statement.evaluation_id == evaluation.id,
                                                             Statement.response_id.notin_(new_responses))).all()
            # (here staff decisions changed too, and teach the run: staff-held ones keep staff's place, above)
            assert any(s.run_id == first.id for s in old)
            free = [s for s in old if s.run_id != first.id and s.status == "machine" and not s.theme_pinned
                    and not db.session.get(Theme, s.theme_id).by_staff]
            assert all(s.machine_category == s.category for s in free)  # re-placed where the run says
        now = coverage(evaluation)
        assert (now.pending, now.analysed) == (0, now.total) and now.basis.startswith(f"依据 {now.total} 份答卷（截至 ")


@pytest.mark.slow
def test_labels_in_a_category_are_distinct_and_stay_while_members_stay(app):
    with app.app_context():
        demo = demo_without_last_answers()
        evaluation = db.session.get(Evaluation, demo.evaluation_id)
        analyse(evaluation, wordclouds=False, representation="tfidf")
        labels = {t.id: t.machine_label for t in db.session.scalars(select(Theme).where(
            Theme.evaluation_id == evaluation.id))}
        import_answers(demo)
        analyse(evaluation, wordclouds=False, representation="tfidf")
        db.session.expire_all()
        themes = db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation.id,
                                                        Theme.merged_into_id.is_(None))).all()
        live = [t for t in themes if db.session.scalar(select(Statement.id).where(Statement.theme_id == t.id).limit(1))]
        by_category: dict[str, list[str]] = {}
        for t in live:
            by_category.setdefault(t.category, []).append(t.label)
        assert all(len(v) == len(set(v)) for v in by_category.values()), by_category
        kept = [t for t in live if t.id in labels]
        renamed = [t for t in kept if t.machine_label != labels[t.id]]
        assert kept and len(renamed) <= len(kept) // 4, [(labels[t.id], t.machine_label) for t in renamed]
