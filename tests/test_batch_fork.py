"""The analysis's worker processes are forked only from a process with one thread: a child of a
fork holds only the forking thread, and a lock another thread held then (jieba's, logging's, a
database driver's) would stay held in the child for ever. Under `pingjia serve` the job runs in a
thread of a process with many, so there the chunks run in the calling process, same result."""
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import _batch

TEXTS = ["停车位太少，排队时间长。", "建议增加窗口", None, "服务很好", "网上办理很方便，但是系统经常卡顿。", "无"]


@pytest.fixture
def pools(monkeypatch):
    """The process pools `_batch` opens (with their worker count), the real pool still used."""
    opened = []
    real = _batch.ProcessPoolExecutor

    def spy(workers, **kwargs):
        opened.append(workers)
        return real(workers, **kwargs)

    monkeypatch.setattr(_batch, "ProcessPoolExecutor", spy)
    monkeypatch.setattr(_batch, "CHUNK", 2)
    return opened


def _plain(prepared: _batch.Prepared) -> tuple:
    return prepared.rows, prepared.originals, prepared.sentences, prepared.quotes


# In a process of its own: this one may hold threads other tests left (a limiter's sweeper, a queue)
ONE_THREAD = """
import threading
from analysis import _batch
opened, real = [], _batch.ProcessPoolExecutor
_batch.ProcessPoolExecutor = lambda workers, **kw: opened.append(workers) or real(workers, **kw)
_batch.CHUNK = 2
texts = %r
assert threading.active_count() == 1 and _batch.can_fork()
forked = _batch.statements(texts, names=["王伟"], workers=2)
assert opened == [2], opened
here = _batch.statements(texts, names=["王伟"], workers=1)
plain = lambda p: (p.rows, p.originals, p.sentences, p.quotes)
assert plain(forked) == plain(here)
print("forked", opened)
"""


def _in_a_fresh_process(script: str) -> subprocess.CompletedProcess:
    """`script` run by a new interpreter: one thread, so the batch may fork (pytest's may not)."""
    root = Path(__file__).resolve().parents[1]
    return subprocess.run([sys.executable, "-c", script % (TEXTS,)], cwd=root, capture_output=True,
                          text=True, timeout=120)


def test_one_thread_forks_workers():
    done = _in_a_fresh_process(ONE_THREAD)
    assert done.returncode == 0 and "forked [2]" in done.stdout, done.stderr


def test_with_another_thread_the_work_stays_in_this_process(pools, other_thread):
    assert not _batch.can_fork()
    assert _batch.workers_for(1_000_000) == 1
    # asked for two workers all the same (analyze(workers=2) from a job's thread): no fork
    here = _batch.statements(TEXTS, names=["王伟"], workers=2)
    assert pools == []
    assert _plain(here) == _plain(_batch.statements(TEXTS, names=["王伟"], workers=1))


# Rows split ahead (`split_ahead`, while the parent loads the models): the workers take those rows'
# statements as given and split the rest; every cut gives what splitting every row gives.
SPLIT_AHEAD = """
import time
from analysis import _batch
_batch.CHUNK = 2
texts = %r * 40
whole = _batch.statements(texts, names=["王伟"], workers=1)
plain = lambda p: (p.rows, p.originals, p.sentences, p.quotes)
with _batch.split_ahead(texts, True, 2) as early:
    time.sleep(0.3)
    done, ahead = early.stop()
assert 0 < done <= len(texts), done
# the statements of rows 0 .. done - 1, all of them, as splitting every row makes them
assert list(zip(ahead.rows, ahead.originals)) == [(r, t) for r, t in zip(whole.rows, whole.originals) if r < done]
for cut in (done, 1, 3, len(texts)):
    part = _batch.statements(texts[:cut], workers=1)
    for workers in (1, 2):
        got = _batch.statements(texts, names=["王伟"], workers=workers, presplit=(cut, part))
        assert plain(got) == plain(whole), (cut, workers)
print("split ahead", done)
"""


def test_rows_split_ahead_give_the_same_statements():
    done = _in_a_fresh_process(SPLIT_AHEAD)
    assert done.returncode == 0 and "split ahead" in done.stdout, done.stderr


def test_with_one_worker_nothing_is_split_ahead():
    with _batch.split_ahead(TEXTS, True, 1) as early:
        assert early.stop() is None


def test_after_the_warm_up_a_worker_builds_no_segmenter(monkeypatch):
    # what each forked worker would otherwise build for itself (the rules' opening-verb segmenter was, 0.15-0.25 s)
    from analysis import tokenize
    from analysis.pipeline import kind_model

    model, tokenizer = kind_model("tfidf").fit(), tokenize.ChineseTokenizer()
    _batch.warm_up(model, tokenizer)

    def built(*args):
        raise AssertionError("a segmenter built after the warm-up")

    monkeypatch.setattr(tokenize, "load_userdict", built)
    texts = ["购买了这款手机", "组织一次产品展示会", "停车位太少", "提升服务质量，简化办事流程"]  # the first two reach it
    out = _batch.statements(texts, kind_model=model, tokenizer=tokenizer)
    assert len(out.kinds) == len(texts)
