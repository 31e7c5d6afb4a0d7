"""The report as one print-ready HTML page (A4 @page CSS, images inline as data: URIs), for the
office website and for printing to PDF from a browser: the same body and annexes as the Word
file. Every drafted sentence is a link carrying `data-statements` (the ids of the statements
it stands on); a click shows its evidence beside it (CSS :target, no script), printing hides
it. No script: it prints the same anywhere."""
from __future__ import annotations

import base64

from flask import render_template

from . import wording
from .data import ReportData


def data_uri(data: bytes, content_type: str = "image/png") -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def render_html(data: ReportData, *, links: dict | None = None, style_nonce: str | None = None,
                annexes: bool = True) -> str:
    """links: staff-only toolbar (download and switch links, the scope note), left out of a
    published page."""
    from .charts import add_charts, consensus_charts
    from .drafts import HEADINGS
    from .evidence import block_lines

    charts, type_charts = {}, {}
    if annexes:
        add_charts(data.goals)
        charts = {g.id: data_uri(g.chart_png) for g in data.goals if g.chart_png}
        type_charts = {k: data_uri(v) for k, v in consensus_charts(data).items()}
    photos = [(data_uri(p.path.read_bytes(), p.content_type), p.caption) for p in data.photos]
    return render_template("reports/report.html", r=data, w=wording, charts=charts, type_charts=type_charts, photos=photos,
                           links=links, style_nonce=style_nonce, lines=block_lines(data), headings=HEADINGS,
                           annexes=annexes)
