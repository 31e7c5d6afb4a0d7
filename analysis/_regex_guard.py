"""A look-ahead for the characters a pattern can start with, for the kind rules' long alternations.

Python's `re` tries every branch of `好评|很好|(?:快|好|方便)(?:了)?很多|…` at every position of
the text; for an alternation of groups it has no first-character check of its own. The kind stage
searches a dozen such patterns in every statement (PRAISE_EVIDENCE alone about 25 µs a search). A
look-ahead `(?=[好很快方…])` in front lets the engine reject a position with one set test: the same
matches (the look-ahead is zero-width and only states what every match must start with), at a
fifth to a sixth of the time on real statements (benchmarks/RESULTS.md, Throughput).

`guarded` returns the pattern unchanged where the first characters are not a small known set: a
pattern that may match the empty string, starts with "any character", a negated class or a category
other than \\s (whitespace: the 29 characters `str.isspace` takes), or uses flags that change what a character
matches. A look-ahead holding more characters than can start a match changes no match either. An
alternation whose unknown branches are anchored at the start (`^…`) is guarded past the start:
`(?:^|(?=[…]))`.
"""
from __future__ import annotations

import importlib
import re
from typing import Any

_C: Any
_P: Any
try:  # the parser `re` compiles with (Python 3.11+, private); without it nothing is guarded
    _C = importlib.import_module("re._constants")
    _P = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _C = _P = None

_RANGE_MAX = 200  # a wider range (a CJK block) is "any character" for this purpose
# \s in a str pattern: `re` tests Py_UNICODE_ISSPACE, as `str.isspace` does (under re.ASCII fewer: a superset is safe)
_SPACES = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())


def guarded(pattern: re.Pattern) -> re.Pattern:
    """`pattern` with a look-ahead for its possible first characters, or `pattern` itself."""
    if _P is None or pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return pattern
    chars, at_start = first_chars(pattern), False
    if chars is None:
        chars, at_start = _first_past_the_start(_P.parse(pattern.pattern, pattern.flags))
    if not chars:
        return pattern
    charset = "".join(re.escape(c) for c in sorted(chars))
    if at_start:  # (`^` here as in the pattern, with its flags: where it matches, the pattern is tried whole)
        return re.compile(f"(?:^|(?=[{charset}]))(?:{pattern.pattern})", pattern.flags)
    return re.compile(f"(?=[{charset}])(?:{pattern.pattern})", pattern.flags)


def _first_past_the_start(items) -> tuple[set[str] | None, bool]:
    """For an alternation some of whose branches are anchored at the start (`^…`, `\\A…`: COURTESY's
    "^[^，]{0,6}(?:书记|市长…)："): the first characters of the other branches, and whether any was anchored.
    Past the start an anchored branch cannot match, so there the others' first characters are all a match
    can start with; at the start (`^`) the pattern is tried whole."""
    if len(items) != 1 or items[0][0] is not _C.BRANCH:
        return None, False
    out: set[str] = set()
    anchored = False
    for alternative in items[0][1][1]:
        if alternative and alternative[0][0] is _C.AT and alternative[0][1] in (_C.AT_BEGINNING, _C.AT_BEGINNING_STRING):
            anchored = True
            continue
        chars, nullable = _first(alternative)
        if chars is None or nullable:
            return None, False
        out |= chars
    return (out, True) if anchored else (None, False)


def first_chars(pattern: re.Pattern) -> set[str] | None:
    """The characters a match of `pattern` can start with (None: unknown or any)."""
    chars, nullable = _first(_P.parse(pattern.pattern, pattern.flags))
    return None if chars is None or nullable else chars


def _first(items) -> tuple[set[str] | None, bool]:
    """(the possible first characters of a sequence, or None; whether it can match nothing)."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _node(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _node(op, av) -> tuple[set[str] | None, bool]:
    if op is _C.LITERAL:
        return {chr(av)}, False
    if op is _C.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is _C.LITERAL:
                chars.add(chr(a))
            elif o is _C.RANGE and a[1] - a[0] < _RANGE_MAX:
                chars.update(chr(c) for c in range(a[0], a[1] + 1))
            elif o is _C.CATEGORY and a is _C.CATEGORY_SPACE:  # \s: what `str.isspace` says, as `re` does
                chars.update(_SPACES)
            else:  # a negated class, a category (\d, \s), a wide range
                return None, False
        return chars, False
    if op is _C.SUBPATTERN:
        return _first(av[3])
    if op is _C.BRANCH:
        chars, nullable = set(), False
        for alternative in av[1]:
            c, n = _first(alternative)
            if c is None:
                return None, False
            chars |= c
            nullable = nullable or n
        return chars, nullable
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        repeated, nullable = _first(sub)
        return (None, False) if repeated is None else (repeated, nullable or low == 0)
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):  # zero-width: the match's first character comes after
        return set(), True
    return None, False  # any character, a back reference, a conditional…
