"""Which answers the figures are based on, and which arrived since (late answers).

Every run records the answers it read (`AnalysisRun.response_count`, `last_response_id`,
`answers_at`). An answer with a higher id arrived after the last finished run: it is not in
the statements yet, and the session, analysis and review pages (and the report, through
`coverage`) say so ("有 N 份新答卷尚未分析") next to a one-click update, and every figure
says what it is based on ("依据 N 份答卷（截至 …）").
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select

from ..evaluations import find_by_code
from ..extensions import db
from ..models import Evaluation, Response, evaluation_member
from ..timefmt import format_datetime, utc_to_local
from .models import AnalysisRun


@dataclass
class Coverage:
    run: AnalysisRun | None  # the last finished run (None: never analysed)
    analysed: int  # answers the stored figures are based on
    pending: int  # answers that arrived since
    total: int  # answers now
    at: dt.datetime | None  # when the analysed answers were read (UTC)

    @property
    def basis(self) -> str:
        """"依据 12 份答卷（截至 2026-11-30 11:02）": what the figures are based on."""
        if self.run is None:
            return f"尚未分析（已收到 {self.total} 份答卷）"
        when = f"（截至 {format_datetime(utc_to_local(self.at))}）" if self.at else ""
        return f"依据 {self.analysed} 份答卷{when}"

    @property
    def pending_text(self) -> str:
        return f"有 {self.pending} 份新答卷尚未分析" if self.pending else ""


def coverage(evaluation: Evaluation) -> Coverage:
    """The evaluation's answers against its last finished run (for pages and the report)."""
    run = db.session.scalar(select(AnalysisRun).where(AnalysisRun.evaluation_id == evaluation.id,
                                                      AnalysisRun.status == "done")
                            .order_by(AnalysisRun.id.desc()).limit(1))
    answers = (select(func.count()).select_from(Response)
               .join(evaluation_member, evaluation_member.c.session_id == Response.session_id)
               .where(evaluation_member.c.evaluation_id == evaluation.id))
    total = db.session.scalar(answers) or 0
    if run is None:
        return Coverage(None, 0, total, total, None)
    if run.last_response_id is not None:
        pending = db.session.scalar(answers.where(Response.id > run.last_response_id)) or 0
        return Coverage(run, run.response_count, pending, total, run.answers_at or run.finished_at)
    # A run from before runs recorded their answers: what arrived after it started is new.
    since = run.started_at or run.created_at
    pending = db.session.scalar(answers.where(Response.created_at > since)) or 0
    return Coverage(run, total - pending, pending, total, since)


def late_answers(evaluation: Evaluation | None = None, *, session=None) -> dict | None:
    """For templates: what the figures are based on, answers not yet analysed, and where
    the one-click update posts. None for a session never analysed or reviewed."""
    if evaluation is None:
        evaluation = find_by_code(session.code, create=False)
        if evaluation is None:
            return None
    kind = "group" if evaluation.is_group else "session"
    last = db.session.scalar(select(AnalysisRun.status).where(AnalysisRun.evaluation_id == evaluation.id)
                             .order_by(AnalysisRun.id.desc()).limit(1))
    # the last run failed: the pages that show what the figures rest on say so, not only the analysis page
    return {"coverage": coverage(evaluation), "last_failed": last == "failed",
            "run_url": url_for(f"staff.{kind}_analysis_run", code=evaluation.code)}
