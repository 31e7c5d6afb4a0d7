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
            "六、政策评价结果", "（一）政策实施情况及取得成效", "（二）存在问题", "（三）整改措施", "附件"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def report_file(app, runner, tmp_path):
    code = make_evaluation(app)
    out = tmp_path / "report.docx"
    result = runner.invoke(args=["report", code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 份问卷，9 条意见，其中已审核 4 条" in result.output
    return out


def test_structure_and_layout(report_file):
    doc = Document(report_file)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "关于《泰安市“十四五”知识产权保护和运用规划》的政策评价情况"
    positions = [text.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    for goal in ["一是知识产权创造", "二是知识产权发展环境", "七是知识产权文化环境"]:
        assert goal in text
    assert "一是企业知识产权意识和能力。共 2 条意见" in text
    assert "服务机构和人才不足（3 条：服务机构 2 条，企业 1 条）" in text
    assert "企业 重视〔主题名称由程序归纳，未经审核〕" in text  # the machine's label is marked
    assert "此外，新发现的问题。" in text and "四是加强执法培训。" in text
    assert PHONE not in text and "138****5678" in text
    roster = doc.tables[0]
    assert [c.text for c in roster.rows[1].cells] == ["1", "山东科技大学", "宋庆军", "高校/科研院所"]
    annex = doc.tables[-1]
    assert len(annex.rows) == 1 + 9 and annex.rows[0].cells[1].text == "意见"
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    assert doc.paragraphs[0].runs[0].font.size.pt == 22


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
    for section in SECTIONS:
        assert section.replace("（", "(").replace("）", ")") in text.replace("（", "(").replace("）", ")")
    assert re.search(r"—\s*2\s*—", text) and re.search(rf"—\s*{pages}\s*—", text)  # PAGE fields updated
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    assert len(list(tmp_path.glob("page-*.png"))) == pages


def test_demo_report(app, runner, tmp_path):
    """The demo's own answers, through the real pipeline into Statement/Theme rows."""
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
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "本次评价共收到问卷 40 份" in text
    assert "一是知识产权创造。共 40 人打分，平均 4.00 分" in text
    assert "（已命名）" in text and "〔主题名称由程序归纳，未经审核〕" in text  # staff and machine names
    assert "宋庆军" not in text.split("四、参与人员")[1]  # roster names only in the roster table
    for lead in ("一是企业知识产权意识和能力。共", "二是品牌服务机构和高端服务人才。共", "三是校企专利信息沟通与转化渠道。共"):
        assert lead in text
    reviewed = runner.invoke(args=["report", code, "--out", str(tmp_path / "r.docx"), "--reviewed-only"])
    assert reviewed.exit_code == 0 and "仅统计工作人员已审核的意见" in "\n".join(
        p.text for p in Document(tmp_path / "r.docx").paragraphs)


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
    for name in ("report.docx", "report.html"):
        result = runner.invoke(args=["report", code, "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
