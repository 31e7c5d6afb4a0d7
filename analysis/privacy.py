"""Personal information in free text: find it and mask it. The one owner of these rules:
the analysis artefacts (keywords, labels, quotes, word clouds, summary.md) and the reports,
exports, the report editor's check and photo captions (`survey.reports.privacy` re-exports this
module) mask the same things the same way.

Masked (`_contacts.py`): mobile numbers (138****5678) however they are written (1381 234 5678,
138-1234-5678, 138—1234—5678, digit by digit, full-width digits, U+3000 spaces, +86/0086, and in
Chinese numerals: 一三八一二三四五六七八, 幺, 壹贰叁); landlines (0538-****4567); 18-digit
resident ID numbers by shape and a plausible birth date, whatever the check digit, also with
spaces or dashes, and 15-digit ones: the birth date is masked; e-mail addresses, also disguised
(zhangsan[at]example.com, (at), ＠, " at ", #, [dot]: z***@example.com); QQ and WeChat ids after
their app's name (QQ号 1********, 微信号 w*********); bank cards (16–19 digits, grouped or not,
passing the Luhn check: 6222 **** **** 0128).

Names (`_names.py`): the roster's, also written with ·, • or spaces inside, without the title an
entry carries (王伟（主任）), in traditional characters (張麗麗), and the parts of them people use
(丽丽, 买买提); and names given without a roster: self-introductions (我是/我叫/本人/鄙人 + name,
联系人：王红), a surname with a title (王经理, 李局长, 张三教授, 局长王伟说), a signature closing
the text (……，王小红。), transliterated names with · (热合曼·阿不都拉). Readers see 王** and *经理.

Left alone: amounts (1,380,000元, 一百三十八万元, 13812345678元), dates, patent and document
numbers (ZL202310123456.7, 泰政办字〔2022〕22号), order and certificate numbers that fail the
card check, percentages, years, places and organisations that start like a name (王府井,
张江高科, 高新区), titles with no name (各位局长). Precision and recall on written mentions and
look-alikes, and what the masking does to real text: benchmarks/privacy.py, benchmarks/RESULTS.md.

`whole=True` masks every character of a match (138********, ***********): the analysis uses
it, so no fragment of an address, number or name (com, example, 5678, 丽丽) becomes a keyword.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import _contacts, _names
from ._contacts import looks_like_id_number, valid_id_number  # noqa: F401  (part of this API)

MASK = "*"
# Titles people add to a name on a roster ("宋庆军教授", "王伟（主任）", "李四 局长").
_TITLES = ("总经理", "副总经理", "董事长", "总工程师", "工程师", "研究员", "副教授", "教授", "博士", "老师",
           "主任", "副主任", "经理", "院长", "副院长", "处长", "科长", "局长", "副局长", "书记", "律师", "先生",
           "女士", "同志", "总监", "部长", "会长", "秘书长", "所长", "厂长", "总裁", "代表", "委员", "主席")
_NAME_DOTS = _names.NAME_DOTS
_CJK_NAME = re.compile(rf"^[\u4e00-\u9fff][\u4e00-\u9fff{_NAME_DOTS}]{{1,14}}$")


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


def mask_name(name: str) -> str:
    return name[0] + MASK * (len(name) - 1)


def mask_text(text: str | None, names: Iterable[str] = (), *, whole: bool = False) -> str:
    """`text` with personal information masked; None gives "". `whole`: mask every character
    of what is found (for the analysis), not just its middle (for readers)."""
    if not text:
        return ""
    return _masked(text, tuple(names), whole)


@functools.lru_cache(maxsize=262144)
def _masked(text: str, names: tuple[str, ...], whole: bool) -> str:
    # The pipeline masks each statement more than once (keywords, kinds, quotes): once is work.
    edits = sorted({edit for _, found in _matches(text, names, whole) for edit in found}, reverse=True)
    out = text
    for start, end, replacement in edits:
        out = out[:start] + replacement + out[end:]
    return out


def _matches(text: str, names: Iterable[str], whole: bool) -> list[tuple[tuple[int, int], list]]:
    names = [n for n in names if n]
    taken: list[tuple[tuple[int, int], list]] = []
    for start, end, edits in _contacts.find_all(text, whole) if _contacts.might_contact(text) else ():
        if not any(start < e and s < end for (s, e), _ in taken):  # an ID holds 11-digit runs
            taken.append(((start, end), edits))
    contacts = list(taken)
    for start, end, edits in _names.find(text, names, whole) if names or _names.might_name(text) else ():
        # names may overlap each other (a roster part inside a dotted name: each masks its
        # characters), never a contact, whose edits may change the text's length
        if not any(start < e and s < end for (s, e), _ in contacts):
            taken.append(((start, end), edits))
    return taken


def personal_data_spans(text: str | None, names: Iterable[str] = ()) -> list[tuple[int, int]]:
    """(start, end) of each phone number, ID number, e-mail address or name found, in order
    (names found by two rules may overlap)."""
    return sorted({span for span, _ in _matches(text, names, False)}) if text else []


def has_personal_data(text: str | None, names: Iterable[str] = ()) -> bool:
    """Whether the text holds anything `mask_text` masks: a contact or a name."""
    return bool(text) and mask_text(text, names) != text


def contact_spans(text: str | None) -> list[tuple[int, int]]:
    """(start, end) of each phone, ID number, e-mail address, QQ/WeChat id or bank card, in order
    (no names: for the report, which cuts contact details out of what it quotes)."""
    if not text or not _contacts.might_contact(text):
        return []
    taken: list[tuple[int, int]] = []
    for start, end, _ in _contacts.find_all(text, False):
        if not any(start < e and s < end for s, e in taken):
            taken.append((start, end))
    return sorted(taken)


def has_contact_details(text: str | None) -> bool:
    """Whether the text holds a phone, ID number, e-mail address, QQ/WeChat id or bank card."""
    return bool(contact_spans(text))


def mask_organisation(text: str | None, names: Iterable[str] = (), *, whole: bool = False) -> str:
    """The organisation field: what `mask_text` masks, and a person's name standing as the
    field or as a part of it by itself (people without an organisation write their own name:
    王红, 王红（个人）, 王小红 13812345678)."""
    if not text:
        return ""
    out = list(text)
    for token in re.finditer(r"[^\s,，、;；/|]+", text):
        span = _names.whole_field_name(token.group(0))
        if span is not None:
            first = token.start() + span[0] + (0 if whole else 1)
            out[first:token.start() + span[1]] = MASK * (token.start() + span[1] - first)
    return mask_text("".join(out), names, whole=whole)


@dataclass(frozen=True)
class Masker:
    """Masks one evaluation's text: the patterns above plus the names on its roster."""

    names: tuple[str, ...] = ()

    @classmethod
    def for_people(cls, people: Iterable[str]) -> Masker:
        return cls(tuple(roster_names(people)))

    def __call__(self, text: str | None, *, whole: bool = False) -> str:
        return mask_text(text, self.names, whole=whole)

    def organisation(self, text: str | None, *, whole: bool = False) -> str:
        return mask_organisation(text, self.names, whole=whole)


class NoMasking:
    """The staff switch 'show unmasked text' (inside the app, or `--unmasked`)."""

    names: tuple[str, ...] = ()

    def __call__(self, text: str | None, *, whole: bool = False) -> str:
        return text or ""

    def organisation(self, text: str | None, *, whole: bool = False) -> str:
        return text or ""
