"""ThemeClusterer: number of themes, fixed totals, c-TF-IDF keywords, representatives, groups."""
import numpy as np
import pytest

from analysis.themes import ThemeClusterer, _allocate, c_tf_idf, cluster
from analysis.tokenize import ChineseTokenizer

# three topics, each statement built from its topic's own words
TOPICS = {
    "停车": ["停车位太少", "停车收费太贵", "停车场离会场太远", "停车难的问题一直没解决"],
    "食堂": ["食堂饭菜太咸", "食堂排队时间太长", "食堂菜品种类太少", "食堂价格偏高"],
    "网络": ["会场网络信号太差", "无线网络经常断线", "网络速度太慢", "网络密码没人知道"],
}


def blobs(per_topic=12, seed=0):
    """Statements with vectors in three well separated directions (plus noise)."""
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 16) * 4
    X, texts, truth = [], [], []
    for t, (topic, phrases) in enumerate(TOPICS.items()):
        for i in range(per_topic):
            X.append(centres[t] + rng.normal(scale=0.6, size=16))
            texts.append(f"{phrases[i % len(phrases)]}（第{i + 1}位）")
            truth.append(topic)
    return np.array(X), texts, truth


@pytest.fixture(scope="module")
def fitted():
    X, texts, truth = blobs()
    groups = ["企业" if i % 3 else "高校" for i in range(len(texts))]
    return ThemeClusterer(tokenizer=ChineseTokenizer()).fit(texts, ["other"] * len(texts), embeddings=X, groups=groups), texts, truth


def test_chooses_the_number_of_themes_and_recovers_them(fitted):
    model, texts, truth = fitted
    assert [t["id"] for t in model.themes_] == ["other-1", "other-2", "other-3"]
    for theme in model.themes_:
        members = [truth[i] for i, lab in enumerate(model.labels_) if lab == theme["id"]]
        assert len(set(members)) == 1 and theme["size"] == len(members) == 12


def test_theme_fields(fitted):
    model, texts, truth = fitted
    for theme in model.themes_:
        assert set(theme) == {"id", "category", "kind", "kinds", "label", "label_words", "keywords", "size",
                              "representatives", "groups"}
        assert theme["kind"] is None  # no kinds given
        assert theme["category"] == "other"
        assert len(theme["representatives"]) == 3 and all(r in texts for r in theme["representatives"])
        topic = truth[texts.index(theme["representatives"][0])]
        assert theme["keywords"][0] == topic and topic in theme["label"]
        assert sum(theme["groups"].values()) == theme["size"] and set(theme["groups"]) == {"企业", "高校"}


def test_representatives_are_closest_to_the_centre():
    X, texts, _ = blobs()
    X[0] = np.eye(3, 16)[0] * 4  # exactly at the first topic's centre
    model = ThemeClusterer().fit(texts, ["other"] * len(texts), embeddings=X)
    own = next(t for t in model.themes_ if t["id"] == model.labels_[0])
    assert own["representatives"][0] == texts[0]


def test_fixed_total_is_distributed_across_categories():
    X, texts, _ = blobs()
    cats = ["a"] * 24 + ["b"] * 12
    model = ThemeClusterer(n_themes=5).fit(texts, cats, embeddings=X, order=["b", "a"])
    per = [t["category"] for t in model.themes_]
    assert len(per) == 5 and per.count("a") >= per.count("b") >= 1
    assert per[0] == "b"  # output follows the given category order
    assert sum(t["size"] for t in model.themes_) == len(texts)


def test_allocate_keeps_every_category_and_the_total():
    # every category keeps one theme, even when that overshoots the total
    assert _allocate({"a": 100, "b": 10, "c": 1}, 6) == {"a": 5, "b": 1, "c": 1}
    out = _allocate({"a": 30, "b": 30}, 5)
    assert sum(out.values()) == 5 and min(out.values()) >= 2
    assert _allocate({"a": 2}, 10) == {"a": 2}


def test_small_or_uniform_categories_stay_one_theme():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 8))
    model = ThemeClusterer().fit([f"意见{i}" for i in range(5)], ["x"] * 5, embeddings=X)
    assert [t["id"] for t in model.themes_] == ["x-1"] and model.themes_[0]["size"] == 5


def test_c_tf_idf_ranks_a_class_own_word_first():
    import scipy.sparse as sp
    counts = sp.csr_matrix(np.array([[2, 1, 0], [2, 0, 1], [2, 1, 0], [2, 0, 1]]))
    scores = c_tf_idf(counts, np.array([0, 1, 0, 1]), 2)
    assert scores[0].argmax() == 1 and scores[1].argmax() == 2


def test_deterministic_and_sparse_input():
    X, texts, truth = blobs()
    a = cluster(X, 3, random_state=3)
    b = cluster(X, 3, random_state=3)
    assert np.array_equal(a, b)
    import scipy.sparse as sp
    labels = cluster(sp.csr_matrix(np.abs(X)), 3)
    assert len(set(labels)) == 3


def test_theme_label_is_an_issue_phrase_in_the_theme_own_words():
    from analysis.themes import theme_label
    central = ["我们的绳网产品大部分出口，国外客户经常要我们出具不侵权说明。",
               "海外遇到过商标被抢注。"]
    # the issue ("被抢注"), not the story around it ("绳网产品大部分出口", "遇到过")
    label, words = theme_label(central, ["出口", "产品", "国外", "商标"])
    assert label == "商标被抢注" and words == ["商标"]


def test_theme_label_by_kind_and_distinct_within_the_category():
    from analysis.themes import LABEL_MAX, theme_label
    central = ["建议建立技术调查官制度，专利侵权取证太难了。"]
    assert theme_label(central, ["技术调查官", "取证"], kind="problem")[0] == "专利侵权取证太难"
    assert theme_label(central, ["技术调查官", "取证"], kind="suggestion")[0] == "建立技术调查官制度"
    other, _ = theme_label(central, ["技术调查官", "取证"], kind="problem", avoid=["专利侵权取证太难"])
    assert other != "专利侵权取证太难" and "取证太难" not in other and len(other) <= LABEL_MAX


def test_theme_label_avoids_personal_data_and_one_speaker():
    from analysis.themes import theme_label
    central = ["我们和山东农业大学谈过技术合作，校企对接渠道不畅。", "联系我***********"]
    assert theme_label(central, ["合作", "对接", "渠道"], kind="problem")[0] == "校企对接渠道不畅"


def test_theme_label_cuts_a_long_clause_at_whole_words():
    from analysis.themes import LABEL_MAX, theme_label
    text = "建议按13条产业链定期发布高校专利清单和企业技术需求清单，别光靠对接会。"
    label, words = theme_label([text], ["高校", "清单", "专利", "产业链"])
    assert label == "定期发布高校专利清单" and len(label) <= LABEL_MAX  # a proposal, its wish dropped
    assert set(words) == {"高校", "清单", "专利"}


def test_theme_label_without_keywords_falls_back():
    from analysis.themes import theme_label
    assert theme_label(["一是会场太冷，二是茶歇不好。"], []) == ("会场太冷", [])
    assert theme_label([], ["停车", "收费"]) == ("停车、收费", ["停车", "收费"])


def domain_statements(seed=0, per_topic=(6, 4, 3, 2), loners=3, apart=1.5):
    """New issues of one domain: every vector shares a strong domain direction (what statements
    about one plan all have in common), topics differ only in a weaker one; `loners` statements
    each about something nobody else raised (`apart`: how strongly)."""
    rng = np.random.default_rng(seed)
    dim = 24
    domain = np.eye(1, dim, 0)[0] * 5
    X, truth = [], []
    for t, size in enumerate(per_topic):
        for _ in range(size):
            X.append(domain + np.eye(1, dim, t + 1)[0] * 1.5 + rng.normal(scale=0.3, size=dim))
            truth.append(f"t{t}")
    for j in range(loners):
        X.append(domain + np.eye(1, dim, 10 + j)[0] * apart + rng.normal(scale=0.3, size=dim))
        truth.append(f"alone{j}")
    return np.array(X), said(truth), truth


# what the statements of each topic say: its own word, worded differently each time
WORDS = {"t0": "停车", "t1": "食堂", "t2": "网络", "t3": "电梯", "alone0": "绿化", "alone1": "厕所", "alone2": "噪音",
         "alone3": "路灯"}
ENDINGS = ["太少", "问题很多", "没人管", "需要改进", "收费太贵", "排队太久", "经常坏", "离得太远"]


def said(truth):
    seen: dict = {}
    out = []
    for t in truth:
        seen[t] = seen.get(t, -1) + 1
        out.append(WORDS[t] + ENDINGS[seen[t] % len(ENDINGS)])
    return out


def test_new_issues_hold_one_topic_each_and_lone_issues_join_none():
    X, texts, truth = domain_statements()
    model = ThemeClusterer().fit(texts, ["other"] * len(texts), embeddings=X)
    for topic in ("t0", "t1", "t2", "t3"):  # the pair t3 included
        theme = {label for label, t in zip(model.labels_, truth) if t == topic}
        assert len(theme) == 1  # not cut in two
        assert {t for label, t in zip(model.labels_, truth) if label in theme} == {topic}  # nothing else in it
    # the silhouette over all of them would have made a few large mixed themes; here 4 topics + loners
    assert 4 < len(model.themes_) <= 4 + 3


def test_new_issues_do_not_move_when_one_answer_is_left_out():
    """Leaving out any one statement redraws little (adjusted Rand index of the rest's themes
    against theirs with every statement): far less than the silhouette's choice does."""
    from sklearn.metrics import adjusted_rand_score

    X, texts, truth = domain_statements(seed=3)

    def agreement(block):
        # "c1": the silhouette's choice (the rule for more statements than `new_issue_max`)
        make = (lambda: ThemeClusterer()) if block == "other" else (lambda: ThemeClusterer(new_issue_max=0))
        full = make().fit(texts, [block] * len(texts), embeddings=X).labels_
        scores = []
        for left in range(len(texts)):
            keep = [i for i in range(len(texts)) if i != left]
            part = make().fit([texts[i] for i in keep], [block] * len(keep), embeddings=X[keep]).labels_
            scores.append(adjusted_rand_score([full[i] for i in keep], part))
        return float(np.mean(scores))

    new_issues, silhouette = agreement("other"), agreement("c1")
    assert new_issues >= 0.9 and new_issues > silhouette, (new_issues, silhouette)
