"""What a statement opens with, for `analysis.kinds`' rules: one that opens with a verb and names nothing wrong
reads as a proposal ("组建海外纠纷应对工作站"); the dictionary's part of speech decides what a verb is."""
from __future__ import annotations

import functools

from .tokenize import ChineseTokenizer, word_tag


def opening_verb(text: str) -> str:
    """A statement that opens with a verb and names nothing wrong reads as a proposal
    ("组建海外纠纷应对工作站"); the dictionary's part of speech decides what a verb is."""
    return _opening_verb(text[:8])


@functools.lru_cache(maxsize=1 << 15)
def _opening_verb(head: str) -> str:
    # statements often open alike ("这个手机", "建议加强"): each opening is segmented once
    words = _cut(head)
    return words[0] if words and len(words[0]) >= 2 and word_tag(words[0]) == "v" else ""


def _cut(text: str) -> list[str]:
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = ChineseTokenizer()
    return _TOKENIZER.cut(text)


_TOKENIZER: ChineseTokenizer | None = None
