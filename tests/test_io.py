import pytest
from openpyxl import Workbook

from analysis.io import InputError, read_table

ROWS = [("山东农业大学", "高校的专利很多躺在抽屉里，企业不知道有哪些成果可以用。"),
        ("漱玉药业", "本地代理机构规模小，遇到侵权诉讼只能去济南找律师。")]


def write_csv(path, encoding, header=("单位", "意见"), rows=ROWS):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    table = read_table(write_csv(tmp_path / "a.csv", encoding))
    assert table.columns == ["单位", "意见"]  # no BOM glued to the first name
    assert table.text_column == "意见"
    assert table.texts == [r[1] for r in ROWS]
    assert table.values("单位") == [r[0] for r in ROWS]


def test_xlsx(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "单位", "您认为存在哪些问题"])
    ws.append([1, "泰山学院", "校企之间缺少常态化的对接平台"])
    ws.append([2.0, "葆春堂药业", None])
    ws.append([None, None, None])  # trailing blank row, as Excel often leaves
    wb.save(tmp_path / "a.xlsx")
    table = read_table(tmp_path / "a.xlsx")
    assert table.text_column == "您认为存在哪些问题"
    assert table.texts == ["校企之间缺少常态化的对接平台", None]
    assert table.values("序号") == ["1", "2"]


def test_quoted_newlines_and_tabs(tmp_path):
    path = tmp_path / "a.tsv"
    path.write_text('单位\t意见\n泰山学院\t"第一行\n第二行"\n', encoding="utf-8")
    assert read_table(path).texts == ["第一行\n第二行"]


def test_given_column_and_case_forgiveness(tmp_path):
    path = write_csv(tmp_path / "a.csv", "utf-8", header=("Org", "Text"))
    assert read_table(path, "Org").text_column == "Org"
    assert read_table(path, "text ").text_column == "Text"


def test_guess_first_column_of_long_text(tmp_path):
    rows = [("3", "2023-11-15", "专利质押融资的手续还是太复杂了"), ("4", "2023-11-15", "希望多举办专利导航培训")]
    path = write_csv(tmp_path / "a.csv", "utf-8", header=("编号", "日期", "备注"), rows=rows)
    assert read_table(path).text_column == "备注"


def test_duplicate_and_blank_headers(tmp_path):
    path = write_csv(tmp_path / "a.csv", "utf-8", header=("意见", "", "意见"),
                     rows=[("甲方说的意见很长很长", "x", "乙方说的意见很长很长")])
    table = read_table(path)
    assert table.columns == ["意见", "列2", "意见(2)"]
    assert table.values("意见(2)") == ["乙方说的意见很长很长"]


def test_missing_column_lists_available(tmp_path):
    path = write_csv(tmp_path / "a.csv", "utf-8")
    with pytest.raises(InputError, match="找不到列“评论”，现有列：单位、意见"):
        read_table(path, "评论")


@pytest.mark.parametrize("content, message", [
    (b"", "空文件"),
    (b"\xef\xbb\xbf\n\n", "空文件"),
    ("单位,意见\n".encode(), "只有表头"),
    (b"text\n\x81\x20abc\n", "第 2 行附近有无法识别的字节"),
])
def test_bad_csv(tmp_path, content, message):
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        read_table(path)
    assert "\n" not in str(err.value)


def test_missing_file_and_bad_xlsx(tmp_path):
    with pytest.raises(InputError, match="找不到输入文件"):
        read_table(tmp_path / "missing.csv")
    (tmp_path / "a.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="不是有效的 Excel"):
        read_table(tmp_path / "a.xlsx")
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"\.xls"):
        read_table(tmp_path / "a.xls")


def test_no_text_column(tmp_path):
    path = write_csv(tmp_path / "a.csv", "utf-8", header=("编号", "分数"), rows=[("1", "90"), ("2", "85")])
    with pytest.raises(InputError, match="没有文本列"):
        read_table(path)


def test_xlsx_formula_without_cached_value_is_named_not_dropped(tmp_path):
    # openpyxl writes formulas without a computed result, as some exporters do.
    wb = Workbook()
    ws = wb.active
    ws.append(["单位", "意见"])
    ws.append(["甲", "专利转化渠道不畅，需要对接平台。"])
    ws.append(["乙", '=CONCAT("公式", "意见")'])
    ws.append(["丙", '=A2&"的意见"'])
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_table(path)
    message = str(info.value)
    assert "formulas.xlsx 中有 2 个公式单元格没有保存计算结果（B3、B4）" in message
    assert "选择性粘贴为数值" in message


def test_one_reader_for_every_spreadsheet_format_xls_included(tmp_path):
    """read_grid is the one public reader: the analysis CLI's read_table and the web app's
    imports read .xls (问卷星's older download) through it like .xlsx and CSV."""
    from support.import_files import write_xls, write_xlsx

    from analysis.io import read_grid

    header, rows = ["单位", "意见"], [list(r) for r in ROWS]
    for path in (write_xls(tmp_path / "a.xls", header, rows), write_xlsx(tmp_path / "a.xlsx", header, rows),
                 write_csv(tmp_path / "a.csv", "gb18030")):
        assert read_grid(path) == [header, *rows], path.name
        assert read_table(path).texts == [r[1] for r in ROWS], path.name
    (tmp_path / "page.xls").write_text("<html><table><tr><td>1</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(InputError, match="上传的.xls 实际是网页"):
        read_grid(tmp_path / "page.xls", name="上传的.xls")
