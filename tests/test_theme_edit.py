"""theme_edit: the review workspace's calls — describe, split and match themes."""
import pytest

from analysis.theme_edit import describe_theme, match_themes, split_theme

PARKING = ["停车位太少，来开会的车都停到路边了。", "停车场离会场太远，走过来要十分钟。",
           "停车收费太贵，希望给参会人员免费停车。", "停车难的问题一直没有解决。"]
CANTEEN = ["食堂的午饭太咸了。", "食堂排队时间太长，午休都不够。",
           "食堂菜品种类太少，天天都是那几样。", "食堂价格偏高，比外面还贵。"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PINGJIA_CACHE_DIR", str(tmp_path))


@pytest.mark.slow
def test_describe_theme_reads_like_an_issue_and_counts_groups():
    groups = ["企业", "高校", "企业", None]
    out = describe_theme(PARKING, groups=groups)
    assert set(out) == {"label", "label_words", "keywords", "representatives", "groups"}
    assert "停车" in out["keywords"][:2] and len(out["keywords"]) <= 8
    assert "停车" in out["label"] and len(out["label"]) <= 18
    assert out["label_words"] and all(w in out["label"] and w in out["keywords"] for w in out["label_words"])
    assert len(out["representatives"]) == 3 and set(out["representatives"]) <= set(PARKING)
    assert out["groups"] == {"企业": 2, "高校": 1, "未注明": 1}


def test_describe_theme_of_nothing_and_bad_groups():
    assert describe_theme([]) == {"label": "", "label_words": [], "keywords": [],
                                  "representatives": [], "groups": {}}
    with pytest.raises(ValueError):
        describe_theme(["停车难"], groups=["企业", "高校"])


@pytest.mark.slow
def test_split_theme_separates_topics_and_uses_every_label():
    texts = PARKING + CANTEEN
    labels = split_theme(texts, 2)
    assert sorted(set(labels)) == [0, 1]
    assert len(set(labels[:4])) == 1 and len(set(labels[4:])) == 1 and labels[0] != labels[4]
    assert split_theme(texts, 2) == labels  # same random_state, same answer


def test_split_theme_small_and_degenerate_inputs():
    assert split_theme(["甲", "乙"], 3) == [0, 1]
    assert split_theme(PARKING, 1) == [0, 0, 0, 0]
    with pytest.raises(ValueError):
        split_theme(PARKING, 0)


@pytest.mark.slow
def test_split_theme_uses_every_label_even_for_identical_statements():
    labels = split_theme(["停车难"] * 5 + ["食堂贵"], 4)
    assert sorted(set(labels)) == [0, 1, 2, 3] and len(labels) == 6


def test_match_themes_is_one_to_one_by_jaccard():
    old = {"a": {1, 2, 3, 4}, "b": {5, 6, 7}, "c": {8, 9}}
    new = {"x": {5, 6, 7, 10}, "y": {1, 2, 3}, "z": {1, 4}, "w": {20, 21}}
    # y and z both overlap a; y overlaps more, so z stays unmatched; w and c share nothing
    assert match_themes(old, new) == {"x": "b", "y": "a"}


def test_match_themes_threshold_and_empty():
    old = {"a": {1, 2, 3, 4, 5}}
    assert match_themes(old, {"n": {1, 9, 10, 11}}) == {}  # Jaccard 1/8 < 0.3
    assert match_themes(old, {"n": {1, 9, 10, 11}}, min_jaccard=0.1) == {"n": "a"}
    assert match_themes({}, {"n": {1}}) == {} and match_themes(old, {}) == {}
    assert match_themes({"a": []}, {"n": []}) == {}


def test_describe_theme_masks_personal_data_and_labels_suggestions():
    texts = ["建议建立专利纠纷快速调解机制，联系 13812345678", "建立专利纠纷快速调解机制，邮箱 wangli@example.com",
             "专利纠纷调解太慢，希望建立快速调解机制"]
    out = describe_theme(texts, kinds=["suggestion"] * 3, names=["王丽"])
    built = out["keywords"] + out["label_words"] + [out["label"]]
    assert not any(f in w for w in built for f in ("138", "5678", "example", "com", "wangli"))
    assert out["label"].startswith("建立") and len(out["label"]) <= 14
    assert not any("13812345678" in q or "wangli" in q for q in out["representatives"])
