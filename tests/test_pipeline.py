"""analyze(): the contract the CLI and the web app rely on."""
import json

import pytest

from analysis.pipeline import analyze, choose_representation
from analysis.plan import load_plan
from analysis.resources import corpus_path

ANSWERS = [
    "一是企业对知识产权不够重视，没有专人负责专利申请；二是本地代理机构规模小，缺少高端服务人才。",
    None,
    "高校的专利大多躺在抽屉里，企业不知道有哪些成果可以用。",
    "",
    "无",
    "我们企业的发明专利数量上去了，但高价值专利还是太少。",
    "遇到侵权诉讼找不到懂专利的律师，只能去济南请。",
    "校企之间缺少常态化的技术信息沟通和对接平台。",
    "会场的空调温度太低，希望下次调高一点。",
    "很多企业研发投入低，专利质量不高，申请只为凑数。",
    "知识产权高端服务人才匮乏，代理人水平参差不齐。",
    "科研院所的成果转化渠道不畅，转让许可手续复杂。",
]
GROUPS = ["企业", None, "高校", "企业", "企业", "企业", "服务机构", "高校", "企业", "企业", None, "高校"]
STATEMENT_KEYS = {"row", "text", "kind", "category", "confidence", "theme", "review_rank"}
THEME_KEYS = {"id", "category", "kind", "kinds", "label", "label_words", "keywords", "size", "representatives", "groups"}


@pytest.fixture(scope="module")
def plan():
    return load_plan(corpus_path("plans", "taian-ip-14th-fyp.toml"))


@pytest.fixture(scope="module")
def result(plan):
    return analyze(ANSWERS, plan, groups=GROUPS, representation="tfidf")


def test_contract_keys_and_json(result, plan):
    assert set(result) == {"statements", "categories", "kinds", "themes"}
    assert [k["id"] for k in result["kinds"]] == ["problem", "suggestion", "praise", "none"]
    assert all(set(s) == STATEMENT_KEYS for s in result["statements"])
    assert all(set(t) == THEME_KEYS for t in result["themes"])
    assert [c["id"] for c in result["categories"]] == [c.id for c in plan.categories] + ["other"]
    assert result["categories"][-1]["name"] == "未归类/新问题"
    assert all(set(c) == {"id", "name", "count"} for c in result["categories"])
    json.dumps(result, ensure_ascii=False)  # plain data only


def test_rows_split_and_counts(result):
    rows = [s["row"] for s in result["statements"]]
    assert rows[:2] == [0, 0]  # "一是……；二是……" gives two statements from row 0
    assert {1, 3, 4}.isdisjoint(rows)  # None, empty and "无" give none
    assert rows == sorted(rows) and set(rows) == {0, 2, 5, 6, 7, 8, 9, 10, 11}
    assert sum(c["count"] for c in result["categories"]) == len(result["statements"])
    by_theme = {t["id"]: t for t in result["themes"]}
    for s in result["statements"]:
        theme = by_theme[s["theme"]]
        assert theme["category"] == s["category"] and 0 <= s["confidence"] <= 1
    assert sum(t["size"] for t in result["themes"]) == len(result["statements"])


def test_groups_are_counted_per_theme(result):
    total = {}
    for t in result["themes"]:
        for g, n in t["groups"].items():
            total[g] = total.get(g, 0) + n
    assert total == {"企业": 5, "高校": 3, "服务机构": 1, "未注明": 1}


def test_without_a_plan_everything_is_other_and_clustered():
    out = analyze(ANSWERS, None, representation="tfidf", n_themes=2)
    assert {s["category"] for s in out["statements"]} == {"other"}
    assert out["categories"] == [{"id": "other", "name": "未归类/新问题", "count": len(out["statements"])}]
    assert [t["id"] for t in out["themes"]] == ["other-1", "other-2"]


def test_confirmed_labels_are_kept(plan):
    text = "会场的空调温度太低，希望下次调高一点。"
    out = analyze(ANSWERS, plan, representation="tfidf", confirmed={text: "service-talent"})
    hit = next(s for s in out["statements"] if s["text"] == text)
    assert hit["category"] == "service-talent" and hit["confidence"] == 1.0


def test_empty_input_and_progress(plan):
    seen = []
    out = analyze([None, "  "], plan, progress=lambda stage, done, total: seen.append(stage))
    assert out["statements"] == [] and out["themes"] == []
    assert [c["count"] for c in out["categories"]] == [0, 0, 0, 0]
    assert [k["count"] for k in out["kinds"]] == [0, 0, 0, 0]
    assert seen == ["split", "embed", "map", "themes"]


def test_deterministic(plan):
    a = analyze(ANSWERS, plan, representation="tfidf", random_state=1)
    b = analyze(ANSWERS, plan, representation="tfidf", random_state=1)
    assert a == b


def test_representation_by_size():
    assert choose_representation(2000) == "e5+use"
    assert choose_representation(10_000) == "use"
    assert choose_representation(100_000) == "tfidf"


@pytest.mark.slow
def test_default_representation_end_to_end(plan, tmp_path):
    out = analyze(ANSWERS, plan, groups=GROUPS, cache_dir=tmp_path)
    cats = {s["text"]: s["category"] for s in out["statements"]}
    assert cats["会场的空调温度太低，希望下次调高一点。"] == "other"
    assert cats["高校的专利大多躺在抽屉里，企业不知道有哪些成果可以用。"] == "transfer-channels"
    assert cats["我们企业的发明专利数量上去了，但高价值专利还是太少。"] == "enterprise-capability"
    assert cats["知识产权高端服务人才匮乏，代理人水平参差不齐。"] == "service-talent"
    assert (tmp_path / "embeddings").is_dir()


KIND_ANSWERS = ["总体感觉营商环境改善明显，审批速度快了很多。", "没有问题", "同上",
                "如需进一步了解情况可联系我 13812345678，邮箱 wangli@example.com",
                "企业专利申请重数量轻质量，高价值专利少。", "专利侵权取证难，维权成本高。",
                "建议建立技术调查官制度。", "企业不知道有哪些高校成果可以用。",
                "联系人王丽，电话0538-8221234，邮箱wangli@example.com，专利代理机构少、服务水平低。"]
KIND_FIELDS = ["存在问题", "存在问题", "意见建议", "意见建议", "存在问题", "存在问题", "意见建议", "存在问题",
               "存在问题"]


@pytest.fixture(scope="module")
def kinds_result(plan):
    return analyze(KIND_ANSWERS, plan, fields=KIND_FIELDS, names=["王丽"], representation="tfidf")


def test_a_kind_is_a_label_not_a_partition(kinds_result):
    """Praise keeps its category and theme; only "none" (nothing to act on) stays out."""
    by_text = {s["text"]: s for s in kinds_result["statements"]}
    praise = by_text["总体感觉营商环境改善明显，审批速度快了很多。"]
    assert praise["kind"] == "praise" and praise["category"] is not None and praise["theme"]
    assert by_text["没有问题"]["kind"] == "none" and by_text["没有问题"]["category"] is None
    assert by_text["没有问题"]["theme"] == ""
    assert "同上" not in by_text  # a bare no-answer is no statement at all (analysis.text)
    contact = next(s for s in kinds_result["statements"] if s["row"] == 3)
    assert contact["kind"] == "none" and contact["category"] is None and contact["theme"] == ""
    assert by_text["建议建立技术调查官制度。"]["kind"] == "suggestion"
    for s in kinds_result["statements"]:  # everything with content has a category and a theme
        assert (s["category"] is not None and s["theme"] != "") == (s["kind"] != "none"), s
    counted = sum(c["count"] for c in kinds_result["categories"])
    assert counted == sum(1 for s in kinds_result["statements"] if s["kind"] != "none")
    assert sorted(s["review_rank"] for s in kinds_result["statements"]) == \
        list(range(1, len(kinds_result["statements"]) + 1))
    for theme in kinds_result["themes"]:  # each theme carries its mix of kinds
        members = [s for s in kinds_result["statements"] if s["theme"] == theme["id"]]
        assert theme["kinds"] == {k: sum(s["kind"] == k for s in members) for k in ("problem", "suggestion", "praise")}
        assert sum(theme["kinds"].values()) == theme["size"]
        assert theme["kind"] == max(theme["kinds"], key=lambda k: (theme["kinds"][k], k == "problem"))


def test_problems_and_suggestions_about_one_issue_share_a_theme():
    """Themes are found by topic, never split by kind: two topics, each said as a problem and as
    a suggestion, give two themes, each with both kinds."""
    from analysis.themes import ThemeClusterer

    texts = ["专利评估机构太少", "专利评估机构少，专利评估难", "缺少专利评估机构",
             "建议培育专利评估机构", "建议多培育专利评估机构",
             "商标侵权维权周期长", "商标侵权维权难、周期长", "建议缩短商标侵权维权周期",
             "希望缩短商标侵权维权周期"]
    kinds = ["problem"] * 3 + ["suggestion"] * 2 + ["problem"] * 2 + ["suggestion"] * 2
    model = ThemeClusterer(n_themes=2, embedder="tfidf").fit(texts, kinds=kinds)
    assert len(model.themes_) == 2
    assert len(set(model.labels_[:5])) == 1 and len(set(model.labels_[5:])) == 1
    assert {t["kinds"]["problem"] > 0 and t["kinds"]["suggestion"] > 0 for t in model.themes_} == {True}
    # with no number of themes given, kinds do not split a category either
    auto = ThemeClusterer(embedder="tfidf").fit(texts[:5], kinds=kinds[:5])
    assert len(auto.themes_) == 1 and auto.themes_[0]["kinds"] == {"problem": 3, "suggestion": 2, "praise": 0}


def test_no_personal_data_in_keywords_labels_or_quotes(kinds_result):
    fragments = ("com", "example", "wangli", "王丽", "138", "5678", "0538", "8221234", "1234")
    for theme in kinds_result["themes"]:
        for word in theme["keywords"] + theme["label_words"] + [theme["label"]]:
            assert not any(f in word for f in fragments), (word, theme)
        for quote in theme["representatives"]:
            assert "wangli" not in quote and "8221234" not in quote and "王丽" not in quote
    assert not any(ch.isdigit() for t in kinds_result["themes"] for w in t["keywords"] for ch in w)


def test_staff_placing_a_statement_keeps_praise_and_makes_none_an_issue(plan):
    """Placing praise in a category keeps it praise (praise has a topic too); placing a "none"
    statement says it has something to act on: its kind follows the field."""
    text = "总体感觉营商环境改善明显，审批速度快了很多。"
    out = analyze(KIND_ANSWERS, plan, representation="tfidf", confirmed={text: "service-talent"})
    hit = next(s for s in out["statements"] if s["text"] == text)
    assert hit["kind"] == "praise" and hit["category"] == "service-talent" and hit["theme"]
    fields = ["意见建议" if t == "没有问题" else f for t, f in zip(KIND_ANSWERS, KIND_FIELDS)]
    out = analyze(KIND_ANSWERS, plan, fields=fields, representation="tfidf", confirmed={"没有问题": "other"})
    hit = next(s for s in out["statements"] if s["text"] == "没有问题")
    assert (hit["kind"], hit["category"]) == ("suggestion", "other") and hit["theme"]


def test_staff_kinds_are_kept_and_taught(plan):
    """A kind staff gave is kept as given, in either direction, and does not cost the statement
    its place unless it is "none"."""
    praise = "总体感觉营商环境改善明显，审批速度快了很多。"
    problem = "企业不知道有哪些高校成果可以用。"
    out = analyze(KIND_ANSWERS, plan, fields=KIND_FIELDS, representation="tfidf",
                  kinds_confirmed={praise: "problem", problem: "none"})
    by_text = {s["text"]: s for s in out["statements"]}
    assert by_text[praise]["kind"] == "problem" and by_text[praise]["category"] is not None
    assert by_text[problem]["kind"] == "none" and by_text[problem]["category"] is None
    assert by_text[problem]["theme"] == ""


def test_staff_corrections_teach_the_kind_model(monkeypatch):
    """Statements whose kind staff gave (or that staff placed although the model said none) are
    fitted as examples when the model disagrees: the next run learns from them."""
    from analysis import pipeline

    fitted = []
    real_fit = pipeline.StatementKinds.fit

    def fit(self, texts=None, kinds=None, fields=None):
        fitted.append((texts, kinds, fields))
        return real_fit(self, texts, kinds, fields)

    monkeypatch.setattr(pipeline.StatementKinds, "fit", fit)
    texts = ["没有问题", "专利侵权取证难。"]
    kinds = pipeline.statement_kinds(texts, ["意见建议", "存在问题"], [True, False], "tfidf")
    assert list(kinds) == ["suggestion", "problem"]
    assert fitted[-1] == (["没有问题"], ["suggestion"], ["意见建议"])
    fitted.clear()
    kinds = pipeline.statement_kinds(["服务很好，非常满意。", "专利侵权取证难。"], ["存在问题", "存在问题"],
                                     [False, False], "tfidf", given=["problem", None])
    assert list(kinds) == ["problem", "problem"]
    assert fitted[-1] == (["服务很好，非常满意。"], ["problem"], ["存在问题"])
    fitted.clear()
    pipeline.statement_kinds(texts, None, [False, False], "tfidf")
    assert fitted == [(None, None, None)]  # nothing given: the bundled model, fitted once per process


def test_word_clouds_are_counted_from_masked_text(kinds_result):
    from analysis.report import cloud_counts

    counts = cloud_counts(kinds_result, names=["王丽"])
    words = {w for c in counts.values() for w in c}
    assert words and not words & {"com", "example", "wangli", "王丽", "138", "5678", "8221234"}
    assert not any(ch.isdigit() for w in words for ch in w)
