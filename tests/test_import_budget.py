"""Imports read within a budget (analysis.budget): spreadsheet bombs, entity tricks and broken
files are refused in seconds with a Chinese message naming the bound, before anything big is
built in memory; CSV encodings are detected and a garbled decode is refused (issues 16, 17)."""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from support.import_files import NS, base_xlsx, plain, rebuild, wjx, write_csv, write_xls, write_xlsx
from support.staff import add_staff, csrf_token, log_in, make_session

from analysis.budget import ReadBudget
from analysis.io import InputError, read_table
from survey.imports.readers import ImportFileError, read_sheet

SHEET = "xl/worksheets/sheet1.xml"
def sheet_xml(rows: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{rows}</sheetData></worksheet>'.encode()


def refused(path: Path, match: str, budget: ReadBudget | None = None, name: str | None = None) -> float:
    started = time.monotonic()
    with pytest.raises(ImportFileError, match=match):
        read_sheet(path, name or path.name, **({"budget": budget} if budget else {}))
    return time.monotonic() - started


def test_a_huge_cell_is_refused_by_its_decompressed_size_at_once(tmp_path):
    # issue 17: a 3 MB .xlsx with one 3 GiB cell took the server from 180 MB to 6.4 GB.
    def cell():
        yield f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
        for _ in range(80):
            yield b"a" * (1024 * 1024)
        yield b"</t></is></c></row></sheetData></worksheet>"

    bomb = rebuild(base_xlsx(tmp_path / "base.xlsx"), tmp_path / "bomb.xlsx", xl__worksheets__sheet1_xml=cell())
    assert bomb.stat().st_size < 1024 * 1024
    assert refused(bomb, r"bomb.xlsx 解压后有 80 MB，超过 64 MB（上限）") < 2


def test_a_long_cell_within_the_size_is_refused_naming_the_cell_bound(tmp_path):
    long_cell = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>'
                          f'<row r="2"><c r="B2" t="inlineStr"><is><t>{"很" * 40_000}</t></is></c></row>')
    path = rebuild(base_xlsx(tmp_path / "b.xlsx"), tmp_path / "long.xlsx", xl__worksheets__sheet1_xml=long_cell)
    refused(path, r"long.xlsx 单元格 B2 超过 32,767 字（单元格上限）")


def test_rows_far_down_are_refused_before_they_are_padded(tmp_path):
    # issue 17: 40M rows; here a single row numbered 1,048,576 (each missing row would be built)
    far = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
                    '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>b</t></is></c></row>')
    path = rebuild(base_xlsx(tmp_path / "b.xlsx"), tmp_path / "far.xlsx", xl__worksheets__sheet1_xml=far)
    refused(path, r"far.xlsx 超过 100,000 行（上限）")


def test_many_real_rows_are_refused_while_streaming(tmp_path):
    def rows():
        yield f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode()
        for r in range(1, 2_001):
            yield f'<row><c t="inlineStr"><is><t>{r}</t></is></c></row>'.encode()
        yield b"</sheetData></worksheet>"

    path = rebuild(base_xlsx(tmp_path / "b.xlsx"), tmp_path / "rows.xlsx", xl__worksheets__sheet1_xml=rows())
    refused(path, r"rows.xlsx 超过 1,000 行（上限）", ReadBudget(rows=1_000))


def test_a_cell_in_column_xfd_is_refused_before_rows_are_padded(tmp_path):
    # issue 17: 108 KB reaching column XFD: 3.6 GB, a 17 MB preview page, 314 MB left on disk.
    wide = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
                     '<c r="XFD1" t="inlineStr"><is><t>b</t></is></c></row>')
    path = rebuild(base_xlsx(tmp_path / "b.xlsx"), tmp_path / "wide.xlsx", xl__worksheets__sheet1_xml=wide)
    refused(path, r"wide.xlsx 在第 XFD 列有内容，超过 1,000 列（上限）")


def test_the_grid_area_is_bounded(tmp_path):
    header, rows = plain()
    path = write_csv(tmp_path / "area.csv", header, rows * 50)
    refused(path, r"area.csv 有 \d+ 行 × 11 列，超过 500 个单元格（上限）", ReadBudget(cells=500))
    xlsx = write_xlsx(tmp_path / "area.xlsx", header, rows * 50)
    refused(xlsx, r"area.xlsx 有 \d+ 行 × 11 列，超过 500 个单元格（上限）", ReadBudget(cells=500))


def test_too_many_shared_strings_are_refused(tmp_path):
    # issue 17: 0.8 MB with 20M shared strings: 2.0 GB after 300 s.
    def strings():
        yield f'<?xml version="1.0"?><sst {NS}>'.encode()
        for i in range(5_000):
            yield f"<si><t>{i}</t></si>".encode()
        yield b"</sst>"

    path = rebuild(base_xlsx(tmp_path / "b.xlsx"), tmp_path / "sst.xlsx", xl__sharedStrings_xml=strings())
    refused(path, r"sst.xlsx 的共享字符串超过 1,000 个（上限）", ReadBudget(shared_strings=1_000))


def test_reading_stops_at_the_time_budget(tmp_path):
    header, rows = plain()
    path = write_xlsx(tmp_path / "slow.xlsx", header, rows * 400)
    refused(path, r"slow.xlsx 读取超过 0 秒（上限）", ReadBudget(seconds=0))
    csv_path = write_csv(tmp_path / "slow.csv", header, rows * 400)
    refused(csv_path, r"slow.csv 读取超过 0 秒（上限）", ReadBudget(seconds=0))


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + f']><sst {NS}><si><t>&lol9;</t></si></sst>')
XXE = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
       '</sheetData></worksheet>')


@pytest.mark.parametrize("member,xml", [("xl__sharedStrings_xml", LAUGHS), ("xl__worksheets__sheet1_xml", XXE),
                                        ("xl__workbook_xml", XXE)])
def test_xml_entities_are_refused(tmp_path, member, xml):
    path = rebuild(base_xlsx(tmp_path / "b.xlsx"), tmp_path / "ent.xlsx", **{member: xml.encode()})
    refused(path, r"ent.xlsx 含有 XML 文档类型或实体声明（DOCTYPE/ENTITY）")


def test_openpyxl_parses_with_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML


def test_broken_sheet_xml_is_a_chinese_message(tmp_path):
    broken = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>')[:-20]
    path = rebuild(base_xlsx(tmp_path / "b.xlsx"), tmp_path / "broken.xlsx", xl__worksheets__sheet1_xml=broken)
    refused(path, r"broken.xlsx 内部的 xl/worksheets/sheet1.xml 已损坏（XML 第 1 行")


@pytest.mark.parametrize("cut", [2048, 4096])
def test_truncated_xls_is_a_chinese_message(tmp_path, cut):
    # issue 17: a truncated .xls (CompDocError) was a 500. Zero-filled after the cut, as a
    # download that stopped half-way and was padded leaves it.
    raw = write_xls(tmp_path / "full.xls", *wjx()).read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(raw[:cut] + b"\0" * (len(raw) - cut))
    refused(path, r"cut.xls 不是有效的 Excel（.xls）文件，或文件不完整")


def test_xls_over_the_column_bound(tmp_path):
    header, rows = wjx()
    path = write_xls(tmp_path / "wide.xls", header, rows)
    refused(path, r"wide.xls 在第 \w+ 列有内容，超过 5 列（上限）", ReadBudget(columns=5))


def test_files_within_the_budget_read_as_before(tmp_path):
    header, rows = wjx()
    sheet = read_sheet(write_xlsx(tmp_path / "ok.xlsx", header, rows))
    assert sheet.header[:2] == ["序号", "提交答卷时间"] and len(sheet.rows) == 3
    assert sheet.rows[0][1][6] == "山东科技大学"


# ---- CSV encodings (issue 16 item 5) ------------------------------------------------------

TEXT = "单位名称,意见建议\n山东科技大学,高校与企业之间缺乏有效的专利技术信息沟通，建议建立常态化的校企对接平台。\n"
TRADITIONAL = "單位名稱,意見建議\n山東科技大學,高校與企業之間缺乏有效的專利技術資訊溝通，建議建立常態化的校企對接平臺。\n"


@pytest.mark.parametrize("encoding,text", [
    ("utf-8", TEXT), ("utf-8-sig", TEXT), ("gb18030", TEXT), ("gbk", TEXT), ("big5", TRADITIONAL),
    ("utf-16", TEXT), ("utf-16-be", TEXT), ("utf-32", TEXT), ("utf-32-be", TEXT), ("utf-8", TRADITIONAL),
])
def test_csv_encodings_are_detected(tmp_path, encoding, text):
    raw = text.encode(encoding)
    if encoding in ("utf-16-be", "utf-32-be"):
        raw = "\ufeff".encode(encoding) + raw  # big-endian with its BOM
    path = tmp_path / "a.csv"
    path.write_bytes(raw)
    sheet = read_sheet(path)
    lines = text.strip().split("\n")
    assert sheet.header == lines[0].split(",")
    assert sheet.rows[0][1] == lines[1].split(",")


@pytest.mark.parametrize("content", [
    "会社名,ご意見\n東京の会社,知的財産の保護を強化してください。手続きが複雑です。\n".encode("shift_jis"),
    zipfile.ZipFile.__doc__.encode() + bytes(range(128, 256)) * 4,  # a binary file named .csv
])
def test_a_garbled_decode_is_refused_naming_the_encodings_tried(tmp_path, content):
    # Big5 and Shift-JIS files decode as GB18030 without an error, into nonsense (issue 16).
    path = tmp_path / "other.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="编码无法识别.*UTF-8、GB18030、Big5（UTF-16、UTF-32 需带 BOM）"):
        read_table(path)


def test_utf16_without_a_bom_is_refused(tmp_path):
    path = tmp_path / "nobom.csv"
    path.write_bytes(TEXT.encode("utf-16-le") * 10)
    with pytest.raises(InputError, match="编码无法识别（已尝试 UTF-8、GB18030、Big5"):
        read_table(path)


def test_imported_cells_are_cleaned(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text("单位名称,意见建议\n山东\x00科技大学,建立平台\uffff\x85\n", encoding="utf-8")
    assert read_sheet(path).rows[0][1] == ["山东科技大学", "建立平台"]


# ---- the web page: refused in seconds, the upload deleted ---------------------------------

def test_a_bomb_upload_is_refused_on_the_page_and_deleted(app, client, tmp_path):
    def rows():
        yield f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode()
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="XFD1"><v>1</v></c></row>'
        yield b"</sheetData></worksheet>"

    bomb = rebuild(base_xlsx(tmp_path / "b.xlsx"), tmp_path / "bomb.xlsx", xl__worksheets__sheet1_xml=rows())
    add_staff(app)
    log_in(client)
    code = make_session(app)
    token = csrf_token(client, f"/staff/sessions/{code}/import")
    uploaded = client.post(f"/staff/sessions/{code}/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "source": "", "file": (io.BytesIO(bomb.read_bytes()), "炸弹.xlsx")})
    assert uploaded.status_code == 302
    folder = Path(app.instance_path) / "imports"
    assert len(list(folder.iterdir())) == 1
    started = time.monotonic()
    page = client.get(uploaded.headers["Location"])
    assert time.monotonic() - started < 10
    assert page.status_code == 400
    assert "炸弹.xlsx 在第 XFD 列有内容，超过 1,000 列（上限）" in page.get_data(as_text=True)
    assert list(folder.iterdir()) == []  # the upload is deleted


def test_waiting_uploads_are_bounded_on_disk(app, tmp_path, monkeypatch):
    from werkzeug.datastructures import FileStorage

    from survey.imports import uploads

    monkeypatch.setattr(uploads, "KEEP_BYTES", 250_000)
    with app.test_request_context():
        saved = [uploads.save(FileStorage(io.BytesIO(b"x" * 100_000), filename=f"{i}.csv"), "abc")
                 for i in range(5)]
        left = {p.name for p in (Path(app.instance_path) / "imports").iterdir()}
    assert len(left) <= 3 and saved[-1].token in left


def test_a_reader_crash_on_a_strange_file_is_a_message_and_the_upload_is_deleted(app, client, tmp_path, monkeypatch):
    # Whatever a reader raises on a file nobody foresaw, staff get a Chinese message, not a 500.
    from survey.imports import uploads

    def crash(*_args, **_kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr(uploads, "read_sheet", crash)
    add_staff(app)
    log_in(client)
    code = make_session(app)
    token = csrf_token(client, f"/staff/sessions/{code}/import")
    uploaded = client.post(f"/staff/sessions/{code}/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "source": "", "file": (io.BytesIO(b"a,b\n1,2\n"), "怪.csv")})
    page = client.get(uploaded.headers["Location"])
    assert page.status_code == 400
    assert "怪.csv 无法读取（RecursionError），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入" in page.get_data(as_text=True)
    assert list((Path(app.instance_path) / "imports").iterdir()) == []


def test_the_analysis_cli_reads_files_larger_than_a_web_upload(tmp_path):
    # `pingjia analyze` reads a file on staff's own machine: 150,000 rows are fine there, an
    # upload of the same file is over the web budget.
    path = tmp_path / "many.csv"
    path.write_text("text\n" + "".join(f"意见第{i}条\n" for i in range(150_000)), encoding="utf-8")
    assert len(read_table(path).texts) == 150_000
    refused(path, r"many.csv 超过 100,000 行（上限）")
