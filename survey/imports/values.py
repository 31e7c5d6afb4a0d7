"""Answer cells → the values the phone form posts: a rating as "1".."5" or "na" (不了解),
an organisation type as one of ORG_TYPES. Errors are Chinese reasons for the row list."""
from __future__ import annotations

import re

from ..answers import SCALE, UNKNOWN
from ..models import ORG_TYPES
from ..roster import match_org_type
from . import platforms

# Words for each score as questionnaires write them; the phone form's own words (很好…很差) first.
_SCORE_WORDS = {word: value for value, word in SCALE}
_SCORE_WORDS.update({
    "非常满意": "5", "满意": "4", "比较满意": "4", "基本满意": "3", "一般": "3", "不太满意": "2",
    "比较不满意": "2", "不满意": "2", "非常不满意": "1",
    "非常好": "5", "好": "4", "比较好": "4", "差": "2", "比较差": "2", "非常差": "1",
    "优秀": "5", "良好": "4", "中等": "3", "合格": "3", "较弱": "2", "很弱": "1",
})
_UNKNOWN_WORDS = frozenset({"不了解", "不清楚", "不知道", "无法评价", "不好说", "说不清", "na", "N/A"})
_SCORE = re.compile(r"^([1-5])(?:\.0)?\s*(?:分|星)?(?:\s*[（(]?\s*(\S+?)\s*[）)]?)?$")
# 按序号 downloads number the options in the form's order: 1 很差 … 5 很好, 6 不了解.
_NUMBERED_UNKNOWN = str(len(SCALE) + 1)
RATING_HELP = "1–5、很好/较好/一般/较差/很差、非常满意…非常不满意或不了解"


class ValueProblem(ValueError):
    """A cell that cannot be read; the message says what was found and what is expected."""


def rating(value: str, *, numbered: bool = False) -> str:
    """A rating cell as the phone form posts it: "1".."5", or "na" for 不了解, skipped or blank
    (Rating.score None: the person did not rate this goal)."""
    parts = platforms.choices(value)
    if not parts:
        return UNKNOWN
    if len(parts) > 1:
        raise ValueProblem(f"“{value}”选了多个评分")
    option = parts[0][0].replace(" ", "")
    if numbered and option == _NUMBERED_UNKNOWN:
        return UNKNOWN
    if option in _UNKNOWN_WORDS or option.lower() == UNKNOWN:
        return UNKNOWN
    if option in _SCORE_WORDS:
        return _SCORE_WORDS[option]
    match = _SCORE.match(option)
    if match and (match.group(2) is None or _SCORE_WORDS.get(match.group(2), match.group(1)) == match.group(1)):
        return match.group(1)  # "5", "5分", "5 很好", "5（非常满意）"
    if option.startswith("★") and set(option) == {"★"} and len(option) <= 5:
        return str(len(option))
    raise ValueProblem(f"“{value}”不是评分")


def organisation_type(value: str, organisation: str, roster: dict[str, str], *,
                      numbered: bool = False) -> str:
    """The type written in the cell (an option number when `numbered`); else, when the cell is
    empty or the file has no type column, the type the session's roster gives this organisation."""
    parts = platforms.choices(value)
    if len(parts) > 1:
        raise ValueProblem(f"单位类型“{value}”选了多项")
    if parts:
        option, typed = parts[0]
        if numbered and option.isdigit():
            index = int(option)
            if not 1 <= index <= len(ORG_TYPES):
                raise ValueProblem(f"单位类型选项序号“{option}”超出范围（1–{len(ORG_TYPES)}）")
            return ORG_TYPES[index - 1]
        kind = match_org_type(option) or (match_org_type(typed) if not option else None)
        if kind is None:
            raise ValueProblem(f"单位类型“{value}”不在可选范围内（{'、'.join(ORG_TYPES)}）")
        return kind
    kind = roster.get(organisation.strip())
    if kind is None:
        raise ValueProblem("缺少单位类型（该单位也不在参会名单中，无法自动补全）")
    return kind
