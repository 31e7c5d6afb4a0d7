"""The learned part of `analysis.kinds.StatementKinds`: its training examples and its features.

Examples: `corpus/kinds/train.csv` (`text,field,kind[,domain,source]`, hand-labelled, fictional),
read by `load_examples`, which takes an override path the way the other corpus readers do.

Features of one statement (all built from masked text, so no phone number or name is learned):
character 1–3-gram TF-IDF; a sentence vector (`analysis.embed`, the "use" encoder by default,
weighted so it counts about as much as the n-grams); what the cue-word rules say, with the field
and on the text alone (kind and rule, one-hot); and the field it was typed in (存在问题 / 意见建议).
A multinomial logistic regression over these decides what the sure rules leave open.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import re
import tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .privacy import mask_text
from .resources import corpus_path

KINDS = ("problem", "suggestion", "praise", "none")
RULES = ("none", "contrast", "better", "suggestion", "praise", "problem", "field", "default")
EMBED_WEIGHT = 2.0  # the sentence vector (unit length) against the n-grams (unit length)


class ExamplesError(ValueError):
    """A training file that cannot be used; the message names the file and the problem."""


def default_examples() -> Path:
    return corpus_path("kinds", "train.csv")


# The code a fitted model depends on (its rules make features; masking and normalising its text):
# a change to any of them is a new model.
_MODEL_CODE = ("kinds.py", "_kinds_cues.py", "_kinds_verbs.py", "_kinds_evidence.py", "_kinds_praise_words.py",
               "_kinds_complaints.py", "_kinds_solved.py", "turns.py",
               "_kinds_learned.py", "kind_names.py", "privacy.py", "_names.py", "_contacts.py", "text.py", "tokenize.py", "embed.py")
_MODEL_DATA = (("dict", "userdict.txt"), ("privacy", "t2s.txt"), ("stopwords.txt",))  # the rules' dictionary, masking


def fit_key(path, params: tuple, extra: tuple = ()) -> tuple | None:
    """What a model fitted on the examples file depends on: the file's bytes, the examples staff added
    (`extra`: texts, kinds, fields), the code that makes its features, the library versions and the
    parameters; (digest, params), or None when the file cannot be read (load_examples will say why)."""
    import sklearn

    path = Path(path) if path else default_examples()
    digest = hashlib.sha256()
    try:
        digest.update(path.read_bytes())
    except OSError:
        return None
    here = Path(__file__).resolve().parent
    for name in _MODEL_CODE:
        digest.update((here / name).read_bytes())
    for parts in _MODEL_DATA:
        digest.update(corpus_path(*parts).read_bytes())
    digest.update(json.dumps([list(map(list, extra)), [str(p) for p in params], sklearn.__version__, version("jieba"),
                              np.__version__], ensure_ascii=False).encode())
    return digest.hexdigest()[:32], params


def load_fitted(cache: Path | None, key: tuple | None):
    """(vectorizer, model) fitted earlier with this key and kept on disk, or None."""
    if cache is None or key is None:
        return None
    try:
        with open(cache / f"{key[0]}.pkl", "rb") as f:
            return pickle.load(f)  # our own file, written by `save_fitted` under the user's cache
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def save_fitted(cache: Path | None, key: tuple | None, fitted: tuple) -> None:
    """Keep a fitted (vectorizer, model) on disk for the next process; written whole or not at all."""
    if cache is None or key is None:
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cache, delete=False, suffix=".tmp") as f:
            pickle.dump(fitted, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, cache / f"{key[0]}.pkl")
    except OSError:
        pass  # a read-only cache costs a fit per process, nothing else


def load_examples(path=None) -> tuple[list[str], list[str | None], list[str]]:
    """(texts, fields, kinds) from a `text,field,kind` CSV (UTF-8, header row)."""
    path = Path(path) if path else default_examples()
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ExamplesError(f"无法读取语句类型训练文件 {path}：{exc}") from exc
    if not rows or not {"text", "kind"} <= set(rows[0]):
        raise ExamplesError(f"语句类型训练文件 {path} 应有表头 text,field,kind 且至少一行")
    for n, row in enumerate(rows, start=2):
        if row["kind"] not in KINDS:
            raise ExamplesError(f"语句类型训练文件 {path} 第 {n} 行：kind 应为 {'/'.join(KINDS)} 之一，"
                                f"而不是 {row['kind']!r}")
    return ([r["text"] or "" for r in rows], [(r.get("field") or None) for r in rows],
            [r["kind"] for r in rows])


def rule_features(with_field: list[tuple[str, str, str]], text_alone: list[tuple[str, str, str]],
                  priors: list[str | None]) -> np.ndarray:
    """One-hot: the rules' kind and rule with the field, the same on the text alone, the field."""
    out = np.zeros((len(priors), 2 * (len(KINDS) + len(RULES)) + 2), dtype=np.float32)
    width = len(KINDS) + len(RULES)
    for i, (a, b, prior) in enumerate(zip(with_field, text_alone, priors)):
        for offset, (kind, rule, _) in ((0, a), (width, b)):
            out[i, offset + KINDS.index(kind)] = 1
            out[i, offset + len(KINDS) + RULES.index(rule)] = 1
        if prior in ("problem", "suggestion"):
            out[i, 2 * width + (prior == "suggestion")] = 1
    return out


def rule_feature_names() -> list[str]:
    names = [f"规则判为{k}" for k in KINDS] + [f"规则{r}" for r in RULES]
    return names + [f"仅文本{n}" for n in names] + ["填在存在问题", "填在意见建议"]


def masked(texts: list[str]) -> list[str]:
    return [mask_text(t, whole=True) for t in texts]


def new_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32)


_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char analyzer folds them


_BITS = 21  # a code point fits in 21 bits: an n-gram of up to 3 characters is one int64


def _key(codes: np.ndarray, n: int) -> np.ndarray:
    """The int64 keys of the n-grams starting at each of `codes[:len - n + 1]`."""
    out = codes[:len(codes) - n + 1].copy()
    for k in range(1, n):
        out = (out << _BITS) | codes[k:len(codes) - n + 1 + k]
    return out


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)


_GRAMS: dict[int, tuple[dict, list]] = {}  # id(vocabulary_) → (that vocabulary, its tables): a few fitted models a process
_HASH = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: an n-gram's key times this, its top bits its slot


def _slots(keys: np.ndarray, bits: int) -> np.ndarray:
    """Each key's first slot in a table of 2 ** bits (`_Table`)."""
    return ((keys.view(np.uint64) * _HASH) >> np.uint64(64 - bits)).astype(np.intp)


class _Table:
    """The vocabulary's n-grams of one length: key (`_key`) → column, an open-addressing hash table looked up
    for a whole array of keys at once (`columns`), where a binary search over the sorted keys took ~15
    uncached steps a key: the same columns found, in a quarter of the time. A table four times the keys'
    number: most keys are found, or missed, at their first slot."""

    def __init__(self, keys: list[int], columns: list[int]):
        self.size = len(keys)
        self.bits = max(4, (4 * len(keys)).bit_length())
        size = 1 << self.bits
        slot_keys, slot_columns = [-1] * size, [0] * size  # a key is ≥ 0: -1 is an empty slot
        for key, column, at in zip(keys, columns, _slots(np.array(keys, dtype=np.int64), self.bits).tolist()):
            while slot_keys[at] != -1:
                at = (at + 1) & (size - 1)
            slot_keys[at], slot_columns[at] = key, column
        self.keys = np.array(slot_keys, dtype=np.int64)
        self.columns = np.array(slot_columns, dtype=np.int64)

    def columns_of(self, found: np.ndarray) -> np.ndarray:
        """The column of each key in `found` (int64), -1 where the vocabulary lacks it."""
        mask = (1 << self.bits) - 1
        at = _slots(found, self.bits)
        out = np.full(len(found), -1, dtype=np.int64)
        key = self.keys[at]
        hit = key == found
        out[hit] = self.columns[at[hit]]
        todo = np.flatnonzero(~hit & (key != -1))  # a key in another's slot: look at the next slots
        while len(todo):
            at[todo] = (at[todo] + 1) & mask
            key = self.keys[at[todo]]
            hit = key == found[todo]
            out[todo[hit]] = self.columns[at[todo[hit]]]
            todo = todo[~hit & (key != -1)]
        return out


def _gram_key(gram: str) -> int:
    """`_key` of one n-gram, in Python's integers: each code point, 21 bits apiece."""
    key = 0
    for char in gram:
        key = (key << _BITS) | ord(char)
    return key


def _gram_columns(vectorizer: TfidfVectorizer) -> list[_Table]:
    """For n = 1, 2, 3: the vocabulary's n-grams' columns by key (`_key`, `_Table`); made once per
    vocabulary (kept with it, so that its id stays its own)."""
    vocabulary = vectorizer.vocabulary_
    kept = _GRAMS.get(id(vocabulary))
    if kept is not None and kept[0] is vocabulary:
        return kept[1]
    by_length: dict[int, tuple[list[int], list[int]]] = {1: ([], []), 2: ([], []), 3: ([], [])}
    for g, j in vocabulary.items():
        if len(g) in by_length:
            keys, columns = by_length[len(g)]
            keys.append(_gram_key(g))
            columns.append(j)
    out = [_Table(*by_length[n]) for n in (1, 2, 3)]
    if len(_GRAMS) >= 4:
        _GRAMS.clear()
    _GRAMS[id(vocabulary)] = (vocabulary, out)
    return out


def ngrams(vectorizer: TfidfVectorizer, texts: list[str]):
    """`vectorizer.transform(texts)` for the char 1–3-gram vectorizer of `new_vectorizer`, the same matrix
    built faster: scikit-learn counts each n-gram in a Python loop of dictionary updates (a third of
    the kind stage on 57,000 statements); here the texts' code points are one array, each n-gram an
    int64 key (`_key`) looked up among the vocabulary's in a hash table (`_Table`), n-grams across two texts
    left out, and the counts summed by scipy; then scikit-learn's own TF-IDF weighting applies. Another
    vectorizer (other analyzer or range) goes through scikit-learn."""
    if vectorizer.analyzer != "char" or vectorizer.ngram_range != (1, 3) or not vectorizer.lowercase \
            or vectorizer.strip_accents is not None or vectorizer.preprocessor is not None or vectorizer.binary:
        return vectorizer.transform(texts)
    docs = [_WHITE_SPACES.sub(" ", text.lower()) for text in texts]
    codes = _codes("".join(docs))
    row_of = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    rows, columns = [], []
    for n, table in enumerate(_gram_columns(vectorizer), start=1):
        if len(codes) < n or not table.size:
            continue
        within = row_of[:len(codes) - n + 1] == row_of[n - 1:]  # the n-gram lies inside one text
        column = table.columns_of(_key(codes, n)[within])
        hit = column >= 0
        rows.append(row_of[:len(codes) - n + 1][within][hit])
        columns.append(column[hit])
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    column = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    counts = sparse.csr_matrix((np.ones(len(row), dtype=vectorizer.dtype), (row, column)),
                               shape=(len(texts), len(vectorizer.vocabulary_)))
    counts.sum_duplicates()  # sorts each row's columns and adds the repeats: the counts, as scikit-learn has them
    return vectorizer._tfidf.transform(counts, copy=False)


def features(vectorizer: TfidfVectorizer, embedder, texts: list[str], rules: np.ndarray):
    """The feature matrix: n-grams | weighted sentence vector (if an embedder) | rule one-hots."""
    blocks = [ngrams(vectorizer, texts)]
    if embedder is not None:
        blocks.append(sparse.csr_matrix(EMBED_WEIGHT * np.asarray(embedder.transform(texts))))
    blocks.append(sparse.csr_matrix(rules))
    return sparse.hstack(blocks, format="csr")
