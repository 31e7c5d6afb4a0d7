"""Suggestions → the plan's measures (整改措施), the way problems map to categories.

The plan's `[[measures]]` become the categories of a small plan handed to `analyze`; what
fits no measure comes back as "other". The web app runs this in the analysis job and stores
the result with each statement, so writing a report loads no model.
"""
from __future__ import annotations

from collections.abc import Sequence

from .plan import OTHER, Category, Item, Plan

MAX_KEYWORDS = 15


def _keywords(measure: Item, cut) -> tuple[str, ...]:
    words = [w for w in cut(f"{measure.name}。{measure.description}") if len(w) >= 2]
    return tuple(dict.fromkeys(words))[:MAX_KEYWORDS] or (measure.name,)


def measures_plan(measures: Sequence[Item]) -> Plan:
    from .tokenize import ChineseTokenizer

    cut = ChineseTokenizer()
    return Plan(id="measures", title="整改措施", categories=tuple(
        Category(id=m.id, name=m.name, description=m.description or m.name, keywords=_keywords(m, cut))
        for m in measures))


def map_to_measures(texts: Sequence[str], measures: Sequence[Item], *,
                    representation: str = "auto") -> list[str | None]:
    """For each suggestion, the id of the measure it supports, or None when it fits none."""
    if not texts or not measures:
        return [None] * len(texts)
    from .pipeline import analyze

    result = analyze(list(texts), measures_plan(measures), split=False, n_themes=1,
                     representation=representation)
    out: list[str | None] = [None] * len(texts)
    for s in result["statements"]:
        out[s["row"]] = None if s["category"] == OTHER else s["category"]
    return out
