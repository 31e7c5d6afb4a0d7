"""Praise read in its answer (issue 24 item 2, "a long complaint, a request or a question is never praise"),
for `analysis.kinds.StatementKinds.within_answers`.

A lone proud or plain sentence inside a letter of complaint ("安全生产是职工的生命") reads like a report's account
of results to the model, which gives it the same praise probability. So a praise call that rests on the model's
word alone (no listed cue: `_kinds_evidence.praise_allowed(text, None)` fails) stands only where no other
statement of the same answer (the row it was split from) complains, asks or demands (`_kinds_evidence.raises`);
else it is the answer's and falls back to the field's kind, or problem. A statement alone in its answer (a
round-table quote, a one-sentence review) or in an answer of praise keeps the model's word, and so does the
acknowledgement a round-table speech opens with (`_opens`: nothing before it raises anything and the first statement
after it that does turns with 但是/不过/也存在…): "规划实施以来企业受益很大。但是审查周期还是偏长。" is praise, then a problem.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from . import _kinds_evidence as _evidence
from ._kinds_cues import praise_cue
from .kind_names import PRAISE, PROBLEM, SUGGESTION


def within_answers(texts: Sequence[str], fields: Sequence[str | None] | None, kinds, answers: Sequence,
                   fallback: Callable[[str, str | None], str], evidence: bool = True) -> np.ndarray:
    """`kinds` (the calls on the normalised `texts`) with praise read in its answer: `answers[i]` is the answer
    text i was split from, `fallback(text, field)` the kind of a praise call that lacks its evidence.
    `evidence=False` (the calls as made before issue 24) leaves them as they are."""
    if len(answers) != len(kinds):
        raise ValueError(f"answers 的长度（{len(answers)}）应与 texts（{len(kinds)}）相同")
    kinds = np.array(kinds, dtype=object)
    if not evidence:
        return kinds
    members: dict = {}
    for i, a in enumerate(answers):
        members.setdefault(a, []).append(i)
    raised: dict[int, str] = {}  # statement → what it raises, looked up once and only while needed

    def raises(j: int) -> str:
        if j not in raised:
            raised[j] = _evidence.raises(texts[j])
        return raised[j]

    called = list(kinds)  # the other statements as the model called them: a praise call raises nothing (its
    for i in [i for i, kind in enumerate(called) if kind == PRAISE]:  # check ruled out what holds)
        others = [j for j in members[answers[i]] if called[j] != PRAISE]
        # (a praise call that stood asks nothing: its listed cues are looked up without that)
        if others and any(raises(j) for j in others) and not _opens(i, members[answers[i]], texts, called, raises) \
                and (not _evidence.praise_allowed(texts[i], None, praise_cue, asked=False)[0] or
                     _told_between(i, members[answers[i]], texts, called, raises)):
            kind = fallback(texts[i], fields[i] if fields is not None else None)
            # (an answer that complains, asks or demands is an issue under 成效 too: the field's praise is no fallback)
            kinds[i] = kind if kind != PRAISE else SUGGESTION if _evidence.REQUEST.search(texts[i]) else PROBLEM
    return kinds


LETTER = 6  # statements: an answer this long is a letter (a review or a round-table remark is shorter)


def _told_between(i: int, members: list[int], texts: Sequence[str], called: list, raises: Callable[[int], str]) -> bool:
    """Whether praise call i is the writer's own account (first person) told between complaints of a letter
    ("…觉得太不公平了！" "记得当年我们…专业学习非常扎实。" "…我们就觉得太不公平！"): the letter's, whatever its cue."""
    if len(members) < LETTER or not _evidence.FIRST.search(texts[i]):
        return False
    at = members.index(i)
    return any(called[j] != PRAISE and raises(j) for j in members[:at]) and \
        any(called[j] != PRAISE and raises(j) for j in members[at + 1:])


# how a speaker turns from what works to what does not: 但是…, 不过…, 同时也要看到…, 也存在… (a request alone is no
# turn: "…。希望有关部门尽快来查一查" is how a letter asks)
_TURN = re.compile(r"^[\s，,]*(?:但是?|不过|可是|然而|只是|同时|当然|与此同时|(?:也|还|仍然?|依然)(?:存在|有一些|有些|面临))")


def _opens(i: int, members: list[int], texts: Sequence[str], called: list, raises: Callable[[int], str]) -> bool:
    """Whether praise call i is the acknowledgement a round-table speech opens with: nothing before it in its
    answer raises anything, and the first statement after it that does opens with a turn (但是、不过、也存在…)
    ("规划实施以来企业受益很大。但是审查周期还是偏长。"); a proud sentence inside a letter of complaint
    comes after the complaint or without such a turn."""
    at = members.index(i)
    if any(called[j] != PRAISE and raises(j) for j in members[:at]):
        return False
    later = [j for j in members[at + 1:] if called[j] != PRAISE and raises(j)]
    return bool(later) and _TURN.match(texts[later[0]]) is not None
