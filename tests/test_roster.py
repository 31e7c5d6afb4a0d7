"""Roster input: the staff textarea, CSV files and TOML tables all become RosterRow lists."""
import pytest

from survey.roster import RosterError, RosterRow, load_file, parse_csv, parse_lines, parse_toml_tables


def test_lines_with_and_without_person_and_chinese_separators():
    rows = parse_lines("山东科技大学, 宋庆军, 高校/科研院所\n\n泰盈科技集团股份有限公司，企业\n某局\t张三\t政府")
    assert rows == [RosterRow("山东科技大学", "宋庆军", "高校/科研院所"),
                    RosterRow("泰盈科技集团股份有限公司", "", "企业"),
                    RosterRow("某局", "张三", "政府部门")]


@pytest.mark.parametrize("text, message", [
    ("山东科技大学", "第 1 行：应写成"),
    ("山东科技大学, 宋, 老师, 企业", "第 1 行：应写成"),
    ("甲, 企业\n乙, 张三, 学校", "第 2 行：类型“学校”不在可选范围内"),
    (", 张三, 企业", "第 1 行：缺少单位名称"),
])
def test_line_errors_say_where_and_why(text, message):
    with pytest.raises(RosterError, match=message):
        parse_lines(text)


def test_csv_skips_header_and_handles_quotes():
    rows = parse_csv('单位,姓名,类型\n"山东科技大学,泰安校区",宋庆军,高校\n')
    assert rows == [RosterRow("山东科技大学,泰安校区", "宋庆军", "高校/科研院所")]


def test_files_by_suffix_with_bom(tmp_path):
    csv_file = tmp_path / "名单.csv"
    csv_file.write_bytes("单位,姓名,类型\n漱玉药业,夏继东,企业\n".encode("utf-8-sig"))
    assert load_file(csv_file) == [RosterRow("漱玉药业", "夏继东", "企业")]
    toml_file = tmp_path / "名单.toml"
    toml_file.write_text('[[roster]]\norganisation = "泰山学院"\norganisation_type = "高校/科研院所"\n',
                         encoding="utf-8")
    assert load_file(toml_file) == [RosterRow("泰山学院", "", "高校/科研院所")]


def test_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("甲,乙,丙\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"bad\.csv: 第 1 行：类型“丙”"):
        load_file(bad)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("甲,企业\n".encode("gbk"))
    with pytest.raises(RosterError, match="不是 UTF-8"):
        load_file(gbk)


def test_toml_tables_must_be_tables():
    with pytest.raises(RosterError, match=r"\[\[roster\]\]"):
        parse_toml_tables({"organisation": "x"})
    with pytest.raises(RosterError, match=r"roster\[0\]"):
        parse_toml_tables([{"organisation": "x", "organisation_type": 3}])


def test_roster_types_follow_the_plan_and_the_session_kind():
    from analysis.plan import load_plan
    from analysis.resources import corpus_path

    seed = load_plan(corpus_path("plans", "taian-ip-14th-fyp.toml"))
    assert parse_lines("张三, 个人", seed.types_for())[0].organisation_type == "其他"
    assert parse_lines("张三, 个人", seed.types_for(anonymous=True))[0].organisation_type == "个人/群众"
    business = load_plan(corpus_path("plans", "city-business-environment.toml"))
    rows = parse_lines("某某烧烤店, 个体户\n某银行支行, 王五, 银行\n某某有限公司, 民营企业", business.types_for())
    assert [r.organisation_type for r in rows] == ["个体工商户", "金融机构", "企业"]
    with pytest.raises(RosterError, match="类型“高校”不在可选范围内（企业、个体工商户"):
        parse_lines("某大学, 高校", business.types_for())


def test_no_page_or_rule_of_the_app_names_the_seed_plans_domain():
    """Templates, forms, guesses and imports are domain-free: the plan file carries its own words."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = [*(root / "templates").rglob("*.html"), *(root / "survey" / "static" / "js").glob("*.js"),
             *(root / "survey" / "imports").glob("*.py"), root / "survey" / "roster.py", root / "survey" / "answers.py",
             *(root / "survey" / "staff").glob("*.py"), *(root / "survey" / "participate").glob("*.py")]
    found = {str(f.relative_to(root)): w for f in files for w in ("知识产权", "泰安", "《规划》", "专利", "商标")
             if w in f.read_text(encoding="utf-8")}
    assert found == {}
