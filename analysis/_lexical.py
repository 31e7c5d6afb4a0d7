"""The batch's own words as a second view of the self-trained labels (private part of `CategoryMapper`).

The sentence vectors see what a statement is about; they miss that, in this batch, a word
(a fund's name, 期货, a game's title) nearly always comes with one category. After the
self-training, naive Bayes on the statements' TF-IDF (characters and words) learns the
labels it reached, and its probabilities are pooled with the mapper's (product, weight
`LEXICAL_WEIGHT`). Each statement is judged by a naive Bayes that did not see it
(`LEXICAL_FOLDS` folds): fitted on its own label, the lexical view only repeats it (measured:
no change), while learnt from the others it corrects what the vectors got wrong
(benchmarks/RESULTS.md, "Issue 24: mapping and NMI, branch mapping2").

Used only with sentence vectors and enough statements for the neighbour smoothing (a few
dozen per category): a handful of statements shares too few words to learn from.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB

from .embed import TfidfEmbedder

LEXICAL_FOLDS = 5
LEXICAL_WEIGHT = 1.0
# small: a word seen with one category a few times should count, the batch is the only corpus
LEXICAL_ALPHA = 0.03


def features(texts: list[str], tokenizer) -> sp.csr_matrix:
    """Character unigrams and bigrams seen in two statements at least, beside word TF-IDF."""
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                            dtype=np.float32)
    try:
        blocks = [chars.fit_transform(texts)]
    except ValueError:  # no character in two statements
        blocks = []
    blocks.append(TfidfEmbedder(tokenizer=tokenizer).fit_transform(texts))
    return sp.hstack(blocks, format="csr")


def refine(T: sp.csr_matrix, P: np.ndarray, confirmed: np.ndarray, confirmed_weight: float,
           random_state=0) -> np.ndarray:
    """P (n × labels, "other" last when open set) pooled with a cross-fitted naive Bayes on `T`.

    The naive Bayes learns each statement's current label (staff's where confirmed, weighted
    `confirmed_weight`; others weighted by their probability) from the other folds.
    """
    n, n_labels = P.shape
    if n < 2 * LEXICAL_FOLDS or T.shape[1] == 0:
        return P
    labels = P.argmax(axis=1)
    has = confirmed >= 0
    labels[has] = confirmed[has]
    weights = np.where(has, confirmed_weight, P.max(axis=1))
    fold = np.random.default_rng(random_state).permutation(np.arange(n) % LEXICAL_FOLDS)
    Q = np.full((n, n_labels), 1e-9)
    for k in range(LEXICAL_FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        if np.unique(labels[train]).size < 2:
            return P
        nb = MultinomialNB(alpha=LEXICAL_ALPHA).fit(T[train], labels[train], sample_weight=weights[train])
        Q[np.ix_(test, nb.classes_)] = np.maximum(nb.predict_proba(T[test]), 1e-9)
    logp = np.log(np.maximum(P, 1e-12)) + LEXICAL_WEIGHT * np.log(Q)
    out = np.exp(logp - logp.max(axis=1, keepdims=True))
    return out / out.sum(axis=1, keepdims=True)
