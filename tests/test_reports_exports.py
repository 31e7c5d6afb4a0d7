"""Excel and CSV exports: sheets, goal columns, masking, and no formula anywhere."""
import csv

import pytest
from openpyxl import load_workbook
from support.report import PHONE, make_evaluation

from survey.reports.exports import neutralise

SHEETS = ["答卷", "意见", "主题", "评分汇总", "共识与分歧"]
GOALS = ["知识产权创造", "知识产权发展环境", "知识产权政策体系", "知识产权赋能助企", "知识产权全链条保护",
         "知识产权服务能力", "知识产权文化环境"]


@pytest.fixture
def code(app):
    return make_evaluation(app)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("\nx", "'\nx"), ("正常", "正常"), (3, 3), (None, None), ("", ""),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_xlsx(runner, code, tmp_path):
    out = tmp_path / "e.xlsx"
    result = runner.invoke(args=["export", code, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS
    answers = wb["答卷"]
    header = [c.value for c in answers[1]]
    assert header[4:11] == GOALS and header[11:15] == ["取得成效", "存在问题", "意见建议", "来源"]
    rows = {r[2]: r for r in answers.iter_rows(min_row=2, values_only=True)}
    assert rows["山东科技大学"][4:7] == (4, 5, "不了解")  # every rating in its goal's column
    assert rows["泰安某代理事务所"][4:6] == (5, "不了解") and rows["泰安某代理事务所"][6] is None
    assert answers.freeze_panes == "A2" and answers.auto_filter.ref
    statements = list(wb["意见"].iter_rows(min_row=2, values_only=True))
    assert len(statements) == 10  # excluded ones too, with why
    excluded = [r for r in statements if r[13] == "是"]
    assert len(excluded) == 1 and excluded[0][14] == "离题"
    reviewed = [r for r in statements if r[10] == "已确认"]
    assert reviewed and all(r[11] == "王审核" and r[12].startswith("2023-11-15") for r in reviewed)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                assert PHONE not in str(cell.value or "") and "宋庆军" not in str(cell.value or "")
    texts = [r[5] for r in statements]
    injected = next(t for t in texts if "HYPERLINK" in t)
    assert injected.startswith("=HYPERLINK")  # kept as typed, stored as text
    cell = next(c for c in wb["意见"]["F"] if c.value == injected)
    assert cell.data_type == "s" and cell.quotePrefix
    summary = list(wb["评分汇总"].iter_rows(min_row=2, values_only=True))
    assert summary[0][:4] == ("知识产权创造", "全部", 3, 4.0)


def test_csv_folder(runner, code, tmp_path):
    out = tmp_path / "csv"
    result = runner.invoke(args=["export", code, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in SHEETS)
    raw = (out / "意见.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    with open(out / "意见.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][5] == "意见"
    for name in SHEETS:
        with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for value in row:
                    assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), (name, value)
    texts = [r[5] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")缺少专业人才" in texts
    assert "'+尽快建设知识产权保护中心和综合服务平台。" in texts
    with open(out / "答卷.csv", encoding="utf-8-sig", newline="") as f:
        answers = list(csv.reader(f))
    assert answers[0][4:11] == GOALS and answers[1][4:7] == ["4", "5", "不了解"]


def test_unmasked_export_and_unknown_code(runner, code, tmp_path):
    out = tmp_path / "plain.xlsx"
    assert runner.invoke(args=["export", code, "--out", str(out), "--unmasked"]).exit_code == 0
    values = [c.value for row in load_workbook(out)["意见"].iter_rows() for c in row]
    assert any(PHONE in str(v) for v in values)
    result = runner.invoke(args=["export", "nosuchcode", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "找不到代码" in result.output


def test_export_writes_what_the_extension_says_or_refuses(runner, code, tmp_path):
    import zipfile

    result = runner.invoke(args=["export", code, "--out", str(tmp_path / "all.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "all.zip") as z:
        assert sorted(z.namelist()) == sorted(["答卷.csv", "意见.csv", "主题.csv", "评分汇总.csv", "共识与分歧.csv"])
    result = runner.invoke(args=["export", code, "--out", str(tmp_path / "folder")])
    assert result.exit_code == 0 and (tmp_path / "folder" / "答卷.csv").is_file()
    for out, fmt in (("x.csv", None), ("x.docx", None), ("x.xlsx", "csv"), ("y.zip", "xlsx")):
        args = ["export", code, "--out", str(tmp_path / out)] + (["--format", fmt] if fmt else [])
        result = runner.invoke(args=args)
        assert result.exit_code == 2 and "--out" in result.output, (out, fmt, result.output)
        assert not (tmp_path / out).exists()


def test_an_answer_stored_with_a_non_character_exports(app, runner, code, tmp_path):
    """An answer stored before the cleaning dropped U+FFFF (or written straight into the
    database) must not break the Excel or CSV export of the whole session."""
    from survey.extensions import db
    from survey.models import Response

    with app.app_context():
        response = db.session.scalars(db.select(Response)).first()
        response.problems = "专利转化难\uffff\ufffe"
        db.session.commit()
    out = tmp_path / "e.xlsx"
    result = runner.invoke(args=["export", code, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = [c for r in load_workbook(out)["答卷"].iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert "专利转化难" in cells and not any("\uffff" in c for c in cells)
    result = runner.invoke(args=["export", code, "--format", "csv", "--out", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    assert "\uffff" not in (tmp_path / "csv" / "答卷.csv").read_text(encoding="utf-8-sig")


def test_an_answer_with_no_type_is_named_in_every_sheet(app, runner, code, tmp_path):
    """An anonymous participant may rate the goals and give no type (stored as ""): the sheets call
    it 未填写, as the report does, never " 2" with no name or a 评分汇总 row with no type."""
    from survey.extensions import db
    from survey.models import Rating, Response
    from survey.reports.data import evaluation_for_code
    from survey.review.models import Statement, Theme
    from survey.sessions import by_code

    with app.app_context():
        session, evaluation = by_code(code), evaluation_for_code(code)
        theme = db.session.query(Theme).filter_by(evaluation_id=evaluation.id).first()
        for n in range(2):
            response = Response(session=session, submission_id=f"untyped-{n}", organisation="",
                                organisation_type="", problems="办事要跑好几趟。",
                                ratings=[Rating(goal_id="creation", score=3)])
            db.session.add(response)
            db.session.flush()
            db.session.add(Statement(
                evaluation_id=evaluation.id, response_id=response.id, field="problems", position=0,
                text="办事要跑好几趟。", kind="problem", machine_category=theme.category, machine_confidence=0.5,
                machine_theme_id=theme.id, category=theme.category, theme_id=theme.id, status="machine"))
        db.session.commit()
        theme_id = theme.id
    out = tmp_path / "e.xlsx"
    result = runner.invoke(args=["export", code, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    spread = next(r[6] for r in wb["主题"].iter_rows(min_row=2, values_only=True) if r[0] == theme_id)
    assert "未填写 2" in spread and not spread.startswith(" ") and "， " not in spread
    summary = list(wb["评分汇总"].iter_rows(min_row=2, values_only=True))
    assert ("知识产权创造", "未填写", 2) in [r[:3] for r in summary]
