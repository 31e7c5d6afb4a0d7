"""CategoryMapper's second looks (issue 24): the batch's own words, cross-fitted, and the
neighbours' vote under the relevance floor. Small arrays, no encoder: fast."""
import numpy as np

from analysis import _lexical, _open_set
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
