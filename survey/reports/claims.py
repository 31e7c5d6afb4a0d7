"""A drafted sentence is data: a `Claim` with the statements it stands on and the figures it
states (after Talk to the City's claims and Jigsaw's sensemaking-tools, see STYLE.md).

A block's draft is a list of paragraphs, each a list of claims; its text is their sentences
joined (`block_text`). Each `Figure` knows how to recompute itself from the current data
(figures.py), so a page can show the evidence of a sentence and a check can say which number
no longer matches. `basis` says what a sentence rests on: statements (what participants wrote),
ratings (their scores), plan (the plan file) or session (the session records).
"""
from __future__ import annotations

from dataclasses import dataclass, field

BASES = {"statements": "意见", "ratings": "打分", "plan": "规划文本", "session": "活动信息"}


@dataclass(frozen=True)
class Figure:
    name: str  # what it counts (figures.FIGURES)
    args: dict  # which statements, goal or type
    value: str  # as printed: "5", "4.2"
    fmt: str  # the words around it, "{v}" for the value: "平均{v}分"

    @property
    def text(self) -> str:
        return self.fmt.format(v=self.value)

    def with_value(self, value: str) -> Figure:
        return Figure(self.name, self.args, value, self.fmt)

    def to_json(self) -> dict:
        return {"name": self.name, "args": self.args, "value": self.value, "fmt": self.fmt}

    @classmethod
    def from_json(cls, d: dict) -> Figure:
        return cls(d.get("name", ""), d.get("args") or {}, str(d.get("value", "")), d.get("fmt", "{v}"))


@dataclass
class Claim:
    key: str  # stable within its block across drafts: staff decisions are keyed by it
    text: str
    basis: str = "plan"
    statements: tuple[int, ...] = ()
    figures: tuple[Figure, ...] = ()
    example_id: int | None = None  # the statement whose words the sentence carries
    candidates: tuple[int, ...] = ()  # statements staff may choose as the example instead
    droppable: bool = False
    dropped: bool = False  # staff took it out of the draft
    staff_example: bool = False  # staff chose the example
    goal: str | None = None  # the goal a rating sentence speaks of
    extra: dict = field(default_factory=dict)

    @property
    def basis_label(self) -> str:
        return BASES.get(self.basis, self.basis)


Paragraph = list[Claim]


def paragraph_text(paragraph: Paragraph) -> str:
    return "".join(c.text for c in paragraph if not c.dropped)


def block_text(paragraphs: list[Paragraph]) -> str:
    """The block as the document says it: one line per paragraph, dropped claims left out."""
    return "\n".join(t for t in (paragraph_text(p) for p in paragraphs) if t)


def live(paragraphs: list[Paragraph]) -> list[Claim]:
    return [c for p in paragraphs for c in p if not c.dropped]


def every(paragraphs: list[Paragraph]) -> list[Claim]:
    return [c for p in paragraphs for c in p]


@dataclass(frozen=True)
class Decision:
    """Staff's decision on a claim, read back by the drafts (ReportClaim's columns)."""

    dropped: bool = False
    example_id: int | None = None
