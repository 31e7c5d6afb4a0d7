"""What `analysis.pipeline.analyze` returns, documented once: plain data (JSON as it is, so
analysis.json is this structure written out), typed so that a caller (survey/review/store.py
saves it as Statement and Theme rows; analysis.report writes it) reads named fields a type
checker knows, not a dict by key.

TypedDicts rather than dataclasses: the result is serialised, masked and extended as data
(analysis.json, `analyze_to_folder(extra=…)`), and every caller already reads it as a mapping.
"""
from __future__ import annotations

from typing import TypedDict


class StatementResult(TypedDict):
    """One statement (a sentence or clause of an answer, analysis.text.to_statements)."""

    row: int  # the answer it came from: the index into the `texts` given to `analyze`
    text: str  # as written (not masked: staff review it)
    kind: str  # problem, suggestion, praise or none (analysis.kinds.KINDS)
    category: str | None  # a plan category id or "other"; None for kind "none" (nothing to act on)
    confidence: float  # the mapper's confidence in `category`, 0..1 (rounded to 4 places)
    theme: str  # the id of its theme in `themes`; "" when in none
    review_rank: int  # 1..n, distinct: 1 is the statement whose confirmation would teach most


class CategoryCount(TypedDict):
    """A plan category (plan order, then "other"/未归类) and how many statements it holds."""

    id: str
    name: str
    count: int


class KindCount(TypedDict):
    """A statement kind (problem, suggestion, praise, none) and how many statements are of it."""

    id: str
    name: str
    count: int


class ThemeResult(TypedDict):
    """A theme: statements of one category grouped by topic (analysis.themes.ThemeClusterer)."""

    id: str  # unique within the result; what StatementResult.theme names
    category: str  # the category id its statements share
    kind: str  # its members' most common kind
    kinds: dict[str, int]  # how many of each kind (problem, suggestion, praise); {} without kinds
    label: str  # a short Chinese name, from masked text
    label_words: list[str]  # the words the label was made of
    keywords: list[str]  # most distinctive words first (masked text)
    size: int  # how many statements
    representatives: list[str]  # quotes closest to the theme's centre (masked)
    groups: dict[str, int]  # organisation type → statements, largest first; {} without groups


class AnalysisResult(TypedDict):
    """`analyze`'s whole result."""

    statements: list[StatementResult]  # in answer order
    categories: list[CategoryCount]
    kinds: list[KindCount]
    themes: list[ThemeResult]


__all__ = ["AnalysisResult", "CategoryCount", "KindCount", "StatementResult", "ThemeResult"]
