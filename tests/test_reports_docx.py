"""The Word report: official-document layout, every run's East Asian font, and the rendered
pages (LibreOffice → PDF → PNG) showing the seed's sections."""
import re
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from support.report import PHONE, make_evaluation

SECTIONS = ["一、政策评价形式", "二、组织实施单位", "三、时间地点", "四、参与人员", "五、政策评价现场图片",
            "六、政策评价结果", "（一）政策实施情况及取得成效", "（二）存在问题", "（三）整改措施",
            "（四）政策评价运用情况", "附件1　评分统计", "附件2　意见摘编", "附件3　意见明细表"]
STAFF_MARKS = ("未审核", "程序归纳", "草稿", "已审核")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def report_file(app, runner, tmp_path):
    code = make_evaluation(app)
    out = tmp_path / "report.docx"
    result = runner.invoke(args=["report", code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 份问卷，9 条意见，其中已审核 4 条" in result.output
    return out


def all_text(path) -> str:
    """Every word of the file: paragraphs, tables, headers and footers (the XML's text nodes)."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return "\n".join("".join(etree.fromstring(z.read(n)).itertext()) for n in z.namelist()
                         if n.startswith("word/") and n.endswith(".xml"))


def body_text(doc) -> str:
    """The paragraphs before the annexes (tables of the body included), as Word counts characters."""
    text = "\n".join(p.text for p in doc.paragraphs)
    return text.split("附件：")[0]


def test_structure_and_layout(report_file):
    doc = Document(report_file)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "关于《泰安市“十四五”知识产权保护和运用规划》的政策评价情况"
    positions = [text.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    body = body_text(doc)
    # （一）introduces the plan, defining the short title before it is used
    assert body.index("（泰政办字〔2022〕22号，以下简称《规划》）") < body.index("《规划》实施以来")
    assert "于2022年5月印发实施" in body
    for goal in ["一是知识产权创造。", "二是知识产权发展环境。", "七是知识产权文化环境。"]:
        assert goal in body
    assert "3位参会代表对此项打分，平均4.0分，评价较高" in body  # creation: 4, 3, 5
    problems = body.split("（二）存在问题")[1].split("（三）整改措施")[0]
    assert "一是企业知识产权意识和能力需要进一步提升。" in problems
    assert "二是知识产权品牌服务机构和高端服务人才缺乏。" in problems
    assert "反映服务机构和人才不足的问题" in problems  # a staff name is used as the clause
    assert "%" not in problems and "“" not in problems
    assert "四是加强执法培训。" in body and "（四）政策评价运用情况" in body
    photos = body.split("五、政策评价现场图片")[1].split("六、政策评价结果")[0]
    assert photos.strip() == ""  # no photo: the heading alone, as the seed has it
    roster = doc.tables[0]
    assert [c.text for c in roster.rows[1].cells] == ["1", "山东科技大学", "宋庆军"]
    assert [c.text for c in roster.rows[-1].cells] == ["3", "泰安某代理事务所", ""]  # answered, not on the roster
    annex = doc.tables[-1]
    assert annex.rows[0].cells[1].text == "意见"
    assert len(annex.rows) == 1 + 8  # 9 counted; the one that is only contact details is left out
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    assert doc.paragraphs[0].runs[0].font.size.pt == 22


def test_nothing_staff_only_and_no_contact_details(report_file):
    text = all_text(report_file)
    for mark in STAFF_MARKS:
        assert mark not in text, mark
    assert PHONE not in text and "138****5678" not in text and "5678" not in text
    assert "宋庆军" in text.split("四、参与人员")[1].split("五、")[0]  # the roster keeps names
    assert "宋庆军老师" not in text


def test_headings_have_outline_levels(report_file):
    doc = Document(report_file)
    levels = {}
    for p in doc.paragraphs:
        if p.style.name.startswith("Heading"):
            ppr = p.style.element.pPr
            outline = ppr.find(f"{W}outlineLvl")
            levels[p.text] = int(outline.get(f"{W}val"))
    assert levels["一、政策评价形式"] == 0 and levels["六、政策评价结果"] == 0
    assert levels["（二）存在问题"] == 1 and levels["（四）政策评价运用情况"] == 1
    assert levels["附件1　评分统计"] == 0
    assert doc.paragraphs[0].style.name == "Title"


def test_fonts_declared_with_fallbacks(report_file):
    from lxml import etree

    with zipfile.ZipFile(report_file) as z:
        table = etree.fromstring(z.read("word/fontTable.xml"))
    fonts = {f.get(f"{W}name"): f for f in table.findall(f"{W}font")}
    for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
        assert fonts[name].find(f"{W}altName").get(f"{W}val") == alt
        assert fonts[name].find(f"{W}charset").get(f"{W}val") == "86"  # GB2312
        assert len(fonts[name].find(f"{W}panose1").get(f"{W}val")) == 20
    assert "黑体" in fonts and "宋体" in fonts


def test_every_run_has_an_east_asian_font(report_file):
    with zipfile.ZipFile(report_file) as z:
        from lxml import etree

        for part in ("word/document.xml", "word/footer1.xml"):
            root = etree.fromstring(z.read(part))
            runs = root.iter(f"{W}r")
            for run in runs:
                fonts = run.find(f"{W}rPr/{W}rFonts")
                assert fonts is not None and fonts.get(f"{W}eastAsia"), etree.tostring(run)[:200]
        document = z.read("word/document.xml").decode()
        footer = z.read("word/footer1.xml").decode()
    for font in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"):
        assert f'w:eastAsia="{font}"' in document
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer


def test_no_annex(app, runner, tmp_path):
    code = make_evaluation(app)
    out = tmp_path / "short.docx"
    result = runner.invoke(args=["report", code, "--out", str(out), "--no-annex"])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "（四）政策评价运用情况" in text and "附件" not in text and len(Document(out).tables) == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_renders_with_libreoffice(report_file, tmp_path):
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs don't lock each other out
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(report_file)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 4 <= pages <= 12
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    def norm(t: str) -> str:  # pdftotext turns full-width brackets and spaces into ASCII ones
        return re.sub(r"\s+", "", t.replace("（", "(").replace("）", ")"))

    for section in SECTIONS:
        assert norm(section) in norm(text)
    assert re.search(r"—\s*2\s*—", text) and re.search(rf"—\s*{pages}\s*—", text)  # PAGE fields updated
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    assert len(list(tmp_path.glob("page-*.png"))) == pages


def test_demo_report(app, runner, tmp_path):
    """The demo's own answers, through the real pipeline into Statement/Theme rows: the body in
    the seed's size and shape."""
    from support.report import store_demo_analysis

    from survey.demo import install_demo
    from survey.extensions import db

    with app.app_context():
        code = install_demo().session.code
        db.session.commit()
    store_demo_analysis(app, code)
    out = tmp_path / "demo.docx"
    result = runner.invoke(args=["report", code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = Document(out)
    body = body_text(doc)
    assert "本次座谈共有18家单位参加，收回问卷40份，参会代表对各项目标的实施情况逐项打分" in body
    assert "一是知识产权创造。" in body and "40位参会代表对此项打分，平均4.0分" in body
    problems = body.split("（二）存在问题")[1].split("（三）整改措施")[0]
    assert len(body) <= 6000 and len(problems) <= 1500, (len(body), len(problems))
    for lead in ("一是企业知识产权意识和能力需要进一步提升。", "二是知识产权品牌服务机构和高端服务人才缺乏。",
                 "三是高校与企业之间缺乏有效的专利技术信息沟通"):
        assert lead in problems
    assert "（已命名）的问题" in problems  # staff's theme names are used as clauses
    assert body.count("“") <= 5 and "%" not in problems
    text = all_text(out)
    for mark in STAFF_MARKS:
        assert mark not in text, mark
    assert "宋庆军" not in text.split("四、参与人员")[1].split("五、")[1]  # roster names only in the roster
    reviewed = runner.invoke(args=["report", code, "--out", str(tmp_path / "r.docx"), "--reviewed-only"])
    assert reviewed.exit_code == 0 and "其中已审核" in reviewed.output


def test_writing_a_report_runs_no_model(app, runner, tmp_path, monkeypatch):
    """A report is a pure read of the database: the analysis job stored each suggestion's
    measure, so neither the pipeline nor an encoder is touched while writing it."""
    import analysis.embed
    import analysis.pipeline

    code = make_evaluation(app)  # the seed stores the measures the way the job does

    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded while writing a report")

    monkeypatch.setattr(analysis.pipeline, "analyze", refuse)
    monkeypatch.setattr(analysis.embed, "make_embedder", refuse)
    monkeypatch.setattr(analysis.embed.SentenceEmbedder, "fit", refuse)
    # nor the tokenizer (jieba's dictionary takes a second to load)
    import analysis.tokenize

    monkeypatch.setattr(analysis.tokenize.ChineseTokenizer, "__call__", refuse)
    monkeypatch.setattr(analysis.tokenize.ChineseTokenizer, "__init__", refuse)
    for name in ("report.docx", "report.html"):
        result = runner.invoke(args=["report", code, "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
