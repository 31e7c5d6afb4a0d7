"""Bar charts of a goal's ratings (PNG bytes), drawn with a font that has Chinese glyphs.

The font is the one the word clouds use (analysis.clouds.find_cjk_font: zhplot's Noto Sans
SC, else fontconfig's), passed per text element so matplotlib's global state is untouched.
"""
from __future__ import annotations

import io
from functools import lru_cache

from .data import SCORES, UNKNOWN, GoalSection

# Muted colours that stay distinct when printed in grey.
_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#595959")


@lru_cache(maxsize=1)
def _font():
    from matplotlib.font_manager import FontProperties

    from analysis.clouds import find_cjk_font

    return FontProperties(fname=str(find_cjk_font()))


def goal_chart(goal: GoalSection, *, width_in: float = 6.2, height_in: float = 2.6, dpi: int = 200) -> bytes:
    """Stacked bars: how many gave each score 1-5 (and 不了解), by organisation type."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    font = _font()
    labels = [f"{s}分" for s in SCORES] + [UNKNOWN]
    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    ax = fig.add_subplot()
    bottoms = [0] * len(labels)
    types = goal.by_type or {"全部": goal.overall}
    for i, (kind, summary) in enumerate(types.items()):
        heights = [summary.distribution[s] for s in SCORES] + [summary.unknown]
        ax.bar(labels, heights, bottom=bottoms, color=_COLOURS[i % len(_COLOURS)], width=0.6, label=kind)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    for x, total in enumerate(bottoms):
        if total:
            ax.text(x, total, str(total), ha="center", va="bottom", fontproperties=font, fontsize=9)
    ax.set_ylabel("人数", fontproperties=font, fontsize=9)
    ax.set_ylim(0, max(bottoms + [1]) * 1.2)
    ax.yaxis.get_major_locator().set_params(integer=True)
    for tick in ax.get_xticklabels() + ax.get_yticklabels():
        tick.set_fontproperties(font)
        tick.set_fontsize(9)
    mean = goal.overall.mean_text
    ax.set_title(f"{goal.name}：平均 {mean} 分（{goal.overall.rated} 人打分，{goal.overall.unknown} 人不了解）",
                 fontproperties=font, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    # beside the plot, so it never covers a bar
    ax.legend(prop=_small(font), frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _small(font):
    small = font.copy()
    small.set_size(8)
    return small


def add_charts(goals: list[GoalSection]) -> None:
    for g in goals:
        if g.overall.rated or g.overall.unknown:
            g.chart_png = goal_chart(g)


def consensus_charts(data) -> dict[str, bytes]:
    """Annex 1's chart per compared goal: agree / neutral / disagree by declared type
    (analysis.consensus_chart), goal id → PNG."""
    from analysis.consensus_chart import goal_chart as type_chart

    from .wording import charted_goals

    return {g.goal_id: type_chart(g) for g in charted_goals(data)}
