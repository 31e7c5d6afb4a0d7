"""Annex 1's chart of a goal by respondent type (PNG bytes for the Word report): one horizontal
bar per type, split into agree / neutral / disagree as shares of that type's ratings, with the
counts written on it and n beside the type, so it reads in grey print too.

matplotlib is imported inside the function: the web app and `import analysis.consensus` never
load it. The font is the word clouds' (analysis.clouds.find_cjk_font), passed per text element.
"""
from __future__ import annotations

import io

from .consensus import GoalConsensus
from .consensus_text import goal_note

# agree / neutral / disagree, the page's colours (survey/static/css/consensus.css)
COLOURS = ("#2e7d32", "#b0b7bf", "#c55a11")
TEXT = ("#ffffff", "#1f2328", "#ffffff")
PARTS = ("认可", "中立", "不认可")


def goal_chart(goal: GoalConsensus, *, width_in: float = 6.2, dpi: int = 200) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    from .clouds import find_cjk_font

    font = FontProperties(fname=str(find_cjk_font()), size=8)
    rows = [("全部", goal.overall)] + [(t.type, t.tally) for t in goal.types]
    rows.reverse()  # matplotlib draws the first bar at the bottom
    fig = Figure(figsize=(width_in, 0.9 + 0.32 * len(rows)), dpi=dpi)
    ax = fig.add_subplot()
    for y, (_, t) in enumerate(rows):
        left = 0.0
        for count, colour, ink in zip((t.agree, t.neutral, t.disagree), COLOURS, TEXT):
            share = count / t.n if t.n else 0.0
            ax.barh(y, share, left=left, color=colour, height=0.62)
            if share >= 0.07:
                ax.text(left + share / 2, y, str(count), ha="center", va="center", color=ink, fontproperties=font)
            left += share
    ax.set_yticks(range(len(rows)), [f"{name}（{t.n}人）" for name, t in rows], fontproperties=font)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.5, 1], ["0", "50%", "100%"], fontproperties=font)
    ax.spines[["top", "right"]].set_visible(False)
    note = goal_note(goal)
    title = FontProperties(fname=str(find_cjk_font()), size=9)
    ax.set_title(f"{goal.goal_name}{'（' + note + '）' if note else ''}", fontproperties=title, loc="left")
    handles = [matplotlib.patches.Patch(color=c, label=p) for c, p in zip(COLOURS, PARTS)]
    ax.legend(handles=handles, prop=font, frameon=False, ncols=3, loc="lower right", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
