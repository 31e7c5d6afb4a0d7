"""The analysis's per-statement work, in chunks of rows, in worker processes for large inputs.

Splitting a row into statements, masking them, the kind model's call and segmenting and counting
their words each depend on one statement alone (the kind model and the tokenizer are fitted
before), so `prepare` cuts the rows into chunks, runs them in `workers` processes and joins the
results in row order: what one process gives, to the bit (tests/test_analysis_identity.py; the
word counts are merged by `embed.merge_counts` into `CountVectorizer`'s own matrix).

The workers are forked: they inherit the texts, the fitted kind model and the tokenizer's
dictionary, so nothing is loaded, fitted or sent to them, and only the results come back. They
run regular expressions, the segmenter and sparse products; no OpenMP (a forked child must not
start the OpenMP runtime its parent already ran) and no sentence encoder: workers serve only the
TF-IDF fast path of large inputs (`workers_for`), where encoders are not used.

Workers are forked only from a process with one thread (`can_fork`). A child of a fork holds
only the thread that forked: a lock another thread held at that moment (jieba's, the logging
module's, a database driver's, the allocator's) stays held in the child for ever, and the child can
hang on it. Under `pingjia serve` and the job queue the analysis runs in a thread of a process with
many, so there the work runs in the calling process, chunk by chunk, with the same result.

Chunks are bounded (`CHUNK`) in one process too: the kind model's n-gram features for a
million statements at once would cost gigabytes.

A chunk holds whole rows, so the kind model's calls are read in their answers there too
(`StatementKinds.within_answers`), not by the parent alone afterwards. While the parent loads what the
workers need before they fork, a forked process splits rows from the first on (`split_ahead`).

`analysis._forked` runs other independent pieces the same way (`spread`, `Phases`: the themes of each
category, their names; `ahead`: the themes' SVD while the mapping runs); they are reached from here too.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

# the forked pieces' machinery lives in `_forked`; `spread`, `Phases` and `ahead` are reached from here too
from ._forked import _KEYS, Ahead, ForkedChild, Phases, _frozen, ahead, can_fork, spread  # noqa: F401
from ._kinds_verbs import opening_verb
from .embed import WordCounts
from .privacy import mask_text
from .text import to_statements
from .tokenize import load_tags

CHUNK = 10_000  # rows or statements per chunk at most: bounds a chunk's memory
# Chunks per worker at least: the workers finish together, one running alone at most for its last
# small chunk (5 chunks on 2 workers left one idle for a fifth; 16 left 0.3-0.7 CPU s between the
# workers of 100,000 statements). A chunk's cost does not depend on its size (25,000 reviews in
# chunks of 6,250 or 1,562 rows: the same CPU time), and 64 chunks' word counts merge as fast as 16's.
SPREAD = 32
PARALLEL_MIN = 8_000  # fewer: forking costs more than it saves


@dataclass
class Prepared:
    """Every statement of the input, in order (row, its text, masked): see `prepare`."""

    rows: list[int] = field(default_factory=list)
    originals: list[str] = field(default_factory=list)  # as written
    sentences: list[str] = field(default_factory=list)  # masked whole: what every model sees
    quotes: list[str] = field(default_factory=list)  # masked for readers
    kinds: list[str] = field(default_factory=list)  # the kind model's call ([] without a model)
    # whether `kinds` were read in their answers (`StatementKinds.within_answers`): done in the chunks of
    # rows, where every statement of an answer is, so that the parent does not do it alone afterwards
    in_answers: bool = False
    counts: list[WordCounts] = field(default_factory=list)  # word counts of `sentences`, by chunk


@dataclass
class _Job:
    texts: Sequence[str | None]  # rows, or statements for the second pass
    split: bool = True
    names: tuple[str, ...] = ()
    fields: Sequence[str | None] | None = None  # one per text
    kind_model: object | None = None
    tokenizer: Callable | None = None
    masked: Sequence[str] = ()  # the statements masked whole (second pass)
    # rows 0 .. done - 1 split already (`split_ahead`): their statements, and where each row's start in them
    done: int = 0
    ahead: Prepared | None = None
    starts: Sequence[int] = ()


# What forked workers read, by run: registered before the pool forks. Keyed, not one global,
# because two analyses may run at once in one process (the job queue's worker threads).
_JOBS: dict[int, _Job] = {}


def workers_for(n: int) -> int:
    """How many processes for `n` rows or statements: every core (at most 4) for a large input,
    one when forking is not safe here (`can_fork`)."""
    if n < PARALLEL_MIN or not can_fork():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 4))


def _statements(key: int, start: int, stop: int) -> Prepared:
    job = _JOBS[key]
    out = Prepared()
    if stop <= job.done and job.ahead is not None:  # split ahead while the models loaded (`split_ahead`)
        first, last = job.starts[start], job.starts[stop]
        out.rows, out.originals = job.ahead.rows[first:last], job.ahead.originals[first:last]
    else:
        for s in to_statements(job.texts[start:stop], split=job.split):
            out.rows.append(s.row + start)
            out.originals.append(s.text)
    for text in out.originals:
        whole = mask_text(text, job.names, whole=True)
        if whole == text:  # nothing found: no second search, and the text's own object (the masks' cache
            out.sentences.append(text)  # gives an earlier equal text's), one string held and sent, not two
            out.quotes.append(text)
        else:
            out.sentences.append(whole)
            out.quotes.append(mask_text(text, job.names))
    if job.kind_model is not None or job.tokenizer is not None:  # in the same process: masks cached
        fields = [job.fields[r] for r in out.rows] if job.fields is not None else None
        more = _kinds_and_counts_of(job, out.originals, fields, out.sentences)
        out.kinds, out.counts = more.kinds, more.counts
        if job.kind_model is not None and out.kinds:
            # a chunk holds whole rows, so each statement's answer is here: the same calls as over all rows
            out.kinds = job.kind_model.within_answers(  # type: ignore[attr-defined]
                out.originals, fields, out.kinds, out.rows).tolist()
    return out


def _shared(kinds) -> list:
    """`kinds` with one str object per kind: the model's calls are one new object per statement (numpy's
    labels copied out), 60 MB at a million statements in the parent, and as much pickled to it."""
    one = {k: sys.intern(str(k)) if isinstance(k, str) else k for k in set(kinds)}
    return [one[k] for k in kinds]


def _kinds_and_counts(key: int, start: int, stop: int) -> Prepared:
    job = _JOBS[key]
    fields = list(job.fields[start:stop]) if job.fields is not None else None
    return _kinds_and_counts_of(job, list(job.texts[start:stop]), fields, job.masked[start:stop])


def _kinds_and_counts_of(job: _Job, texts: list, fields: list | None, masked: Sequence[str]) -> Prepared:
    out = Prepared()
    if job.kind_model is not None and texts:
        out.kinds = _shared(job.kind_model.predict(texts, fields, normalized=True))  # type: ignore[attr-defined]
    if job.tokenizer is not None:
        counts = WordCounts(job.tokenizer)
        for text in masked:
            counts.add(text)
        out.counts = [counts]
    return out


# Statements that take the kind model through all its rules (its lazy dictionaries load): run
# once before the workers fork, so that each does not load them again.
_WARM_UP = ("组建海外纠纷应对工作站", "服务很好，但是停车位太少", "建议简化专利申请流程", "没有问题")


def warm_up(kind_model=None, tokenizer=None) -> None:
    """Load what each worker would load for itself (the tokenizer's dictionary, the kind rules' lazy
    dictionaries and verbs' tags): once, here, before the workers fork."""
    if tokenizer is not None:
        tokenizer(_WARM_UP[0])
    if kind_model is not None:
        load_tags()  # the kind rules' verbs; this process's theme names and keywords read it after
        kind_model.predict(list(_WARM_UP), None, normalized=True)
        # the rules' opening-verb segmenter (its own dictionary, 0.15-0.25 s to build): the statements above
        # are decided before it is reached, and each worker built it for itself
        opening_verb(_WARM_UP[0])


def _run(job: _Job, work: Callable, n: int, workers: int, progress: Callable[[int, int], None] | None,
         cut: int = 0):
    """`work(key, start, stop)` over chunks of range(n), in order, none across `cut`; in `workers`
    forked processes (in this one when forking is not safe here: `can_fork`)."""
    if workers > 1 and not can_fork():
        workers = 1
    size = CHUNK if workers <= 1 else max(1, min(CHUNK, -(-n // (workers * SPREAD))))
    spans = [(start, min(start + size, end)) for begin, end in ((0, min(cut, n)), (min(cut, n), n))
             for start in range(begin, end, size)]
    key = next(_KEYS)
    _JOBS[key] = job
    try:
        if workers > 1 and len(spans) > 1:  # what each would load: loaded once, here
            warm_up(job.kind_model, job.tokenizer)
        if workers <= 1 or len(spans) <= 1:
            for start, stop in spans:
                yield work(key, start, stop)
                if progress is not None:
                    progress(stop, n)
            return
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            with _frozen():  # the workers fork at the first task handed out
                results = pool.map(work, itertools.repeat(key), *zip(*spans))
            for (_, stop), result in zip(spans, results):
                yield result
                if progress is not None:
                    progress(stop, n)
    finally:
        del _JOBS[key]


def statements(texts: Sequence[str | None], *, split: bool = True, names: Sequence[str] = (),
               fields: Sequence[str | None] | None = None, kind_model=None, tokenizer=None,
               workers: int = 1, progress: Callable[[int, int], None] | None = None,
               presplit: tuple[int, Prepared] | None = None) -> Prepared:
    """Statements of `texts` (`text.to_statements`) with their rows, masked (`privacy.mask_text`:
    whole for the models, for readers as quotes); with a kind model (or a tokenizer), what
    `kinds_and_counts` adds, in the same pass (`fields[row]`: a row's field), the kinds read in
    their answers (`StatementKinds.within_answers`, `in_answers`). `progress(rows done, rows)`
    after each chunk. `presplit`: (k, the statements of rows 0 .. k - 1), split already (`split_ahead`)."""
    out = Prepared(in_answers=kind_model is not None)
    job = _Job(texts, split, tuple(names), fields, kind_model, tokenizer)
    if presplit is not None and presplit[0]:
        job.done, job.ahead = presplit
        starts = [0] * (job.done + 1)  # row r's statements: ahead's starts[r] .. starts[r + 1] - 1
        for r in job.ahead.rows:
            starts[r + 1] += 1
        job.starts = list(itertools.accumulate(starts))
    for part in _run(job, _statements, len(texts), workers, progress, cut=job.done):
        out.rows += part.rows
        out.originals += part.originals
        out.sentences += part.sentences
        out.quotes += part.quotes
        out.kinds += part.kinds
        out.counts += part.counts
    return out


def kinds_and_counts(prepared: Prepared, *, fields: Sequence[str | None] | None = None, kind_model=None,
                     tokenizer=None, workers: int = 1) -> Prepared:
    """`prepared` with `kind_model.predict`'s call on each statement (fitted; `fields[i]` statement
    i's field) and the word counts of its masked text by `tokenizer` (None: not counted). The chunks
    are of statements, so the kinds are not read in their answers (`in_answers` false)."""
    prepared.in_answers = False
    job = _Job(prepared.originals, fields=fields, kind_model=kind_model, tokenizer=tokenizer,
               masked=prepared.sentences)
    for part in _run(job, _kinds_and_counts, len(prepared.originals), workers, None):
        prepared.kinds += part.kinds
        prepared.counts += part.counts
    return prepared


class SplitAhead(ForkedChild):
    """Rows split into statements in a forked process while this one does other work (loads the models
    the workers need: `statements` forks them only then), from the first row on, until `stop`: see
    `split_ahead`."""

    def __init__(self, texts: Sequence[str | None], split: bool, workers: int):
        self._stop = None
        if workers > 1 and can_fork() and len(texts):
            self._stop = multiprocessing.get_context("fork").Event()
            self._fork(_split_child, texts, split, self._stop)

    def stop(self) -> tuple[int, Prepared] | None:
        """(k, the statements of rows 0 .. k - 1, as `statements` would split them): what was split by
        now; None when nothing was (no process forked, or it died)."""
        if self._process is None or self._pipe is None or self._stop is None:
            return None
        self._stop.set()
        try:
            done, rows, originals = self._pipe.recv()
        except EOFError:  # the child died (killed, out of memory): the workers split every row
            return None
        finally:
            self._end()
        return done, Prepared(rows=rows, originals=originals)


AHEAD_ROWS = 256  # rows split between two looks at the stop sign: a few milliseconds


def _split_child(texts: Sequence[str | None], split: bool, stop, sending) -> None:
    rows: list[int] = []
    originals: list[str] = []
    done = 0
    while done < len(texts) and not stop.is_set():
        end = min(done + AHEAD_ROWS, len(texts))
        for s in to_statements(texts[done:end], split=split):  # as `_statements` splits a chunk of rows
            rows.append(s.row + done)
            originals.append(s.text)
        done = end
    sending.send((done, rows, originals))
    sending.close()


def split_ahead(texts: Sequence[str | None], split: bool, workers: int) -> SplitAhead:
    """`with split_ahead(texts, split, workers) as early: …; ahead = early.stop()`: a forked process
    (when `workers` > 1 and forking is safe here) splits the rows from the first on while this one
    goes on, and `stop()` takes what it split by then (`statements(presplit=…)`). For the time this
    process spends loading the models before the workers fork (0.5-0.8 s on a 2-core machine), its
    second core splits rows instead of waiting. Splitting a row depends on that row alone, so the
    statements are those the workers would have made."""
    return SplitAhead(texts, split, workers)


def predict_kinds(kind_model, texts: Sequence[str], fields: Sequence[str | None] | None,
                  workers: int = 1) -> list[str]:
    """`kind_model.predict(texts, fields, normalized=True)`, in chunks (in `workers` processes)."""
    return kinds_and_counts(Prepared(originals=list(texts)), fields=fields, kind_model=kind_model,
                            workers=workers).kinds
