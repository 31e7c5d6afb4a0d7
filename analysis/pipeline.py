"""The analysis in one call: answers → statements → categories → themes.

`analyze` is the public entry point; it returns plain data (see its docstring) so callers
can render or serialise it directly. `analyze_to_folder` is the analyse-and-write step the
CLI (`pingjia analyze`) and the web app share: analyze, then `report.write_report`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from .embed import (BEST_REPRESENTATION, FAST_REPRESENTATION, INTERACTIVE_MAX,  # noqa: F401
                    SENTENCE_MAX, TfidfEmbedder, choose_representation, make_embedder)
from .mapping import CategoryMapper
from .plan import OTHER, OTHER_NAME, Plan
from .text import to_statements
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
    organisation type. confirmed: statement text → category id or "other", staff
    decisions (this run's or earlier runs'), kept as given and used as training labels;
    `CategoryMapper.fit` owns that rule.
    representation: "auto" (by size, see `choose_representation`), "tfidf", "use", "e5"
    or "e5+use". cache_dir: where sentence vectors are cached (None: the default, False: off).

    Returns ``{"statements": [{"row", "text", "category", "confidence", "theme",
    "review_rank"}], "categories": [{"id", "name", "count"}] (plan order, then "other"),
    "themes": [{"id", "category", "label", "label_words", "keywords", "size",
    "representatives", "groups"}]}``. review_rank: 1 is the statement whose confirmation
    would teach the mapper most (see `CategoryMapper`), ranks 1..n distinct.
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
    review_rank = np.arange(1, n + 1)  # no plan: nothing to learn, the order of the answers
    if categories and n:
        mapper = CategoryMapper(categories, embedder=embedder, random_state=random_state)
        mapper.fit(sentences, confirmed or None, embeddings=X)
        labels, confidence, review_rank = mapper.labels_, mapper.confidence_, mapper.review_rank_
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
                        "confidence": round(float(confidence[i]), 4), "theme": str(theme_of[i]),
                        "review_rank": int(review_rank[i])}
                       for i, s in enumerate(statements)],
        "categories": [{"id": c.id, "name": c.name, "count": tally.get(c.id, 0)} for c in categories]
        + [{"id": OTHER, "name": OTHER_NAME, "count": tally.get(OTHER, 0)}],
        "themes": themes,
    }




def analyze_to_folder(texts: Sequence[str | None], plan: Plan | None, out_dir: Path, source, *,
                      wordclouds: bool = True, extra: Mapping | None = None,
                      progress: Progress | None = None, **options) -> tuple[dict, dict]:
    """`analyze(texts, plan, **options)`, then write analysis.json, summary.md and word
    clouds into `out_dir` (see `report.write_report`; `source` is its `report.Source`).
    `extra`: more top-level keys for analysis.json (the web app adds each row's origin).
    Returns the result and the paths written."""
    from .report import write_report  # the word-cloud stack: only when writing

    result = analyze(texts, plan, progress=progress, **options)
    if extra:
        result.update(extra)
    paths = write_report(result, Path(out_dir), source, wordclouds=wordclouds, progress=progress)
    return result, paths
