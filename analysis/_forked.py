"""Independent pieces of work in forked processes (`analysis._batch` uses them, and its per-statement
chunks): `spread` (pieces of one phase), `Phases` (pieces of several phases on one set of workers) and
`ahead` (one computation beside this process's own work).

The work reaches the workers by the fork (a closure over the caller's arrays will do), not by pickling:
only its index or its arguments and the results travel. The workers run BLAS and OpenMP on one thread
(`_one_thread`). Workers are forked only where that is safe (`can_fork`: one thread here), with this
process's objects frozen for the garbage collector (`_frozen`).
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

# What forked workers read, by run: registered before the pool forks. Keyed, not one global,
# because two analyses may run at once in one process (the job queue's worker threads).
_WORK: dict[int, Callable] = {}
_KEYS = itertools.count()  # `_batch`'s chunks are keyed from the same count
T = TypeVar("T")


def can_fork() -> bool:
    """Whether worker processes may be forked here: the platform forks and this process runs one
    thread (see the module docstring: a fork from a process with threads can hang the child)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 \
        and not multiprocessing.current_process().daemon  # a daemonic process may have no children


@contextlib.contextmanager
def _frozen():
    """Fork inside this block: every object this process holds is kept out of the garbage collector's
    sight in the forked children (`gc.freeze`), and back in it here after. A child's full collection
    would otherwise walk (and so copy, page by page) everything it inherited: 0.3 s of each split
    worker's CPU at 100,000 statements on a loaded machine, for garbage that is none of its own. What
    the children compute does not change. Left alone where something else froze objects already."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _spread_one(key: int, i: int):
    return _WORK[key](i)


_LIMITS: list = []  # a worker's thread limits, kept for its life


def _one_thread() -> None:
    """A `spread` worker's BLAS and OpenMP on one thread. A forked child that starts an OpenMP
    team hangs when its parent had already run one (libgomp's threads are not forked with it;
    k-means runs on OpenMP); with one thread no team is started. One thread is also what the
    TF-IDF path runs on in the parent (`pipeline`, ONE_THREAD), so the results are the same."""
    from threadpoolctl import threadpool_limits

    _LIMITS.append(threadpool_limits(limits=1))


def spread(work: Callable[[int], T], n: int, workers: int, cost: Sequence[float] | None = None) -> list[T]:
    """`[work(0), …, work(n - 1)]`, in `workers` forked processes when forking is safe here
    (`can_fork`; else in this one, one by one). `work` reaches the workers by the fork, not by
    pickling (a closure over the caller's arrays will do): only `i` and the results travel.
    `cost[i]`: piece i's expected cost; the costliest are handed out first, so that the workers
    finish together. Pieces must not depend on each other."""
    if workers <= 1 or n <= 1 or not can_fork():
        return [work(i) for i in range(n)]
    order = sorted(range(n), key=lambda i: -cost[i]) if cost is not None else list(range(n))
    key = next(_KEYS)
    _WORK[key] = work
    out: list = [None] * n
    try:
        with ProcessPoolExecutor(min(workers, n), mp_context=multiprocessing.get_context("fork"),
                                 initializer=_one_thread) as pool:
            with _frozen():
                results = pool.map(_spread_one, itertools.repeat(key), order)
            for i, result in zip(order, results):
                out[i] = result
    finally:
        del _WORK[key]
    return out


def _phase_one(key: int, args: tuple):
    return _WORK[key](*args)


class Phases:
    """`spread` for work in phases, on one set of forked workers: `map(p, args)` is `[work[p](*a) for a
    in args]`. Every phase's function is registered before the workers fork, at the first `map` that
    needs them, and reaches them by the fork with what it closes over; what a phase decides for the
    next (one category's themes, for their names) travels as arguments, pickled. One fork, one pool's
    start and one set of thread limits for all the phases, not one per phase (a pool of a process of
    half a gigabyte takes 0.1-0.15 s to start and end on a loaded 2-core machine). With one worker, or
    where forking is not safe here (`can_fork`), everything runs in this process."""

    def __init__(self, workers: int, *work: Callable):
        self._work = work
        self._workers = workers if workers > 1 and can_fork() else 1
        self._keys: list[int] = []
        self._pool: ProcessPoolExecutor | None = None

    def map(self, phase: int, args: Sequence[tuple], cost: Sequence[float] | None = None) -> list:
        """`[work[phase](*a) for a in args]`, in the workers; `cost[i]`: piece i's expected cost, the
        costliest handed out first (as `spread`)."""
        if self._workers <= 1 or (len(args) <= 1 and self._pool is None):
            return [self._work[phase](*a) for a in args]
        if self._pool is None:
            self._keys = [next(_KEYS) for _ in self._work]
            _WORK.update(zip(self._keys, self._work))
            self._pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_one_thread)
        order = sorted(range(len(args)), key=lambda i: -cost[i]) if cost is not None else list(range(len(args)))
        out: list = [None] * len(args)
        with _frozen():  # the workers fork at the first task handed out
            results = self._pool.map(_phase_one, itertools.repeat(self._keys[phase]), [args[i] for i in order])
        for i, result in zip(order, results):
            out[i] = result
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        for key in self._keys:
            _WORK.pop(key, None)
        self._keys = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ForkedChild:
    """A forked process that sends one answer back through a pipe (`Ahead`, `_batch.SplitAhead`);
    ended, and terminated if it still runs, when the answer is taken or the caller leaves."""

    _process = None
    _pipe = None

    def _fork(self, target: Callable, *args) -> None:
        context = multiprocessing.get_context("fork")
        self._pipe, sending = context.Pipe(duplex=False)
        self._process = context.Process(target=target, args=(*args, sending), daemon=True)
        with _frozen():
            self._process.start()
        sending.close()

    def _end(self) -> None:
        if self._process is not None:
            if self._pipe is not None:
                self._pipe.close()
            self._process.terminate()  # done already, or no longer wanted (the caller raised)
            self._process.join()
            self._process = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._end()


class Ahead(ForkedChild):
    """`fn()` computed in a forked process while this one goes on (see `ahead`)."""

    def __init__(self, fn: Callable, workers: int):
        self._fn = fn
        if workers > 1 and can_fork():
            self._fork(_ahead_child, fn)

    def result(self):
        """What `fn()` gave (computed here when no process was forked, or when it died)."""
        fn, self._fn = self._fn, None  # what it holds (the vectors) is not kept past the answer
        if self._process is None:
            return fn()
        try:
            failed, value = self._pipe.recv()
        except EOFError:  # the child died (killed, out of memory): compute it here
            self._end()
            return fn()
        self._end()
        if failed:
            raise value
        return value


def _ahead_child(fn: Callable, sending) -> None:
    _one_thread()
    try:
        out = (False, fn())
    except BaseException as error:  # raised again in the parent, where the caller sees it
        out = (True, error)
    sending.send(out)
    sending.close()


def ahead(fn: Callable[[], T], workers: int) -> Ahead:
    """`with ahead(fn, workers) as later: …; later.result()`: `fn()` starts now in a forked process
    (when `workers` > 1 and forking is safe here, `can_fork`; else it runs here, in `result()`),
    while this process does other work; `result()` is what `fn()` gave, and leaving the block ends
    the child if it still runs. `fn` reaches the child by the fork; its result comes back pickled."""
    return Ahead(fn, workers)
