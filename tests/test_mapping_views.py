"""CategoryMapper's second looks (issue 24): the batch's own words, cross-fitted, the
neighbours' vote under the relevance floor, and the certain statements re-scoring the uncertain.
Small arrays, no encoder: fast."""
import numpy as np
from sklearn.linear_model import LogisticRegression

from analysis import _lexical, _open_set, _self_train
from analysis.plan import OTHER
from analysis.tokenize import ChineseTokenizer

CLASSES = np.array(["a", "b"])


def test_a_statement_under_the_floor_joins_the_category_its_neighbours_sit_in():
    # rows 0–2: placed in "a"; row 3: the floor called it "other" though it leans to "a";
    # row 4: the competitor called it "other" (its likeliest label); row 5: leans to "a",
    # its neighbours are new issues
    labels = np.array(["a", "a", "a", OTHER, OTHER, OTHER], dtype=object)
    P = np.array([[.8, .1, .1]] * 3 + [[.5, .2, .3], [.3, .1, .6], [.5, .2, .3]])
    idx = np.array([[0, 1, 2], [1, 0, 2], [2, 0, 1], [3, 0, 1], [4, 0, 1], [5, 4, 3]])
    assert list(_open_set.neighbour_vote(labels, P, CLASSES, idx, 0.6)) == [3]
    assert not _open_set.neighbour_vote(labels, P, CLASSES, idx, None).size
    assert not _open_set.neighbour_vote(labels, P, CLASSES, None, 0.6).size


def test_the_lexical_view_learns_a_word_from_the_other_statements_never_from_the_statement_itself():
    texts = [f"期货{i}号合约走高" for i in range(12)] + [f"球队第{i}轮取胜" for i in range(12)]
    texts += ["期货市场消息", "独有词汇盘点"]
    P = np.array([[.9, .1]] * 12 + [[.1, .9]] * 12 + [[.45, .55], [.45, .55]])
    T = _lexical.features(texts, ChineseTokenizer())
    out = _lexical.refine(T, P, np.full(len(texts), -1), 10.0)
    assert out[-2].argmax() == 0  # 期货 goes with "a" in the others
    # its words are its own: what it was labelled teaches nothing about it
    assert abs(out[-1, 0] - P[-1, 0]) < 0.1 and out[-1].argmax() == 1
    confirmed = np.full(len(texts), -1)
    confirmed[-2] = 1
    assert _lexical.refine(T, P, confirmed, 10.0).shape == P.shape


def test_the_certain_statements_rescore_the_uncertain_and_never_a_staff_decision():
    rng = np.random.default_rng(0)
    E = np.vstack([[1.0, 0.0] + 0.05 * rng.standard_normal((10, 2)),
                   [0.0, 1.0] + 0.05 * rng.standard_normal((10, 2)), [[0.95, 0.05]]])
    P = np.array([[.9, .1]] * 10 + [[.1, .9]] * 10 + [[.45, .55]])
    none = np.full(len(P), -1)
    out = _self_train.rescore_uncertain(E, P, none, lambda: LogisticRegression(C=10.0), 10.0, 0.7)
    assert out[-1].argmax() == 0  # it lies among the certain "a" statements
    assert np.array_equal(out[:1], P[:1]) and np.array_equal(out[10:11], P[10:11])  # the certain teach, unchanged
    assert np.allclose(out.sum(axis=1), 1.0)
    confirmed = none.copy()
    confirmed[-1] = 1  # staff placed it in "b": it teaches, it is not re-scored
    kept = _self_train.rescore_uncertain(E, P, confirmed, lambda: LogisticRegression(C=10.0), 10.0, 0.7)
    assert np.array_equal(kept[-1], P[-1])
