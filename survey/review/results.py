"""Reading an evaluation's stored analysis: the result in the shape `analyze` returns (staff
decisions included), the input rows it was built from, and the derived files (summary.md,
analysis.json, word clouds) written from it. Nothing here runs a model."""
from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.privacy import Masker, roster_names  # rules only: no model library

from ..evaluations import evaluation_responses
from ..extensions import db
from ..instance import make_private_dir, make_private_tree
from ..models import Evaluation
from .models import FIELDS, KINDS, Statement, Theme

if TYPE_CHECKING:  # analysis.report brings jieba's tokenizer and scikit-learn: imported where used
    from analysis.report import Source

Progress = Callable[[str, int, int], None]
QUOTES = 3


@dataclass
class EvaluationInput:
    """Input rows for the pipeline: one per non-empty 取得成效 / 存在问题 / 意见建议 answer."""

    texts: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    rows: list[tuple[int, str]] = field(default_factory=list)  # (response id, field) of each row
    responses: int = 0  # every answer read, with text or not
    last_response_id: int | None = None

    def subset(self, keep: list[int]) -> EvaluationInput:
        return EvaluationInput([self.texts[i] for i in keep], [self.groups[i] for i in keep],
                               [self.rows[i] for i in keep], self.responses, self.last_response_id)


def evaluation_input(evaluation: Evaluation) -> EvaluationInput:
    data = EvaluationInput()
    for response in evaluation_responses(evaluation):
        data.responses += 1
        data.last_response_id = max(data.last_response_id or 0, response.id)
        for name in FIELDS:
            text = (getattr(response, name) or "").strip()
            if text:
                data.texts.append(text)
                data.groups.append(response.organisation_type)
                data.rows.append((response.id, name))
    return data


def stored_result(evaluation: Evaluation) -> dict | None:
    """The current state (staff decisions included) in the shape `analyze` returns, so the
    report writer and the page read it the same way; excluded statements are left out.
    None before the first analysis."""
    rows = db.session.execute(
        select(Statement).where(Statement.evaluation_id == evaluation.id)
        .options(selectinload(Statement.response)).order_by(Statement.response_id, Statement.field, Statement.position)).scalars().all()
    if not rows:
        return None
    kept = [s for s in rows if s.status != "excluded"]
    plan = evaluation.plan.definition
    tally = Counter(s.category for s in kept)
    members: dict[int, list[Statement]] = defaultdict(list)
    for s in kept:
        if s.theme_id is not None:
            members[s.theme_id].append(s)
    themes = db.session.scalars(select(Theme).where(Theme.id.in_(list(members))).order_by(Theme.id)).all()
    mask = Masker.for_people(evaluation.roster_people)
    return {
        "statements": [{"id": s.id, "response_id": s.response_id, "text": s.text, "category": s.category,
                        "confidence": s.machine_confidence,
                        "theme": str(s.theme_id) if s.theme_id is not None else "",
                        "status": s.status, "field": s.field, "kind": s.kind, "review_rank": s.review_rank,
                        "organisation_type": s.response.organisation_type} for s in kept],
        "categories": [{"id": ident, "name": name, "count": tally.get(ident, 0)}
                       for ident, name in plan.category_choices()],
        "themes": [_theme_dict(t, members[t.id], mask) for t in themes],
        "kinds": [{"id": k, "name": name, "count": sum(s.kind == k for s in kept)} for k, name in KINDS.items()],
        "excluded": len(rows) - len(kept),
    }


def _theme_dict(theme: Theme, statements: list[Statement], mask: Masker) -> dict:
    # The quotes are shown on the analysis page and in summary.md: masked (personal data and the
    # roster's names). The machine stores them masked, so they are matched against the members'
    # masked text; comparing them with the raw text matched none that held a name or a phone,
    # and the raw statements filled their place (issue 21). Quotes stored raw by an older run
    # are masked here as well.
    texts = {mask(s.text) for s in statements}
    quotes = list(dict.fromkeys(q for q in map(mask, theme.representatives) if q in texts))
    for s in sorted(statements, key=lambda s: -s.machine_confidence):  # staff moved the quotes away
        if len(quotes) >= QUOTES:
            break
        if mask(s.text) not in quotes:
            quotes.append(mask(s.text))
    groups = Counter(s.response.organisation_type for s in statements)
    mix = {k: sum(s.kind == k for s in statements) for k in ("problem", "suggestion", "praise")}
    return {"id": str(theme.id), "category": theme.category, "label": theme.label,
            "kind": max(mix, key=lambda k: (mix[k], k == "problem")), "kinds": mix,
            "machine_label": theme.machine_label, "staff_label": theme.staff_label,
            "label_words": theme.label_words, "keywords": theme.keywords, "size": len(statements),
            "representatives": quotes, "groups": dict(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])))}


def output_dir(evaluation: Evaluation) -> Path:
    return Path(current_app.instance_path) / "analysis" / evaluation.code


def write_derived_files(evaluation: Evaluation, *, wordclouds: bool = True,
                        progress: Progress | None = None) -> Path | None:
    """summary.md, analysis.json and word clouds under instance/analysis/<code>/, from the
    stored state; call again after staff decisions to refresh them."""
    from analysis.report import write_wordclouds

    result = stored_result(evaluation)
    if result is None:
        return None
    out = output_dir(evaluation)
    make_private_dir(out)  # answers quoted in the outputs are for staff only
    names = roster_names(evaluation.roster_people)
    # Drawn in a folder of their own, then put in place at once: the analysis page counts the
    # clouds to know whether they are still coming, and a half-drawn set read as "done".
    drawing = out / ".wordclouds-drawing"
    shutil.rmtree(drawing, ignore_errors=True)
    if wordclouds:
        make_private_dir(drawing)
        write_wordclouds(result, drawing, progress=progress, names=names)  # no roster name in a cloud
    shutil.rmtree(out / "wordclouds", ignore_errors=True)  # themes that ended leave no picture
    if drawing.is_dir():
        drawing.rename(out / "wordclouds")
    _write_summary(evaluation, result, out, names)
    return out


def write_summary(evaluation: Evaluation) -> Path | None:
    """summary.md and analysis.json afresh from the stored state, staff decisions included
    (no model, no drawing: cheap enough to run on each download); word clouds are kept."""
    result = stored_result(evaluation)
    if result is None:
        return None
    out = output_dir(evaluation)
    make_private_dir(out)
    _write_summary(evaluation, result, out, roster_names(evaluation.roster_people))
    return out


def _write_summary(evaluation: Evaluation, result: dict, out: Path, names) -> None:
    """analysis.json (masked: it leaves the server) and summary.md next to the clouds drawn."""
    from analysis.report import summary_markdown, write_json

    write_json(masked_result(result, names), out / "analysis.json")
    clouds = sorted((out / "wordclouds").glob("*.png"))
    (out / "summary.md").write_text(summary_markdown(result, _source(evaluation), clouds=clouds, names=names),
                                    encoding="utf-8")
    make_private_tree(out.parent)  # files 0600, folders 0700, whatever the umask


def masked_result(result: dict, names) -> dict:
    """analysis.json as it leaves the server: every statement's text, quote and label masked as
    the Excel export's are (it holds every statement: 17 of 18 personal details were verbatim)."""
    from analysis.privacy import mask_text

    def themed(theme: dict) -> dict:
        texts = {k: mask_text(theme[k], names) if isinstance(theme.get(k), str) else theme.get(k)
                 for k in ("label", "machine_label", "staff_label")}
        return {**theme, **texts, "representatives": [mask_text(q, names) for q in theme.get("representatives", [])]}

    return {**result, "statements": [{**s, "text": mask_text(s.get("text"), names)} for s in result.get("statements", [])],
            "themes": [themed(t) for t in result.get("themes", [])]}


def _source(evaluation: Evaluation) -> Source:
    from analysis.report import Source

    names = "、".join(s.code for s in evaluation.sessions)
    return Source(input_name=f"评价 {evaluation.code}：{evaluation.title}（活动 {names}）",
                  text_column="取得成效、存在问题、意见建议", rows=len(evaluation_input(evaluation).texts), split=True,
                  plan_title=evaluation.plan.title, group_column="单位类型")


def page_view(result: dict, out: Path) -> list[dict]:
    """Categories in plan order (未归类/新问题 last), each with its themes, largest first."""
    from analysis.clouds import cloud_name

    def cloud(kind: str, ident: str) -> str | None:
        name = cloud_name(kind, ident)
        return name if (out / "wordclouds" / name).is_file() else None

    total = sum(c["count"] for c in result["categories"]) or 1
    view = []
    for category in result["categories"]:
        themes = sorted((t for t in result["themes"] if t["category"] == category["id"]),
                        key=lambda t: -t["size"])
        view.append({**category, "share": round(100 * category["count"] / total),
                     "cloud": cloud("category", category["id"]),
                     "themes": [{**t, "cloud": cloud("theme", t["id"])} for t in themes]})
    return view
