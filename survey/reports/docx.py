"""The report as a Word document, in the published seed's structure (layout: docx_layout.py).

The body is the seed's: title, 一 to 五 from the session records, 四 the roster plus every
organisation that answered (an anonymous consultation: answers per respondent type), the
photos, 六 with （一） to （四） from the report blocks (staff's text, else the program's draft),
then the annex note. A section with nothing to show keeps its heading and nothing under it,
as the seed's 五 does: no placeholder text. The annexes, each on its own pages and all optional: 附件1 评分统计 (tables and
one chart per goal, by organisation type; then consensus and divergence across the plan's
declared types: the table, its note and a chart per compared goal), 附件2 意见摘编 (themes with a few quotes attributed
by organisation type), 附件3 意见明细表. Nothing staff-only is written: no draft note, no
review marks; quotes never carry contact details.
"""
from __future__ import annotations

from docx.shared import Cm, Pt

from . import wording as w
from .data import ReportData
from .docx_layout import Writer

ANNEX_NOTE_INDENT = Pt(16 * 5)  # 两字缩进 + “附件：”


def render_docx(data: ReportData, out, *, annexes: bool = True) -> None:
    """Write the report to `out` (a path or a binary file object)."""
    from .drafts import HEADINGS, draft_blocks

    text = data.blocks or draft_blocks(data)
    d = Writer()
    d.title(data.title)

    for key in ("forms", "organisers", "time_place"):
        d.h1(HEADINGS[key])
        d.paragraphs(text[key])
    d.h1("四、参与人员")
    if data.participants:
        d.table(w.PARTICIPANT_HEADER, w.participant_rows(data), [1.4, 10.0, 4.2])
    if data.answers_by_type:
        d.table(w.ANSWER_TYPE_HEADER, w.answer_type_rows(data), [8.0, 4.0])
    d.h1("五、政策评价现场图片")
    for photo in data.photos:
        d.picture(photo.path, Cm(14), photo.caption)

    d.h1("六、政策评价结果")
    for key in ("achievements", "problems", "measures", "application"):
        d.h2(HEADINGS[key])
        d.paragraphs(text[key])

    if annexes:
        _annex_note(d)
        _ratings_annex(d, data)
        _quotes_annex(d, data)
        _statements_annex(d, data)
    d.doc.save(out)


def _annex_note(d: Writer) -> None:
    """附件说明 under the body (GB/T 9704): 附件：1．评分统计 / 2．意见摘编 / 3．意见明细表."""
    d.body("")
    for n, name in enumerate(w.ANNEXES, 1):
        if n == 1:
            d.body(f"附件：{n}．{name}")
        else:
            d.body(f"{n}．{name}", indent=False, left=ANNEX_NOTE_INDENT)


def _annex_head(d: Writer, n: int) -> None:
    d.page_break()
    d.h1(f"附件{n}　{w.ANNEXES[n - 1]}", indent=False)


def _ratings_annex(d: Writer, data: ReportData) -> None:
    from .charts import add_charts

    _annex_head(d, 1)
    d.body(w.ratings_intro(data))
    d.table(w.RATING_HEADER, w.rating_rows(data.goals), [4.2, 1.6, 1.5, 1.2, 1.2, 1.2, 1.2, 1.2, 1.5])
    header, rows = w.type_table(data.goals)
    if len(header) > 2:
        d.body("分单位类型的平均分（括号内为打分人数）：", indent=False)
        first = 4.2
        rest = (15.6 - first) / (len(header) - 1)
        d.table(header, rows, [first] + [rest] * (len(header) - 1))
    add_charts(data.goals)
    for goal in data.goals:
        if goal.chart_png:
            d.picture(goal.chart_png, Cm(14.5))
    _consensus(d, data)


def _consensus(d: Writer, data: ReportData) -> None:
    """Annex 1's second part: per goal how each declared respondent type rated it, its flags,
    the note saying what the types are, and a chart per compared goal."""
    from .charts import consensus_charts

    rows = w.consensus_rows(data)
    if not rows:
        return
    d.body(w.CONSENSUS_HEAD, indent=False)
    d.table(w.CONSENSUS_HEADER, rows, w.CONSENSUS_WIDTHS)
    d.body(w.consensus_note())
    for png in consensus_charts(data).values():
        d.picture(png, Cm(14.5))


def _quotes_annex(d: Writer, data: ReportData) -> None:
    _annex_head(d, 2)
    if w.machine_names_shown(data):
        d.body(w.MACHINE_NOTE)
    for n, category in enumerate(w.annex_categories(data), 1):
        d.h2(f"（{w.cn_number(n)}）{category.name}")
        for lead, quotes in w.annex_themes(category, data.theme_names):
            d.body(w.quotes_text(quotes), lead=lead + ("：" if quotes else "。"))


def _statements_annex(d: Writer, data: ReportData) -> None:
    _annex_head(d, 3)
    rows = w.statement_rows(data)
    if rows:
        d.table(w.STATEMENT_HEADER, rows, [1.2, 7.2, 2.2, 2.5, 2.5])
