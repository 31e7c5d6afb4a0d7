"""`_batch.spread` and `_batch.ahead`: independent pieces of work (the categories' themes, the
themes' SVD while the mapping runs) in forked processes, with what one process gives, on one
BLAS and OpenMP thread there; in the calling process when forking is not safe."""
import os
import subprocess
import sys
from pathlib import Path

from analysis import _batch

# In a process of its own (this one may hold threads other tests left). The parent runs k-means
# on every OpenMP thread first: a forked child that then started an OpenMP team would hang.
FORKED = """
import os
import time
import numpy as np
from sklearn.cluster import KMeans
from analysis import _batch

X = np.random.default_rng(0).random((4000, 8))
KMeans(3, n_init=1, random_state=0).fit(X)
assert _batch.can_fork()
here = os.getpid()
data = [5, 1, 4, 2, 3]
out = _batch.spread(lambda i: time.sleep(0.05) or (os.getpid(), data[i] * 10), len(data), 2, cost=data)
assert [v for _, v in out] == [50, 10, 40, 20, 30], out
assert here not in {p for p, _ in out} and len({p for p, _ in out}) == 2, out
labels = _batch.spread(lambda i: KMeans(3, n_init=1, random_state=i).fit_predict(X), 2, 2)
assert [list(a) for a in labels] == [list(KMeans(3, n_init=1, random_state=i).fit_predict(X)) for i in range(2)]
with _batch.ahead(lambda: (os.getpid(), X.sum()), 2) as later:
    pid, total = later.result()
assert pid != here and total == X.sum()
try:
    with _batch.ahead(lambda: 1 / 0, 2) as later:
        later.result()
except ZeroDivisionError:
    print("forked, same results")
"""


def test_forked_pieces_give_what_one_process_gives():
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", FORKED], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "forked, same results" in done.stdout, done.stderr


def test_with_another_thread_the_pieces_run_here(other_thread):
    here = os.getpid()
    assert _batch.spread(lambda i: (os.getpid(), i), 3, 2) == [(here, 0), (here, 1), (here, 2)]
    with _batch.ahead(lambda: os.getpid(), 2) as later:
        assert later.result() == here


def test_one_worker_computes_ahead_here_when_asked():
    calls = []
    with _batch.ahead(lambda: calls.append(1) or len(calls), 1) as later:
        assert calls == []  # nothing forked, nothing run yet
        assert later.result() == 1




# `Phases`: the pieces of two phases on one set of workers, the second phase's arguments decided from
# the first's results; what one process gives.
PHASES = """
import os
from analysis import _batch
base = [3, 1, 2]
def square(i):
    return os.getpid(), base[i] ** 2
def add(i, extra):
    return os.getpid(), base[i] + extra
with _batch.Phases(2, square, add) as phases:
    first = phases.map(0, [(i,) for i in range(3)], cost=base)
    second = phases.map(1, [(i, v * 10) for i, (_, v) in enumerate(first)])
assert [v for _, v in first] == [9, 1, 4] and [v for _, v in second] == [93, 11, 42], (first, second)
pids = {p for p, _ in first + second}
assert os.getpid() not in pids and len(pids) <= 2, pids
print("phases, same results")
"""


def test_phases_on_one_set_of_workers():
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", PHASES], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "phases, same results" in done.stdout, done.stderr


def test_phases_with_one_worker_run_here():
    here = os.getpid()
    with _batch.Phases(1, lambda i: (os.getpid(), i)) as phases:
        assert phases.map(0, [(0,), (1,)]) == [(here, 0), (here, 1)]
