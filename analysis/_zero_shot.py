"""Zero-shot scores: statements against the plan's own words (private part of `CategoryMapper`).

Each category becomes short texts — "name：description", then each keyword, the name and
each example — embedded like the statements. A statement's score for a category is its
similarity to the description plus the mean of its three most similar keywords or
examples. Raw cosines are not comparable across categories (a category whose words are
generic is close to everything), so each column is standardised against a fixed
background of everyday sentences about nothing in particular (`corpus/background.txt`):
the score becomes "how many background standard deviations above chance". With sentence
vectors a category also gains a bonus for each of its name and keywords the statement
contains literally (`keyword_hits`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.neighbors import NearestNeighbors

from .resources import corpus_path
from .tokenize import CorpusFileError, _content_lines


def load_background(path: str | Path | None = None) -> tuple[str, ...]:
    """The background sentences, one per line (`#` comments); None → corpus/background.txt."""
    path = Path(path) if path is not None else corpus_path("background.txt")
    lines = tuple(line for _, line in _content_lines(path))
    if len(lines) < 2:  # a spread needs at least two sentences
        raise CorpusFileError(path, "至少需要两句背景句")
    return lines


def top_mean(sim: np.ndarray, k: int) -> np.ndarray:
    """Row-wise mean of the k largest values."""
    k = min(k, sim.shape[1])
    return np.sort(sim, axis=1)[:, -k:].mean(axis=1)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def dense(m):
    return m.toarray() if sp.issparse(m) else np.asarray(m)


def prototype_texts(cats) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
    """Query texts of the categories, the row of each description, the rows of each
    category's keywords, name and examples (the background standardisation evens out
    categories with more of them)."""
    queries, desc, kws = [], [], []
    for c in cats:
        desc.append(len(queries))
        queries.append(f"{c.name}：{c.description}")
        start = len(queries)
        queries.extend(dict.fromkeys([*c.keywords, c.name, *c.examples]))
        kws.append(np.arange(start, len(queries)))
    return queries, np.array(desc), kws


# Sparse (TF-IDF) rows taken at once by `by_rows`: a block's temporaries are a few MB
SPARSE_ROWS = 65_536


def by_rows(fn, E, *more) -> np.ndarray:
    """`fn(E, *more)`, for sparse E in blocks of `SPARSE_ROWS` rows (each of `more` cut alike) stacked
    in order: for a `fn` whose row i depends on row i of its arguments alone, the same array to the bit,
    with one block's temporaries instead of the whole's (a million statements' similarities to a plan's
    160 queries are 650 MB dense, its naive Bayes's sums 400 MB). Dense E at once: BLAS may sum a row
    differently in a matrix of another shape."""
    n = E.shape[0]
    if not sp.issparse(E) or n <= SPARSE_ROWS:
        return fn(E, *more)
    def block(start: int) -> np.ndarray:
        return fn(E[start:start + SPARSE_ROWS], *(m[start:start + SPARSE_ROWS] for m in more))

    first = block(0)
    out = np.empty((n, *first.shape[1:]), dtype=first.dtype)
    out[:SPARSE_ROWS] = first
    for start in range(SPARSE_ROWS, n, SPARSE_ROWS):
        out[start:start + SPARSE_ROWS] = block(start)
    return out


def raw_scores(E, prototypes, desc, kws) -> np.ndarray:
    """Description similarity plus the mean of the three closest keywords/examples (n × C)."""
    def scores(rows):
        sims = dense(rows @ prototypes.T)
        keywords = np.column_stack([top_mean(sims[:, idx], 3) for idx in kws])
        return sims[:, desc] + keywords

    return by_rows(scores, E)


def keyword_sets(cats) -> list[tuple[str, ...]]:
    """Each category's name and keywords, lowercased, for literal matching."""
    return [tuple(dict.fromkeys(k.lower() for k in (c.name, *c.keywords) if k)) for c in cats]


def keyword_hits(texts, keywords, weight: float) -> np.ndarray:
    """`weight` × log(1 + number of the category's name and keywords in the text)."""
    low = [t.lower() for t in texts]
    H = np.array([[sum(k in t for k in kws) for kws in keywords] for t in low], dtype=float)
    return weight * np.log1p(H.reshape(len(low), len(keywords)))


def neighbours(E, n_cat: int, n_neighbors: int) -> np.ndarray | None:
    """Each row's nearest neighbours (itself first), or None: only with a few dozen statements
    per category, since in a handful neighbours differ in topic."""
    n = E.shape[0]
    k = min(n_neighbors, n // (20 * n_cat))
    if k < 1:
        return None
    nn = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute").fit(E)
    return nn.kneighbors(E, return_distance=False)


def smooth(E, Z: np.ndarray, n_neighbors: int, idx: np.ndarray | None = None) -> np.ndarray:
    """Scores averaged over each statement's nearest neighbours, twice: short texts are
    noisy and the clear ones speak for the vague. `idx`: `neighbours` already found."""
    idx = idx if idx is not None else neighbours(E, Z.shape[1], n_neighbors)
    if idx is None:
        return Z
    once = Z[idx].mean(axis=1)
    return Z + once + once[idx].mean(axis=1)


def neighbourhood_relevance(Z: np.ndarray, idx: np.ndarray | None) -> np.ndarray:
    """How relevant each statement is to the plan, for the floor below which it is "other": its
    best score, half its own and half its neighbours' mean (`idx` from `neighbours`). A short
    title says too little to clear the floor alone ("纽约市场油价9日微幅上扬") though every
    neighbour is clearly about one category; a new issue among new issues stays below it."""
    if idx is None or idx.shape[1] < 2:
        return Z.max(axis=1)
    return (0.5 * (Z + Z[idx[:, 1:]].mean(axis=1))).max(axis=1)
