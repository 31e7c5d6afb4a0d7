"""What a drafted sentence stands on, as the report page, the HTML file and the editor show it
beside the sentence: its statements (text fit to leave the office, respondent type, kind),
the ratings it sums up, or the plan or session records; and its figures.

Also splits a block's text into lines and marks each drafted sentence in it (`marked_lines`):
a block that follows the draft is all claims; in staff's own text a sentence is marked where
staff kept a drafted sentence word for word.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..review.models import KINDS
from .claims import BASES, Claim, Paragraph
from .data import SCORES, ReportData

PLAN_NOTE = "依据规划文件的表述，另有说明的除外。"
SESSION_NOTE = "依据活动信息（形式、组织单位、时间地点）。"


@dataclass
class Item:
    id: int
    text: str
    organisation_type: str
    kind: str

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind or "")


@dataclass
class Evidence:
    anchor: str  # the element id the sentence links to
    claim: Claim
    items: list[Item] = field(default_factory=list)  # the statements it stands on
    others: list[Item] = field(default_factory=list)  # statements staff may choose as the example instead
    ratings: str = ""  # the score distribution a rating sentence sums up
    note: str = ""

    @property
    def ids(self) -> str:
        """The `data-statements` attribute: the ids of the statements it stands on."""
        return ",".join(str(i) for i in self.claim.statements)

    @property
    def basis(self) -> str:
        """"依据 5 条意见", "依据打分", "依据规划文本（相关意见 3 条）"."""
        if self.claim.basis == "statements":
            return f"依据 {len(self.items)} 条意见"
        head = f"依据{BASES.get(self.claim.basis, self.claim.basis)}"
        return f"{head}（相关意见 {len(self.items)} 条）" if self.items else head


def _item(row) -> Item:
    text = row.outside_text if row.outside_text is not None else "（含联系方式，不列出原文）"
    return Item(row.id, text, row.organisation_type or "未填写", row.kind or "")


def evidence_of(claim: Claim, data: ReportData, anchor: str) -> Evidence:
    rows = {r.id: r for r in data.statements}
    items = [_item(rows[i]) for i in claim.statements if i in rows]
    others = [_item(rows[i]) for i in claim.candidates if i in rows and i not in claim.statements]
    ratings, note = "", ""
    # a stored claim (an edited block's) keeps its figures, not its goal: read it from them
    by_type = next((f.args.get("goal") for f in claim.figures if f.name.startswith("cs_")), None)
    if by_type and data.consensus:
        ratings = _by_type(by_type, data)
    elif claim.basis == "ratings" and claim.goal:
        goal = next((g for g in data.goals if g.id == claim.goal), None)
        if goal:
            parts = [f"{s}分{goal.overall.distribution[s]}人" for s in reversed(SCORES)]
            ratings = f"“{goal.name}”的打分：{'、'.join(parts)}；不了解{goal.overall.unknown}人。"
    elif claim.basis == "ratings":
        ratings = f"依据全部{data.response_count}份问卷。"
    elif claim.basis == "plan":
        note = PLAN_NOTE
    elif claim.basis == "session":
        note = SESSION_NOTE
    return Evidence(anchor, claim, items, others, ratings, note)


def _by_type(goal_id: str, data: ReportData) -> str:
    """A consensus sentence's evidence: the goal's counts per declared type, as annex 1 lists them."""
    goal = next((g for g in data.consensus.goals if g.goal_id == goal_id), None)
    if goal is None:
        return ""
    parts = [f"{t.type}{t.tally.n}人打分、{t.tally.agree}人认可（4–5分）" for t in goal.types if t.tally.n]
    return f"“{goal.goal_name}”按参与者填写的单位类型：{'；'.join(parts)}。"


# ---- marking the sentences of a block --------------------------------------------------------------

@dataclass
class Segment:
    text: str
    evidence: Evidence | None = None


@dataclass
class Line:
    segments: list[Segment]

    @property
    def evidence(self) -> list[Evidence]:
        return [s.evidence for s in self.segments if s.evidence]


def draft_lines(key: str, paragraphs: list[Paragraph], data: ReportData) -> list[Line]:
    """A block that follows the draft: every sentence is a claim."""
    lines, n = [], 0
    for paragraph in paragraphs:
        segments = []
        for claim in paragraph:
            if claim.dropped:
                continue
            n += 1
            segments.append(Segment(claim.text, evidence_of(claim, data, f"ev-{key}-{n}")))
        if segments:
            lines.append(Line(segments))
    return lines


def text_lines(key: str, text: str, claims: list[Claim], data: ReportData) -> list[Line]:
    """Staff's own text: each drafted sentence it kept word for word is marked."""
    lines, n = [], 0
    known = sorted((c for c in claims if c.text and not c.dropped), key=lambda c: -len(c.text))
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        segments = [Segment(line)]
        for claim in known:
            out = []
            for seg in segments:
                if seg.evidence or claim.text not in seg.text:
                    out.append(seg)
                    continue
                before, _, after = seg.text.partition(claim.text)
                n += 1
                out += [Segment(before)] if before else []
                out.append(Segment(claim.text, evidence_of(claim, data, f"ev-{key}-{n}")))
                out += [Segment(after)] if after else []
            segments = out
        lines.append(Line(segments))
    return lines


def block_lines(data: ReportData) -> dict[str, list[Line]]:
    """Every block's lines for the HTML page, from `data.views` (blocks.document_for) or, for
    data that never went through it, from the drafts."""
    from .drafts import BLOCKS, draft_claims

    drafts = draft_claims(data)
    out = {}
    for key, _ in BLOCKS:
        view = data.views.get(key)
        if view is not None and view.edited:
            out[key] = text_lines(key, view.text, [c.claim for c in view.claims], data)
        else:
            out[key] = draft_lines(key, drafts.get(key, []), data)
    return out
