"""Runs the text analysis over one session's answers and keeps the result in the instance folder.

The web app is a thin caller of `analysis/`: it turns responses into input rows (one per
non-empty 存在问题 / 意见建议 answer), calls `analysis.pipeline.analyze`, and writes the same
files `pingjia analyze` writes, under `instance/analysis/<code>/`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from analysis.report import Source, write_report

from .instance import make_private_dir, make_private_tree
from .models import EvaluationSession

FIELDS = {"problems": "存在问题", "suggestions": "意见建议"}


@dataclass
class SessionInput:
    texts: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    # Where each input row came from, so a statement can be traced back to its response.
    rows: list[dict] = field(default_factory=list)


def session_input(session: EvaluationSession) -> SessionInput:
    data = SessionInput()
    for response in session.responses:
        for name, label in FIELDS.items():
            text = (getattr(response, name) or "").strip()
            if not text:
                continue
            data.texts.append(text)
            data.groups.append(response.organisation_type)
            data.rows.append({"response_id": response.id, "field": name, "field_label": label,
                              "organisation": response.organisation,
                              "organisation_type": response.organisation_type})
    return data


def output_dir(session: EvaluationSession) -> Path:
    return Path(current_app.instance_path) / "analysis" / session.code


def run_session_analysis(session: EvaluationSession, *, wordclouds: bool = True, progress=None) -> Path:
    """Analyse every answer of the session; returns the output folder."""
    from analysis.pipeline import analyze  # loads models: only when an analysis actually runs

    data = session_input(session)
    result = analyze(data.texts, session.plan.definition, groups=data.groups, progress=progress)
    result["rows"] = data.rows
    out = output_dir(session)
    make_private_dir(out)  # answers quoted in the outputs are for staff only
    source = Source(input_name=f"评价活动 {session.code}：{session.title}", text_column="存在问题、意见建议",
                    rows=len(data.texts), split=True, plan_title=session.plan.title,
                    group_column="单位类型")
    write_report(result, out, source, wordclouds=wordclouds, progress=progress)
    make_private_tree(out.parent)  # files 0600, folders 0700, whatever the umask
    return out


def load_result(session: EvaluationSession) -> dict | None:
    path = output_dir(session) / "analysis.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def result_view(result: dict, out: Path) -> list[dict]:
    """Categories in plan order (未归类/新问题 last), each with its themes, largest first."""
    from analysis.report import cloud_name

    def cloud(kind: str, ident: str) -> str | None:
        name = cloud_name(kind, ident)
        return name if (out / "wordclouds" / name).is_file() else None

    total = sum(c["count"] for c in result["categories"]) or 1
    view = []
    for category in result["categories"]:
        themes = sorted((t for t in result["themes"] if t["category"] == category["id"]),
                        key=lambda t: -t["size"])
        view.append({
            **category,
            "share": round(100 * category["count"] / total),
            "cloud": cloud("category", category["id"]),
            "themes": [{**t, "cloud": cloud("theme", t["id"])} for t in themes],
        })
    return view
