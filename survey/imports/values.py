"""Answer cells → the values the phone form posts: a rating as "1".."5" or "na" (不了解),
a respondent type as one of the session's types. Errors are Chinese reasons for the row list.

Ratings go through a value mapping per column (`column_scale`): every distinct answer in the
column and the score it becomes, guessed from the common Chinese scales and shown on the
preview, where staff change it (or with `--values` on the command line)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

from analysis.plan import DEFAULT_RESPONDENT_TYPES, OTHER_TYPE, RespondentType

from ..answers import SCALE, UNKNOWN
from ..roster import match_org_type
from . import platforms

# Words for each score as questionnaires write them; the phone form's own words (很好…很差) first.
# Scales with more than five steps fold onto five: 非常满意 and 很满意 are both 5.
_SCORE_WORDS = {word: value for value, word in SCALE}
_SCORE_WORDS.update({
    "非常满意": "5", "很满意": "5", "满意": "4", "比较满意": "4", "较满意": "4", "基本满意": "3", "一般": "3",
    "不太满意": "2", "比较不满意": "2", "较不满意": "2", "不满意": "2", "很不满意": "1", "非常不满意": "1",
    "非常同意": "5", "很同意": "5", "完全同意": "5", "同意": "4", "比较同意": "4", "基本同意": "3", "中立": "3",
    "不确定": "3", "不太同意": "2", "比较不同意": "2", "不同意": "2", "很不同意": "1", "非常不同意": "1",
    "完全不同意": "1",
    "十分满意": "5", "十分不满意": "1", "十分同意": "5", "十分不同意": "1",
    "非常好": "5", "好": "4", "比较好": "4", "差": "2", "比较差": "2", "非常差": "1",
    "优秀": "5", "良好": "4", "中等": "3", "合格": "3", "较弱": "2", "很弱": "1",
    "非常重要": "5", "很重要": "5", "重要": "4", "比较重要": "4", "不太重要": "2", "不重要": "1",
})
_UNKNOWN_WORDS = frozenset({"不了解", "不清楚", "不知道", "无法评价", "无法判断", "不好说", "说不清", "不适用",
                            "na", "n/a"})
# the words after a score start with no digit: "10" is not 1 followed by a label "0"
_SCORE = re.compile(r"^([1-5])(?:\.0)?\s*(?:分|星)?(?:\s*[（(]?\s*([^\d\s]\S*?)\s*[）)]?)?$")
_INTEGER = re.compile(r"^(\d{1,2})(?:\.0)?\s*分?$")
_STARS = re.compile(r"^(★{1,5})☆*$|^(\d)\s*(?:星|颗星)$")
# 按序号 downloads number the options in the form's order: 1 很差 … 5 很好, 6 不了解.
_NUMBERED_UNKNOWN = str(len(SCALE) + 1)
RATING_HELP = "1–5 或 1–10 分、星级、满意/同意/好坏等常见说法或不了解"
NOT_A_SCORE = ""  # in a value mapping: this answer is not a rating (its rows are listed)
SCORE_CHOICES = (("5", "5 很好"), ("4", "4 较好"), ("3", "3 一般"), ("2", "2 较差"), ("1", "1 很差"),
                 (UNKNOWN, "不了解（不计分）"), (NOT_A_SCORE, "不是评分（该行列为有问题）"))
SCORE_LABELS = dict(SCORE_CHOICES)
SCORE_SHORT = {"5": "5分", "4": "4分", "3": "3分", "2": "2分", "1": "1分", UNKNOWN: "不了解", NOT_A_SCORE: "不是评分"}


class ValueProblem(ValueError):
    """A cell that cannot be read; the message says what was found and what is expected."""


# --- numbers however they are written ---------------------------------------------------------
# One normaliser for every rating and type value (imports, `pingjia import`, the paper entry
# page): ①–⑳, ❶, ⒈, superscripts ¹²³, full-width and other scripts' digits, Roman numerals and
# Chinese numerals (五, 十五, 两, 壹) are read as the number they write; str.isdigit() alone says
# True for ① and ² and int() then fails, which was a 500.
_CHINESE = {"零": 0, "〇": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4,
            "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CHINESE_NUMBER = re.compile(r"^(?:([一二两三四五六七八九壹贰叁肆伍陆柒捌玖])?([十拾]))?([零〇一二两三四五六七八九幺壹贰叁肆伍陆柒捌玖])?$")
_NUMBER_DIGITS = 3  # no rating, option or type number is longer; a longer run is not one of them
_UNITS = re.compile(r"^\s*(?:分|星|颗星|个星)?\s*$")  # what may follow a Chinese numeral (五分, 三星)


def _digit(char: str) -> int | None:
    """The value of one character that writes a whole number (4, ４, ④, ⁴, ❹, ⒋, Ⅳ, ⑩)."""
    for read in (unicodedata.decimal, unicodedata.digit):
        try:
            return read(char)
        except (ValueError, TypeError):
            pass
    value = unicodedata.numeric(char, None) if len(char) == 1 and not _CHINESE_NUMBER.match(char) else None
    return int(value) if value is not None and value == int(value) and 0 <= value <= 50 else None


def written_number(text: str) -> int | None:
    """The whole number `text` writes (spaces ignored), or None: "4", "４", "④", "⁴", "⑩", "五",
    "十五", "两"; None for anything else, and for runs longer than a rating or option number."""
    text = "".join(text.split())
    if not text or len(text) > _NUMBER_DIGITS:
        return None
    chinese = _CHINESE_NUMBER.match(text)
    if chinese and any(chinese.groups()):
        tens, ten, ones = chinese.groups()
        return (_CHINESE[tens] if tens else 1 if ten else 0) * 10 * bool(ten) + (_CHINESE[ones] if ones else 0)
    digits = [_digit(c) for c in text]
    if None in digits or (len(digits) > 1 and any(d > 9 for d in digits)):
        return None
    value = 0
    for d in digits:
        value = value * 10 + d
    return value


def canonical_option(option: str) -> str:
    """An answer with the number it starts with written in ASCII digits ("⑤很好" → "5很好",
    "五分" → "5分", "４星" → "4星"); a Chinese numeral only when nothing but 分/星 follows
    (一般 and 十分满意 are words)."""
    end = 0
    while end < len(option) and end <= _NUMBER_DIGITS and (_digit(option[end]) is not None or option[end] in _CHINESE
                                                            or option[end] in "十拾"):
        end += 1
    while end and written_number(option[:end]) is None:
        end -= 1
    if not end:
        return option
    head, rest = option[:end], option[end:]
    if any(c in _CHINESE or c in "十拾" for c in head) and not _UNITS.match(rest):
        return option
    return f"{written_number(head)}{rest}"


def option_of(value: str) -> str | None:
    """The one option a rating cell holds (spaces removed), or None when blank or skipped."""
    parts = platforms.choices(value)
    if not parts:
        return None
    if len(parts) > 1:
        raise ValueProblem(f"“{value}”选了多个评分")
    return (parts[0][0] or parts[0][1]).replace(" ", "")


def guess(option: str, *, numbered: bool = False, ten: bool = False) -> str:
    """The score an answer most likely means ("1".."5", "na"), or NOT_A_SCORE. `ten`: the column
    is a 1–10 scale (1–2 → 1 … 9–10 → 5)."""
    option = canonical_option(option)
    if numbered and option == _NUMBERED_UNKNOWN and not ten:
        return UNKNOWN
    if option in _UNKNOWN_WORDS or option.lower() in _UNKNOWN_WORDS:
        return UNKNOWN
    if option in _SCORE_WORDS:
        return _SCORE_WORDS[option]
    number = _INTEGER.match(option)
    if ten and number and 0 <= int(number.group(1)) <= 10:
        return str(max(1, (int(number.group(1)) + 1) // 2))
    match = _SCORE.match(option)
    if match and (match.group(2) is None or _SCORE_WORDS.get(match.group(2), match.group(1)) == match.group(1)):
        return match.group(1)  # "5", "5分", "5 很好", "5（非常满意）"
    stars = _STARS.match(option)
    if stars:
        count = len(stars.group(1)) if stars.group(1) else int(stars.group(2))
        if 1 <= count <= 5:
            return str(count)
    return NOT_A_SCORE


def is_ten_point(options: Sequence[str], *, numbered: bool = False) -> bool:
    """Whether a column's numbers go beyond 5 (6 too in a 按序号 download, where it is 不了解)."""
    numbers = [int(m.group(1)) for m in map(_INTEGER.match, map(canonical_option, options)) if m]
    return bool(numbers) and max(numbers) > (6 if numbered else 5) and max(numbers) <= 10


def column_options(cells: Sequence[str]) -> Counter[str]:
    """Each distinct answer in a rating column and how often it occurs (blank and skipped left out,
    cells with several choices too: those rows are listed as problems)."""
    counts: Counter[str] = Counter()
    for cell in cells:
        try:
            option = option_of(cell)
        except ValueProblem:
            continue
        if option is not None:
            counts[option] += 1
    return counts


def column_scale(cells: Sequence[str], *, numbered: bool = False,
                 overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Answer → score for one rating column: the guess for each distinct answer, then staff's
    choices (`overrides`, answer → "1".."5", "na" or NOT_A_SCORE) on top."""
    options = list(column_options(cells))
    ten = is_ten_point(options, numbered=numbered)
    scale = {o: guess(o, numbered=numbered, ten=ten) for o in options}
    for option, score in (overrides or {}).items():
        if score in SCORE_LABELS:
            scale[option.replace(" ", "")] = score
    return scale


def rating(value: str, *, numbered: bool = False, scale: Mapping[str, str] | None = None) -> str:
    """A rating cell as the phone form posts it: "1".."5", or "na" for 不了解, skipped or blank
    (Rating.score None: the person did not rate this goal). `scale` is the column's mapping."""
    option = option_of(value)
    if option is None:
        return UNKNOWN
    score = scale[option] if scale is not None and option in scale else guess(option, numbered=numbered)
    if score == NOT_A_SCORE:
        raise ValueProblem(f"“{value}”不是评分")
    return score


def parse_scale_text(text: str) -> dict[str, str]:
    """`值:分,值:分` as --values writes it (分 is 1–5 or 不了解) → answer → score."""
    out = {}
    for pair in re.split(r"[,，;；]", text):
        if not pair.strip():
            continue
        answer, sep, score = pair.replace("：", ":").rpartition(":")
        score = score.strip()
        score = UNKNOWN if score in ("不了解", "na", "不计分") else score
        if not sep or not answer.strip() or score not in SCORE_LABELS or score == NOT_A_SCORE:
            raise ValueProblem(f"“{pair.strip()}”应写成 值:分，分为 1–5 或“不了解”，例如 很满意:5")
        out[answer.strip().replace(" ", "")] = score
    return out


def organisation_type(value: str, organisation: str, roster: dict[str, str], *, numbered: bool = False,
                      types: Sequence[RespondentType] = DEFAULT_RESPONDENT_TYPES,
                      missing: str | None = None, strict: bool = False) -> str:
    """The type written in the cell: an option number when `numbered`, else a type's name or
    alias; a type the session does not list becomes 其他 (the preview shows which did). An
    empty cell (or no type column) takes the type the roster gives this organisation, else
    `missing` ("" in an anonymous session, 其他 when staff chose to import incomplete rows);
    with `missing` None such a row is a problem. `strict` (the paper entry page, where staff can
    retype at once): an unknown type or option number is a problem rather than 其他."""
    names = [t.name for t in types]
    parts = platforms.choices(value)
    if len(parts) > 1:
        raise ValueProblem(f"单位类型“{value}”选了多项")
    if parts:
        option, typed = parts[0]
        index = written_number(option) if numbered else None
        if index is not None:
            if 1 <= index <= len(names):
                return names[index - 1]
            if strict:
                raise ValueProblem(f"单位类型选项序号“{option}”超出范围（1–{len(names)}）")
            return OTHER_TYPE
        kind = match_org_type(option, types) or (match_org_type(typed, types) if not option else None)
        if kind is None and strict:
            raise ValueProblem(f"单位类型“{value}”不在可选范围内（{'、'.join(names)}）")
        return kind or OTHER_TYPE
    kind = roster.get(organisation.strip())
    if kind is not None:
        return kind
    if missing is None:
        raise ValueProblem("缺少单位类型（该单位也不在参会名单中，无法自动补全）")
    return missing
