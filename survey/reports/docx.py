"""The report as a Word document (python-docx), laid out as a Chinese official document.

A4 with GB/T 9704 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), title in
方正小标宋简体 二号, body 仿宋_GB2312 三号 on a fixed 28 pt line, 一、 headings in 黑体 and （一）
headings in 楷体_GB2312, page numbers “— 1 —” in the footer. Word and WPS pick a run's Chinese
font from `w:eastAsia`, which python-docx's `font.name` does not set, so every run (and the
Normal style) gets it explicitly; machines without these fonts substitute their own.
"""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from . import wording as w
from .data import NEW_ISSUES, ReportData

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(12)  # 小四: tables hold more per line
LINE = Pt(28)
INDENT = Pt(32)  # two characters of 三号
TEXT_WIDTH = Mm(210 - 28 - 26)


def _rfonts(rpr):
    """The run properties' <w:rFonts>, made first in its place if missing."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    return fonts


def set_run_font(run, east_asia: str, size=BODY_SIZE, *, bold: bool = False, latin: str = LATIN_FONT) -> None:
    run.font.name = latin
    run.font.size = size
    run.font.bold = bold
    fonts = _rfonts(run._element.get_or_add_rPr())
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)


def _paragraph(container, *, align=None, indent=True, exact=True, before=0, after=0):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
    else:  # images: an exact line height would clip them
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = INDENT if indent else None
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        p.alignment = align
    return p


class _Writer:
    def __init__(self):
        self.doc = Document()
        self._page_setup()
        self._styles()

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(20)
        self._page_number(section)

    def _styles(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = BODY_SIZE
        rpr = normal.element.get_or_add_rPr()
        _rfonts(rpr).set(qn("w:eastAsia"), BODY_FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)

    def _page_number(self, section) -> None:
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_run_font(p.add_run("— "), PAGE_NUMBER_FONT, Pt(14))
        # a complex field (begin / instruction / separate / result / end): Word, WPS and
        # LibreOffice all update it to the page's number
        for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
            run = p.add_run()
            set_run_font(run, PAGE_NUMBER_FONT, Pt(14))
            if kind == "instr":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            elif kind == "text":
                el = OxmlElement("w:t")
                el.text = text
            else:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            run._element.append(el)
        set_run_font(p.add_run(" —"), PAGE_NUMBER_FONT, Pt(14))

    # -- building blocks --
    def title(self, text: str) -> None:
        p = _paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False, after=12)
        p.paragraph_format.line_spacing = Pt(36)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        set_run_font(p.add_run(text), TITLE_FONT, TITLE_SIZE)

    def note(self, text: str) -> None:
        p = _paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=6)
        set_run_font(p.add_run(text), H2_FONT, Pt(12))

    def h1(self, text: str) -> None:
        set_run_font(_paragraph(self.doc).add_run(text), H1_FONT)

    def h2(self, text: str) -> None:
        set_run_font(_paragraph(self.doc).add_run(text), H2_FONT)

    def body(self, text: str = "", *, lead: str = "", indent: bool = True, align=None) -> None:
        p = _paragraph(self.doc, indent=indent, align=align)
        if lead:
            set_run_font(p.add_run(lead), BODY_FONT, bold=True)
        if text:
            set_run_font(p.add_run(text), BODY_FONT)

    def picture(self, data: bytes | Path, width, caption: str = "") -> None:
        p = _paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False, before=6)
        source = io.BytesIO(data) if isinstance(data, bytes) else str(data)
        run = p.add_run()
        set_run_font(run, BODY_FONT)  # even a picture's run: "every run" is what Word/WPS checkers look for
        run.add_picture(source, width=width)
        if caption:
            c = _paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=6)
            set_run_font(c.add_run(caption), H2_FONT, Pt(14))

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths):  # the grid: LibreOffice and WPS lay out by it
            column.width = Cm(width)
        for i, text in enumerate(header):
            self._cell(table.rows[0].cells[i], text, widths[i], bold=True, font=H1_FONT)
        self._repeat_header(table.rows[0])
        for row in rows:
            added = table.add_row()
            trpr = added._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))  # a row stays on one page
            for i, text in enumerate(row):
                self._cell(added.cells[i], text, widths[i])

    @staticmethod
    def _repeat_header(row) -> None:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)

    @staticmethod
    def _cell(cell, text: str, width_cm: float, *, bold: bool = False, font: str = BODY_FONT) -> None:
        cell.width = Cm(width_cm)
        p = cell.paragraphs[0]
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)
        set_run_font(p.add_run(text), font, TABLE_SIZE, bold=bold)

    def page_break(self) -> None:
        run = self.doc.add_paragraph().add_run()
        set_run_font(run, BODY_FONT)
        run.add_break(WD_BREAK.PAGE)


def render_docx(data: ReportData, out) -> None:
    """Write the report to `out` (a path or a binary file object)."""
    from .charts import add_charts

    add_charts(data.goals)
    d = _Writer()

    d.title(data.title)
    d.note(w.scope_note(data))

    d.h1("一、政策评价形式")
    d.body(data.forms)
    d.h1("二、组织实施单位")
    d.body(data.organisers)
    d.h1("三、时间地点")
    for s in data.sessions:
        d.body(w.place_line(s))
    d.h1("四、参与人员")
    if data.participants:
        d.table(["序号", "单位", "人员", "类型"],
                [[str(i), p.organisation, p.person, p.organisation_type] for i, p in enumerate(data.participants, 1)],
                [1.4, 8.0, 3.0, 3.2])
    else:
        d.body("（未填写参会名单）")
    d.h1("五、政策评价现场图片")
    if data.photos:
        for photo in data.photos:
            d.picture(photo.path, Cm(14), photo.caption)
    else:
        d.body("（尚未上传现场图片）")

    d.h1("六、政策评价结果")
    d.h2("（一）政策实施情况及取得成效")
    d.body(w.goals_intro(data))
    for n, goal in enumerate(data.goals, 1):
        d.body(w.goal_sentences(goal), lead=f"{w.ordinal(n)}{goal.name}。")
        if goal.chart_png:
            d.picture(goal.chart_png, Cm(14.5))
        if goal.quotes:
            d.body("参会人员谈到：" + w.quotes_text(goal.quotes))

    d.h2("（二）存在问题")
    d.body(w.problems_intro(data))
    for n, category in enumerate(data.categories, 1):
        lead, _, rest = w.category_lead(n, category).partition("。")
        d.body(rest, lead=lead + "。")
        for theme in category.themes:
            d.body(w.quotes_text(theme.quotes), lead=w.theme_head(theme) + "：")
    if data.new_issues:
        _, _, rest = w.category_lead(None, data.new_issues).partition("。")
        d.body(rest, lead=f"此外，{NEW_ISSUES}。")
        for theme in data.new_issues.themes:
            d.body(w.quotes_text(theme.quotes), lead=w.theme_head(theme) + "：")

    d.h2("（三）整改措施")
    if not data.measures:
        d.body("（规划文件未列出整改措施）")
    for n, measure in enumerate(data.measures, 1):
        d.body(measure.description, lead=f"{w.ordinal(n)}{measure.name}。")
        if measure.suggestions:
            d.body("参会人员建议：" + w.suggestions_text(measure.suggestions))
    if data.unmatched_suggestions:
        d.body(w.suggestions_text(data.unmatched_suggestions), lead="其他建议：")

    d.page_break()
    d.h1("附件")
    p = _paragraph(d.doc, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=6)
    set_run_font(p.add_run("意见明细表"), TITLE_FONT, Pt(18))
    if data.statements:
        d.table(["序号", "意见", "单位类型", "类别", "主题", "状态"],
                [[str(i), s.text, s.organisation_type, s.category_name,
                  s.theme_label + ("（程序归纳）" if s.theme_label and s.theme_machine_label else ""),
                  "已审核" if s.reviewed else "未审核"]
                 for i, s in enumerate(data.statements, 1)],
                [1.1, 6.6, 2.0, 2.6, 2.6, 1.3])
    else:
        d.body("（无）")
    d.doc.save(out)

