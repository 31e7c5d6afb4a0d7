"""Imports from 问卷星, 腾讯问卷 and plain spreadsheets through `pingjia import` (the rules layer
the pages share), on SQLite and PostgreSQL: files are built here in each platform's shape."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import func, select
from support.import_files import EXPECTED, GOAL_IDS, plain, tencent, wjx, write_csv, write_xls, write_xlsx
from support.staff import make_session

from survey.answers import TEXT_MAX
from survey.evaluations import evaluation_for_session
from survey.extensions import db
from survey.models import Rating, Response
from survey.review.store import evaluation_input
from survey.sessions import by_code, latest_responses, response_count


def stored(app, code: str) -> dict[str, tuple]:
    """organisation → (type, {goal: score}, problems, suggestions, source) for every response."""
    with app.app_context():
        session = by_code(code)
        return {r.organisation: (r.organisation_type, {x.goal_id: x.score for x in r.ratings},
                                 r.problems, r.suggestions, r.source) for r in session.responses}


def assert_expected(app, code: str, source: str) -> None:
    got = stored(app, code)
    assert len(got) == len(EXPECTED)
    for organisation, kind, scores, problems, suggestions in EXPECTED:
        assert got[organisation] == (kind, dict(zip(GOAL_IDS, scores)), problems, suggestions, source)


def run_import(runner, path, code, *args):
    return runner.invoke(args=["import", str(path), "--session", code, *args])


@pytest.mark.parametrize("builder,suffix,kind,source", [
    (lambda: wjx(), ".xlsx", "问卷星（按文本）", "问卷星"),
    (lambda: wjx(numbered=True), ".xlsx", "问卷星（按序号）", "问卷星"),
    (lambda: wjx(), ".xls", "问卷星（按文本）", "问卷星"),
    (lambda: wjx(numbered=True), ".xls", "问卷星（按序号）", "问卷星"),
    (tencent, ".xlsx", "腾讯问卷", "腾讯问卷"),
    (plain, ".xlsx", "表格", "表格"),
], ids=["wjx-text-xlsx", "wjx-numbered-xlsx", "wjx-text-xls", "wjx-numbered-xls", "tencent", "plain-xlsx"])
def test_platform_files_import_with_ratings_under_the_right_goals(app, runner, tmp_path, builder, suffix, kind, source):
    code = make_session(app)
    header, rows = builder()
    path = (write_xls if suffix == ".xls" else write_xlsx)(tmp_path / f"answers{suffix}", header, rows)
    result = run_import(runner, path, code)
    assert result.exit_code == 0, result.output
    assert f"识别为 {kind}" in result.output
    assert "已导入 3 份答卷" in result.output
    assert_expected(app, code, source)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_plain_csv_in_each_encoding(app, runner, tmp_path, encoding):
    code = make_session(app)
    path = write_csv(tmp_path / "answers.csv", *plain(), encoding=encoding)
    result = run_import(runner, path, code)
    assert result.exit_code == 0, result.output
    assert_expected(app, code, "表格")


def test_reimport_adds_nothing(app, runner, tmp_path):
    code = make_session(app)
    path = write_xlsx(tmp_path / "wjx.xlsx", *wjx())
    assert run_import(runner, path, code).exit_code == 0
    again = run_import(runner, path, code, "--source", "表格")
    assert again.exit_code == 2, again.output  # nothing stored: status 2 with the reason
    assert "已导入 0 份答卷" in again.output and "3 份以前已导入过" in again.output
    assert "没有保存任何答卷：文件中的答卷以前都已导入过" in again.output
    with app.app_context():
        assert response_count(by_code(code)) == 3
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 3 * 7
        ids = db.session.scalars(select(Response.submission_id)).all()
    assert all(i.startswith("import:") for i in ids)


def test_an_export_that_has_grown_adds_only_its_new_rows(app, runner, tmp_path):
    code = make_session(app)
    header, rows = wjx()
    assert "已导入 2 份" in run_import(runner, write_xlsx(tmp_path / "early.xlsx", header, rows[:2]), code).output
    later = run_import(runner, write_xlsx(tmp_path / "later.xlsx", header, rows), code)
    assert "已导入 1 份答卷" in later.output and "2 份以前已导入过" in later.output
    assert_expected(app, code, "问卷星")


def test_the_unique_constraint_not_a_lookup_stops_duplicates(app, tmp_path):
    # Two checks of one file both think their rows are new; the second store adds nothing.
    from survey.imports.rules import prepare, store

    code = make_session(app)
    path = write_xlsx(tmp_path / "wjx.xlsx", *wjx())
    with app.app_context():
        session = by_code(code)
        first, second = prepare(session, path), prepare(session, path)
        assert store(session, first, "问卷星").added == 3
        report = store(session, second, "问卷星")
        assert (report.added, report.already) == (0, 3)


def test_identical_rows_in_one_file_are_both_kept_and_still_import_once(app, runner, tmp_path):
    code = make_session(app)
    header, rows = plain()
    path = write_csv(tmp_path / "twice.csv", header, [rows[0], rows[0]])
    assert "已导入 2 份答卷" in run_import(runner, path, code).output
    assert "已导入 0 份答卷" in run_import(runner, path, code).output


def bad_file(tmp_path):
    header, rows = plain()
    rows = [list(r) for r in rows]
    rows.insert(1, ["", "企业", 5, 5, 5, 5, 5, 5, 5, "无", ""])  # row 3: no organisation
    rows.append(["某研究会", "外星来客", "很棒", 4, 4, 4, 4, 4, 4, "有问题", ""])  # row 6: a rating (the type is 其他)
    rows.append(["某某公司", "企业", 4, 4, 4, 4, 4, 4, 4, "长" * (TEXT_MAX + 1), ""])  # row 7: too long
    return write_xlsx(tmp_path / "bad.xlsx", header, rows)


def test_bad_file_is_refused_with_row_numbers_and_nothing_stored(app, runner, tmp_path):
    code = make_session(app)
    result = run_import(runner, bad_file(tmp_path), code)
    assert result.exit_code == 2  # nothing stored
    assert "第 3 行：单位名称：请填写单位名称。" in result.output
    assert "第 6 行：知识产权创造：“很棒”不是评分" in result.output
    assert "单位类型对应：外星来客 → 其他（1 行）" in result.output  # shown, not refused
    assert f"第 7 行：存在问题：已输入 {TEXT_MAX + 1} 字，超过上限 {TEXT_MAX} 字" in result.output
    assert "有 3 行有问题，未导入任何数据" in result.output and "--only-good" in result.output
    with app.app_context():
        assert response_count(by_code(code)) == 0


def test_only_good_imports_the_good_rows(app, runner, tmp_path):
    code = make_session(app)
    result = run_import(runner, bad_file(tmp_path), code, "--only-good")
    assert result.exit_code == 0, result.output
    assert "已导入 3 份答卷" in result.output and "跳过有问题的 3 行" in result.output
    assert_expected(app, code, "表格")


def test_map_option_changes_the_automatic_mapping(app, runner, tmp_path):
    code = make_session(app)
    header = ["机构", "性质", "打分A", "看法"]
    rows = [["山东科技大学", "高校", "4", "校企对接不畅"], ["某某公司", "企业", "非常满意", "无"]]
    path = write_csv(tmp_path / "odd.csv", header, rows)
    refused = run_import(runner, path, code)
    assert refused.exit_code == 2 and "单位名称：请填写单位名称。" in refused.output
    result = run_import(runner, path, code, "--map", "机构=单位名称", "--map", "C=知识产权创造",
                        "--map", "看法=存在问题")
    assert result.exit_code == 0, result.output
    got = stored(app, code)
    assert got["山东科技大学"][1] == {"creation": 4} and got["某某公司"][1] == {"creation": 5}
    assert got["山东科技大学"][2] == "校企对接不畅"
    bad = run_import(runner, path, code, "--map", "机构=不存在的字段")
    assert bad.exit_code == 2 and "不认识字段“不存在的字段”" in bad.output


def test_organisation_type_from_the_roster_when_the_file_has_none(app, runner, tmp_path):
    code = make_session(app)  # roster: 山东科技大学 高校/科研院所, 山东鲁普科技有限公司 企业
    path = write_csv(tmp_path / "no-type.csv", ["单位名称", "意见建议"],
                     [["山东科技大学", "多办对接会"], ["不在名单的单位", "无"]])
    result = run_import(runner, path, code, "--only-good")
    assert "第 3 行：单位类型：缺少单位类型" in result.output
    assert stored(app, code)["山东科技大学"][0] == "高校/科研院所"


def test_imported_text_is_cleaned_like_the_phone_form(app, runner, tmp_path):
    code = make_session(app)
    path = write_csv(tmp_path / "crlf.csv", ["单位名称", "单位类型", "存在问题"],
                     [["  山东科技大学 ", "高校", "第一点\r\n第二点  "]])
    assert run_import(runner, path, code).exit_code == 0
    organisation, (_, _, problems, _, _) = next(iter(stored(app, code).items()))
    assert (organisation, problems) == ("山东科技大学", "第一点\n第二点")


def test_imported_answers_are_ordinary_responses(app, runner, tmp_path):
    code = make_session(app)
    run_import(runner, write_xlsx(tmp_path / "t.xlsx", *tencent()), code)
    with app.app_context():
        session = by_code(code)
        assert response_count(session) == 3
        latest = latest_responses(session)
        # the submit time in the file becomes the response's time (Beijing 14:33 → 06:33 UTC)
        assert [r.organisation for r in latest][0] == "山东鲁普科技有限公司"
        assert latest[0].created_at.strftime("%H:%M") == "06:33"
        data = evaluation_input(evaluation_for_session(session))  # what the analysis reads
    assert "高校与企业之间缺乏有效的专利技术信息沟通。" in data.texts
    assert "民营企业" not in data.groups and "企业" in data.groups


def test_xlsx_saved_under_an_xls_name_still_imports(app, runner, tmp_path):
    code = make_session(app)
    path = write_xlsx(tmp_path / "renamed.xlsx", *wjx())
    path = path.rename(tmp_path / "renamed.xls")
    assert run_import(runner, path, code).exit_code == 0
    assert_expected(app, code, "问卷星")


def test_bad_files_get_one_chinese_line(app, runner, tmp_path):
    code = make_session(app)
    (tmp_path / "notes.docx").write_bytes(b"PK")
    assert "不支持的文件类型" in run_import(runner, tmp_path / "notes.docx", code).output
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert "不是有效的 Excel" in run_import(runner, tmp_path / "broken.xlsx", code).output
    (tmp_path / "page.xls").write_text("<html><table><tr><td>1</td></tr></table></html>", encoding="utf-8")
    assert "实际是网页（HTML/XML）格式" in run_import(runner, tmp_path / "page.xls", code).output
    (tmp_path / "head.csv").write_text("单位名称,单位类型\n", encoding="utf-8")
    assert "只有表头，没有数据行" in run_import(runner, tmp_path / "head.csv", code).output
    assert "找不到活动代码" in run_import(runner, tmp_path / "head.csv", "nosuchcode").output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="没有 LibreOffice（soffice），无法转换出 .xls 文件")
def test_xls_converted_by_libreoffice(app, runner, tmp_path):
    # The .xls reader also checked on a file spreadsheet software wrote, not only on xlwt's.
    code = make_session(app)
    source = write_xlsx(tmp_path / "wjx.xlsx", *wjx())
    out = tmp_path / "converted"
    done = subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(out), str(source)],
                          capture_output=True, text=True, timeout=180,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    if not (out / "wjx.xls").exists():
        pytest.skip(f"soffice 未能转换（多为未安装 Calc 组件 libreoffice-calc-nogui）：{done.stderr.strip()[-120:]}")
    result = run_import(runner, out / "wjx.xls", code)
    assert result.exit_code == 0, result.output
    assert_expected(app, code, "问卷星")


def test_migration_marks_existing_responses_as_phone(empty_app):
    from flask_migrate import upgrade
    from sqlalchemy import text

    with empty_app.app_context():
        upgrade(revision="e43c02518d43")  # the schema before Response.source
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO plan (id, title, document_number, source_text, source_name, updated_at) "
                              "VALUES ('p', 'P', '', '', '', CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO evaluation_session (code, plan_id, title, form, organiser, place, status, "
                              "is_demo, created_at) VALUES ('c', 'p', 'T', '专题座谈会', '', '', 'open', false, "
                              "CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO response (session_id, submission_id, organisation, organisation_type, "
                              "problems, suggestions, is_demo, created_at, updated_at) SELECT id, 's', '某单位', "
                              "'企业', '问题', '', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
                              "FROM evaluation_session"))
        upgrade()
        assert db.session.scalars(select(Response.source)).all() == ["手机"]


def test_transcribed_form_keeps_the_phone_forms_checks(app):
    from werkzeug.datastructures import MultiDict

    from survey.answers import ORGANISATION_MAX, rating_field_name
    from survey.imports.rules import NO_CONTENT, transcribed_form_class

    code = make_session(app)
    with app.test_request_context():
        goals = by_code(code).plan.definition.goals[:1]
        form_class = transcribed_form_class(goals)
        base = {"submission_id": "0" * 32, "organisation": "某单位", "organisation_type": "企业",
                rating_field_name(goals[0].id): "4"}
        # ratings without text are accepted (the participant cannot be asked to write any more)
        assert form_class(formdata=MultiDict(base), meta={"csrf": False}).validate()
        empty = form_class(formdata=MultiDict({**base, rating_field_name(goals[0].id): "na"}), meta={"csrf": False})
        assert not empty.validate() and empty.problems.errors == [NO_CONTENT]
        long = form_class(formdata=MultiDict({**base, "organisation": "长" * (ORGANISATION_MAX + 1)}),
                          meta={"csrf": False})
        assert not long.validate() and "超过上限" in long.organisation.errors[0]
        wrong = form_class(formdata=MultiDict({**base, "organisation_type": "外星"}), meta={"csrf": False})
        assert not wrong.validate() and wrong.organisation_type.errors


def test_characters_postgresql_refuses_are_cleaned_from_imported_cells(app, runner, tmp_path):
    # A file is an edge too: NUL and other control characters never reach the database (they
    # gave a 500 on PostgreSQL when typed in the phone form), the rest of the cell is kept.
    code = make_session(app)
    path = write_csv(tmp_path / "nul.csv", ["单位名称", "单位类型", "存在问题"],
                     [["山东科技\x00大学", "高校", "专利转化\x00难\x07，周期长"]])
    result = run_import(runner, path, code)
    assert result.exit_code == 0, result.output
    got = stored(app, code)
    assert got["山东科技大学"][2] == "专利转化难，周期长"
