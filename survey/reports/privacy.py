"""Personal information in free text: find it and mask it before a report or export leaves the office.

Pure functions, no Flask. What is masked: mobile numbers (138****5678), landlines
(0538-****4567), 18-digit resident ID numbers whose check digit is valid (370902********123X),
e-mail addresses (z***@example.com) and the names of people on the session's roster
(张丽丽 → 张**). A digit run that only looks like an ID (wrong check digit) is left alone:
it is more likely a patent or case number that the report should keep.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MASK = "*"
# Titles people add after a name on a roster ("宋庆军教授"); the name is what comes before.
_TITLES = ("总经理", "副总经理", "董事长", "总工程师", "工程师", "研究员", "副教授", "教授", "博士", "老师",
           "主任", "副主任", "经理", "院长", "副院长", "处长", "科长", "局长", "书记", "律师", "先生", "女士",
           "同志", "总监", "部长", "会长", "秘书长", "所长", "厂长", "总裁")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")

# Patterns see full-width digits as ASCII (see mask_text), so Chinese-keyboard numbers are caught.
_ID_CARD = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)([(（]?0\d{2,3}[)）]?[- ]?)(\d{3,4})[- ]?(\d{4})(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-])([A-Za-z0-9._%+-]*)(@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")

_FULL_WIDTH = str.maketrans("０１２３４５６７８９＠．", "0123456789@.")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id_number(number: str) -> bool:
    """An 18-digit resident ID number with a correct ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def roster_names(people: Iterable[str]) -> list[str]:
    """The personal names in roster entries ("宋庆军教授" → "宋庆军"); longest first."""
    names = set()
    for person in people:
        for part in re.split(r"[、,，;；/\s]+", person or ""):
            part = part.strip()
            for title in sorted(_TITLES, key=len, reverse=True):
                if part.endswith(title) and len(part) > len(title):
                    part = part[: -len(title)]
                    break
            if _CJK_NAME.match(part):
                names.add(part)
    return sorted(names, key=lambda n: (-len(n), n))


def _id_edits(m: re.Match):
    if valid_id_number(m.group(0)):
        yield m.start() + 6, m.start() + 14, MASK * 8


def _middle_edits(m: re.Match):  # mobiles and landlines: the middle group of digits
    yield m.start(2), m.end(2), MASK * (m.end(2) - m.start(2))


def _email_edits(m: re.Match):
    yield m.start(2), m.end(2), MASK * 3


def mask_name(name: str) -> str:
    return name[0] + MASK * (len(name) - 1)


@dataclass(frozen=True)
class Masker:
    """Masks one evaluation's text: the patterns above plus the names on its roster."""

    names: tuple[str, ...] = ()

    @classmethod
    def for_people(cls, people: Iterable[str]) -> Masker:
        return cls(tuple(roster_names(people)))

    def __call__(self, text: str | None) -> str:
        return mask_text(text, self.names)


def mask_text(text: str | None, names: Iterable[str] = ()) -> str:
    """`text` with personal information masked; None gives ""."""
    if not text:
        return ""
    # Patterns run on a copy with full-width digits made ASCII (same length, same positions),
    # and the edits are applied to the original, so the rest of the text is left as typed.
    probe = text.translate(_FULL_WIDTH)
    edits: list[tuple[int, int, str]] = []
    for pattern, make in ((_EMAIL, _email_edits), (_ID_CARD, _id_edits),  # IDs before phones: they hold
                          (_MOBILE, _middle_edits), (_LANDLINE, _middle_edits)):  # 11-digit runs
        for m in pattern.finditer(probe):
            edits.extend(make(m))
    for name in sorted(set(names), key=len, reverse=True):
        for m in re.finditer(re.escape(name), probe) if name else ():
            edits.append((m.start() + 1, m.end(), MASK * (len(name) - 1)))
    out, taken = text, []
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], -e[1])):
        if any(start < e and s < end for s, e in taken):
            continue  # inside something already masked
        taken.append((start, end))
    for start, end in sorted(taken, reverse=True):
        replacement = next(r for s, e, r in edits if (s, e) == (start, end))
        out = out[:start] + replacement + out[end:]
    return out


class NoMasking:
    """The staff switch 'show unmasked text' (inside the app, or `--unmasked`)."""

    names: tuple[str, ...] = ()

    def __call__(self, text: str | None) -> str:
        return text or ""
