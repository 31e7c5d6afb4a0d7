"""Suggestions → the plan's measures (整改措施), only where a suggestion fits one (issue 24 item 5).

A suggestion supports a measure when it says the measure's own words: at least two of the
measure's specific content words (from its name and description), or one specific term of
three characters or more (保护中心, 代理机构, 服务平台). A word is specific when it is no generic
policy word (加强、推进、完善、工作、建设…) and belongs to at most half of the plan's measures
(知识产权 in every measure of an IP plan tells them apart from nothing). Among the measures a
suggestion fits, the one it shares most with wins; a tie, or no fit, leaves it with none: the
report lists it under 其他建议 (此外), never under the nearest measure.

Calibrated on the demo's and the 营商环境 test sessions' suggestions, labelled by hand before the
rule was written (benchmarks/data/measures_labels.csv, `python benchmarks/measures.py`): the
earlier open-set mapper attached 39 of 77 and 24 of those did not fit (the credit-sharing
platform and the no-penalty list under 加强组织领导); this rule attaches 15, all fitting, and
finds 11 of the 16 plainly supported measures, as the mapper did. The same labels were used
to choose the rule, so these are no held-out figures. A suggestion that fits in meaning but
shares no words with the measure (政策解读要通俗易懂 under 加强宣传引导) is left with none: a
miss staff can correct is better than a wrong placement.

A measure's name is said when the suggestion holds every specific word of it; a name word
also counts as said by a shorter specific word the measure's own text starts it with (宣传普及,
whose text also says 宣传 alone).

No model runs: the job stores each suggestion's measure, and the same text always gets the
same measure.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .plan import Category, Item, Plan

MAX_KEYWORDS = 15
TERM_MIN = 3  # one shared word this long is a term of its own (保护中心), enough by itself
SHARED_MIN = 2  # else this many shared specific words

# Words every measure could hold: they say how, not what (加强执法培训 is about 执法培训).
GENERIC = frozenset(
    "加强 推进 推动 完善 提升 提高 加大 强化 深化 建设 工作 开展 建立 健全 构建 进一步 注重 鼓励 运用 多种 "
    "形式 渠道 水平 行为 结果 每年 制度 问题 政策 企业 部门 相关 方面 全市 市里 成立 积极 持续 不断 全面 "
    "切实 做好 落实 实施 服务 管理 体系 机制 能力 措施 重点 有关".split())


@dataclass(frozen=True)
class MeasureFit:
    """Why a suggestion fits a measure (or not): the measure's specific words it says, and
    whether it says the measure's name (every specific word of the name)."""

    measure: str
    shared: tuple[str, ...]
    names_it: bool = False

    @property
    def fits(self) -> bool:
        return self.names_it or len(self.shared) >= SHARED_MIN or any(len(w) >= TERM_MIN for w in self.shared)


@dataclass(frozen=True)
class MeasureWords:
    """A measure's specific words (name and description) and the specific words of its name."""

    words: tuple[str, ...]
    name: tuple[str, ...]


def _keywords(measure: Item, cut) -> tuple[str, ...]:
    words = [w for w in cut(f"{measure.name}。{measure.description}") if len(w) >= 2]
    return tuple(dict.fromkeys(words))[:MAX_KEYWORDS] or (measure.name,)


def measures_plan(measures: Sequence[Item]) -> Plan:
    """The measures as the categories of a small plan (for callers that map with the mapper)."""
    from .tokenize import ChineseTokenizer

    cut = ChineseTokenizer()
    return Plan(id="measures", title="整改措施", categories=tuple(
        Category(id=m.id, name=m.name, description=m.description or m.name, keywords=_keywords(m, cut))
        for m in measures))


def measure_words(measures: Sequence[Item], cut=None) -> dict[str, MeasureWords]:
    """Each measure's specific words (see the module docstring), in the order they are written."""
    from .tokenize import ChineseTokenizer, is_keyword

    cut = cut or ChineseTokenizer().cut

    def content(text: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for w in cut(text) if len(w) >= 2 and is_keyword(w) and w not in GENERIC))

    words = {m.id: content(f"{m.name}。{m.description}") for m in measures}
    names = {m.id: content(m.name) for m in measures}
    many = len(measures)
    spread = {w: sum(w in ws for ws in words.values()) for ws in words.values() for w in ws}

    def specific(w: str) -> bool:
        return many == 1 or spread.get(w, 0) * 2 <= many

    return {m: MeasureWords(tuple(w for w in words[m] if specific(w)), tuple(w for w in names[m] if specific(w)))
            for m in words}


def _names_it(text: str, mw: MeasureWords) -> bool:
    """The suggestion says every specific word of the measure's name, or, for a name word, a
    shorter specific word the measure's own text starts it with (宣传普及: the text also says
    宣传 alone)."""
    return bool(mw.name) and all(
        w in text or any(w.startswith(v) and v != w and v in text for v in mw.words) for w in mw.name)


def measure_fits(text: str, words: dict[str, MeasureWords]) -> list[MeasureFit]:
    """The measures a suggestion fits, best first (most shared words, then the longer ones)."""
    fits = [MeasureFit(m, tuple(w for w in mw.words if w in text), _names_it(text, mw)) for m, mw in words.items()]
    fits = [f for f in fits if f.fits]
    return sorted(fits, key=lambda f: (-len(f.shared), -sum(map(len, f.shared))))


def map_to_measures(texts: Sequence[str], measures: Sequence[Item], *,
                    representation: str = "auto") -> list[str | None]:
    """For each suggestion, the id of the measure it fits, or None (其他建议).

    `representation` is accepted for the callers that pass it; no model is used."""
    if not texts or not measures:
        return [None] * len(texts)
    words = measure_words(measures)
    out: list[str | None] = []
    for text in texts:
        fits = measure_fits(text or "", words)
        tied = len(fits) > 1 and (len(fits[0].shared), sum(map(len, fits[0].shared))) == \
            (len(fits[1].shared), sum(map(len, fits[1].shared)))
        out.append(fits[0].measure if fits and not tied else None)
    return out
