"""Raw answers → clean statements.

One participant's answer often holds several points ("一是……；二是……"). The analysis works
on statements, so this module normalises the text and splits it, keeping each statement's
source row so results can be traced back to the sheet.

Decisions, in one place:
- Full-width ASCII letters, digits and symbols become half-width (ＩＰ → IP, １０．０６ → 10.06),
  except the Chinese clause marks ，；：！？（）, which keep their full-width form: they are the
  native punctuation of the text, and the splitter accepts both widths anyway.
- BOMs (also mid-string, from pasted cells), zero-width characters and control characters are
  removed; runs of spaces collapse to one space, runs of line breaks to one line break.
- Emoji are removed: they carry mood, not the issue, and jieba would turn each into a token
  that the word-cloud font cannot draw. Circled enumeration numbers (①, ❶) are kept.
- Exact duplicates across rows are kept (two people saying the same thing is a signal);
  a statement repeated within one answer (a double paste) is kept once.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_STATEMENT_CHARS = 500
MIN_STATEMENT_WEIGHT = 3  # CJK characters (an ASCII word counts as one) a statement needs to stand alone

# Full-width forms that stay full-width: the Chinese clause punctuation.
_KEEP_FULL_WIDTH = set("，；：！？（）")
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULL_WIDTH}
_WIDTH[0x3000] = 0x20  # ideographic space

_INVISIBLE = re.compile("[\ufeff\u200b-\u200d\u2060\u180e\u00ad\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff"  # pictographs, emoticons, transport, flags, skin tones
    "\u2600-\u2775\u2794-\u27bf"  # misc symbols and dingbats, minus ❶–➓ (enumeration numbers)
    "\u2b00-\u2bff"  # arrows and stars (⭐ ⭕)
    "\u231a\u231b\u23e9-\u23fa"  # ⌚ ⏰ and friends
    "\U000e0020-\U000e007f]"  # tag characters in flag sequences
)
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r" *\n[\s]*")


# Whatever `normalize` would change: without any of it a text is returned as it is (most
# statements: they are normalised already, and each is normalised again where it is segmented).
# A superset is fine (the full pass then changes nothing), a miss is not. One character class
# (alternatives would cost more than the pass they save) and three substrings.
_OTHER_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n\u3000")
_DIRTY = re.compile("[" + re.escape(_OTHER_SPACES + "".join(map(chr, _WIDTH)))
                    + _INVISIBLE.pattern[1:-1] + _EMOJI.pattern[1:-1] + _CONTROL.pattern[1:-1] + "]")


def _clean_already(text: str) -> bool:
    return not (_DIRTY.search(text) or "  " in text or " \n" in text or "\n\n" in text or "\n " in text
                or text[:1].isspace() or text[-1:].isspace())


def normalize(text: str) -> str:
    """Clean one answer; see the module docstring for what changes and why."""
    if _clean_already(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    text = _EMOJI.sub(" ", text)
    text = text.translate(_WIDTH)
    text = text.replace("\t", " ").replace("\xa0", " ")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    return text.strip()


# --- splitting -----------------------------------------------------------------------------

_CN_DIGITS = "一二三四五六七八九十"
_CLAUSE_START = r"(?:^|(?<=[。！？!?；;，,：:、\s…]))"
_MARKER = (
    _CLAUSE_START
    + r"(?:"
    + rf"[{_CN_DIGITS}]{{1,3}}(?:是|、)"  # 一是 / 二、
    + rf"|第[{_CN_DIGITS}\d]{{1,3}}(?:点|条|个?方面)?(?:是|[，,、：:.])"  # 第一，/ 第二点：
    + r"|(?:首先|其次|再次)[，,、：:]?"
    + r"|最后[，,、：:]"  # bare 最后 is too often a word (最后一公里)
    + r"|\d{1,2}(?:[.、)）])(?!\d)"  # 1. 2、 3) — but never 1.5
    + r")"
    # unambiguous anywhere: (1) （一） ① ⑴ ⒈ ❶
    + rf"|[(（]\s*(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*[)）]"
    + r"|[\u2460-\u249b\u2776-\u2793]"
)
# A sentence end keeps its mark and any closing quote; a dot only ends a sentence when it
# is not between two ASCII letters/digits (10.06亿, v2.0, www.gov.cn stay whole).
_SENTENCE_END = r"(?:[。！？!?；;…]|\.{2,}|(?<![0-9A-Za-z])\.|\.(?![0-9A-Za-z]))+[”’」』)）\]]*"
_BREAK_PATTERN = rf"(?P<marker>{_MARKER})|(?P<end>{_SENTENCE_END})|(?P<newline>\n)"
# What a break can start with, looked at first: `re` tries the alternation (its look-behinds
# included) at every position, and most positions hold none of these (the same matches at half
# the time; tests/test_text.py compares the two patterns). Keep it in step with _MARKER and _SENTENCE_END.
_BREAK_STARTS = rf"\d{_CN_DIGITS}第首其再最(（\u2460-\u249b\u2776-\u2793。！？!?；;….\n"
_BREAK = re.compile(rf"(?=[{_BREAK_STARTS}])(?:{_BREAK_PATTERN})")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ASCII_WORD = re.compile(r"[0-9A-Za-z]+")
_CONTENT = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LEADING = re.compile(r"^[\s，,、：:；;。.！!？?…·\-—~]+")
_TRAILING_SOFT = re.compile(r"[\s，,、：:；;\-—~]+$")  # a clause mark cannot end a statement
_ENDS_SENTENCE = re.compile(r"[。！？!?；;…”’」』)）\]]$")
_COMMA = re.compile(r"(?<=[，,、])")

# Whole answers that mean "nothing to say"; treated like an empty cell.
_NO_ANSWER = {"无", "没有", "暂无", "无意见", "没意见", "没有意见", "无建议", "暂无建议", "没有建议",
              "同上", "略", "/", "-", "—", "n/a", "na", "none", "null"}


def _weight(piece: str) -> int:
    return len(_CJK.findall(piece)) + len(_ASCII_WORD.findall(piece))


# `_weight(piece) >= MIN_STATEMENT_WEIGHT` in one match that stops at the weight's last character, not two
# lists of every CJK character and ASCII word of the piece (most pieces reach it within a few characters). The
# quantifiers are possessive: an ASCII word is one, never cut into several to make up the weight.
_CJK_CHARS = _CJK.pattern[1:-1]
_STANDS_ALONE = re.compile(rf"(?:[^{_CJK_CHARS}0-9A-Za-z]*+(?:[{_CJK_CHARS}]|[0-9A-Za-z]++)){{{MIN_STATEMENT_WEIGHT}}}")


def _stands_alone(piece: str) -> bool:
    """Whether `piece` weighs enough to be a statement of its own (`_weight`, MIN_STATEMENT_WEIGHT)."""
    return _STANDS_ALONE.match(piece) is not None


def _clean(piece: str) -> str:
    piece = _LEADING.sub("", piece.strip())
    return _TRAILING_SOFT.sub("", piece)


def _join(left: str, right: str) -> str:
    return left + right if _ENDS_SENTENCE.search(left) else f"{left}，{right}"


def _cap(piece: str, limit: int = MAX_STATEMENT_CHARS) -> list[str]:
    """Cut an over-long statement at commas; a comma-less run is cut hard at the limit."""
    if len(piece) <= limit:
        return [piece]
    out, current = [], ""
    for part in _COMMA.split(piece):
        while len(part) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(part[:limit])
            part = part[limit:]
        if len(current) + len(part) > limit:
            out.append(current)
            current = ""
        current += part
    if current:
        out.append(current)
    return [p for p in (_clean(x) for x in out) if _CONTENT.search(p)]


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Raw pieces, each with whether an enumeration marker followed it (a lead-in)."""
    out, start = [], 0
    for m in _BREAK.finditer(text):
        if m.lastgroup == "end":
            out.append((text[start:m.end()], False))
        else:
            out.append((text[start:m.start()], m.lastgroup == "marker"))
        start = m.end()
    out.append((text[start:], False))
    return out


def split_statements(text: str) -> list[str]:
    """Split one answer into statements, dropping enumeration markers and empty pieces.

    Fragments too short to stand alone are merged into a neighbour; a lead-in that ends in a
    colon ("主要问题：一是……") is prefixed to the first item it introduces.
    """
    return _split(normalize(text))


def _split(text: str) -> list[str]:
    """`split_statements` of a text already normalised."""
    pieces: list[str] = []
    carry = ""  # a lead-in waiting for the item it introduces
    for raw, before_marker in _pieces(text):
        stripped = raw.strip()
        piece = _clean(raw)
        if not _CONTENT.search(piece):
            continue
        if before_marker and stripped[-1:] in "：:":
            carry = _join(carry, stripped) if carry else stripped
            continue
        if carry:
            piece, carry = carry + piece, ""
        pieces.append(piece)
    if carry:
        pieces.append(_clean(carry))

    merged: list[str] = []
    pending = ""  # a short fragment at the start, waiting for a following piece
    for piece in pieces:
        if pending:
            piece, pending = _join(pending, piece), ""
        if _stands_alone(piece):
            merged.append(piece)
        elif merged:
            merged[-1] = _join(merged[-1], piece)
        else:
            pending = piece
    if pending:
        merged.append(pending)  # the whole answer is short: keep it as it is

    out: list[str] = []
    for piece in merged:
        out.extend(_cap(piece))
    return out


# --- rows → statements ---------------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    row: int  # 0-based index into the input sequence
    text: str


def _as_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value if isinstance(value, str) else str(value)


def to_statements(texts: Sequence[str | None], split: bool = True) -> list[Statement]:
    """Statements of every row, in order; empty, None/NaN and "无"-style rows give none.

    With `split=False` each row is one statement (normalised, not capped).
    """
    out: list[Statement] = []
    for row, value in enumerate(texts):
        text = _as_text(value)
        if text is None:
            continue
        whole = normalize(text)
        if whole.lower().rstrip("。.！!") in _NO_ANSWER:
            continue
        if split:
            parts = _split(whole)
        else:
            parts = [whole] if _CONTENT.search(whole) else []
        seen: set[str] = set()
        for part in parts:
            if part not in seen:
                seen.add(part)
                out.append(Statement(row, part))
    return out
