"""Praise read in its answer (issue 24 item 2, "a long complaint, a request or a question is never praise"),
for `analysis.kinds.StatementKinds.within_answers`.

A lone proud or plain sentence inside a letter of complaint ("安全生产是职工的生命") reads like a report's account
of results to the model, which gives it the same praise probability. So a praise call that rests on the model's
word alone (no listed cue: `_kinds_evidence.praise_allowed(text, None)` fails) stands only where no other
statement of the same answer (the row it was split from) complains, asks or demands (`_kinds_evidence.raises`);
else it is the answer's and falls back to the field's kind, or problem. A statement alone in its answer (a
round-table quote, a one-sentence review) or in an answer of praise keeps the model's word.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import _kinds_evidence as _evidence
from ._kinds_cues import praise_cue
from .kind_names import PRAISE


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
        if others and any(raises(j) for j in others) \
                and not _evidence.praise_allowed(texts[i], None, praise_cue, asked=False)[0]:
            kinds[i] = fallback(texts[i], fields[i] if fields is not None else None)
    return kinds
