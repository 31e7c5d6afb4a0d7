"""The analysis in one call: answers → statements → categories → themes.

`analyze` is the public entry point the CLI (`pingjia analyze`) and the web app call; it
returns plain data (see its docstring) so callers can render or serialise it directly.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .embed import (BEST_REPRESENTATION, FAST_REPRESENTATION, INTERACTIVE_MAX,  # noqa: F401
                    SENTENCE_MAX, TfidfEmbedder, choose_representation, make_embedder)
from .mapping import CategoryMapper
from .plan import OTHER, OTHER_NAME, Plan
from .text import normalize, to_statements
from .themes import ThemeClusterer
from .tokenize import ChineseTokenizer

Progress = Callable[[str, int, int], None]


def analyze(texts: Sequence[str | None], plan: Plan | None = None, *, split: bool = True,
            n_themes: int | None = None, groups: Sequence[str | None] | None = None,
            confirmed: Mapping[str, str] | None = None, random_state: int = 0,
            progress: Progress | None = None, representation: str = "auto",
            cache_dir=None) -> dict:
    """Map free-text answers to the plan's problem categories and group them into themes.

    texts: one answer per row (None/empty rows give no statement). groups[i]: row i's
    organisation type. confirmed: normalised statement text → category id, staff
    corrections from earlier runs, used as training labels (and kept as given).
    representation: "auto" (by size, see `choose_representation`), "tfidf", "use", "e5"
    or "e5+use". cache_dir: where sentence vectors are cached (None: the default, False: off).

    Returns ``{"statements": [{"row", "text", "category", "confidence", "theme"}],
    "categories": [{"id", "name", "count"}] (plan order, then "other"),
    "themes": [{"id", "category", "label", "keywords", "size", "representatives", "groups"}]}``.
    """
    def tick(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    if groups is not None and len(groups) != len(texts):
        raise ValueError(f"groups 的长度（{len(groups)}）应与 texts（{len(texts)}）相同")
    statements = to_statements(texts, split=split)
    tick("split", len(texts), len(texts))
    sentences = [s.text for s in statements]
    n = len(sentences)
    categories = list(plan.categories) if plan is not None else []

    rep = choose_representation(n) if representation == "auto" else representation
    tokenizer = ChineseTokenizer()
    embedder = make_embedder(rep, cache_dir=cache_dir, tokenizer=tokenizer,
                             progress=lambda done, total: tick("embed", done, total))
    counts = vocabulary = None
    if n:
        if isinstance(embedder, TfidfEmbedder):  # segment once: TF-IDF and keywords share it
            X, counts = embedder.fit_transform_counts(sentences)
            vocabulary = embedder.vocabulary()
        else:
            X = embedder.fit_transform(sentences)
    tick("embed", n, n)

    labels = np.array([OTHER] * n, dtype=object)
    confidence = np.zeros(n)
    if categories and n:
        labels, confidence = _map(sentences, categories, embedder, X, confirmed or {}, random_state)
    tick("map", n, n)

    themes = []
    theme_of = [""] * n
    if n:
        row_groups = [groups[s.row] for s in statements] if groups is not None else None
        clusterer = ThemeClusterer(n_themes=n_themes, tokenizer=tokenizer, random_state=random_state)
        clusterer.fit(sentences, labels, embeddings=X, groups=row_groups,
                      order=[c.id for c in categories] + [OTHER], counts=counts, vocabulary=vocabulary)
        themes, theme_of = clusterer.themes_, list(clusterer.labels_)
    tick("themes", n, n)

    tally = Counter(labels.tolist())
    return {
        "statements": [{"row": s.row, "text": s.text, "category": str(labels[i]),
                        "confidence": round(float(confidence[i]), 4), "theme": str(theme_of[i])}
                       for i, s in enumerate(statements)],
        "categories": [{"id": c.id, "name": c.name, "count": tally.get(c.id, 0)} for c in categories]
        + [{"id": OTHER, "name": OTHER_NAME, "count": tally.get(OTHER, 0)}],
        "themes": themes,
    }


def _map(sentences, categories, embedder, X, confirmed, random_state):
    """Labels and confidences; confirmed texts from earlier runs join as labelled rows."""
    known = {c.id for c in categories} | {OTHER}  # "other" teaches the mapper's other class
    wanted = {normalize(k): v for k, v in confirmed.items()}
    y = [wanted.get(s) if wanted.get(s) in known else None for s in sentences]
    present = set(sentences)
    extra = [(t, c) for t, c in wanted.items() if c in known and t not in present]
    mapper = CategoryMapper(categories, embedder=embedder, random_state=random_state)
    if extra:
        fit_texts = sentences + [t for t, _ in extra]
        mapper.fit(fit_texts, y + [c for _, c in extra])
    else:
        mapper.fit(sentences, y, embedding=X)
    n = len(sentences)
    labels = mapper.labels_[:n].copy()
    confidence = mapper.confidence_[:n].copy()
    for i, s in enumerate(sentences):  # a statement staff marked as "other" stays there
        if wanted.get(s) == OTHER:
            labels[i], confidence[i] = OTHER, 1.0
    return labels, confidence
