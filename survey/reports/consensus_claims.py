"""Consensus and divergence as the report's claims: one sentence per flagged goal for （一）
and, for （二）, a note when a problem is one type's concern.

The words are analysis.consensus_text's (one home for them: the analysis page and the sheet
say the same); this module adds what makes a sentence a claim, the figures it states, each
one a cell of annex 1's table (`consensus_text.annex_rows`) that figures.py recomputes from
the data, so a stale number in staff's text is found like any other. The types are the
plan's declared respondent types, which participants chose themselves; the annex says so and
no sentence calls them groups the program found.
"""
from __future__ import annotations

from analysis.consensus import CONCERN, CONSENSUS, DIVERGENCE, UNCERTAIN, GoalConsensus, TopicSpread
from analysis.consensus_text import Voice, goal_sentence, problem_note

from .claims import Claim, Figure
from .figures import figure

SUBJECT = "此项"  # the sentence follows the goal's own rating sentence


def voice_of(data) -> Voice:
    """How the sentences name people: 企业代表 at a round-table, 企业参与者 otherwise."""
    return Voice(data.occasion.kind == "roundtable")


def _of(data, args: dict, lead: str) -> list[Figure]:
    """"{lead}10人中3人认可" as one figure, raters and how many of them agree: two figures would
    have overlapping words ("8人认可" inside "18人认可"), and a stale one reads as a whole
    ("9人中3人认可" now "11人中3人认可")."""
    return [figure("cs_of", args, data, f"{lead}{{v}}")]


def _goal_figures(goal: GoalConsensus, data) -> list[Figure]:
    voice, g = voice_of(data), {"goal": goal.goal_id}
    out: list[Figure] = []
    if goal.has(CONSENSUS):
        for t in goal.compared:
            out += _of(data, {**g, "type": t.type}, voice.who(t.type))
        small = [t for t in goal.types if t.declared and not t.compared and t.tally.n]
        if len(small) == 1:
            out += _of(data, {**g, "type": small[0].type}, voice.who(small[0].type))
        elif small:
            names = "、".join(voice.short(t.type) for t in small)
            out += _of(data, {**g, "types": [t.type for t in small]},
                       f"{names}{'代表' if voice.round_table else '参与者'}共")
    if goal.has(DIVERGENCE):
        for d in goal.divergences:
            out += _of(data, {**g, "type": d.type}, "（")
            out += _of(data, {**g, "rest": d.type}, "其他各类")
    if goal.has(UNCERTAIN):
        out.append(figure("cs_answered", g, data, "（{v}人中"))
        if goal.overall.neutral:
            out.append(figure("cs_neutral", g, data, "{v}人评为3分"))
        if goal.overall.unknown:
            out.append(figure("cs_unknown", g, data, "{v}人表示不了解"))
    return out


def goal_claim(data, goal_id: str) -> Claim | None:
    """The consensus sentence of a goal for its paragraph in （一）, or None (no flag, only
    样本不足: too little data to say anything, or no one rated it: the rating sentence already
    says everyone answered 不了解)."""
    goal = next((g for g in data.consensus.goals if g.goal_id == goal_id), None) if data.consensus else None
    text = goal_sentence(goal, voice_of(data), SUBJECT) if goal and goal.overall.n else ""
    if not text:
        return None
    decision = data.decisions.get(("achievements", f"consensus:{goal_id}"))
    return Claim(key=f"consensus:{goal_id}", text=text, basis="ratings", figures=tuple(_goal_figures(goal, data)),
                 droppable=True, dropped=bool(decision and decision.dropped), goal=goal_id,
                 extra={"consensus": True})


def _topic_figures(topic: TopicSpread, data) -> list[Figure]:
    voice, args = voice_of(data), {"topic": topic.key, "type": topic.concern_type}
    who = voice.who(topic.concern_type)
    return [figure("topic_people", args, data, "反映此问题的{v}人中"),
            figure("topic_type_people", args, data, f"{{v}}人为{who}"),
            figure("topic_participants", args, data, "全部{v}名"),
            figure("type_participants", args, data, "中的{v}名")]


def concern_claim(data, category_id: str, statements: tuple[int, ...], *, dropped: bool = False) -> Claim | None:
    """"此问题主要由企业代表反映（……）。" after a problem point that one declared type raised
    far beyond its share of the participants, else None."""
    topic = next((t for t in data.consensus.themes if t.key == category_id), None) if data.consensus else None
    if topic is None or topic.flag != CONCERN:
        return None
    decision = data.decisions.get(("problems", f"concern:{category_id}"))
    return Claim(key=f"concern:{category_id}", text=problem_note(topic, voice_of(data)), basis="statements",
                 statements=statements, figures=tuple(_topic_figures(topic, data)), droppable=True,
                 dropped=dropped or bool(decision and decision.dropped), extra={"consensus": True})
