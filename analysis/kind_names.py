"""The statement kinds' vocabulary: their ids, Chinese names, the field priors and the kind of a
statement staff placed. Kept apart from `analysis.kinds` (the model) so the web app can read
and write kinds without importing numpy or scikit-learn: starting the app loads no model library."""
from __future__ import annotations

PROBLEM, SUGGESTION, PRAISE, NONE = "problem", "suggestion", "praise", "none"
KINDS = (PROBLEM, SUGGESTION, PRAISE, NONE)
KIND_NAMES = {PROBLEM: "问题", SUGGESTION: "建议", PRAISE: "肯定", NONE: "无实质内容"}
# The fields of the phone form and imports (survey.review.models.FIELDS), by key or by name; and the 成效
# (achievements) section a policy-evaluation session's record or a table's column gives (`--field-column`):
# what is written there is praise unless it says otherwise (a complaint, a proposal).
FIELD_PRIORS = {"problems": PROBLEM, "存在问题": PROBLEM, "suggestions": SUGGESTION, "意见建议": SUGGESTION,
                "achievements": PRAISE, "成效": PRAISE, "主要成效": PRAISE, "取得成效": PRAISE}


def placed_kind(kind: str | None, field: str | None) -> str | None:
    """The kind of a statement staff placed in a category: an issue whatever the model said —
    praise or none becomes a problem, or a suggestion when typed under 意见建议."""
    if kind not in (PRAISE, NONE):
        return kind
    prior = FIELD_PRIORS.get(field or "", PROBLEM)
    return prior if prior in (PROBLEM, SUGGESTION) else PROBLEM
