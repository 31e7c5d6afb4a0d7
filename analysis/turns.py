"""A sentence that turns away from what was said before it: one pattern for the kind stage and the report.

"可就是因为此处路面宽，商贩都纷纷盯上了……", "但是审查周期偏长", "却没人来管", "谁知……", "不料……" open
by turning away: what follows is the middle of a story or the complaint after a concession, not a
statement that stands on its own. So the kind stage does not take the model's praise without a cue for
such a sentence (`analysis._kinds_evidence.praise_allowed`), and a report never opens a praise clause
with one (`survey.reports.speech.praise_clause`).

What is no turn: a turn to now ("但现在企业开办方便多了", "可如今…") is how praise tells before and
after; 可以/可喜/可能 ("可以说这几年变化很大") and 但愿/但凡 only begin with the same character.

Regular expressions only: the web app's report code imports this module, so it loads no model library.
"""
from __future__ import annotations

import re

TURNS_AWAY = re.compile(r"[\s，,]*(?:可(?:就是|是|就)|但(?:是)?(?!愿|凡)|却|然而|谁知|不料)"
                        r"(?!现在|如今|后来|这几年|近几年|今年|目前)")


def turns_away(text: str) -> bool:
    """Whether `text` opens by turning away from what was said before it (see the module's note)."""
    return TURNS_AWAY.match(text) is not None
