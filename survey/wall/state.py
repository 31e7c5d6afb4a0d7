"""What the wall shows, as plain data for its page and its JSON: answers by respondent type, a
bar per goal, theme tiles once an analysis exists, and the approved comments. One function,
read by the first render, the stream's re-reads and the polling fallback alike."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from ..evaluations import find_by_code
from ..extensions import db
from ..models import EvaluationSession, Rating, Response
from . import moderation

THEMES_SHOWN = 8
# A 1–5 rating read as agree (4–5), neutral (3) or disagree (1–2); None is 不了解, not counted.
AGREE, DISAGREE = 4, 2


@dataclass
class GoalBar:
    id: str
    name: str
    agree: int = 0
    neutral: int = 0
    disagree: int = 0

    @property
    def n(self) -> int:
        return self.agree + self.neutral + self.disagree


@dataclass
class WallState:
    total: int
    by_type: list[tuple[str, int]]
    goals: list[dict]
    themes: list[dict]
    comments: list[dict]
    analysed: bool = False

    def as_json(self) -> dict:
        return asdict(self)


def _by_type(session: EvaluationSession) -> tuple[int, list[tuple[str, int]]]:
    rows = dict(db.session.execute(select(Response.organisation_type, func.count())
                                   .where(Response.session_id == session.id)
                                   .group_by(Response.organisation_type)).all())
    names = list(session.type_names) + sorted(t for t in rows if t not in session.type_names)
    return sum(rows.values()), [(name or "未填写", rows.get(name, 0)) for name in names
                                if rows.get(name, 0) or name in session.type_names]


def _goals(session: EvaluationSession) -> list[GoalBar]:
    bars = {g.id: GoalBar(g.id, g.name) for g in session.plan.definition.goals}
    rows = db.session.execute(select(Rating.goal_id, Rating.score, func.count()).join(Response)
                              .where(Response.session_id == session.id, Rating.score.is_not(None))
                              .group_by(Rating.goal_id, Rating.score))
    for goal_id, score, n in rows:
        bar = bars.get(goal_id)
        if bar is None:
            continue
        if score >= AGREE:
            bar.agree += n
        elif score <= DISAGREE:
            bar.disagree += n
        else:
            bar.neutral += n
    return list(bars.values())


def _themes(session: EvaluationSession) -> tuple[bool, list[dict]]:
    """The themes in force with their counted statements, largest first (an analysis must exist)."""
    from ..review.models import KINDS, AnalysisRun, Statement, Theme

    evaluation = find_by_code(session.code, create=False)
    if evaluation is None or db.session.scalar(select(AnalysisRun.id).where(
            AnalysisRun.evaluation_id == evaluation.id, AnalysisRun.status == "done").limit(1)) is None:
        return False, []
    rows = db.session.execute(
        select(Theme, Statement.kind, func.count()).join(Statement, Statement.theme_id == Theme.id)
        .where(Theme.evaluation_id == evaluation.id, Theme.in_force,
               Statement.status != "excluded")
        .group_by(Theme.id, Statement.kind)).all()
    tiles: dict[int, dict] = {}
    for theme, kind, n in rows:
        tile = tiles.setdefault(theme.id, {"id": theme.id, "name": theme.label, "count": 0, "kinds": {}})
        tile["count"] += n
        tile["kinds"][KINDS.get(kind, kind)] = n
    ordered = sorted(tiles.values(), key=lambda t: (-t["count"], t["id"]))[:THEMES_SHOWN]
    for tile in ordered:
        tile["kinds"] = "、".join(f"{k} {n}" for k, n in sorted(tile["kinds"].items(), key=lambda kv: -kv[1]))
    return True, ordered


def wall_state(session: EvaluationSession) -> WallState:
    # No sync_comments here: five walls re-reading after every answer would race to write the
    # same rows. A comment reaches the wall only through the queue, which makes them.
    total, by_type = _by_type(session)
    analysed, themes = _themes(session)
    comments = [{"id": c.id, "text": c.text, "field": c.field_label, "type": c.organisation_type}
                for c in moderation.approved_comments(session)]
    return WallState(total=total, by_type=by_type,
                      goals=[{**asdict(g), "n": g.n} for g in _goals(session)],
                      themes=themes, comments=comments, analysed=analysed)
