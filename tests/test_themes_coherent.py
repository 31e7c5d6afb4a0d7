"""Themes are cut where their members share words (issue 24 item 4: a name true of two thirds of
the members needs members that share its words): analysis._theme_cut and ThemeClusterer."""
import numpy as np
import scipy.sparse as sp
from test_themes import domain_statements

from analysis._theme_cut import Coherence, coherent_cut
from analysis.theme_names import SHARE, support, theme_name
from analysis.themes import ThemeClusterer
from analysis.tokenize import ChineseTokenizer

CUT = ChineseTokenizer().cut


def test_cover_finds_one_or_two_words_said_by_two_thirds():
    said = Coherence(sp.csr_matrix(np.array([  # words a, b, c
        [1, 0, 0], [1, 0, 0], [1, 0, 1], [0, 1, 0], [0, 1, 0], [0, 0, 1]])))
    assert said.cover(np.array([0, 1, 2])) == (0,)
    assert set(said.cover(np.arange(5))) == {0, 1}  # a or b: 5 of 5
    assert said.cover(np.arange(6)) is not None  # a or b: 5 of 6
    assert said.cover(np.array([2, 5, 3])) == (2,)  # c: 2 of 3; b, said by one, is no help
    assert said.cover(np.array([0, 3, 5])) is None  # each word said by one
    assert said.cover(np.array([0])) == ()
    # each word must be said by a third of the members, two at least: a pair sharing none has none
    assert Coherence(sp.csr_matrix(np.eye(2))).cover(np.array([0, 1])) is None


def test_statements_close_in_meaning_but_sharing_no_word_are_not_one_theme():
    rng = np.random.default_rng(0)
    base = rng.normal(size=16)
    X = np.vstack([base + rng.normal(scale=0.05, size=16) for _ in range(2)]
                  + [rng.normal(size=16) for _ in range(4)])
    texts = ["职务成果转让程序太多", "规划中期调整要增加数据内容", "绿化太少", "厕所太远", "噪音扰民", "路灯不亮"]
    model = ThemeClusterer().fit(texts, ["other"] * len(texts), embeddings=X)
    assert model.labels_[0] != model.labels_[1]  # the demo's two "其他问题" pairs
    texts[1] = "职务成果转让要走评估挂牌"
    model = ThemeClusterer().fit(texts, ["other"] * len(texts), embeddings=X)
    assert model.labels_[0] == model.labels_[1]


def test_themes_of_a_plan_category_are_true_of_their_members_and_strays_go_to_one_other_theme():
    X, texts, truth = domain_statements(per_topic=(8, 6, 5, 4), loners=4, apart=5.0)
    model = ThemeClusterer(tokenizer=ChineseTokenizer()).fit(texts, ["c1"] * len(texts), embeddings=X,
                                                             kinds=["problem"] * len(texts))
    themes = {t["id"]: t for t in model.themes_}
    for topic in ("t0", "t1", "t2", "t3"):
        (tid,) = {label for label, t in zip(model.labels_, truth) if t == topic}
        members = [texts[i] for i, label in enumerate(model.labels_) if label == tid]
        assert {t for label, t in zip(model.labels_, truth) if label == tid} == {topic}
        assert support(themes[tid]["label_words"], members) >= SHARE
    # the four who raised something nobody else did are not forced into a topic: one theme, last
    loners = {label for label, t in zip(model.labels_, truth) if t.startswith("alone")}
    assert loners == {model.themes_[-1]["id"]} and model.themes_[-1]["size"] == 4
    assert len(model.themes_) == 5


def test_a_stray_that_says_a_theme_words_joins_it():
    X, texts, truth = domain_statements(per_topic=(8, 6), loners=2, apart=5.0)
    texts[-1] = "停车场的绿化太少"  # far from the 停车 statements in meaning, but says their word
    model = ThemeClusterer().fit(texts, ["c1"] * len(texts), embeddings=X)
    assert model.labels_[-1] == model.labels_[0]
    assert model.labels_[-2] not in (model.labels_[0], model.labels_[8])


def test_without_words_the_cut_is_the_plain_distance_cut():
    X, texts, truth = domain_statements()
    from sklearn.preprocessing import normalize
    R = normalize(X)
    plain = coherent_cut(R, None, 0.85)
    words = coherent_cut(R, Coherence(sp.csr_matrix(np.ones((len(texts), 1)))), 0.85)  # all share one word
    assert len(set(plain)) == len(set(words))


def test_each_theme_name_passes_the_rubric_when_members_share_words():
    X, texts, truth = domain_statements(per_topic=(6, 4, 3, 2), loners=0)
    model = ThemeClusterer(tokenizer=ChineseTokenizer()).fit(texts, ["other"] * len(texts), embeddings=X,
                                                             kinds=["problem"] * len(texts))
    import importlib.util
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("rubric", Path(__file__).parents[1] / "benchmarks" / "theme_names.py")
    rubric = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rubric)
    for theme in model.themes_:
        members = [texts[i] for i, label in enumerate(model.labels_) if label == theme["id"]]
        assert rubric.judge(theme["label"], members, CUT) == [], (theme["label"], members)
    assert theme_name(["加强跨区域执法协作"], [], CUT)[0] == "加强跨区域执法协作"
    assert rubric.judge("加强跨区域执法协作", ["加强跨区域执法协作"], CUT) == []  # a phrase at the end is not cut


def test_a_statement_that_says_nothing_nameable_joins_its_own_answer_theme():
    """期待回复 split from a message about 停车 goes with that message's theme, not alone as a new
    issue named 其他问题; with no answer given, it stays alone."""
    X, texts, truth = domain_statements(per_topic=(6, 4), loners=1, apart=5.0)
    texts[-1] = "期待回复。"
    rows = list(range(len(texts)))
    rows[-1] = rows[2]  # the same answer as a 停车 statement
    alone = ThemeClusterer().fit(texts, ["other"] * len(texts), embeddings=X)
    joined = ThemeClusterer().fit(texts, ["other"] * len(texts), embeddings=X, rows=rows)
    assert alone.labels_[-1] not in (alone.labels_[0], alone.labels_[6])
    assert joined.labels_[-1] == joined.labels_[2]
    assert list(joined.labels_[:-1]) == list(alone.labels_[:-1])


def test_new_issues_that_say_nothing_nameable_and_stay_alone_are_one_theme():
    """Real letters' closings ("望予以解答为盼，谢谢！", "至此敬礼") whose letters' own themes are of one
    cannot join them: they are one theme 其他问题 listed last, not one new issue each named alike;
    the loners that say something stay themes of one."""
    X, texts, truth = domain_statements(per_topic=(6, 4), loners=4, apart=5.0)
    texts[-2], texts[-1] = "望予以解答为盼，谢谢！", "至此敬礼。"
    fitted = ThemeClusterer().fit(texts, ["other"] * len(texts), embeddings=X, rows=list(range(len(texts))),
                                  kinds=["problem"] * len(texts))
    assert fitted.labels_[-1] == fitted.labels_[-2]
    assert fitted.labels_[-3] not in (fitted.labels_[-1], fitted.labels_[-4])  # 噪音…, 绿化… alone
    last = fitted.themes_[-1]
    assert last["label"] == "其他问题" and last["size"] == 2
