"""Self-training from confident zero-shot scores (private part of `CategoryMapper`).

The most confident statements of each category (by margin) become pseudo-labels,
together with the plan's examples and any staff-confirmed labels (weighted higher); a
classifier on the representation (logistic regression on sentence vectors, naive Bayes
on the TF-IDF fast path) is fitted, and the pooled probabilities of it and the zero-shot
scores relabel every statement; the seed set grows (30% → 60% → 100%).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB

from ._zero_shot import by_rows, softmax


def make_classifier(dense: bool, C: float, random_state):
    if dense:
        return LogisticRegression(C=C, max_iter=1000, random_state=random_state)
    # sparse TF-IDF is the fast path for large inputs: naive Bayes fits in one pass
    return ComplementNB()


def combine(clf, E, Z: np.ndarray, prior_weight: float, geometric: bool) -> np.ndarray:
    """Pooled experts: the classifier and the zero-shot scores must agree.

    Where the classifier is unsure (few seeds, a statement unlike any seed) the plan's
    own wording decides; where the zero-shot scores are flat, the classifier does. Each row
    depends on its own alone: sparse rows are pooled in blocks (`by_rows`).
    """
    return by_rows(lambda rows, z: _pooled(clf, rows, z, prior_weight, geometric), E, Z)


def _pooled(clf, E, Z: np.ndarray, prior_weight: float, geometric: bool) -> np.ndarray:
    logp = prior_weight * np.log(np.maximum(softmax(Z), 1e-9))
    P = np.full((E.shape[0], Z.shape[1]), 1e-9)
    P[:, clf.classes_] = np.maximum(clf.predict_proba(E), 1e-9)
    logp = logp + np.log(P)
    # a weighted geometric mean, not a plain product: the experts saw the same words,
    # and multiplying their probabilities counts that evidence twice (confidence 0.99
    # for statements near a boundary). The TF-IDF fast path keeps the product: with no
    # "other" competitor, its `threshold` is what sends weak statements to "other".
    pool = 1.0 + prior_weight if geometric else 1.0
    P = np.exp((logp - logp.max(axis=1, keepdims=True)) / pool)
    return P / P.sum(axis=1, keepdims=True)


def _margin(P: np.ndarray) -> np.ndarray:
    top2 = np.sort(P, axis=1)
    return top2[:, -1] - top2[:, -2] if P.shape[1] > 1 else top2[:, -1]


def _staff_first(labels: np.ndarray, margin: np.ndarray, confirmed: np.ndarray, has: np.ndarray) -> None:
    """Staff's label where they gave one, and no statement more certain than it (in place)."""
    labels[has] = confirmed[has]
    margin[has] = np.inf


def _most_certain(labels: np.ndarray, margin: np.ndarray, share: float, chosen: np.ndarray) -> np.ndarray:
    """`chosen` with, for each label, its `share` of statements (at least one) of largest margin set too."""
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        keep = max(1, int(np.ceil(members.size * share)))
        chosen[members[np.argsort(-margin[members], kind="stable")[:keep]]] = True
    return chosen


def self_train(E, Z: np.ndarray, confirmed: np.ndarray, Ex, yx: np.ndarray, *, classifier,
               seed_fractions, confirmed_weight: float, example_weight: float, pool):
    """Grow pseudo-labels from confident scores `Z` (n × C log-scores).

    `confirmed[i]`: staff label column or -1; `Ex`, `yx`: the plan's examples and their
    columns (or None); `classifier()`: a fresh classifier; `pool(clf, E, Z)`: the pooled
    probabilities. Returns (n × C probabilities, last classifier or None, rounds run).
    """
    P = softmax(Z)
    current = Z.argmax(axis=1)
    margin = _margin(P)
    has = confirmed >= 0
    _staff_first(current, margin, confirmed, has)
    clf, rounds = None, 0
    for frac in seed_fractions:
        seeds = np.flatnonzero(_most_certain(current, margin, frac, has.copy())).astype(int, copy=False)  # ascending
        labels = [current[seeds]]
        weights = [np.where(confirmed[seeds] >= 0, confirmed_weight, 1.0)]
        if Ex is not None:
            labels.append(yx)
            weights.append(np.full(len(yx), example_weight))
        labels = np.concatenate(labels)
        weights = np.concatenate(weights)
        if np.unique(labels).size < 2:
            break
        del P  # a round is run: the last round's probabilities are not kept while this one's are made
        rows = [E[seeds]] + ([Ex] if Ex is not None else [])
        Xs = sp.vstack(rows, format="csr") if sp.issparse(E) else np.vstack(rows)
        del rows  # the seeds' rows are held once (Xs), and not past the fit
        clf = classifier().fit(Xs, labels, sample_weight=weights)
        del Xs
        P = pool(clf, E, Z)
        current, margin = P.argmax(axis=1), _margin(P)
        _staff_first(current, margin, confirmed, has)
        rounds += 1
    return P, clf, rounds


# Share of each label's statements, most certain first, that teach the rest in `rescore_uncertain`
# (benchmarks/RESULTS.md, "Issue 24: the mapper's own accuracy, branch nmi2").
RESCORE_SHARE = 0.7


def rescore_uncertain(E, P: np.ndarray, confirmed: np.ndarray, classifier, confirmed_weight: float,
                      share: float = RESCORE_SHARE) -> np.ndarray:
    """The run's confident statements teach its uncertain ones (transductive, after every other view).

    Per label of `P` (n × labels, "other" last when open set), the `share` of its statements with
    the largest margin, and every staff-confirmed statement (its label, weighted
    `confirmed_weight`), fit `classifier()` on the representation `E`; the others' probabilities
    are pooled with its (product). The confident rows and staff decisions are returned unchanged.
    """
    labels, margin, has = P.argmax(axis=1), _margin(P), confirmed >= 0
    _staff_first(labels, margin, confirmed, has)
    teach = _most_certain(labels, margin, share, has.copy())
    rest = np.flatnonzero(~teach)
    if not rest.size or np.unique(labels[teach]).size < 2:
        return P
    clf = classifier().fit(E[teach], labels[teach], sample_weight=np.where(has[teach], confirmed_weight, 1.0))
    Q = np.full((rest.size, P.shape[1]), 1e-9)
    Q[:, clf.classes_] = np.maximum(clf.predict_proba(E[rest]), 1e-9)
    logp = np.log(np.maximum(P[rest], 1e-12)) + np.log(Q)
    out = P.copy()
    out[rest] = np.exp(logp - logp.max(axis=1, keepdims=True))
    out[rest] /= out[rest].sum(axis=1, keepdims=True)
    return out
