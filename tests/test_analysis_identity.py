"""Speed work changes no result: the analysis of a fixed real sample (tests/support/golden.py)
is the one recorded before it (tests/data/analysis_golden.json, written by the code before the
throughput work, on one BLAS thread: see golden.py for the one difference that thread count
makes), and the worker processes give what one process gives."""
import json

import pytest

from tests.support import golden
from tests.support.shared_data import shared_data

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def samples():
    return golden.samples(shared_data("online_shopping_reviews.csv").parent)


def _differences(got: dict, want: dict) -> list[str]:
    out = [key for key in ("text_sha256", "categories", "kinds") if got[key] != want[key]]
    lines = [i for i, (a, b) in enumerate(zip(got["statements"], want["statements"])) if a != b]
    if lines or len(got["statements"]) != len(want["statements"]):
        out.append(f"statements {lines[:5]}: {[got['statements'][i] for i in lines[:3]]} "
                   f"≠ {[want['statements'][i] for i in lines[:3]]}")
    out += [f"theme {b['id']}: {a} ≠ {b}" for a, b in zip(got["themes"], want["themes"]) if a != b][:3]
    if len(got["themes"]) != len(want["themes"]):
        out.append(f"{len(got['themes'])} themes ≠ {len(want['themes'])}")
    return out


@pytest.mark.parametrize("name", ["shopping", "citizen"])
def test_same_result_as_recorded(samples, name):
    want = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))[name]
    got = golden.digest(golden.run(samples[name]))
    assert not _differences(got, want)


@pytest.mark.parametrize("name", ["shopping", "citizen"])
def test_worker_processes_give_the_same_result(samples, name, monkeypatch):
    """Chunks of 300 rows (and statements) in two forked processes: the statements, their kinds,
    the merged word counts and so everything after them are what one process gives."""
    from analysis import _batch

    monkeypatch.setattr(_batch, "CHUNK", 300)
    want = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))[name]
    got = golden.digest(golden.run(samples[name], workers=2))
    assert not _differences(got, want)


def test_two_analyses_at_once_in_one_process_keep_their_own_rows(monkeypatch):
    """The job queue runs analyses in threads of one process: the chunks of one run never read
    another run's rows (what forked workers read is kept per run, not in one global)."""
    from analysis import _batch

    monkeypatch.setattr(_batch, "CHUNK", 2)
    first, second = ["甲一", "甲二", "甲三", "甲四"], ["乙一", "乙二", "乙三", "乙四"]
    a = _batch._run(_batch._Job(first), _batch._statements, len(first), 1, None)
    b = _batch._run(_batch._Job(second), _batch._statements, len(second), 1, None)
    parts = [next(a), next(b), next(a), next(b)]  # interleaved, as two threads may run them
    assert [t for p in parts[::2] for t in p.originals] == first
    assert [t for p in parts[1::2] for t in p.originals] == second
