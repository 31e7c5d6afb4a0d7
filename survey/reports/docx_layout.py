"""The Word layout of a Chinese official document (GB/T 9704), for docx.py to fill.

A4 with GB/T 9704 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), title in
方正小标宋简体 二号, body 仿宋_GB2312 三号 on a fixed 28 pt line, 一、 headings in 黑体 and （一）
headings in 楷体_GB2312, page numbers “— 1 —” in the footer.

Headings are Word heading styles with outline levels (the navigation pane and a table of
contents find them). Word and WPS pick a run's Chinese font from `w:eastAsia`, which
python-docx's `font.name` does not set, so every run and style gets it explicitly; and the
font table declares each GB font with the font Windows ships as its `w:altName`
(仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体), its GB2312 charset and PANOSE,
so a PC without the GB fonts substitutes the right family instead of guessing.
"""
from __future__ import annotations

import copy
import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Cm, Mm, Pt, RGBColor
from lxml import etree

from ..cleaning import strip_invisible

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

# name: (altName, PANOSE-1, family): the fallbacks a PC without the GB fonts uses; charset 86 = GB2312
FONTS = {
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern"),
    "方正小标宋简体": ("宋体", "02000000000000000000", "script"),
    "黑体": ("SimHei", "02010609060101010101", "modern"),
    "仿宋": ("FangSong", "02010609060101010101", "modern"),
    "楷体": ("KaiTi", "02010609060101010101", "modern"),
    "宋体": ("SimSun", "02010600030101010101", "auto"),
}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# style id → (name, East Asian font, size, outline level or None, centred)
STYLES = {
    "Title": ("Title", TITLE_FONT, TITLE_SIZE, None, True),
    "Heading1": ("heading 1", H1_FONT, BODY_SIZE, 0, False),
    "Heading2": ("heading 2", H2_FONT, BODY_SIZE, 1, False),
    "Heading3": ("heading 3", BODY_FONT, BODY_SIZE, 2, False),
}


def _rfonts(rpr):
    """The run properties' <w:rFonts>, made first in its place if missing."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    return fonts


def set_fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    fonts = _rfonts(rpr)
    for attr in list(fonts.attrib):  # theme fonts would win over the named ones
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)


def set_run_font(run, east_asia: str, size=BODY_SIZE, *, bold: bool = False, latin: str = LATIN_FONT) -> None:
    run.font.name = latin
    run.font.size = size
    run.font.bold = bold
    set_fonts(run._element.get_or_add_rPr(), east_asia, latin)


def _paragraph(container, *, align=None, indent=True, exact=True, before=0, after=0, style=None):
    p = container.add_paragraph(style=style)
    fmt = p.paragraph_format
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
    else:  # images: an exact line height would clip them
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = INDENT if indent else Pt(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        p.alignment = align
    return p


def declare_fonts(doc) -> None:
    """Add the GB fonts, with their fallbacks, to the document's font table (word/fontTable.xml)."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    present = {f.get(f"{{{W_NS}}}name") for f in root.findall(f"{{{W_NS}}}font")}
    for name, (alt, panose, family) in FONTS.items():
        if name in present:
            continue
        font = etree.SubElement(root, f"{{{W_NS}}}font", {f"{{{W_NS}}}name": name})
        for tag, value in (("altName", alt), ("panose1", panose), ("charset", "86"), ("family", family),
                           ("pitch", "variable")):
            etree.SubElement(font, f"{{{W_NS}}}{tag}", {f"{{{W_NS}}}val": value})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class Writer:
    def __init__(self):
        self.doc = Document()
        self._shape_id = 0  # the next picture's id once counted (see picture)
        self._page_setup()
        self._styles()
        declare_fonts(self.doc)

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
        set_fonts(rpr, BODY_FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)
        for style_id, (name, font, size, level, centred) in STYLES.items():
            style = self.doc.styles[name]
            ppr = style.element.get_or_add_pPr()
            for tag in ("w:pBdr", "w:contextualSpacing"):
                for el in ppr.findall(qn(tag)):
                    ppr.remove(el)
            fmt = style.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(36) if style_id == "Title" else LINE
            fmt.first_line_indent = Pt(0) if centred else INDENT
            fmt.keep_with_next = True
            if centred:
                fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if level is not None:
                outline = ppr.find(qn("w:outlineLvl"))
                if outline is None:
                    outline = OxmlElement("w:outlineLvl")
                    ppr.append(outline)
                outline.set(qn("w:val"), str(level))
            style.font.size = size
            style.font.bold = style_id == "Heading3"
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.name = LATIN_FONT
            set_fonts(style.element.get_or_add_rPr(), font)

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
    def _styled(self, style_id: str, text: str, *, indent: bool | None = None) -> None:
        name, font, size, _, centred = STYLES[style_id]
        p = self.doc.add_paragraph(style=name)
        if indent is False:
            p.paragraph_format.first_line_indent = Pt(0)
        set_run_font(p.add_run(text), font, size, bold=style_id == "Heading3")

    def title(self, text: str) -> None:
        self._styled("Title", text)
        _paragraph(self.doc, indent=False)  # the blank line under the title

    def h1(self, text: str, *, indent: bool = True) -> None:
        self._styled("Heading1", text, indent=None if indent else False)

    def h2(self, text: str) -> None:
        self._styled("Heading2", text)

    def h3(self, text: str) -> None:
        self._styled("Heading3", text)

    def centred_title(self, text: str, size=Pt(18)) -> None:
        p = _paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=6)
        set_run_font(p.add_run(text), TITLE_FONT, size)

    def body(self, text: str = "", *, lead: str = "", indent: bool = True, align=None, left=None) -> None:
        p = _paragraph(self.doc, indent=indent, align=align)
        if left is not None:
            p.paragraph_format.left_indent = left
        if lead:
            set_run_font(p.add_run(lead), BODY_FONT, bold=True)
        if text:
            set_run_font(p.add_run(text), BODY_FONT)

    def paragraphs(self, text: str) -> None:
        """A block's text: one paragraph per line, in time linear in the lines.

        python-docx's add_paragraph finds the body's <w:sectPr> by scanning the body for it, and
        each formatting setter does the same inside its element: 1–2 ms a paragraph, growing with
        the document (seven blocks of 10,000 one-character lines took 484 s, issue 21). The first
        line is written the ordinary way; every other line is a copy of it with its own text,
        put after the one before, which costs the same whatever the document's length."""
        # a block stored before invisible marks were stripped at saving loses them here
        lines = [line.strip() for line in strip_invisible(text).split("\n") if line.strip()]
        if not lines:
            return
        self.body(lines[0])
        proto = self.doc.element.body[-2]  # the paragraph just added (the last child is <w:sectPr>)
        t = qn("w:t")
        previous = proto
        for line in lines[1:]:
            p = copy.deepcopy(proto)
            p.find(f".//{t}").text = line
            previous.addnext(p)
            previous = p

    def picture(self, data: bytes | Path, width, caption: str = "") -> None:
        p = _paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False, before=6)
        source = io.BytesIO(data) if isinstance(data, bytes) else str(data)
        run = p.add_run()
        set_run_font(run, BODY_FONT)  # even a picture's run: "every run" is what Word/WPS checkers look for
        # python-docx's add_picture finds a free id by scanning the whole document for every
        # picture: after seven blocks of 10,000 lines each of 17 pictures took 0.4 s. One scan,
        # then counted (a picture adds only its own id).
        part = self.doc.part
        rid, image = part.get_or_add_image(source)
        cx, cy = image.scaled_dimensions(width, None)
        self._shape_id = self._shape_id or part.next_id
        run._r.add_drawing(CT_Inline.new_pic_inline(self._shape_id, rid, image.filename, cx, cy))
        self._shape_id += 1
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
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)
        set_run_font(p.add_run(text), font, TABLE_SIZE, bold=bold)

    def page_break(self) -> None:
        run = self.doc.add_paragraph().add_run()
        set_run_font(run, BODY_FONT)
        run.add_break(WD_BREAK.PAGE)
