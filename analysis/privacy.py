"""Personal information in free text: find it and mask it. The one owner of these rules:
the analysis artefacts (keywords, labels, quotes, word clouds) and the reports and exports
(`survey.reports.privacy` re-exports this module) mask the same things the same way.

Masked: mobile numbers (138****5678) however they are written (1381 234 5678, 138-1234-5678,
138.1234.5678, digit by digit, full-width digits, U+3000 spaces, +86/0086); landlines
(0538-****4567); 18-digit resident ID numbers by shape and a plausible birth date, whatever the
check digit (a typo in the last digit is still someone's ID), also with spaces or dashes, and
15-digit (pre-1999) ID numbers: the birth date is masked; e-mail addresses (z***@example.com,
张***@例子.中国); the names of people on the roster (张丽丽 → 张**), also written with ·, • or
spaces inside, and without the title a roster entry carries (王伟（主任）, "李四 局长" → 李四).

Left alone: amounts (1,380,000元), dates (2023-11-15, 20231115), patent and document numbers
(ZL202310123456.7, CN115000000A, 泰政办字〔2022〕22号), percentages and years: a digit run that
is neither a phone nor an ID by shape and date is more likely a number the report should keep.

`whole=True` masks every character of a match (138********, ****************): the analysis
uses it, so no fragment of an address or number (com, example, 5678) becomes a keyword.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

MASK = "*"
# Titles people add to a name on a roster ("宋庆军教授", "王伟（主任）", "李四 局长").
_TITLES = ("总经理", "副总经理", "董事长", "总工程师", "工程师", "研究员", "副教授", "教授", "博士", "老师",
           "主任", "副主任", "经理", "院长", "副院长", "处长", "科长", "局长", "副局长", "书记", "律师", "先生",
           "女士", "同志", "总监", "部长", "会长", "秘书长", "所长", "厂长", "总裁", "代表", "委员", "主席")
_NAME_DOTS = "·•・‧."
_CJK_NAME = re.compile(rf"^[\u4e00-\u9fff][\u4e00-\u9fff{_NAME_DOTS}]{{1,14}}$")

# Between the digits of one number: at most one space, dash or dot (after U+3000 → space).
_S = r"[ \-.]?"
_MOBILE = re.compile(rf"(?<![\d])(?:(?:\+|00)?86{_S}[ ]?)?(1{_S}[3-9](?:{_S}\d){{9}})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)([(（]?0\d{2,3}[)）]?[- ]?)(\d{3,4})[- ]?(\d{4})(?!\d)")
_ID18 = re.compile(rf"(?<![\dXx])([1-8](?:{_S}\d){{16}}{_S}[\dXx])(?![\dXx])")
_ID15 = re.compile(rf"(?<![\dXx])([1-8](?:{_S}\d){{14}})(?![\dXx])")
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+|[\u4e00-\u9fff]{1,4})"
                    r"(@[\w-]+(?:\.[\w-]+)*\.(?:[A-Za-z]{2,}|中国|公司|网络|中國))")

# Patterns run on a probe of the same length: full-width forms and U+3000 as ASCII, so text
# typed on a Chinese keyboard is caught; the edits then apply to the text as typed.
_PROBE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_MAYBE = re.compile(r"[0-9０-９@＠]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id_number(number: str) -> bool:
    """An 18-digit resident ID number with a correct ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _plausible_birth(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def looks_like_id_number(number: str) -> bool:
    """18 digits (the last may be X) or 15 digits, a region code and a real birth date; the
    check digit is not required (see the module docstring)."""
    if len(number) == 18 and number[:17].isdigit() and number[17] in "0123456789Xx":
        return number[0] in "12345678" and _plausible_birth(number[6:14])
    if len(number) == 15 and number.isdigit():
        return number[0] in "12345678" and _plausible_birth("19" + number[6:12])
    return False


def _split_roster_entry(person: str) -> list[str]:
    person = re.sub(r"[（(][^）)]*[）)]", " ", person or "")  # 王伟（主任）
    out = []
    for part in re.split(r"[、,，;；/]+", person):
        words = part.split()
        # "李四 局长": a title standing alone belongs to the name before it, it is not a name
        words = [w for w in words if w not in _TITLES]
        if len(words) > 1 and all(len(w) <= 2 for w in words) and all(_CJK_NAME.match(w) or
                                                                         len(w) == 1 for w in words):
            words = ["".join(words)]  # "张 三" or "欧阳 娜娜": one name written with a space
        out.extend(words)
    return out


def roster_names(people: Iterable[str]) -> list[str]:
    """The personal names in roster entries ("宋庆军教授" → "宋庆军"); longest first."""
    names = set()
    for person in people:
        for part in _split_roster_entry(person):
            for title in sorted(_TITLES, key=len, reverse=True):
                if part.endswith(title) and len(part) > len(title):
                    part = part[: -len(title)]
                    break
            part = part.strip(_NAME_DOTS)
            if _CJK_NAME.match(part) and len(part.translate({ord(c): None for c in _NAME_DOTS})) >= 2:
                names.add(part)
    return sorted(names, key=lambda n: (-len(n), n))


def _name_pattern(name: str) -> re.Pattern:
    """A roster name however it is spaced or dotted in the text (买买提·艾力, 买买提 • 艾力, 张 三)."""
    chars = [c for c in name if c not in _NAME_DOTS]
    return re.compile(rf"[ {re.escape(_NAME_DOTS)}]*".join(re.escape(c) for c in chars))


def mask_name(name: str) -> str:
    return name[0] + MASK * (len(name) - 1)


def _digits(probe: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if probe[i].isdigit() or probe[i] in "Xx"]


def _each(positions: Iterable[int]) -> list[tuple[int, int, str]]:
    return [(i, i + 1, MASK) for i in positions]


def _find(probe: str, names: Iterable[str], whole: bool):
    """(start, end, edits) of every personal detail, the kinds that hold others first."""
    for m in _EMAIL.finditer(probe):
        if whole:
            yield m.start(), m.end(), _each(i for i in range(m.start(), m.end()) if probe[i] not in "@.")
        else:  # the reports' form: first character, three stars, the domain
            yield m.start(), m.end(), [(m.start() + 1, m.end(1), MASK * 3)]
    for pattern in (_ID18, _ID15):
        for m in pattern.finditer(probe):
            digits = _digits(probe, m.start(1), m.end(1))
            if looks_like_id_number("".join(probe[i] for i in digits)):
                birth = digits[6:14] if len(digits) == 18 else digits[6:12]
                yield m.start(1), m.end(1), _each(digits if whole else birth)
    for m in _MOBILE.finditer(probe):
        digits = _digits(probe, m.start(1), m.end(1))
        yield m.start(), m.end(), _each(digits if whole else digits[3:7])
    for m in _LANDLINE.finditer(probe):
        span = range(m.start(), m.end()) if whole else range(m.start(2), m.end(2))
        yield m.start(), m.end(), _each(i for i in span if probe[i].isdigit())
    for name in sorted(set(names), key=len, reverse=True):
        for m in _name_pattern(name).finditer(probe) if name else ():
            first = m.start() if whole else m.start() + 1
            yield m.start(), m.end(), _each(i for i in range(first, m.end()) if not probe[i].isspace())


def mask_text(text: str | None, names: Iterable[str] = (), *, whole: bool = False) -> str:
    """`text` with personal information masked; None gives "". `whole`: mask every character
    of what is found (for the analysis), not just its middle (for readers)."""
    if not text:
        return ""
    edits = [edit for _, found in _matches(text, names, whole) for edit in found]
    out = text
    for start, end, replacement in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    return out


def _matches(text: str, names: Iterable[str], whole: bool) -> list[tuple[tuple[int, int], list]]:
    names = [n for n in names if n and n[0] in text]
    if not names and not _MAYBE.search(text):
        return []  # no digit, no @, no roster name: nothing to find (the common case, fast)
    probe = text.translate(_PROBE)
    taken: list[tuple[tuple[int, int], list]] = []
    for start, end, found in _find(probe, names, whole):
        if any(start < e and s < end for (s, e), _ in taken):
            continue  # part of something already masked (an ID holds 11-digit runs)
        taken.append(((start, end), found))
    return taken


def personal_data_spans(text: str | None, names: Iterable[str] = ()) -> list[tuple[int, int]]:
    """(start, end) of each phone number, ID number, e-mail address or name found, in order."""
    return sorted(span for span, _ in _matches(text, names, False)) if text else []


def has_personal_data(text: str | None, names: Iterable[str] = ()) -> bool:
    return bool(text) and mask_text(text, names) != text


@dataclass(frozen=True)
class Masker:
    """Masks one evaluation's text: the patterns above plus the names on its roster."""

    names: tuple[str, ...] = ()

    @classmethod
    def for_people(cls, people: Iterable[str]) -> Masker:
        return cls(tuple(roster_names(people)))

    def __call__(self, text: str | None, *, whole: bool = False) -> str:
        return mask_text(text, self.names, whole=whole)


class NoMasking:
    """The staff switch 'show unmasked text' (inside the app, or `--unmasked`)."""

    names: tuple[str, ...] = ()

    def __call__(self, text: str | None, *, whole: bool = False) -> str:
        return text or ""
