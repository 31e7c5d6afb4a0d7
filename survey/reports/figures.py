"""Every number the drafts state, computed in one place from `ReportData`, so the same
function that writes a figure also checks it later (when the page is shown and when the Word
file is made) and says which figures in staff's text no longer match the data.

A figure about statements names its group as the drafts formed it — a theme's statements of
one kind, or a list of ids for statements in no theme — so a statement staff exclude or move
later changes the recomputed count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.consensus import Tally, total

from .claims import Claim, Figure
from .speech import fitting, point_terms


def group_rows(data, args: dict) -> list:
    """The counted statements a group figure speaks of (see module note); with "fit", only
    those whose words illustrate the point the group is placed under (speech.fitting)."""
    kind = args.get("kind")
    theme = args.get("theme")
    ids = set(args.get("ids") or ())
    rows = [r for r in data.statements
            if (kind is None or r.kind == kind)
            and ((r.theme_id == theme) if theme is not None else (r.id in ids))]
    return fitting(rows, kind, point_terms(data, args["fit"])) if args.get("fit") else rows


def people(rows) -> int:
    return len({r.response_id for r in rows})


def organisations_by_type(rows) -> dict[str, int]:
    """Distinct organisations per respondent type (named sessions), most first."""
    seen: dict[str, set[str]] = {}
    for r in rows:
        if r.organisation:  # counted by what was typed: two masked names may read alike
            seen.setdefault(r.organisation_type or "", set()).add(r.organisation_key or r.organisation)
    return {k: len(v) for k, v in sorted(seen.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


def people_by_type(rows) -> dict[str, int]:
    seen: dict[str, set[int]] = {}
    for r in rows:
        seen.setdefault(r.organisation_type or "", set()).add(r.response_id)
    return {k: len(v) for k, v in sorted(seen.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


def _goal(data, args):
    return next((g for g in data.goals if g.id == args.get("goal")), None)


def _mean(goal) -> str:
    return "—" if goal is None or goal.overall.mean is None else f"{goal.overall.mean:.1f}"


def _consensus_goal(data, args):
    found = data.consensus.goals if data.consensus else []
    return next((g for g in found if g.goal_id == args.get("goal")), None)


def consensus_tally(data, args: dict) -> Tally:
    """The tally a consensus figure speaks of: one type's ("type"), the other declared types
    pooled ("rest": the type set apart), several types together ("types"), else the goal's."""
    goal = _consensus_goal(data, args)
    if goal is None:
        return Tally()
    if "type" in args:
        return total(t.tally for t in goal.types if t.type == args["type"])
    if "rest" in args:
        return total(t.tally for t in goal.types if t.declared and t.type != args["rest"])
    if "types" in args:
        return total(t.tally for t in goal.types if t.type in set(args["types"]))
    return goal.overall


def _topic(data, args):
    found = data.consensus.themes if data.consensus else []
    return next((t for t in found if t.key == args.get("topic")), None)


def _topic_type(data, args, attr: str) -> str:
    topic = _topic(data, args)
    share = topic.of(args.get("type")) if topic else None
    return str(getattr(share, attr)) if share else "0"


FIGURES = {
    "responses": lambda data, a: str(data.response_count),
    "answers_of_type": lambda data, a: str(data.answers_by_type.get(a.get("type"), 0)),
    "anonymous_answers": lambda data, a: str(sum(data.answers_by_type.values())),
    "organisations": lambda data, a: str(len(data.organisations)),
    "goals": lambda data, a: str(len(data.goals)),
    "goal_rated": lambda data, a: str(g.overall.rated) if (g := _goal(data, a)) else "0",
    "goal_mean": lambda data, a: _mean(_goal(data, a)),
    "goal_unknown": lambda data, a: str(g.overall.unknown) if (g := _goal(data, a)) else "0",
    "people": lambda data, a: str(people(group_rows(data, a))),
    "organisations_of_type": lambda data, a: str(organisations_by_type(group_rows(data, a)).get(a.get("type"), 0)),
    "people_of_type": lambda data, a: str(people_by_type(group_rows(data, a)).get(a.get("type"), 0)),
    # consensus and divergence (consensus_claims.py): the cells of annex 1's table
    "cs_of": lambda data, a: f"{(t := consensus_tally(data, a)).n}人中{t.agree}人认可",
    "cs_answered": lambda data, a: str(consensus_tally(data, a).answered),
    "cs_neutral": lambda data, a: str(consensus_tally(data, a).neutral),
    "cs_unknown": lambda data, a: str(consensus_tally(data, a).unknown),
    "topic_people": lambda data, a: str(t.people) if (t := _topic(data, a)) else "0",
    "topic_participants": lambda data, a: str(t.participants) if (t := _topic(data, a)) else "0",
    "topic_type_people": lambda data, a: _topic_type(data, a, "people"),
    "type_participants": lambda data, a: _topic_type(data, a, "participants"),
}


def value(name: str, args: dict, data) -> str:
    return FIGURES[name](data, args) if name in FIGURES else ""


def figure(name: str, args: dict, data, fmt: str) -> Figure:
    return Figure(name, args, value(name, args, data), fmt)


# ---- checking -----------------------------------------------------------------------------------

@dataclass
class StaleFigure:
    block: str
    said: str  # the figure as the text says it: "平均4.0分"
    now: str  # what the data says now: "平均3.3分"
    sentence: str  # the drafted sentence it came from


def current(claim: Claim, data) -> list[tuple[Figure, Figure]]:
    """Each figure of the claim with its recomputed twin."""
    return [(f, f.with_value(value(f.name, f.args, data))) for f in claim.figures]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def stale_in_text(block: str, text: str, claims: list[Claim], data) -> list[StaleFigure]:
    """The figures of `claims` (the draft staff's text was written against) that the text
    still states and the data no longer bears out. A figure counts as stated when its
    sentence is in the text unchanged, or its words ("平均4.0分") are there and no other
    figure of the draft uses the same words."""
    text = _squash(text)
    uses: dict[str, int] = {}
    for c in claims:
        for f in c.figures:
            uses[f.text] = uses.get(f.text, 0) + 1
    out = []
    for c in claims:
        whole = bool(c.text) and _squash(c.text) in text
        for old, new in current(c, data):
            stated = whole or (uses[old.text] == 1 and _squash(old.text) in text)
            if stated and old.value != new.value:
                out.append(StaleFigure(block, old.text, new.text, c.text))
    return out
