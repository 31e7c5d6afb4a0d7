"""Which column holds what: the fields an import can fill, and the automatic matching of a
file's headers to them (staff confirm or change it on the preview page or with --map)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from analysis.plan import Item

from ..models import WRITTEN_FIELDS
from . import platforms
from .readers import Sheet
from .values import NOT_A_SCORE, column_options, column_scale

IGNORE = ""
ORGANISATION, ORG_TYPE, ACHIEVEMENTS, PROBLEMS, SUGGESTIONS, SUBMITTED_AT = (
    "organisation", "organisation_type", "achievements", "problems", "suggestions", "submitted_at")
GOAL_PREFIX = "goal:"
FIELD_LABELS = {ORGANISATION: "单位名称", ORG_TYPE: "单位类型", **WRITTEN_FIELDS, SUBMITTED_AT: "提交时间"}
IGNORE_LABEL = "不导入"

# Header words, checked on the title without its question number.
_ORG_TYPE_WORDS = ("单位类型", "单位性质", "单位类别", "机构类型", "机构性质", "企业类型", "所属类型", "您的身份", "身份类别",
                   "身份", "类型", "性质")
_ORGANISATION_WORDS = ("单位名称", "单位全称", "工作单位", "所在单位", "企业名称", "机构名称", "单位")
_ACHIEVEMENT_WORDS = ("成效", "成绩", "成果", "亮点", "好的方面", "做得好")  # before 问题: "成效和问题" is rare
_PROBLEM_WORDS = ("问题", "困难", "不足", "短板")
_SUGGESTION_WORDS = ("建议", "意见")
_PUNCTUATION = re.compile(r"[\s\"“”‘’'《》〈〉「」、，,。:：;；?？!！()（）\[\]【】]")


def goal_field(goal_id: str) -> str:
    return GOAL_PREFIX + goal_id


def field_choices(goals: Sequence[Item]) -> list[tuple[str, str]]:
    """(field, label) for the mapping drop-downs, 不导入 first."""
    return ([(IGNORE, IGNORE_LABEL)] + [(f, FIELD_LABELS[f]) for f in (ORGANISATION, ORG_TYPE)]
            + [(goal_field(g.id), f"评分：{g.name}") for g in goals]
            + [(f, FIELD_LABELS[f]) for f in (ACHIEVEMENTS, PROBLEMS, SUGGESTIONS, SUBMITTED_AT)])


def field_label(field: str, goals: Sequence[Item]) -> str:
    return dict(field_choices(goals)).get(field, field)


def parse_field(text: str, goals: Sequence[Item]) -> str | None:
    """What staff wrote after `=` in --map: a label (单位名称, 评分：目标名称), a goal's name or
    id, a field key, or 不导入/忽略; None if it names nothing."""
    text = text.strip()
    if text in ("", IGNORE_LABEL, "忽略", "跳过", "-", "none", "ignore"):
        return IGNORE
    for field, label in field_choices(goals):
        if text in (field, label) and field:
            return field
    for goal in goals:
        if text in (goal.id, goal.name, f"评分:{goal.name}"):
            return goal_field(goal.id)
    return None


def _squash(text: str) -> str:
    return _PUNCTUATION.sub("", text)


def _looks_like_ratings(values: list[str], numbered: bool) -> bool:
    counts = column_options(values)
    if not counts:
        return True
    scale = column_scale(values, numbered=numbered)
    good = sum(n for option, n in counts.items() if scale[option] != NOT_A_SCORE)
    return good >= 0.5 * sum(counts.values())  # a few bad cells are bad rows to list, not a text column


def _goal_for(title: str, goals: Sequence[Item]) -> Item | None:
    squashed = _squash(title)
    exact = [g for g in goals if _squash(g.name) == squashed]
    if exact:
        return exact[0]
    inside = [g for g in goals if _squash(g.name) and _squash(g.name) in squashed]
    return max(inside, key=lambda g: len(g.name)) if inside else None


def suggest(sheet: Sheet, goals: Sequence[Item], *, numbered: bool = False) -> dict[int, str]:
    """Column index → field for every column whose header says what it holds; each field is
    given to the first column that claims it, other columns are not imported."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()

    def claim(index: int, field: str) -> None:
        if field not in taken:
            mapping[index] = field
            taken.add(field)

    for index, header in enumerate(sheet.header):
        if header in platforms.META_COLUMNS:
            if header in platforms.SUBMIT_TIME_COLUMNS:
                claim(index, SUBMITTED_AT)
            continue
        title = platforms.question_title(header)
        goal = _goal_for(title, goals)
        if goal is not None and _looks_like_ratings(sheet.column(index), numbered):
            claim(index, goal_field(goal.id))
        elif any(word in title for word in _ORG_TYPE_WORDS):
            claim(index, ORG_TYPE)
        elif any(word in title for word in _ORGANISATION_WORDS):
            claim(index, ORGANISATION)
        elif any(word in title for word in _ACHIEVEMENT_WORDS):
            claim(index, ACHIEVEMENTS)
        elif any(word in title for word in _PROBLEM_WORDS):
            claim(index, PROBLEMS)
        elif any(word in title for word in _SUGGESTION_WORDS):
            claim(index, SUGGESTIONS)
    return mapping


def find_column(sheet: Sheet, name: str) -> int | None:
    """A column named in --map: its full header, the header without its question number, a
    unique start of the header, or its letter as in Excel (A, B, …, AA)."""
    name = name.strip()
    for test in (lambda h: h == name, lambda h: platforms.question_title(h) == name):
        found = [i for i, h in enumerate(sheet.header) if test(h)]
        if len(found) == 1:
            return found[0]
    starts = [i for i, h in enumerate(sheet.header) if h.startswith(name)]
    if len(starts) == 1:
        return starts[0]
    if re.fullmatch(r"[A-Za-z]{1,2}", name):
        index = 0
        for letter in name.upper():
            index = index * 26 + ord(letter) - ord("A") + 1
        if index <= len(sheet.header):
            return index - 1
    return None


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
