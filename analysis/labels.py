"""Theme labels staff can keep: a short issue phrase in the participants' own words.

A problem theme's label says what is wrong ("专利侵权取证难", "校企对接渠道不畅"); a suggestion
theme's label is a short proposal ("建立技术专家库"). The rubric, also used to judge the labels
in benchmarks/RESULTS.md: an issue phrase (or proposal), at most `LABEL_MAX` characters, no
person or place that belongs to one speaker's story, no personal data, distinct within its
category.

How: every clause of the theme's most central statements, and every run of whole words of at
most `LABEL_MAX` characters inside a longer one, is a candidate. A candidate scores for the
theme's top keywords it holds (by rank), for an issue cue (a problem word such as 难、不足、不畅
for a problem theme; an opening policy verb such as 建立、加强 for a suggestion theme), for
being a whole clause and for how central its statement is; it loses for masked personal
data or digits, for a place, organisation or person name that is not among the theme's
keywords, and for first-person story words (我们、去年、谈过). The best candidate not already
used by another theme of the category (nor contained in one) wins.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from .kinds import PROBLEM, PROBLEM_CUES, PROPOSAL_START, PROPOSAL_VERBS, SUGGESTION, praise_cue
from .privacy import MASK
from .tokenize import ChineseTokenizer, word_tag

LABEL_MAX = 14
LABEL_MIN = 4
CENTRAL = 6  # statements looked at, most central first

# A label is one clause: cut statements at clause punctuation (not 、, which lists items).
_CLAUSE = re.compile(r"[，,；;。！!？?：:\n]+")
_BRACKETS = re.compile(r"（[^）]*）|\([^)]*\)|【[^】]*】|“|”|‘|’|\"")
# Openings that say who speaks or how, not what the issue is.
_OPENING = re.compile(r"^(?:[一二三四五六七八九十]是|第[一二三四五六七八九十]|[0-9]+[.、]|首先|其次|另外|此外|"
                      r"同时|但是?|而且|并且|还有|所以|因此|我觉得|我认为|感觉|目前|现在|主要是|问题是|就是|"
                      r"我们(?:企业|公司|单位|学校|这边)?的?)+")
# A proposal reads as the proposal, not as the wish for it: "建议建立专家库" → "建立专家库".
_WISH = re.compile(r"^(?:建议|希望|期望|呼吁|恳请|请|应当|应该|要|需要|能否|可否|能不能|可不可以|是否可以|最好)+")
_STORY = re.compile(r"我|咱|本人|自己|去年|今年|上次|那次|以前|曾经|之前|谈过|找过|问过|遇到过|有一次|有个")
_EDGE_WORDS = frozenset("的和及与或把被对在从向给让")
_NAME_TAGS = ("nr", "ns", "nt")


def theme_label(central: Sequence[str], keywords: Sequence[str], cut=None, *, kind: str | None = None,
                avoid: Collection[str] = ()) -> tuple[str, list[str]]:
    """A short label for a theme, and the keywords it is built on (see the module docstring).

    `central`: the theme's statements, most central first; `keywords`: its keywords, best
    first; `kind`: "problem", "suggestion" or None (either cue counts); `avoid`: labels other
    themes of the category already have. `cut`: text → words (default: the bundled jieba
    dictionary). Without statements, the keywords joined.
    """
    cut = cut or ChineseTokenizer().cut
    weight = {k: 1.0 / (1 + j) for j, k in enumerate(k for k in keywords[:5] if k)}
    named = set(keywords[:8])
    scored: dict[str, float] = {}
    for rank, text in enumerate(central[:CENTRAL]):
        for clause in _clauses(text, kind):
            for span, where in _spans(clause, cut):
                score = _score(span, where, rank, weight, named, kind, cut)
                if score > scored.get(span, float("-inf")):
                    scored[span] = score
    taken = [a for a in avoid if a]
    order = {span: i for i, span in enumerate(scored)}  # ties: the earlier, more central one
    for span in sorted(scored, key=lambda s: (-scored[s], order[s])):
        if scored[span] > 0 and not any(span in a or a in span for a in taken):
            return span, [k for k in keywords if k and k in span]
    first = next(iter(_clauses(central[0], kind)), "") if central else ""
    best = first[:LABEL_MAX] if first else "、".join(list(weight)[:3])
    return best, [k for k in keywords if k and k in best]


def _clauses(text: str, kind: str | None) -> list[str]:
    out = []
    for clause in _CLAUSE.split(_BRACKETS.sub("", text)):
        clause = _OPENING.sub("", clause.strip())
        if kind != PROBLEM:
            clause = _WISH.sub("", clause)
        clause = clause.lstrip("的在对把被让给从").rstrip("的了吧呢啊").strip()
        if len(clause) >= 2:
            out.append(clause)
    return out


def _edge_ok(token: str) -> bool:
    return (bool(token.strip()) and token not in _EDGE_WORDS and not token[0].isdigit()
            and word_tag(token)[:1] not in "cpumq")


def _spans(clause: str, cut) -> list[tuple[str, str]]:
    """The clause itself when short enough ("whole"), and every run of whole words of at most
    LABEL_MAX characters that neither starts nor ends on a particle, preposition,
    conjunction, numeral or measure word ("end" when it ends where the clause ends: an
    issue phrase ends on its predicate, 难、不畅、少; else "part")."""
    out = [(clause, "whole")] if LABEL_MIN <= len(clause) <= LABEL_MAX else []
    tokens = cut(clause)
    nouns = [word_tag(t)[:1] == "n" for t in tokens]
    for i in range(len(tokens)):
        if not _edge_ok(tokens[i]) or (i > 0 and tokens[i - 1][:1].isdigit()):
            continue  # "13 条": the measure word goes with its number
        if i > 0 and (tokens[i + 1:i + 2] in (["的"], ["、"]) or tokens[i - 1] == "、" or (nouns[i] and nouns[i - 1])):
            continue  # "技术的诉讼律师", "申报、网上公示", "品种保护": cut from its head or list
        length = 0
        for j in range(i, len(tokens)):
            length += len(tokens[j])
            if length > LABEL_MAX:
                break
            if j + 1 < len(tokens) and nouns[j] and nouns[j + 1]:
                continue  # "商业秘密加中药|品种": a compound cut in two
            if length >= LABEL_MIN and _edge_ok(tokens[j]) and (i, j) != (0, len(tokens) - 1):
                out.append(("".join(tokens[i:j + 1]), "end" if j == len(tokens) - 1 else "part"))
    return out


def _score(span: str, where: str, rank: int, weight: Mapping[str, float], named: set[str],
           kind: str | None, cut) -> float:
    # keywords say what the theme is about, the cue makes it read as an issue: the cue weighs more
    score = min(1.0, 0.6 * sum(w for k, w in weight.items() if k in span)) * (1.0 - 0.05 * rank)
    problem = PROBLEM_CUES.search(span) is not None
    proposal = 1.0 if PROPOSAL_START.search(span) else 0.3 if PROPOSAL_VERBS.search(span) else 0.0
    if kind == SUGGESTION:
        score += proposal
    elif kind == PROBLEM:
        score += 1.0 if problem else 0.0
        score -= 0.4 if proposal and not problem else 0.0  # a proposal never heads a problem theme
    else:
        score += 1.0 if problem else proposal
    score += {"whole": 0.3, "end": 0.2}.get(where, 0.0) - 0.01 * rank
    if praise_cue(span):
        score -= 0.6  # "宣传做得不错" is the praise around a proposal, not the proposal
    if MASK in span or any(c.isdigit() for c in span):
        score -= 1.0
    if _STORY.search(span):
        score -= 0.5
    if any(word_tag(t)[:2] in _NAME_TAGS and t not in named and not PROBLEM_CUES.search(t)
           for t in cut(span)):
        score -= 0.4  # someone's university, town or colleague: one speaker's story
    score -= 0.1 * max(0, LABEL_MIN + 2 - len(span)) + 0.02 * max(0, len(span) - 10)
    return score
