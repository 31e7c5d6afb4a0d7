"""The kind stage made faster must give the same kinds (issue 25 item 2): the fitted model kept on
disk, each distinct statement decided once, the field-free rules looked at once, the n-gram counts
built in one pass. Each is checked against the slow way on real text no one here wrote
(../shared/data: citizen messages split into statements, shopping reviews)."""
import csv
import itertools

import numpy as np
import pytest
from support.shared_data import shared_data

from analysis import _kinds_learned, kinds
from analysis.kinds import StatementKinds
from analysis.text import to_statements


@pytest.fixture(scope="module")
def real():
    with open(shared_data("citizen_messages_dev.csv"), encoding="utf-8-sig", newline="") as f:
        messages = [r["text"] for r in csv.DictReader(f)]
    with open(shared_data("online_shopping_reviews.csv"), encoding="utf-8-sig", newline="") as f:
        reviews = [r["text"] for r in itertools.islice(csv.DictReader(f), 0, 60000, 60)]
    return [s.text for s in to_statements(messages + reviews)]


def fields_for(texts):
    return [("存在问题", "意见建议", None)[i % 3] for i in range(len(texts))]


def test_a_kept_model_is_the_model_fitted(real, tmp_path, monkeypatch):
    fields = fields_for(real)
    monkeypatch.setattr(kinds, "_FITTED", {})  # no model from this process
    first = StatementKinds(encoder=None, model_cache=tmp_path).fit()  # fits and keeps it
    assert len(list(tmp_path.glob("*.pkl"))) == 1
    monkeypatch.setattr(kinds, "_FITTED", {})
    loaded = StatementKinds(encoder=None, model_cache=tmp_path)
    monkeypatch.setattr(kinds.LogisticRegression, "fit", lambda *a, **k: pytest.fail("fitted again"))
    loaded.fit()
    assert loaded.model_ is not first.model_
    assert list(loaded.predict(real, fields)) == list(first.predict(real, fields))


def test_a_kept_model_follows_its_examples_and_survives_a_broken_file(tmp_path, monkeypatch):
    key = _kinds_learned.fit_key(None, ("p",))
    assert key == _kinds_learned.fit_key(None, ("p",)) and key != _kinds_learned.fit_key(None, ("q",))
    assert key != _kinds_learned.fit_key(None, ("p",), (["新的例子"], ["praise"], [None]))  # staff's examples
    examples = tmp_path / "train.csv"
    examples.write_text("text,field,kind\n服务很好。,,praise\n路太堵。,,problem\n", encoding="utf-8")
    before = _kinds_learned.fit_key(examples, ("p",))
    examples.write_text("text,field,kind\n服务很好。,,praise\n路太窄。,,problem\n", encoding="utf-8")
    assert _kinds_learned.fit_key(examples, ("p",)) != before  # same size, other bytes: another model
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{_kinds_learned.fit_key(examples, (True, 'problem', None, 10.0, 0))[0]}.pkl").write_bytes(b"broken")
    monkeypatch.setattr(kinds, "_FITTED", {})
    model = StatementKinds(encoder=None, examples=examples, model_cache=cache).fit()
    assert model.predict(["服务很好。"])[0] == "praise"  # refitted, and the file replaced
    assert _kinds_learned.load_fitted(cache, _kinds_learned.fit_key(examples, (True, "problem", None, 10.0, 0)))


def test_each_distinct_statement_is_decided_once_with_the_same_kind(real):
    model = StatementKinds(encoder=None).fit()
    texts = real[:400]
    fields = fields_for(texts)
    once = model.predict(texts, fields)
    # the same statements twice over, and under another field: each pair keeps its own kind
    twice = model.predict(texts + texts[::-1], fields + fields[::-1])
    assert list(twice[:400]) == list(once) and list(twice[400:]) == list(once[::-1])
    assert list(model.predict(texts[:50] * 2)) == list(model.predict(texts[:50])) * 2


def test_the_field_free_rules_looked_at_once_are_the_rules(real):
    model = StatementKinds(learned=False).fit()
    memo: dict = {}
    for text, field in zip(real[:600], fields_for(real[:600])):
        assert model._explain(text, field, memo) == model._explain(text, field)
        assert model._explain(text, None, memo) == model._explain(text, None)


def test_ngram_counts_in_one_pass_are_scikit_learns(real):
    vectorizer = StatementKinds(encoder=None).fit().vectorizer_
    texts = _kinds_learned.masked(real) + ["", " ", "A  B\tc", "ＡＢ  ａ", "好😀好😀", "a\ud800b", "一"]
    fast, slow = _kinds_learned.ngrams(vectorizer, texts), vectorizer.transform(texts)
    assert fast.shape == slow.shape and (fast != slow).nnz == 0
    assert np.array_equal(fast.indptr, slow.indptr) and np.array_equal(fast.indices, slow.indices)
    assert np.array_equal(fast.data, slow.data)


def test_the_ngram_table_finds_each_key_past_collisions_and_nothing_else():
    rng = np.random.default_rng(0)
    keys = sorted(set(rng.integers(0, 1 << 62, 3000).tolist()) | set(range(64)))  # small keys share slots too
    table = _kinds_learned._Table(keys, list(range(len(keys))))
    assert int((table.keys != -1).sum()) == len(keys)
    home = _kinds_learned._slots(np.array(keys, dtype=np.int64), table.bits)
    assert len(set(home.tolist())) < len(keys)  # some keys were placed past their first slot
    missing = [k + 1 for k in keys if k + 1 not in set(keys)][:500] + [(1 << 63) - 1]
    found = table.columns_of(np.array(keys[::-1] + missing, dtype=np.int64))
    assert found.tolist() == list(range(len(keys)))[::-1] + [-1] * len(missing)
