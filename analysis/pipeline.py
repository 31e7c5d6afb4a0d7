"""The analysis in one call: answers → statements → categories → themes.

`analyze` is the public entry point; it returns plain data (see its docstring) so callers
can render or serialise it directly. `analyze_to_folder` is the analyse-and-write step the
CLI (`pingjia analyze`) and the web app share: analyze, then `report.write_report`.
"""
from __future__ import annotations

import contextlib
import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import cast

import numpy as np
from threadpoolctl import threadpool_limits

from . import _batch
from .embed import (  # noqa: F401
    BEST_REPRESENTATION,
    FAST_REPRESENTATION,
    INTERACTIVE_MAX,
    SENTENCE_MAX,
    TfidfEmbedder,
    choose_representation,
    make_embedder,
)
from .kinds import KIND_NAMES, KINDS, NONE, StatementKinds, placed_kind
from .mapping import CategoryMapper
from .plan import OTHER, OTHER_NAME, Plan
from .privacy import mask_text
from .result import AnalysisResult, CategoryCount, ThemeResult
from .themes import ThemeClusterer, reduce
from .tokenize import ChineseTokenizer

Progress = Callable[[str, int, int], None]
AHEAD_MAX = 300_000  # statements: above, the themes' SVD waits for the mapping (`_models`)


def analyze(texts: Sequence[str | None], plan: Plan | None = None, *, split: bool = True,
            n_themes: int | None = None, groups: Sequence[str | None] | None = None,
            confirmed: Mapping[str, str] | None = None, random_state: int = 0,
            progress: Progress | None = None, representation: str = "auto",
            cache_dir=None, fields: Sequence[str | None] | None = None,
            names: Sequence[str] = (), kinds_confirmed: Mapping[str, str] | None = None,
            workers: int | None = None) -> AnalysisResult:
    """Say what each statement is, map every statement with something to act on to the plan's
    problem categories and group them into themes by topic.

    texts: one answer per row (None/empty rows give no statement). groups[i]: row i's
    organisation type. fields[i]: the form field row i was written in ("存在问题"/"problems",
    "意见建议"/"suggestions" or "成效"/"achievements"; None: unknown), the prior for its statements' kind.
    confirmed: statement text → category id or "other", staff
    decisions (this run's or earlier runs'), kept as given and used as training labels;
    `CategoryMapper.fit` owns that rule. names: the roster's personal names, masked with
    phones, IDs and e-mails (analysis.privacy) before anything is built from the text.

    kinds_confirmed: statement text → kind, staff decisions on what a statement is: kept as
    given and taught to the kind model, so statements like them move too.

    Each statement gets a `kind` (analysis.kinds): problem, suggestion, praise or none. A kind
    is a label, not a partition: every statement but "none" (nothing to act on) gets a category
    (or "other") and a theme by its topic, whatever its kind, so a problem and a suggestion
    about one issue share a theme; each theme says its mix of kinds (`kinds`). A "none"
    statement staff placed in a category (`confirmed`) is an issue (`placed_kind`). Keywords, labels, quotes and word clouds are built
    from masked text; a statement's `text` stays as written (staff review it).
    representation: "auto" (by size, see `choose_representation`), "tfidf", "use", "e5"
    or "e5+use". cache_dir: where sentence vectors are cached (None: the default, False: off).
    workers: processes for the per-statement work (`_batch`; None: every core for a large input
    on the TF-IDF path, else one); the result does not depend on it.

    Returns an `AnalysisResult` (analysis/result.py documents every field). review_rank: 1 is
    the statement whose confirmation would teach the mapper most (see `CategoryMapper`);
    statements with no category come last.
    """
    def tick(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    for name, given in (("groups", groups), ("fields", fields)):
        if given is not None and len(given) != len(texts):
            raise ValueError(f"{name} 的长度（{len(given)}）应与 texts（{len(texts)}）相同")
    categories = list(plan.categories) if plan is not None else []
    tokenizer = ChineseTokenizer.for_plan(plan)  # the plan's own words and stopwords on top
    with contextlib.ExitStack() as threads:  # see ONE_THREAD
        # The per-statement work (`_batch`): split and mask; the kind model's call and (TF-IDF)
        # segmenting, in the same pass when the representation is known before splitting (it goes by
        # the statement count: more rows than SENTENCE_MAX make more statements but for empty rows).
        guess = representation if representation != "auto" else \
            FAST_REPRESENTATION if len(texts) > SENTENCE_MAX else None
        if guess == FAST_REPRESENTATION:
            threads.enter_context(threadpool_limits(limits=1))
        # (sentence encoders stay in this process: copies would cost load time and memory)
        split_workers = _batch.workers_for(len(texts)) if workers is None else workers
        model, presplit = None, None
        if guess == FAST_REPRESENTATION:  # the models the workers need, loaded while a process splits rows
            with _batch.split_ahead(texts, split, split_workers) as early:
                model = kind_model(guess, cache_dir).fit()
                if split_workers > 1:
                    _batch.warm_up(model, tokenizer)
                presplit = early.stop()
        batch = _batch.statements(texts, split=split, names=names, fields=fields, kind_model=model,
                                  tokenizer=tokenizer if guess == FAST_REPRESENTATION else None,
                                  workers=split_workers, presplit=presplit,
                                  progress=lambda done, total: tick("split", done, total) if done < total else None)
        presplit = None  # its lists, not kept past the split (the statements are the batch's now)
        tick("split", len(texts), len(texts))
        rows, n = batch.rows, len(batch.sentences)
        rep = choose_representation(n) if representation == "auto" else representation
        embedder = make_embedder(rep, cache_dir=cache_dir, tokenizer=tokenizer,
                                 progress=lambda done, total: tick("embed", done, total))
        fast = isinstance(embedder, TfidfEmbedder)
        if workers is None:
            workers = _batch.workers_for(n) if fast else 1
        statement_fields = [fields[r] for r in rows] if fields is not None else None
        if model is None or rep != guess:  # not known before, or a guess missed (many empty rows)
            threads.close()
            if fast:
                threads.enter_context(threadpool_limits(limits=1))
            model = kind_model(rep, cache_dir).fit()
            batch.kinds, batch.counts = [], []
            _batch.kinds_and_counts(batch, fields=statement_fields, kind_model=model,
                                    tokenizer=tokenizer if fast else None, workers=workers)
        return _models(batch, model, embedder, categories, tokenizer, rep, n_themes=n_themes, groups=groups,
                       confirmed=confirmed, random_state=random_state, tick=tick, cache_dir=cache_dir,
                       fields=statement_fields, names=names, kinds_confirmed=kinds_confirmed, workers=workers)


# ONE_THREAD: on the TF-IDF path of large inputs, BLAS and OpenMP (k-means) run on one thread.
# Their matrices there are small or thin (a block's k-means fits a few thousand rows; the SVD's
# dense blocks are n x 42), where a second thread mostly waits at barriers, and on a busy machine
# those waits cost 7-60x (five mini-batch k-means: 6.3 s on two threads against 0.1 s on one; the
# SVD of 100,000 statements 8.6 s against 1.0 s, load average 12); the second core goes to worker
# processes instead (`_batch`). k-means sums in a fixed order, whatever its threads; BLAS does
# not, so the TF-IDF path's result is now the one-thread result on every machine (before, it
# changed with the number of cores: see tests/support/golden.py). The sentence-vector paths keep
# every thread, as before: the e5 encoder runs on OpenMP, and encoding is where they spend their time.


def _models(batch: _batch.Prepared, model: StatementKinds, embedder, categories, tokenizer, rep: str, *,
            n_themes, groups, confirmed, random_state, tick, cache_dir, fields, names, kinds_confirmed,
            workers) -> AnalysisResult:
    """Kinds, vectors, categories and themes of the statements `batch` holds (`analyze`)."""
    rows, originals, sentences = batch.rows, batch.originals, batch.sentences
    n = len(sentences)
    confirmed = {mask_text(t, names, whole=True): c for t, c in (confirmed or {}).items()}
    given_kinds = {mask_text(t, names, whole=True): k for t, k in (kinds_confirmed or {}).items() if k in KINDS}
    kinds = statement_kinds(originals, fields, [sentences[i] in confirmed for i in range(n)], rep, cache_dir,
                            given=[given_kinds.get(sentences[i]) for i in range(n)],
                            model=model, called=batch.kinds, workers=workers, answers=rows,
                            called_in_answers=batch.in_answers)
    # what is mapped and clustered: everything with something to act on, whatever its kind
    content = np.array([kinds[i] != NONE for i in range(n)], dtype=bool)
    idx = np.flatnonzero(content)

    # Only the content rows are mapped and clustered: their vectors, counts and texts are taken
    # once, and what holds every row goes (a million statements' matrices are hundreds of MB).
    X = counts = vocabulary = None
    if n:
        if isinstance(embedder, TfidfEmbedder):  # segmented once, by `_batch`: TF-IDF and keywords share it
            X, counts = embedder.fit_transform_counts(sentences, batch.counts)
            batch.counts = []
            vocabulary = embedder.vocabulary()
            counts = counts[idx]
        else:
            X = embedder.fit_transform(sentences)
        X = X[idx]
    texts_c = [sentences[i] for i in idx]
    tick("embed", n, n)

    labels = np.array([None] * n, dtype=object)
    labels[idx] = OTHER
    confidence = np.zeros(n)
    # no plan: nothing to learn, the order of the answers; statements with no category last
    review_rank = np.zeros(n, dtype=int)
    review_rank[idx] = np.arange(1, idx.size + 1)
    rest = np.flatnonzero(~content)
    review_rank[rest] = np.arange(idx.size + 1, n + 1)
    # The themes' reduced vectors need only X: on the TF-IDF path their SVD runs in a forked
    # process while this one maps (not past AHEAD_MAX statements: its arrays beside the mapper's
    # would raise the peak memory of the largest inputs)
    fast = isinstance(embedder, TfidfEmbedder)
    with _batch.ahead(functools.partial(reduce, X, random_state=random_state),
                      workers if fast and categories and 0 < idx.size <= AHEAD_MAX else 1) as reduced:
        if categories and idx.size:
            mapper = CategoryMapper(categories, embedder=embedder, random_state=random_state)
            mapper.fit(texts_c, confirmed or None, embeddings=X)
            labels[idx], confidence[idx], review_rank[idx] = mapper.labels_, mapper.confidence_, mapper.review_rank_
            del mapper
        tick("map", n, n)
        R = reduced.result() if idx.size else None

    themes: list[ThemeResult] = []
    theme_of = np.array([""] * n, dtype=object)
    if idx.size:
        row_groups = [groups[rows[i]] for i in idx] if groups is not None else None
        # the categories' themes in worker processes too, on the TF-IDF path only: its one BLAS
        # and OpenMP thread (ONE_THREAD) is what the workers run on
        clusterer = ThemeClusterer(n_themes=n_themes, tokenizer=tokenizer, random_state=random_state,
                                   workers=workers if fast else 1)
        clusterer.fit(texts_c, labels[idx], embeddings=X, reduced=R, groups=row_groups,
                      order=[c.id for c in categories] + [OTHER], counts=counts, vocabulary=vocabulary,
                      kinds=[kinds[i] for i in idx], quotes=[batch.quotes[i] for i in idx],
                      rows=[rows[i] for i in idx])
        themes = cast(list[ThemeResult], clusterer.themes_)
        theme_of[idx] = clusterer.labels_
        del clusterer
    del X, R, counts, texts_c
    tick("themes", n, n)

    tally = Counter(labels.tolist())
    kind_tally = Counter(kinds.tolist())
    return {
        "statements": [{"row": row, "text": text, "kind": str(kind), "category": None if label is None else str(label),
                        "confidence": round(conf, 4), "theme": str(theme), "review_rank": rank}
                       # Python's own floats and ints: one conversion per array, not one per element
                       for row, text, kind, label, conf, theme, rank in zip(
                           rows, originals, kinds.tolist(), labels.tolist(), confidence.tolist(), theme_of.tolist(),
                           review_rank.tolist())],
        "categories": [CategoryCount(id=c.id, name=c.name, count=tally.get(c.id, 0)) for c in categories]
        + [CategoryCount(id=OTHER, name=OTHER_NAME, count=tally.get(OTHER, 0))],
        "kinds": [{"id": k, "name": KIND_NAMES[k], "count": kind_tally.get(k, 0)} for k in KINDS],
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

    result = dict(analyze(texts, plan, progress=progress, **options))  # a plain dict: `extra` joins it
    if extra:
        result.update(extra)
    paths = write_report(result, Path(out_dir), source, wordclouds=wordclouds, progress=progress,
                         names=options.get("names", ()))
    return result, paths


def kind_model(rep: str, cache_dir=None) -> StatementKinds:
    """The statement-kind model a run on representation `rep` uses: its sentence vectors are the
    pipeline's own (cached), none when the run is on TF-IDF."""
    return StatementKinds(encoder=None if rep == "tfidf" else "use", cache_dir=cache_dir)


def statement_kinds(texts: list[str], fields: list[str | None] | None, placed: list[bool], rep: str,
                    cache_dir=None, given: list[str | None] | None = None, *, model: StatementKinds | None = None,
                    called: Sequence[str] | None = None, workers: int = 1,
                    answers: Sequence[int] | None = None, called_in_answers: bool = False) -> np.ndarray:
    """Each statement's kind. `given[i]`: the kind staff gave statement i (None: the model's
    call), kept as given. A statement staff placed in a category has something to act on: the
    model's "none" becomes the field's kind (`placed_kind`); praise stays praise (a kind is a
    label, praise has a topic too). Where the model disagrees with staff, those statements join
    its training examples and it is fitted again, so staff's corrections also move the call on
    statements like them (the next run learns).

    model: `kind_model(rep, cache_dir)` already fitted, and `called` its call on `texts` already
    made (`_batch.prepare`); workers: processes for a second call after a re-fit. answers[i]: the row
    statement i was split from: praise on the model's word alone is read in its answer
    (`StatementKinds.within_answers`); None: each statement alone. called_in_answers: `called` was
    already read in its answers (`_batch.statements` does it in the workers' chunks of rows)."""
    fields = list(fields) if fields is not None else [None] * len(texts)
    given = list(given) if given is not None else [None] * len(texts)
    model = model if model is not None else kind_model(rep, cache_dir).fit()
    kinds = np.asarray(called if called is not None and len(called) == len(texts)
                       else _batch.predict_kinds(model, texts, fields, workers), dtype=object)
    if answers is not None and not (called_in_answers and called is not None and len(called) == len(texts)):
        kinds = model.within_answers(texts, fields, kinds, answers)

    def wanted(i: int) -> str | None:
        if given[i] is not None:
            return given[i]
        return placed_kind(NONE, fields[i]) if placed[i] and kinds[i] == NONE else None

    wrong = [i for i in range(len(texts)) if wanted(i) is not None and wanted(i) != kinds[i]]
    if wrong:
        teach = [wanted(i) for i in wrong]
        model = model.fit([texts[i] for i in wrong], teach, [fields[i] for i in wrong])
        kinds = np.asarray(_batch.predict_kinds(model, texts, fields, workers), dtype=object)
        if answers is not None:
            kinds = model.within_answers(texts, fields, kinds, answers)
    out = []
    for i, k in enumerate(kinds):
        if given[i] is not None:
            k = given[i]
        elif placed[i] and k == NONE:
            k = placed_kind(k, fields[i])
        out.append(k)
    # an object array: a fixed-width str array would cut "suggestion"
    return np.array(out, dtype=object)
