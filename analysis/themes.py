"""Themes: clusters of statements within each category (and within "other").

`ThemeClusterer` clusters each category's statements on their representation and
describes every theme the way BERTopic and Pol.is do: c-TF-IDF keywords, a short label
(an issue phrase or proposal in the participants' words, see `analysis.theme_names`) with the
keywords behind it, its size, the statements closest to its centre (as given in `quotes`)
and, when organisation types are given, how many statements came from each. Kinds are labels:
problems and suggestions about one issue share a theme, which counts its mix.

Clustering: spectral clustering on a cosine k-nearest-neighbour graph for dense
representations up to `spectral_max` statements (short texts form curved, uneven
clusters that k-means on raw vectors cuts badly); mini-batch k-means for larger inputs
or sparse TF-IDF (reduced by truncated SVD first). Past `new_issue_max` (below), the number of
themes per category is chosen by the cosine silhouette over 2..`max_themes`; a category stays one theme when no
split beats `min_silhouette`. `n_themes` fixes the total instead, distributed across
categories in proportion to their size (every category keeps at least one).

Up to `new_issue_max` statements per category on sentence vectors (every interactive run), the
number of themes is not fixed but found where the themes can be named truly (issue 24 item 4:
two thirds of the members say the name's words). The silhouette over a few dozen statements of
one domain is nearly flat, so its best k jumped (the demo's 40 new issues: 5 themes; leaving out
any one statement, anywhere from 2 to 8), and over hundreds it chose a few heaps whose members
share no words (citizen messages: 3 themes of 200-300). So the themes are cut at a fixed
similarity where their members share words (`analysis._theme_cut.coherent_cut`): average-linkage
clusters of the vectors centred on the block's mean (what every statement of the domain shares
taken out, what tells issues apart left), a cluster split again while its members share no 1-2
words said by two thirds of them. In 未归类 an issue raised once is a theme of one (pooled, those
that say no word a name can hold would reach staff as one new issue "其他问题" of dozens), except
statements that say no such word and are still alone: they are one theme "其他问题", listed last; in a plan
category a statement left alone joins the theme whose shared words it says, else the category's
one "其他" theme, listed last.
Larger categories, sparse TF-IDF (the fast path) and a fixed total (`n_themes`) keep the
silhouette or the given k.
"""
from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.manifold import spectral_embedding
from sklearn.metrics import silhouette_score
from sklearn.neighbors import kneighbors_graph
from sklearn.preprocessing import normalize

from . import _batch
from ._theme_cut import Coherence, centred, coherent_cut, join_answers, pool_mute, pool_strays
from .embed import choose_representation, make_embedder
from .labels import LABEL_MAX, theme_label  # noqa: F401 (LABEL_MAX: part of this module's API)
from .plan import OTHER
from .theme_names import SUPPORT_MEMBERS, claimed_kind, theme_name, topic_word
from .tokenize import ChineseTokenizer, is_keyword

UNKNOWN_GROUP = "未注明"
MIX_KINDS = ("problem", "suggestion", "praise")  # a theme's kind mix, in this order


def reduce(X, n_components: int | None = None, random_state: int = 0) -> np.ndarray:
    """Dense, unit-length rows: sparse TF-IDF goes through truncated SVD (LSA) first
    (100 components; 32 above 20,000 rows, where SVD time matters more than the tail)."""
    if sp.issparse(X):
        if n_components is None:
            n_components = 100 if X.shape[0] <= 20000 else 32
        k = min(n_components, X.shape[1] - 1, X.shape[0] - 1)
        if k < 2:
            return normalize(X.toarray()).astype(np.float32)
        X = TruncatedSVD(k, n_iter=3, random_state=random_state).fit_transform(X)
    return normalize(np.asarray(X, dtype=np.float32))


def cluster_candidates(X: np.ndarray, ks: Sequence[int], *, random_state: int = 0,
                       n_neighbors: int = 15, spectral: bool = True,
                       kmeans_sample: int = 3000) -> dict[int, np.ndarray]:
    """Labels for each k in `ks` (X dense, unit rows): spectral, or k-means on a sample."""
    n = X.shape[0]
    ks = [k for k in ks if 1 <= k <= n]
    out = {}
    if 1 in ks:
        out[1] = np.zeros(n, dtype=int)
    ks = [k for k in ks if k > 1]
    if not ks:
        return out
    if spectral and n > n_neighbors + 1:
        graph = kneighbors_graph(X, n_neighbors, metric="cosine", include_self=False)
        graph = 0.5 * (graph + graph.T)
        with warnings.catch_warnings():
            # a kNN graph of real comments is often not connected; the embedding copes
            warnings.simplefilter("ignore", UserWarning)
            maps = spectral_embedding(graph, n_components=max(ks), drop_first=False,
                                      random_state=random_state)
        for k in ks:
            out[k] = KMeans(k, n_init=10, random_state=random_state).fit_predict(maps[:, :k])
    else:
        # large: fit on a fixed sample, assign everyone to the nearest centre
        rng = np.random.default_rng(random_state)
        sample = np.sort(rng.choice(n, size=min(n, kmeans_sample), replace=False))
        for k in ks:
            km = MiniBatchKMeans(k, n_init=1, batch_size=1024, random_state=random_state)
            out[k] = km.fit(X[sample]).predict(X)
    return out


def cluster(X, k: int, *, random_state: int = 0, spectral_max: int = 6000) -> np.ndarray:
    """k clusters of the rows of X (any representation), the way themes are found."""
    spectral = not sp.issparse(X) and X.shape[0] <= spectral_max
    return cluster_candidates(reduce(X, random_state=random_state), [k], spectral=spectral,
                              random_state=random_state)[k]


def new_issue_themes(X: np.ndarray, distance: float = 0.85) -> np.ndarray:
    """New-issue themes of the rows of X (dense, unit rows) by distance alone: average-linkage
    clusters on the cosine of the vectors centred on their mean, cut at `distance` (centred cosine
    distance; 0.85 keeps members about 0.15 alike after the shared direction is removed). Chosen on
    the demo's 未归类 statements for topic coherence and for how little leaving one answer out
    changes them (benchmarks/RESULTS.md, "New-issue themes"). `ThemeClusterer` cuts the same tree
    where members also share words (`analysis._theme_cut.coherent_cut`)."""
    return coherent_cut(X, None, distance)


def _allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split `total` themes over categories in proportion to size (largest remainder)."""
    share = {c: total * s / sum(sizes.values()) for c, s in sizes.items()}
    out = {c: max(1, min(sizes[c], int(v))) for c, v in share.items()}
    for c in sorted(sizes, key=lambda c: (-(share[c] - int(share[c])), c)):
        if sum(out.values()) >= total:
            break
        if out[c] < sizes[c]:
            out[c] += 1
    return out


def c_tf_idf(counts: sp.spmatrix, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """BERTopic's class-based TF-IDF: tf within the class × log(1 + mean class size / tf)."""
    member = sp.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                           shape=(n_classes, len(labels)))
    tf = np.asarray((member @ counts).todense(), dtype=np.float64)
    words = tf.sum(axis=1, keepdims=True)
    freq = tf.sum(axis=0)
    idf = np.log(1 + words.mean() / np.maximum(freq, 1))
    return tf / np.maximum(words, 1) * idf


class ThemeClusterer(BaseEstimator):
    """Cluster statements into themes within each category.

    Parameters
    ----------
    n_themes : total number of themes; None chooses per category by silhouette.
    max_themes : most themes per category when choosing automatically.
    min_size : a category needs twice this many statements before it is split.
    min_silhouette : the best split must beat this cosine silhouette, else one theme.
    new_issue_distance : where new-issue themes (未归类) are cut, see `new_issue_themes`.
    theme_distance : the same for the themes of a plan category.
    min_theme : in a plan category, a theme of fewer statements is dissolved (its statements join
        a theme whose words they say, else "其他").
    new_issue_max : themes by that cut (and by shared words) in a block of up to this many
        statements on sentence vectors (above, or on TF-IDF, the silhouette: the cut's distance
        is the sentence vectors').
    spectral_max : spectral clustering for dense inputs up to this many statements in
        all; beyond (or for sparse TF-IDF, the fast path) mini-batch k-means.
    embedder : used by `fit` when no embeddings are passed: an embedder from
        `analysis.embed` or its name; None → the pipeline's choice for that many
        statements (`choose_representation`).
    workers : processes for the categories' themes and their names (`analysis._forked.Phases`:
        forked, on one BLAS and OpenMP thread each); the result does not depend on it.
    """

    def __init__(self, n_themes=None, max_themes=8, min_size=3, min_silhouette=0.02,
                 new_issue_distance=0.85, theme_distance=0.85, min_theme=2, new_issue_max=1500, n_keywords=8, n_representatives=3, spectral_max=6000, embedder=None,
                 tokenizer=None, random_state=0, workers=1):
        self.n_themes = n_themes
        self.max_themes = max_themes
        self.min_size = min_size
        self.min_silhouette = min_silhouette
        self.new_issue_distance = new_issue_distance
        self.theme_distance = theme_distance
        self.min_theme = min_theme
        self.new_issue_max = new_issue_max
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.spectral_max = spectral_max
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.random_state = random_state
        self.workers = workers

    def _choose(self, Xc: np.ndarray) -> np.ndarray:
        n = Xc.shape[0]
        top = min(self.max_themes, n // max(self.min_size, 1))
        if top < 2:
            return np.zeros(n, dtype=int)
        ks = range(2, top + 1)
        if not self.spectral_:  # k-means path (large inputs): a coarser grid of k
            ks = [k for k in ks if k <= 4 or k % 2 == 0]
        candidates = cluster_candidates(Xc, ks, spectral=self.spectral_,
                                        random_state=self.random_state)
        best, best_score = np.zeros(n, dtype=int), self.min_silhouette
        for labels in candidates.values():
            if np.unique(labels).size < 2:
                continue
            # on a sample: with k-means (large inputs) this is the stage's main cost
            score = silhouette_score(Xc, labels, metric="cosine",
                                     sample_size=min(n, 1000 if self.spectral_ else 600),
                                     random_state=self.random_state)
            if score > best_score:
                best, best_score = labels, score
        return best

    def fit(self, texts: Sequence[str], categories: Sequence[str] | None = None, *,
            embeddings=None, groups: Sequence[str | None] | None = None,
            order: Sequence[str] | None = None, counts=None, vocabulary=None,
            kinds: Sequence[str] | None = None, quotes: Sequence[str] | None = None,
            rows: Sequence[int] | None = None, reduced: np.ndarray | None = None):
        """Cluster `texts` (the statements' text, personal data already masked) within each category.

        `categories[i]`: statement i's category id (None: everything is "other");
        `embeddings`: one representation row per statement, already computed (else the
        texts are embedded with `embedder`); `groups[i]` its organisation type; `order`
        the category order for the output; `counts`/`vocabulary`: a word count matrix of
        the texts already segmented (else the texts are segmented here for the keywords);
        `kinds[i]`: statement i's kind (analysis.kinds): a label, not a partition — themes are
        found by topic within each category, whatever the kinds; each theme says its mix
        (`kinds`: problem/suggestion/praise → count) and its `kind`, the most common one
        (problem on a tie; None without kinds); `quotes[i]`: the text shown as statement i's quote
        (default: `texts[i]`); `rows[i]`: the answer statement i was split from (a statement that
        says nothing a name can hold joins its answer's theme, `_theme_cut.join_answers`);
        `reduced`: `reduce(embeddings, random_state=self.random_state)`, already computed.
        """
        texts = list(texts)
        n = len(texts)
        X = embeddings if embeddings is not None or not n else self._embed(texts)
        cats = np.array(list(categories) if categories is not None else ["other"] * n, dtype=object)
        R = reduced if reduced is not None else reduce(X, random_state=self.random_state) if n else np.zeros((0, 1))
        self.spectral_ = not sp.issparse(X) and n <= self.spectral_max
        present = list(dict.fromkeys(order or [])) + sorted(set(cats) - set(order or []))
        present = [c for c in present if np.any(cats == c)]
        sizes = {c: int(np.sum(cats == c)) for c in present}
        quota = _allocate(sizes, self.n_themes) if self.n_themes and present else None

        if counts is None and n:
            counts, vocabulary = self._count(texts)
        if not sp.issparse(X) and n and any(sizes[c] <= self.new_issue_max for c in present) and quota is None:
            coherence = self._coherence(counts, vocabulary)  # once, before the blocks (and workers) need it
        else:
            coherence = None
        where = [np.flatnonzero(cats == block) for block in present]

        def block_labels(b: int) -> np.ndarray:
            """Block b's themes (its own numbering; -1: "其他")."""
            block, idx = present[b], where[b]
            if quota is not None:
                k = quota[block]
                return cluster_candidates(R[idx], [k], spectral=self.spectral_, random_state=self.random_state)[k]
            if coherence is not None and idx.size <= self.new_issue_max:
                said = Coherence(coherence.said[idx])
                if block == OTHER:  # a new issue raised once is a theme of one
                    labels = coherent_cut(R[idx], said, self.new_issue_distance)
                else:  # in a plan category, strays go to "其他"
                    labels = coherent_cut(R[idx], said, self.theme_distance)
                    labels = pool_strays(labels, centred(R[idx]), said, self.min_theme)
                if rows is not None:
                    labels = join_answers(labels, np.asarray(rows)[idx], said)
                return pool_mute(labels, said) if block == OTHER else labels
            return self._choose(R[idx])

        shown = list(quotes) if quotes is not None else texts
        cut = (self.tokenizer if self.tokenizer is not None else ChineseTokenizer()).cut  # one for all names

        def describe(b: int, tids: list[str], members: list[np.ndarray], words: list[list[str]]) -> list[dict]:
            """Block b's themes (`tids`, `members`: each one's statements, ascending; `words`: its
            keywords), named in order (a name already given in the block is avoided)."""
            used: list[str] = []
            out = []
            for tid, listed, keywords_t in zip(tids, members, words):
                out.append(self._describe(tid, present[b], listed, R, texts, shown, keywords_t, kinds, groups,
                                          cut, used))
                used.append(out[-1]["label"])
            return out

        # the blocks' themes, then their names, in one set of workers (`_batch.Phases`): the names need
        # every block's themes first (their numbering and keywords), which reach the workers as arguments
        with _batch.Phases(self.workers, block_labels, describe) as phases:
            self._fit_blocks(phases, n, present, where, texts, counts, vocabulary)
        return self

    def _fit_blocks(self, phases: _batch.Phases, n: int, present: list[str], where: list[np.ndarray],
                    texts: list[str], counts, vocabulary) -> None:
        """`fit`'s blocks: their themes (`phases`' first), numbered and given keywords here, then named
        (its second)."""
        local = np.zeros(n, dtype=int)
        blocks = []
        found = phases.map(0, [(b,) for b in range(len(present))], cost=[i.size for i in where])
        for block, idx, labels in zip(present, where, found):
            # number themes by size, largest first, ties by first statement; "其他" (-1) last
            size_of = Counter(labels.tolist())
            ranked = sorted(size_of, key=lambda t: (t < 0, -size_of[t], int(np.flatnonzero(labels == t)[0])))
            remap = {t: j for j, t in enumerate(ranked)}
            local[idx] = [remap[t] for t in labels]
            blocks.append((block, idx, len(ranked)))

        theme_of = np.zeros(n, dtype=int)
        ids: list[str] = []
        numbered: Counter = Counter()
        for c, idx, k in blocks:
            theme_of[idx] = len(ids) + local[idx]
            ids.extend(f"{c}-{numbered[c] + j + 1}" for j in range(k))
            numbered[c] += k
        self.labels_ = np.array([ids[t] for t in theme_of], dtype=object)

        keywords = self._keywords(texts, theme_of, len(ids), counts, vocabulary)
        by_theme = np.argsort(theme_of, kind="stable")  # each theme's members, in order
        sizes_of = np.bincount(theme_of, minlength=len(ids))
        ends = np.cumsum(sizes_of)
        firsts = np.cumsum([0] + [k for _, _, k in blocks])  # block b's themes: firsts[b] ... firsts[b + 1] - 1
        spans = [range(firsts[b], firsts[b + 1]) for b in range(len(blocks))]
        # a name costs by the members it reads (an even sample of SUPPORT_MEMBERS at most) and by theme
        cost = [sum(min(sizes_of[t], SUPPORT_MEMBERS) + 100 for t in span) for span in spans]
        named = phases.map(1, [(b, [ids[t] for t in span], [by_theme[ends[t] - sizes_of[t]:ends[t]] for t in span],
                                [keywords[t] for t in span]) for b, span in enumerate(spans)], cost)
        self.themes_ = [theme for part in named for theme in part]

    def _describe(self, tid: str, owner: str, members: np.ndarray, R: np.ndarray, texts: list[str],
                  shown: list[str], keywords: list[str], kinds: Sequence[str] | None,
                  groups: Sequence[str | None] | None, cut, used: list[str]) -> dict:
        """Theme `tid` of category `owner` (`members`: its statements' indices, ascending), its name
        not one of `used`."""
        listed = members.tolist()  # Python ints, to index the lists
        mix = Counter(kinds[i] for i in listed) if kinds is not None else Counter()
        kind = max(MIX_KINDS, key=lambda k: (mix[k], k == "problem")) if kinds is not None else None
        central = self._central(R, members, texts, most=members.size)  # all, for the name
        # quotes: the central statements that hold no personal data first (masked text has *)
        near = self._central(R, members, shown, most=10)
        reps = [shown[i] for i in sorted(near, key=lambda i: "*" in texts[i])][: self.n_representatives]
        # without kinds the mix is empty and the name claims none
        label, label_words = theme_name([texts[i] for i in central], keywords, cut=cut, kind=claimed_kind(mix),
                                        avoid=used)
        theme = {"id": tid, "category": owner, "kind": kind,
                 "kinds": {k: mix[k] for k in MIX_KINDS} if kinds is not None else {}, "label": label,
                 "label_words": label_words, "keywords": keywords, "size": int(members.size),
                 "representatives": reps, "groups": {}}
        if groups is not None:
            tally = Counter(groups[i] if groups[i] else UNKNOWN_GROUP for i in listed)
            theme["groups"] = dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))
        return theme

    def _count(self, texts):
        """Word counts of the texts (statements × words) and the words."""
        tokenizer = self.tokenizer if self.tokenizer is not None else ChineseTokenizer()
        vec = CountVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False)
        try:
            return vec.fit_transform(texts), vec.get_feature_names_out()
        except ValueError:  # nothing but stopwords
            return sp.csr_matrix((len(texts), 0)), np.array([], dtype=object)

    def _coherence(self, counts, vocabulary) -> Coherence:
        """Which statements say which words a theme's name can be built from (`topic_word`),
        wherever the word stands, as names are judged: 停车 is said inside 停车位 and 停车场 too."""
        cut = (self.tokenizer if self.tokenizer is not None else ChineseTokenizer()).cut
        counts = sp.csc_matrix(counts)
        used = np.flatnonzero(np.diff(counts.indptr))
        words = {str(vocabulary[j]): j for j in used}
        keep = {w: k for k, w in enumerate(w for w in words if topic_word(w, cut))}
        rows, cols = [], []
        for w, j in words.items():  # each word holds itself and the kept words inside it
            inside = {w[a:b] for a in range(len(w) - 1) for b in range(a + 2, len(w) + 1)}
            for part in inside & keep.keys():
                rows.append(j)
                cols.append(keep[part])
        holds = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                              shape=(counts.shape[1], len(keep)))
        return Coherence(sp.csr_matrix(counts) @ holds)

    def _keywords(self, texts, theme_of, n_themes, counts=None, vocab=None) -> list[list[str]]:
        if not texts:
            return []
        if counts is None:
            counts, vocab = self._count(texts)
        if not counts.shape[1]:
            return [[] for _ in range(n_themes)]
        vocab = np.asarray(vocab)
        scores = c_tf_idf(counts, theme_of, n_themes)
        out = []  # is_keyword asked of the words looked at (each theme's best), not of the whole vocabulary
        for row in scores:
            words: list[str] = []
            for j in np.argsort(-row, kind="stable"):  # best first; the first n_keywords keywords that score
                if not row[j] > 0 or len(words) == self.n_keywords:
                    break
                if is_keyword(str(vocab[j])):
                    words.append(str(vocab[j]))
            out.append(words)
        return out

    def _cut(self, text: str) -> list[str]:
        tokenizer = self.tokenizer if self.tokenizer is not None else ChineseTokenizer()
        return tokenizer.cut(text)

    def _embed(self, texts):
        emb = self.embedder if self.embedder is not None else choose_representation(len(texts))
        if isinstance(emb, str):
            emb = make_embedder(emb, tokenizer=self.tokenizer)
        return emb.fit_transform(texts)

    def _central(self, R, members, texts, most: int = 6) -> list:
        """Indices of the distinct `texts` closest to the theme's centre (cosine), closest first."""
        centre = R[members].mean(axis=0)
        order = members[np.argsort(-(R[members] @ centre), kind="stable")]
        out, seen = [], set()
        for i in order:
            if texts[i] not in seen:
                seen.add(texts[i])
                out.append(int(i))
            if len(out) == max(most, self.n_representatives):
                break
        return out
