"""The review workspace's JSON requests, read strictly: every field has one type, ids are
positive integers the database can hold, numbers are finite, nesting is shallow, strings are
cleaned. Anything else is a `ReviewError` (400 with a Chinese message), never a 500 and
never a guess ("12" is not statements 1 and 2).

A selection is either explicit ids (with the version of each row the page showed, so a row
changed since is refused) or "everything the filter shows" (`{"filter": "<query string>",
"count": n, "state": "<digest>"}`), resolved on the server: any number of statements in a
small request.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from werkzeug.datastructures import MultiDict

from ..cleaning import clean_text
from .queries import ReviewError

ID_MAX = 2**31 - 1  # PostgreSQL integer; SQLite would take more, the schema does not
DEPTH_MAX = 8
IDS_MAX = 5000  # explicit ids per request; larger selections go by filter
BAD = "请求内容有误，请刷新页面后重试"
# Marks that change how text reads without being visible (bidi overrides, zero-width) and
# non-characters: a theme name is shown in pages, Word and Excel, where they do harm.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]")


def _reject_constant(name: str):
    raise ValueError(f"non-finite number {name}")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("non-finite number")
    return value


def _depth(value, limit: int) -> int:
    stack, deepest = [(value, 1)], 1
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def parse(body: bytes) -> dict:
    """The request body as a dict, or ReviewError."""
    if body.count(b"[") + body.count(b"{") > 20000:
        raise ReviewError(BAD)
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise ReviewError("请求内容无法识别，请刷新页面后重试") from None
    if not isinstance(data, dict) or _depth(data, DEPTH_MAX) > DEPTH_MAX:
        raise ReviewError("请求内容无法识别，请刷新页面后重试")
    return data


def an_id(value, what: str = "编号") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        raise ReviewError(f"{what}有误，请刷新页面")
    return value


def ids(value, what: str = "意见编号") -> list[int]:
    if not isinstance(value, list) or len(value) > IDS_MAX:
        raise ReviewError(f"{what}有误，请刷新页面")
    return [an_id(v, what) for v in value]


def text(value, *, required: bool = False, default: str = "") -> str:
    if value is None and not required:
        return default
    if not isinstance(value, str):
        raise ReviewError(BAD)
    return _INVISIBLE.sub("", clean_text(value))


def small_int(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ReviewError(f"{what}应为 {low} 到 {high} 之间的整数")
    return value


# A request from the page carries the version of every row it changes; one without them could
# not tell a colleague's decision made since the page loaded from none, and overwrote it (issue
# 21: 200, not 409, on both databases). The CLI and the job call the decisions directly.
MISSING_VERSIONS = "请求没有带上页面显示时的版本，无法确认其他工作人员是否已修改这些内容，未做任何修改。请刷新页面后重试。"


def versions(value) -> dict[int, int]:
    """{"<id>": version} as the page showed it; absent → empty (`require_versions` refuses)."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > IDS_MAX:
        raise ReviewError(BAD)
    out = {}
    for key, version in value.items():
        if not isinstance(key, str) or not key.isdigit():
            raise ReviewError(BAD)
        out[an_id(int(key))] = an_id(version)
    return out


def require_versions(ids, shown: dict[int, int]) -> None:
    """Every row the request changes must come with the version the page showed."""
    if any(i not in shown for i in ids):
        raise ReviewError(MISSING_VERSIONS)


@dataclass
class Selection:
    """Which statements an action is for."""

    ids: list[int] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)
    filter: MultiDict | None = None  # select all that the filter shows
    count: int | None = None
    state: str | None = None


def selection(payload: dict) -> Selection:
    everything = payload.get("all")
    if everything is None:
        chosen = Selection(ids(payload.get("statements") or []), versions(payload.get("versions")))
        require_versions(chosen.ids, chosen.versions)
        return chosen
    if not isinstance(everything, dict):
        raise ReviewError(BAD)
    query = everything.get("filter", "")
    if not isinstance(query, str) or len(query) > 2000:
        raise ReviewError(BAD)
    args = MultiDict([(k, clean_text(v)) for k, vs in parse_qs(query).items() for v in vs])
    state = everything.get("state")
    if state is not None and not isinstance(state, str):
        raise ReviewError(BAD)
    count = everything.get("count")
    if state is None or count is None:  # what the page showed: without it, no way to see a change
        raise ReviewError(MISSING_VERSIONS)
    return Selection(filter=args, count=None if count is None else small_int(count, "条数", 0, 10**7), state=state)


def digest(rows) -> str:
    """What the page showed: every (id, version) of the statements a filter selects."""
    h = hashlib.sha256()
    for sid, version in rows:
        h.update(f"{sid}:{version};".encode())
    return h.hexdigest()[:16]
