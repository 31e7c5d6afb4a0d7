"""An evaluation's consensus and divergence, read from the database (analysis.consensus counts,
analysis.consensus_text words): the analysis page, the export's sheet and the report call this.

Pooled evaluations (several sessions) count every answer of every session. The types compared
are the plan's declared respondent types (`Plan.types_for`, with 个人/群众 when a session is
anonymous); an answer with no type is shown as 未填写 and never compared.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import func, select

from analysis.consensus import (
    UNSTATED,
    EvaluationConsensus,
    Mention,
    assess_counted,
    spread,
)
from analysis.consensus_text import Voice, voice_for

from .extensions import db
from .models import Evaluation, Rating, Response


def declared_types(evaluation: Evaluation) -> tuple[str, ...]:
    anonymous = any(s.anonymous for s in evaluation.sessions)
    return tuple(t.name for t in evaluation.plan.definition.types_for(anonymous))


def voice_of(evaluation: Evaluation) -> Voice:
    """参会代表 for a round-table, 参与者 for a consultation (or a mix)."""
    return voice_for((s.anonymous, s.form) for s in evaluation.sessions)


def _session_ids(evaluation: Evaluation) -> list[int]:
    return [s.id for s in evaluation.sessions]


def participants_by_type(evaluation: Evaluation) -> dict[str, int]:
    """Answers per respondent type, every session of the evaluation (未填写 for none)."""
    rows = db.session.execute(
        select(Response.organisation_type, func.count()).where(Response.session_id.in_(_session_ids(evaluation)))
        .group_by(Response.organisation_type))
    out: dict[str, int] = {}
    for kind, n in rows:
        out[kind or UNSTATED] = out.get(kind or UNSTATED, 0) + n
    return out


def respondents(evaluation: Evaluation) -> dict[int, tuple[str, str]]:
    """Answer id → (organisation, type)."""
    rows = db.session.execute(select(Response.id, Response.organisation, Response.organisation_type)
                              .where(Response.session_id.in_(_session_ids(evaluation))))
    return {i: (org or "", kind or UNSTATED) for i, org, kind in rows}


def rating_counts(evaluation: Evaluation) -> list[tuple[str, str, int | None, int]]:
    """(goal, type, score or None, how many): the database counts, so 20,000 answers stay cheap."""
    query = (select(Rating.goal_id, Response.organisation_type, Rating.score, func.count())
             .join(Response, Rating.response_id == Response.id)
             .where(Response.session_id.in_(_session_ids(evaluation)))
             .group_by(Rating.goal_id, Response.organisation_type, Rating.score))
    return [(g, k or UNSTATED, s, n) for g, k, s, n in db.session.execute(query)]


def consensus_of(evaluation: Evaluation, *, topics: Sequence[tuple[str, str]] = (),
                 statements: Iterable[tuple[str, int]] = ()) -> EvaluationConsensus:
    """Per goal, and per topic (`topics`: (key, label) of themes or categories, `statements`:
    (topic key, answer id) per counted statement) who raised it against the participants."""
    plan = evaluation.plan.definition
    declared = declared_types(evaluation)
    goals = assess_counted([(g.id, g.name) for g in plan.goals], rating_counts(evaluation), declared)
    participants = participants_by_type(evaluation)
    themes = []
    if topics:
        who = respondents(evaluation)
        mentions = [Mention(str(key), rid, *who[rid]) for key, rid in statements if rid in who]
        themes = spread(topics, mentions, participants, declared)
    return EvaluationConsensus(goals, themes, declared, participants)


def report_consensus(evaluation: Evaluation, rows: Iterable[object], *,
                     topic: Callable[[object], str | None] = lambda r: r.category,
                     topics: Sequence[tuple[str, str]] | None = None) -> EvaluationConsensus:
    """For the report: the goals, and per topic who raised it, counted from the report's own rows
    (survey.reports.data.StatementRow, or anything with response_id; `topic(row)` its key, by
    default its category; `topics` (key, label), by default the plan's categories and 未归类)."""
    if topics is None:
        topics = evaluation.plan.definition.category_choices()
    pairs = [(key, r.response_id) for r in rows if (key := topic(r)) is not None]
    return consensus_of(evaluation, topics=topics, statements=pairs)
