"""Downloads in the shape people publish them (2023 问卷星 按序号 .xlsx without organisation
columns, an older 按文本 .xls with empty bookkeeping cells and ┋ choices, the 很满意…很不满意 scale,
腾讯问卷 with 1–10 scores and stars) into an anonymous session of the 营商环境 plan: every row, each
rating under its goal, the file's submit times; a second import adds nothing and exits 2.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (the `app` fixture)."""
from __future__ import annotations

import pytest
from support.import_files import (
    business_session,
    tencent_2023,
    wjx_2023_numbered,
    wjx_satisfaction,
    wjx_text_xls,
    write_xls,
    write_xlsx,
)

from survey.imports.readers import parse_time
from survey.sessions import by_code
from survey.timefmt import local_to_utc

FILES = {
    "wjx-2023-numbered-xlsx": (wjx_2023_numbered, write_xlsx, ".xlsx", "问卷星（按序号）", "问卷星"),
    "wjx-text-xls": (wjx_text_xls, write_xls, ".xls", "问卷星（按文本）", "问卷星"),
    "wjx-satisfaction-scale": (wjx_satisfaction, write_xlsx, ".xlsx", "问卷星（按文本）", "问卷星"),
    "tencent-ten-points-and-stars": (tencent_2023, write_xlsx, ".xlsx", "腾讯问卷", "腾讯问卷"),
}


def stored_rows(app, code: str) -> list[dict]:
    with app.app_context():
        return [{"submitted": r.created_at, "scores": {x.goal_id: x.score for x in r.ratings},
                 "problems": r.problems, "suggestions": r.suggestions, "organisation": r.organisation,
                 "organisation_type": r.organisation_type, "source": r.source}
                for r in sorted(by_code(code).responses, key=lambda r: (r.created_at, r.suggestions))]


@pytest.mark.parametrize("name", list(FILES))
def test_real_downloads_import_every_row_into_an_anonymous_session(app, runner, tmp_path, name):
    build, write, suffix, kind, source = FILES[name]
    header, rows, expected = build()
    path = write(tmp_path / f"{name}{suffix}", header, rows)
    code = business_session(app)

    result = runner.invoke(args=["import", str(path), "--session", code])
    assert result.exit_code == 0, result.output
    assert f"识别为 {kind}" in result.output and f"已导入 {len(rows)} 份答卷" in result.output
    got = stored_rows(app, code)
    assert len(got) == len(expected)
    want = sorted(({**e, "submitted": local_to_utc(parse_time(e["submitted"])), "source": source}
                   for e in expected), key=lambda e: (e["submitted"], e["suggestions"]))
    for stored, wanted in zip(got, want):
        assert stored == wanted

    again = runner.invoke(args=["import", str(path), "--session", code])
    assert again.exit_code == 2, again.output
    assert "已导入 0 份答卷" in again.output and "以前都已导入过" in again.output
    assert len(stored_rows(app, code)) == len(expected)


def test_value_mapping_is_shown_and_values_option_changes_it(app, runner, tmp_path):
    # 按序号 of a questionnaire whose options ran 很满意 … 很不满意: staff reverse the numbers.
    header, rows, expected = wjx_2023_numbered(12)
    path = write_xlsx(tmp_path / "reversed.xlsx", header, rows)
    code = business_session(app)
    result = runner.invoke(args=["import", str(path), "--session", code, "--values", "1:5,2:4,4:2,5:1"])
    assert result.exit_code == 0, result.output
    assert "评分对应：" in result.output and "1 → 5分" in result.output and "6 → 不了解" in result.output
    got = {r["suggestions"] + r["problems"]: r["scores"] for r in stored_rows(app, code)}
    for e in expected:
        flipped = {g: (None if s is None else 6 - s) for g, s in e["scores"].items()}
        assert got[e["suggestions"] + e["problems"]] == flipped
    one_column = runner.invoke(args=["import", str(path), "--session", business_session(app),
                                     "--values", "G=1:5,5:1"])
    assert one_column.exit_code == 0, one_column.output
    bad = runner.invoke(args=["import", str(path), "--session", code, "--values", "G=很满意=五"])
    assert bad.exit_code == 2 and "应写成 值:分" in bad.output
    not_rating = runner.invoke(args=["import", str(path), "--session", code, "--values", "A=1:5"])
    assert not_rating.exit_code == 2 and "不是评分列" in not_rating.output


def test_named_session_takes_rows_without_organisation_only_when_staff_choose(app, runner, tmp_path):
    header, rows, _ = wjx_satisfaction()
    path = write_xlsx(tmp_path / "no-org.xlsx", header, rows)
    code = business_session(app, anonymous=False)
    refused = runner.invoke(args=["import", str(path), "--session", code])
    assert refused.exit_code == 2 and "第 2 行：" in refused.output and "单位名称：请填写单位名称。" in refused.output
    assert "缺少单位名称的行照样导入" in refused.output  # the note says what staff can choose
    result = runner.invoke(args=["import", str(path), "--session", code, "--allow-missing"])
    assert result.exit_code == 0, result.output
    got = stored_rows(app, code)
    assert len(got) == len(rows) and {(r["organisation"], r["organisation_type"]) for r in got} == {("", "其他")}


def test_the_session_cap_holds_for_imports(app, runner, tmp_path):
    app.config["SESSION_RESPONSE_MAX"] = 100
    header, rows, _ = wjx_2023_numbered(150)
    path = write_xlsx(tmp_path / "big.xlsx", header, rows)
    code = business_session(app)
    result = runner.invoke(args=["import", str(path), "--session", code])
    assert result.exit_code == 2
    assert "本活动最多接收 100 份答卷，已有 0 份" in result.output and "将新增 150 份，超出 50 份" in result.output
    assert "只能再导入 100 份" in result.output and stored_rows(app, code) == []
    small = write_xlsx(tmp_path / "small.xlsx", header, rows[:100])
    assert runner.invoke(args=["import", str(small), "--session", code]).exit_code == 0
    # The rows already in count once: the same 100 again is not over the cap (and adds nothing).
    again = runner.invoke(args=["import", str(small), "--session", code])
    assert again.exit_code == 2 and "以前都已导入过" in again.output
    full = runner.invoke(args=["import", str(path), "--session", code])
    assert full.exit_code == 2 and "本活动已收满" in full.output
    assert len(stored_rows(app, code)) == 100


def test_a_file_with_no_good_rows_exits_2_with_the_reason(app, runner, tmp_path):
    header, rows, _ = wjx_satisfaction()
    path = write_xlsx(tmp_path / "no-org.xlsx", header, rows)
    code = business_session(app, anonymous=False)
    result = runner.invoke(args=["import", str(path), "--session", code, "--only-good"])
    assert result.exit_code == 2
    assert "没有保存任何答卷：没有可导入的行" in result.output


def test_type_option_puts_a_written_type_under_a_chosen_one(app, runner, tmp_path):
    header, rows, _ = wjx_text_xls(14)
    path = write_xls(tmp_path / "types.xls", header, rows)
    code = business_session(app)
    result = runner.invoke(args=["import", str(path), "--session", code, "--type", "外卖骑手=个人/群众"])
    assert result.exit_code == 0, result.output
    assert "单位类型对应：" in result.output and "外卖骑手 → 个人/群众（2 行）" in result.output
    kinds = [r["organisation_type"] for r in stored_rows(app, code)]
    assert kinds.count("个人/群众") == 4 and kinds.count("个体工商户") == 2
    bad = runner.invoke(args=["import", str(path), "--session", code, "--type", "外卖骑手=骑手"])
    assert bad.exit_code == 2 and "应写成 文件中的写法=类型" in bad.output
