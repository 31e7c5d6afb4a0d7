"""Hypothesis strategies for hostile input: any Unicode a phone or a paste can produce."""
from __future__ import annotations

import unicodedata

from hypothesis import settings
from hypothesis import strategies as st

# Characters that have broken web apps before: NUL (PostgreSQL rejects it in text), other C0/C1
# controls, bidi overrides and marks, zero-width joiners, BOM, non-characters, line and paragraph
# separators, full-width space, CJK beyond the BMP, emoji with modifiers and ZWJ sequences.
SPECIAL = [
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f",
    "\r", "\n", "\r\n", "\t", "\u2028", "\u2029", "\u3000", "\u00a0",
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069",
    "\ufeff", "\ufffe", "\uffff", "\ufffd", "\U0010ffff",
    "😀", "👩🏽‍💻", "🇨🇳", "𠀀", "𪚥", "é", "é", "ﬁ", "Ａ", "１",
    "<", ">", "&", '"', "'", "%", "\\", "{{", "}}", "{%", "%00", "\u0000\u0000",
    "无", "。", "；", "一是", "（一）", "1.", "知识产权", "专利",
]
CHAR = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(SPECIAL))


def examples(share: float) -> settings:
    """This test's part of the active profile's example budget (at least 10)."""
    return settings(settings.default, max_examples=max(10, int(settings.default.max_examples * share)))


def texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Short hostile text, empty included (pieces of SPECIAL may be several characters)."""
    return st.lists(CHAR, max_size=max_size).map("".join)


def huge(min_repeat: int, max_repeat: int) -> st.SearchStrategy[str]:
    """A long value built by repeating a short piece (cheaper to generate than long random text)."""
    return st.builds(lambda piece, n: piece * n, st.lists(CHAR, min_size=1, max_size=4).map("".join),
                     st.integers(min_repeat, max_repeat))


def any_text(max_size: int = 60, huge_repeat: int = 3000) -> st.SearchStrategy[str]:
    return st.one_of(texts(max_size), huge(1, huge_repeat))


def _noncharacter(c: str) -> bool:
    return 0xFDD0 <= ord(c) <= 0xFDEF or (ord(c) & 0xFFFE) == 0xFFFE


def visible(value: str) -> str:
    """The characters a person sees and would miss if dropped: everything except control
    characters, non-characters (U+FFFE, U+FFFF, U+FDD0…; cleaning removes them, issue 17) and
    whitespace (which cleaning may normalise, strip or remove)."""
    return "".join(c for c in value
                   if not c.isspace() and unicodedata.category(c) != "Cc" and not _noncharacter(c))
