"""The scenario of issue 14 in the database: the demo analysed without its last answers,
staff reshaping the themes, then the held-back answers "imported" and the analysis updated
(or re-run). Used by the store tests and the browser test."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from survey.demo import install_demo
from survey.evaluations import find_by_code
from survey.extensions import db
from survey.models import Response
from survey.review.models import Statement, Theme

HELD_BACK = 8
ANSWER_FIELDS = ("organisation", "organisation_type", "problems", "suggestions")


@dataclass
class Demo:
    code: str
    evaluation_id: int
    held_back: list[dict] = field(default_factory=list)


def demo_without_last_answers(n: int = HELD_BACK) -> Demo:
    """Install the demo and take its last n answers out (kept, to be imported later)."""
    report = install_demo()
    db.session.commit()
    evaluation = find_by_code(report.session.code)
    db.session.commit()
    last = db.session.scalars(select(Response).where(Response.session_id == report.session.id)
                              .order_by(Response.id.desc()).limit(n)).all()
    held = [{k: getattr(r, k) for k in ANSWER_FIELDS} | {"submission_id": r.submission_id} for r in reversed(last)]
    for r in last:
        db.session.delete(r)
    db.session.commit()
    return Demo(report.session.code, evaluation.id, held)


def import_answers(demo: Demo) -> list[int]:
    """The held-back answers arrive (as an import would store them): new response ids."""
    evaluation = find_by_code(demo.code)
    session = evaluation.sessions[0]
    rows = [Response(session=session, **{k: a[k] for k in ANSWER_FIELDS}, submission_id=f"late-{a['submission_id']}")
            for a in demo.held_back]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def staff_themes(evaluation_id: int) -> dict[int, tuple[str, set[int]]]:
    """Every staff theme in force: id → (its label, its statements)."""
    themes = db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation_id,
                                                    Theme.merged_into_id.is_(None))).all()
    out = {}
    for t in themes:
        if t.by_staff:
            members = set(db.session.scalars(select(Statement.id).where(Statement.theme_id == t.id)))
            if members:
                out[t.id] = (t.label, members)
    return out


def biggest_themes(evaluation_id: int, k: int) -> list[Theme]:
    """The k largest machine themes, largest first, in categories with at least two themes."""
    rows = db.session.execute(select(Statement.theme_id, Statement.category).where(
        Statement.evaluation_id == evaluation_id, Statement.theme_id.is_not(None))).all()
    sizes: dict[int, int] = {}
    for theme_id, _ in rows:
        sizes[theme_id] = sizes.get(theme_id, 0) + 1
    ordered = sorted(sizes, key=lambda t: (-sizes[t], t))
    return [db.session.get(Theme, t) for t in ordered[:k]]
