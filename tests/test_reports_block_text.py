"""What a report block's text may hold on its way to the Word file: invisible and
direction-changing marks are stripped (issue 21, item 8), and a long block costs time linear in
its lines (item 7: seven blocks of 10,000 one-character lines made report.docx in 484 s)."""
from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from sqlalchemy import select
from support.report import make_evaluation
from support.staff import add_staff, log_in

from survey.extensions import db
from survey.models import StaffUser
from survey.reports import blocks
from survey.reports.data import evaluation_for_code
from survey.reports.docx_layout import Writer
from survey.reports.drafts import BLOCKS
from survey.reports.models import ReportBlock

INVISIBLE = "\u202e\u202d\u200b\u200c\u200d\u2066\u2069\ufeff\u00ad\u061c"


@pytest.fixture
def staff(app, client):
    code = make_evaluation(app)
    add_staff(app)
    log_in(client)
    return code, client


def _document_xml(reply) -> str:
    with zipfile.ZipFile(io.BytesIO(reply.data)) as z:
        return z.read("word/document.xml").decode()


def _save(client, code: str, key: str, text: str, version: int = 0):
    page = client.get(f"/staff/reports/{code}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client.post(f"/staff/reports/{code}/blocks/{key}",
                       data={"action": "save", "text": text, "version": version, "csrf_token": token})


def test_invisible_marks_are_stripped_before_storing_and_before_the_word_file(app, staff):
    code, client = staff
    typed = "本单位将\u202e价定\u202c认真\u200b吸纳\u2066意见\u2069，\ufeff推动落实。"
    assert _save(client, code, "application", typed).status_code == 302
    with app.app_context():
        evaluation = evaluation_for_code(code)
        stored = db.session.scalar(select(ReportBlock).where(ReportBlock.evaluation_id == evaluation.id,
                                                             ReportBlock.key == "application"))
        assert stored.text == "本单位将价定认真吸纳意见，推动落实。"
        # a block stored before the rule (written directly) loses them on its way to the file
        stored.text = "此前保存的\u202e文字\u200b。"
        db.session.commit()
    xml = _document_xml(client.get(f"/staff/reports/{code}/report.docx"))
    assert "此前保存的文字。" in xml
    assert not any(c in xml for c in INVISIBLE)
    html = client.get(f"/staff/reports/{code}").get_data(as_text=True)
    assert "此前保存的文字。" in html and "\u202e" not in html


def test_a_block_of_nothing_but_invisible_marks_is_empty(app, staff):
    code, client = staff
    reply = _save(client, code, "application", "\u200b\u202e\n\ufeff")
    assert reply.status_code == 400 and "内容不能为空" in reply.get_data(as_text=True)


def test_seven_blocks_of_ten_thousand_lines_make_report_docx_in_under_ten_seconds(app, staff):
    code, client = staff
    text = "\n".join("字" for _ in range(10_000))
    assert len(text) <= blocks.TEXT_MAX
    with app.app_context():
        user = db.session.scalar(select(StaffUser))
        evaluation, _, views = blocks.editor_state(code)
        drafts = {v.key: v.draft for v in views}
        for key, _ in BLOCKS:
            assert blocks.save_block(evaluation, key, text, 0, user, drafts)
        db.session.commit()
    started = time.perf_counter()
    reply = client.get(f"/staff/reports/{code}/report.docx")
    seconds = time.perf_counter() - started
    assert reply.status_code == 200
    assert _document_xml(reply).count("<w:t>字</w:t>") == 7 * 10_000
    assert seconds < 10, f"report.docx took {seconds:.1f} s"


def test_copied_paragraphs_keep_the_first_ones_format():
    """The lines after a block's first are copies of it (docx_layout.Writer.paragraphs)."""
    w = Writer()
    w.paragraphs("甲\n\n乙\n丙")
    assert [p.text for p in w.doc.paragraphs] == ["甲", "乙", "丙"]
    first, last = (w.doc.paragraphs[i] for i in (0, 2))
    fonts = last.runs[0]._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"
    assert last.paragraph_format.first_line_indent == first.paragraph_format.first_line_indent
    assert w.doc.element.body[-1].tag.endswith("sectPr")  # the section properties stay last


def test_pictures_after_long_blocks_scan_the_document_once(monkeypatch):
    """python-docx scans the whole document for a free id on each picture (0.4 s a picture after
    70,000 lines); the writer scans once and counts, and every picture still gets its own id."""
    import io as _io

    from docx.parts.story import StoryPart
    from PIL import Image

    scans = []
    original = StoryPart.next_id
    monkeypatch.setattr(StoryPart, "next_id", property(lambda part: scans.append(1) or original.fget(part)))
    buf = _io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buf, format="PNG")
    w = Writer()
    w.paragraphs("\n".join("字" for _ in range(2_000)))
    for n in range(5):
        w.picture(buf.getvalue(), 1_000_000, f"图{n}")
    assert len(scans) == 1
    ids = [int(i) for i in w.doc.element.body.xpath(".//wp:docPr/@id")]
    assert len(ids) == 5 and len(set(ids)) == 5
    out = _io.BytesIO()
    w.doc.save(out)  # still a valid package
    assert out.tell() > 0
