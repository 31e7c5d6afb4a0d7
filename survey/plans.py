"""Plan files → the Plan table.

The TOML file stays the thing staff edit; the table keeps its full text so the app can show a
session's goals without the file, and so a re-load of an edited file is visible as an update.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from analysis.plan import load_plan
from analysis.resources import corpus_path

from .extensions import db
from .models import Plan


@dataclass(frozen=True)
class SyncResult:
    plan: Plan
    change: str  # "added", "updated" or "unchanged"

    @property
    def label(self) -> str:
        return {"added": "已新增", "updated": "已更新", "unchanged": "无变化"}[self.change]


def plan_dir() -> Path:
    """The folder `load-plans` reads: config PLAN_DIR, else the bundled corpus/plans."""
    configured = current_app.config.get("PLAN_DIR")
    return Path(configured) if configured else corpus_path("plans")


def sync_plan_file(path: str | Path) -> SyncResult:
    """Validate one plan file and add or update its row. Raises analysis.plan.PlanError
    (`文件: 字段: 原因`) before touching the database. The caller commits."""
    path = Path(path)
    definition = load_plan(path)  # validates, and names the file in every error
    text = path.read_bytes().decode("utf-8-sig")
    row = db.session.get(Plan, definition.id)
    if row is None:
        row = Plan(id=definition.id)
        db.session.add(row)
        change = "added"
    elif row.source_text == text and row.title == definition.title:
        return SyncResult(row, "unchanged")
    else:
        change = "updated"
        row.__dict__.pop("definition", None)  # drop the cached parse of the old text
    row.title = definition.title
    row.document_number = definition.document_number
    row.source_text = text
    row.source_name = path.name
    db.session.flush()
    return SyncResult(row, change)


def sync_plan_dir(folder: str | Path | None = None) -> list[SyncResult]:
    """Load every *.toml in the folder; any bad file stops the whole load (nothing half-done)."""
    folder = Path(folder) if folder else plan_dir()
    return [sync_plan_file(p) for p in sorted(folder.glob("*.toml"))]
