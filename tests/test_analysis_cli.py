"""`pingjia analyze` (analysis.cli): input formats, the JSON contract, the summary, and exit status 2.

Runs that need the real `analysis.pipeline.analyze` import it: a broken import fails them
(it used to skip them, so a broken pipeline passed CI); the error paths stop before the pipeline.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from analysis.cli import TqdmProgress, analyze
from analysis.report import Source, cloud_name, summary_markdown
from analysis.resources import corpus_path
from analysis.text import normalize

PLAN = corpus_path("plans", "taian-ip-14th-fyp.toml")
ROWS = [
    ("高校", "一是高校的专利很多躺在抽屉里；二是企业不知道有哪些成果可以用。"),
    ("企业", "本地代理机构规模小，遇到侵权诉讼只能去济南找律师。"),
    ("企业", "很多中小企业对知识产权不够重视，没有专人负责。"),
    ("高校", "校企之间缺少常态化的对接平台，成果转化渠道不畅。"),
    ("企业", "缺少懂专利价值评估的专业人员，质押融资很难办。"),
    ("企业", None),
    ("服务机构", "希望多举办专利导航和高价值专利培育的培训。"),
    ("企业", "食堂的饭菜太咸了，停车位也不够。"),
]


def write_csv(path: Path, encoding: str) -> Path:
    lines = ["单位类型,意见"] + [f"{org},{text or ''}" for org, text in ROWS]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["单位类型", "意见"])
    for row in ROWS:
        ws.append(list(row))
    wb.save(path)
    return path


def run(*args: str):
    return CliRunner().invoke(analyze, [str(a) for a in args])


# --- bad input: one Chinese line on stderr, exit status 2, no traceback ---------------------

def assert_user_error(result, *fragments: str):
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # click's exit, not a crash
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_missing_column(tmp_path):
    path = write_csv(tmp_path / "in.csv", "utf-8")
    assert_user_error(run(path, "--out", tmp_path / "out", "--text-column", "评论"), "评论", "单位类型、意见")
    assert not (tmp_path / "out").exists()


def test_missing_group_column(tmp_path):
    path = write_csv(tmp_path / "in.csv", "utf-8")
    assert_user_error(run(path, "--out", tmp_path / "out", "--group-column", "单位"), "单位", "现有列")


def test_empty_file(tmp_path):
    (tmp_path / "in.csv").write_bytes(b"")
    assert_user_error(run(tmp_path / "in.csv", "--out", tmp_path / "out"), "空文件")


def test_undecodable_bytes(tmp_path):
    (tmp_path / "in.csv").write_bytes("意见\n专利\n".encode() + b"\x81\x20\xff\n")
    assert_user_error(run(tmp_path / "in.csv", "--out", tmp_path / "out"), "无法识别的字节", "第 3 行")


def test_missing_input(tmp_path):
    assert_user_error(run(tmp_path / "nope.csv", "--out", tmp_path / "out"), "找不到输入文件")


@pytest.mark.parametrize("plan_text, fragment", [
    ('id = "x"\ntitle = \n', "TOML"),
    ('id = "Bad Id"\ntitle = "t"\n', "id"),
])
def test_malformed_plan(tmp_path, plan_text, fragment):
    path = write_csv(tmp_path / "in.csv", "utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(plan_text, encoding="utf-8")
    assert_user_error(run(path, "--out", tmp_path / "out", "--plan", plan), "plan.toml", fragment)


def test_help_runs_as_module():
    out = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert out.returncode == 0 and "--no-split" in out.stdout and "--group-column" in out.stdout


def test_never_imports_flask():
    code = ("import sys, analysis.cli, analysis.report, analysis.clouds, analysis.io, analysis.text, "
            "analysis.tokenize; sys.exit(3 if any(m.split('.')[0] == 'flask' for m in sys.modules) else 0)")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert out.returncode == 0


def test_progress_follows_stages():
    progress = TqdmProgress()
    progress("embed", 3, 10)
    first = progress.bar
    assert (first.n, first.total, first.desc) == (3, 10, "计算向量")
    progress("embed", 7, 10)
    assert progress.bar is first and first.n == 7
    progress("绘制词云", 1, 4)
    assert progress.bar is not first and progress.bar.desc == "绘制词云"
    progress.close()
    assert progress.bar is None


# --- the summary, from a hand-written result in the pipeline's format ---------------------

RESULT = {
    "statements": [
        {"row": 0, "text": "本地代理机构规模小", "category": "service-talent", "confidence": 0.8, "theme": "t1"},
        {"row": 1, "text": "缺少专利评估人才", "category": "service-talent", "confidence": 0.7, "theme": "t1"},
        {"row": 2, "text": "食堂饭菜太咸", "category": "other", "confidence": 0.1, "theme": "t2"},
    ],
    "categories": [
        {"id": "other", "name": "未归类/新问题", "count": 1},
        {"id": "service-talent", "name": "品牌服务机构和高端服务人才", "count": 2},
        {"id": "transfer-channels", "name": "校企专利信息沟通与转化渠道", "count": 0},
    ],
    "themes": [
        {"id": "t1", "category": "service-talent", "label": "代理机构与评估人才", "keywords": ["代理机构", "人才"],
         "size": 2, "representatives": ["本地代理机构规模小", "缺少专利评估人才"], "groups": {"企业": 2}},
        {"id": "t2", "category": "other", "label": "后勤", "keywords": ["食堂"], "size": 1,
         "representatives": ["食堂饭菜太咸"], "groups": {}},
    ],
}


def test_summary_lists_categories_then_other():
    md = summary_markdown(RESULT, Source("in.csv", "意见", 3, True, plan_title="泰安市规划"),
                          clouds=[Path(cloud_name("theme", "t1"))])
    assert md.index("## 1. 品牌服务机构和高端服务人才") < md.index("## 2. 校企专利信息沟通与转化渠道") \
        < md.index("## 未归类/新问题")
    assert "共 2 条，占 67%" in md and "共 0 条，占 0%" in md
    assert "### 代理机构与评估人才（2 条）" in md and "关键词：代理机构、人才" in md
    assert "> 本地代理机构规模小" in md and "来源：企业 2" in md
    assert "![代理机构与评估人才词云](wordclouds/theme-t1.png)" in md
    assert "category-service-talent.png" not in md  # not written, so not linked
    assert "2 条归入 1 个问题类别，1 条未归类" in md
    assert "可能是新问题" in md


def test_summary_without_plan_says_so():
    only_other = {"statements": RESULT["statements"][2:], "themes": RESULT["themes"][1:],
                  "categories": [{"id": "other", "name": "未归类/新问题", "count": 1}]}
    md = summary_markdown(only_other, Source("in.csv", "意见", 1, False))
    assert "未指定计划文件" in md and "可能是新问题" not in md
    assert "每行作为一条，共 1 条意见" in md and "> 食堂饭菜太咸" in md


@pytest.mark.parametrize("content, fragments", [
    ("text,类别\n专利很多,transfer-channels\n", ["confirmed.csv", "category", "text、类别"]),
    ("意见,category\n专利很多,transfer-channels\n", ["confirmed.csv", "text"]),
    ("text,category\n专利很多,transfer-channels\n企业不重视,no-such\n", ["第 3 行", "no-such", "other"]),
    ("text,category\n,transfer-channels\n", ["第 2 行", "text 为空"]),
])
def test_bad_confirmed_file(tmp_path, content, fragments):
    path = write_csv(tmp_path / "in.csv", "utf-8")
    (tmp_path / "confirmed.csv").write_text(content, encoding="utf-8")
    result = run(path, "--out", tmp_path / "out", "--plan", PLAN, "--confirmed", tmp_path / "confirmed.csv")
    assert_user_error(result, *fragments)
    assert not (tmp_path / "out").exists()


def test_confirmed_file_needs_a_plan_and_must_exist(tmp_path):
    path = write_csv(tmp_path / "in.csv", "utf-8")
    assert_user_error(run(path, "--out", tmp_path / "out", "--confirmed", tmp_path / "c.csv"), "--plan")
    assert_user_error(run(path, "--out", tmp_path / "out", "--plan", PLAN, "--confirmed", tmp_path / "c.csv"),
                      "找不到确认文件")


# --- full runs with the real pipeline -----------------------------------------------------

@pytest.fixture(scope="module")
def pipeline():
    import analysis.pipeline

    return analysis.pipeline


def check_contract(result: dict, rows: list[str | None]) -> None:
    assert set(result) == {"statements", "categories", "kinds", "themes"}
    category_ids = [c["id"] for c in result["categories"]]
    theme_ids = {t["id"] for t in result["themes"]}
    assert "other" in category_ids and len(set(category_ids)) == len(category_ids)
    for s in result["statements"]:
        assert set(s) == {"row", "text", "kind", "category", "confidence", "theme", "review_rank"}
        assert isinstance(s["row"], int) and isinstance(s["confidence"], float)
        if s["kind"] == "none":  # nothing to act on: in no category, no theme (a kind is a label)
            assert s["category"] is None and s["theme"] == ""
        else:
            assert s["category"] in category_ids and s["theme"] in theme_ids
        assert s["text"] and s["text"] in normalize(rows[s["row"]])  # traceable to its row
    ranks = sorted(s["review_rank"] for s in result["statements"])
    assert ranks == list(range(1, len(ranks) + 1))
    for c in result["categories"]:
        assert set(c) == {"id", "name", "count"}
        assert c["count"] == sum(s["category"] == c["id"] for s in result["statements"])
    for k in result["kinds"]:
        assert k["count"] == sum(s["kind"] == k["id"] for s in result["statements"])
    for t in result["themes"]:
        assert set(t) == {"id", "category", "kind", "kinds", "label", "label_words", "keywords", "size",
                          "representatives", "groups"}
        assert t["kind"] in ("problem", "suggestion", "praise")
        assert sum(t["kinds"].values()) == t["size"]
        assert all(w in t["label"] for w in t["label_words"])
        assert t["category"] in category_ids and isinstance(t["label"], str)
        assert all(isinstance(k, str) for k in t["keywords"]) and len(t["representatives"]) <= t["size"]
        assert t["size"] == sum(s["theme"] == t["id"] for s in result["statements"])
        assert all(isinstance(n, int) for n in t["groups"].values())


@pytest.fixture(scope="module")
def utf8_run(pipeline, tmp_path_factory):
    folder = tmp_path_factory.mktemp("utf8")
    result = run(write_csv(folder / "in.csv", "utf-8"), "--out", folder / "out", "--plan", PLAN,
                 "--group-column", "单位类型", "--quiet")
    assert result.exit_code == 0, result.output
    return folder / "out"


def test_json_contract_and_files(utf8_run):
    data = json.loads((utf8_run / "analysis.json").read_text(encoding="utf-8"))
    check_contract(data, [text for _, text in ROWS])
    assert {c["id"] for c in data["categories"]} == {"enterprise-capability", "service-talent",
                                                      "transfer-channels", "other"}
    assert {s["row"] for s in data["statements"]} == {0, 1, 2, 3, 4, 6, 7}  # row 5 is empty
    assert len([s for s in data["statements"] if s["row"] == 0]) == 2  # 一是……；二是……
    for t in data["themes"]:
        assert set(t["groups"]) <= {"高校", "企业", "服务机构"}
    assert "\\u" not in (utf8_run / "analysis.json").read_text(encoding="utf-8")  # ensure_ascii=False

    summary = (utf8_run / "summary.md").read_text(encoding="utf-8")
    for c in data["categories"]:
        assert c["name"] in summary
    clouds = {p.name for p in (utf8_run / "wordclouds").glob("*.png")}
    for c in data["categories"]:
        if c["count"]:
            assert cloud_name("category", c["id"]) in clouds
    assert {cloud_name("theme", t["id"]) for t in data["themes"]} <= clouds


@pytest.mark.parametrize("kind", ["utf-8-sig", "gb18030", "xlsx"])
def test_other_formats_give_the_same_result(utf8_run, tmp_path, kind):
    path = write_xlsx(tmp_path / "in.xlsx") if kind == "xlsx" else write_csv(tmp_path / "in.csv", kind)
    result = run(path, "--out", tmp_path / "out", "--plan", PLAN, "--group-column", "单位类型",
                 "--no-wordcloud", "--quiet")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / "wordclouds").exists()
    got = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert got == json.loads((utf8_run / "analysis.json").read_text(encoding="utf-8"))


def test_no_split_one_statement_per_row(pipeline, tmp_path):
    result = run(write_csv(tmp_path / "in.csv", "utf-8"), "--out", tmp_path / "out", "--no-split",
                 "--no-wordcloud", "--quiet")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    check_contract(data, [text for _, text in ROWS])
    assert [(s["row"], s["text"]) for s in data["statements"]] == [
        (i, normalize(text)) for i, (_, text) in enumerate(ROWS) if text]
    assert [c["id"] for c in data["categories"]] == ["other"]  # no plan: everything is new


def test_summary_escapes_participants_html():
    result = {
        "statements": [{"row": 0, "text": "<script>alert(1)</script> & <b>粗体</b>", "category": "other",
                        "confidence": 0.1, "theme": "t1"}],
        "categories": [{"id": "other", "name": "未归类/新问题", "count": 1}],
        "themes": [{"id": "t1", "category": "other", "label": "<img src=x onerror=alert(1)>",
                    "keywords": ["<i>关键词</i>"], "size": 1,
                    "representatives": ["<script>alert(1)</script> & <b>粗体</b>"],
                    "groups": {"<u>企业</u>": 1}}],
    }
    md = summary_markdown(result, Source(input_name="<x>.csv", text_column="<意见>", rows=1, split=True,
                                         group_column="<类型>"))
    assert "<script>" not in md and "<img" not in md and "<b>" not in md and "<u>" not in md
    assert "> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;粗体&lt;/b&gt;" in md
    assert "### &lt;img src=x onerror=alert(1)&gt;（1 条）" in md and "&lt;u&gt;企业&lt;/u&gt; 1" in md


def test_confirmed_statements_keep_their_category(pipeline, tmp_path):
    canteen, pledge = "食堂的饭菜太咸了，停车位也不够。", "缺少懂专利价值评估的专业人员，质押融资很难办。"
    confirmed = tmp_path / "confirmed.csv"
    # staff put the canteen complaint under transfer-channels (to see a decision kept) and
    # the pledge statement under "new issue"; the third text, from an earlier run, only teaches
    confirmed.write_text(f"text,category\n{canteen},transfer-channels\n{pledge},other\n"
                         "代理机构人才短缺,service-talent\n", encoding="utf-8-sig")
    result = run(write_csv(tmp_path / "in.csv", "utf-8"), "--out", tmp_path / "out", "--plan", PLAN,
                 "--confirmed", confirmed, "--no-wordcloud", "--quiet")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    check_contract(data, [text for _, text in ROWS])
    by_text = {s["text"]: s for s in data["statements"]}
    assert (by_text[canteen]["category"], by_text[canteen]["confidence"]) == ("transfer-channels", 1.0)
    assert (by_text[pledge]["category"], by_text[pledge]["confidence"]) == ("other", 1.0)
    assert "代理机构人才短缺" not in by_text
    # a confirmed statement has nothing left to teach: it comes last in the review order
    n = len(data["statements"])
    assert {by_text[canteen]["review_rank"], by_text[pledge]["review_rank"]} == {n - 1, n}


def test_field_column_kinds_and_no_personal_data(pipeline, tmp_path):
    rows = [("存在问题", "专利侵权取证难，维权周期长。"), ("存在问题", "本地代理机构规模小，服务水平不高。"),
            ("意见建议", "建立技术调查官制度。"), ("意见建议", "多开展专利导航培训。"),
            ("存在问题", "总体感觉营商环境改善明显，审批速度快了很多。"), ("存在问题", "没有问题"),
            ("意见建议", "如需进一步了解情况可联系我 13812345678，邮箱 wangli@example.com"),
            ("存在问题", "联系人王丽 0538-8221234 wangli@example.com，企业专利质量不高。")]
    path = tmp_path / "in.csv"
    path.write_text("栏目,意见\n" + "".join(f"{f},{t}\n" for f, t in rows), encoding="utf-8")
    result = run(path, "--out", tmp_path / "out", "--plan", PLAN, "--field-column", "栏目", "--quiet")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    check_contract(data, [t for _, t in rows])
    kind_of = {s["row"]: s["kind"] for s in data["statements"]}
    assert [kind_of[r] for r in range(8)] == ["problem", "problem", "suggestion", "suggestion", "praise",
                                              "none", "none", "problem"]
    built = [w for t in data["themes"] for w in t["keywords"] + t["label_words"] + [t["label"]]]
    for fragment in ("com", "example", "wangli", "王丽", "138", "5678", "0538", "8221234"):
        assert not any(fragment in w for w in built), fragment
    quotes = [q for t in data["themes"] for q in t["representatives"]]
    assert not any(f in q for q in quotes for f in ("wangli", "13812345678", "8221234"))
    summary = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert "## 肯定" in summary and "## 无实质内容" in summary and "wangli" not in summary
