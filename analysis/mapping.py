"""Statements → plan problem categories, zero-shot from the plan, improved by self-training.

`CategoryMapper` follows BERTopic's zero-shot idea (statements close to a predefined topic
go to it, the rest stay unassigned) and makes it learn from the batch itself:

1. Zero-shot scores. Each category becomes short texts — "name：description", and each
   keyword and example — embedded with the same representation as the statements. A
   statement's score for a category is its similarity to the description plus the mean of
   its three most similar keywords or examples, plus (sentence vectors) a bonus for each of
   the category's name and keywords the statement contains literally. Raw cosines are not comparable across categories (a category whose
   words are generic is close to everything), so each category's score is standardised
   against a fixed background of everyday sentences about nothing in particular: the
   score becomes "how many background standard deviations above chance".
2. Neighbourhood smoothing. Short texts are noisy; averaging the scores over each
   statement's nearest neighbours (twice) lets the clear statements speak for the vague.
   Only with a few dozen statements per category: in a handful, neighbours differ in topic.
3. Self-training. The most confident statements of each category (by margin) become
   pseudo-labels, together with the plan's examples and any staff-confirmed labels
   (weighted higher); a classifier on the representation (logistic regression on sentence
   vectors, optionally with character TF-IDF; naive Bayes on the TF-IDF fast path) is
   fitted, and the weighted geometric mean of its probabilities and the zero-shot ones
   (sentence vectors; the TF-IDF fast path multiplies them) relabels every statement; the seed set grows (30% → 60% → 100%).
4. "other" (未归类/新问题), open set. In a real session every statement is about the
   plan's domain, so "close to the domain" says nothing about "close to a category".
   With sentence vectors each category's scores are therefore also standardised against
   this run's statements that lean to another category (median and spread), and "other"
   is a competitor of its own: a constant score of `open_set` spreads. Statements for
   which it wins become "other" seeds, and the classifier learns "other" like any
   category. Besides, a statement whose best background-standardised score stays below
   `min_relevance` (small talk), or whose final probability is below `threshold`, is
   "other". Other statements are clustered into new themes.

`confidence_` is the pooled probability of the chosen label (or 1 − that of the best
category when a threshold sent it to "other"); pooling by geometric mean rather than
product keeps statements near a boundary from claiming 0.99.

`fit(texts, y)`: staff decisions, either `y[i]` per statement (a category id, "other", or
None) or a mapping text → category id that may hold texts of earlier runs. `fit` is the
one owner of the rule for them: ids are trimmed, texts matched after `text.normalize`,
earlier texts not in this batch join as labelled training rows, a statement confirmed as
"other" stays "other", and every confirmed statement keeps its label with confidence 1.0
and teaches the classifier; that is how staff corrections in one run become training
data for the next.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.neighbors import NearestNeighbors

from .embed import make_embedder
from .plan import OTHER
from .text import normalize


# Everyday small talk about no topic in particular: the yardstick for "chance" similarity.
# None may touch a subject a plan could have (prices, work, products, schools, health…),
# or that subject's category would look less relevant than it is.
BACKGROUND = (
    "今天天气不错，适合出去走走。", "我早上吃了两个包子。", "周末打算去公园散散步。",
    "楼下新开了一家面馆。", "最近晚上总是睡不好。", "他昨天回了一趟老家。",
    "下雨了，记得带伞。", "猫在沙发上睡了一下午。", "奶奶种的西红柿熟了。",
    "晚饭做了红烧肉。", "明天要早起。", "小区里的桂花开了。", "朋友送了我一盒月饼。",
    "好的，收到。", "谢谢大家。", "我同意上面的说法。", "没什么别的了。", "就这些吧。",
    "路上堵车堵了一个小时。", "我喜欢喝绿茶。", "她在学做蛋糕。", "今年夏天特别热。",
    "开会的时间改到下午三点了。", "窗外有只鸟在叫。", "我刚洗完澡。", "中午吃什么好呢？",
    "他说话声音很大。", "门口的树叶黄了。", "这个周末我在家休息。", "早上起来喝了一杯水。",
    "我们下次再聊。", "今天是星期三。", "外面风挺大的。", "我一会儿给你回电话。",
    "这杯咖啡有点凉了。", "他穿了一件蓝色的外套。", "昨晚月亮特别圆。", "大家辛苦了。",
    "我先去吃个饭。", "房间里有点闷，开开窗吧。",
)


EXPERIMENT = {"share": 0.0, "offset_reg": None, "knn_weight": 0.0, "knn_tau": 0.05}


def _top_mean(sim: np.ndarray, k: int) -> np.ndarray:
    """Row-wise mean of the k largest values."""
    k = min(k, sim.shape[1])
    return np.sort(sim, axis=1)[:, -k:].mean(axis=1)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _dense(m):
    return m.toarray() if sp.issparse(m) else np.asarray(m)


def _confirmed_labels(texts: list[str], y) -> tuple[list, list[str], list]:
    """Staff decisions as (label per text, earlier texts not in the batch, their labels)."""
    if y is None:
        return [None] * len(texts), [], []
    if isinstance(y, Mapping):
        wanted = {normalize(str(k)): v for k, v in y.items() if k}
        present = set(texts)
        labels = [wanted.get(t) for t in texts]
        extra = [t for t in wanted if t not in present and wanted[t] not in (None, "")]
        return labels, extra, [wanted[t] for t in extra]
    labels = list(y)
    if len(labels) != len(texts):
        raise ValueError(f"确认的类别有 {len(labels)} 个，意见有 {len(texts)} 条，应一一对应")
    return labels, [], []


def _fit_offsets(Z: np.ndarray, y: np.ndarray, reg: float, steps: int = 300) -> np.ndarray:
    """Per-column offsets b maximising the likelihood of confirmed labels y under
    softmax(Z + b), with an L2 penalty `reg`: where the zero-shot scores favour a category
    across the board, staff labels pull it back."""
    b = np.zeros(Z.shape[1])
    Y = np.zeros_like(Z)
    Y[np.arange(len(y)), y] = 1.0
    for _ in range(steps):
        grad = (_softmax(Z + b) - Y).mean(axis=0) + reg * b
        b -= 1.0 * grad
    return b


def _label_index(label, index: Mapping[str, int]) -> int:
    """Column of a confirmed label (the "other" column last); -1 for no decision."""
    if label is None:
        return -1
    label = str(label).strip()
    if not label:
        return -1
    if label not in index:
        raise ValueError(f"确认的类别“{label}”不在计划的类别中")
    return index[label]


def _categories(plan_or_categories):
    cats = getattr(plan_or_categories, "categories", plan_or_categories)
    return tuple(cats or ())


class CategoryMapper(ClassifierMixin, BaseEstimator):
    """Map statements to the categories of a plan (or a sequence of `Category`).

    Parameters
    ----------
    categories : Plan or sequence of Category (id, name, description, keywords, examples).
    embedder : an embedder from `analysis.embed` (or its name); None → ``"use"``.
    n_neighbors : neighbours for score smoothing (dense representations only); 0 turns it off.
    seed_fractions : share of each category's statements (most confident first) used as
        pseudo-labels in each self-training round; () gives pure zero-shot.
    min_relevance : below this standardised zero-shot score a statement is "other".
    prior_weight : weight of the zero-shot probabilities pooled with the classifier's
        (0: the classifier alone decides after the first round); None → 0.5 with sentence
        vectors (geometric pooling), 1.0 on the TF-IDF fast path (plain product).
    threshold : below this final probability a statement is "other"; 0 forces a category.
    open_set : score of the "other" competitor, in spreads of the run's own scores above
        the typical non-member (sentence vectors only); None turns the competitor off.
    keyword_weight : the plan's own words as evidence (sentence vectors only): each category's
        score gains `keyword_weight` × log(1 + how many of its name and keywords the
        statement contains). It tells categories apart; it does not count against "other".
    """

    def __init__(self, categories=(), embedder=None, n_neighbors=10,
                 seed_fractions=(0.3, 0.6, 1.0), C=10.0, prior_weight=None, min_relevance=1.5,
                 threshold=0.4, example_weight=2.0, confirmed_weight=5.0, open_set=1.0,
                 keyword_weight=4.0, random_state=0):
        self.categories = categories
        self.embedder = embedder
        self.n_neighbors = n_neighbors
        self.seed_fractions = seed_fractions
        self.C = C
        self.prior_weight = prior_weight
        self.min_relevance = min_relevance
        self.threshold = threshold
        self.example_weight = example_weight
        self.confirmed_weight = confirmed_weight
        self.open_set = open_set
        self.keyword_weight = keyword_weight
        self.random_state = random_state

    # --- representation ----------------------------------------------------------------

    def _resolve_embedder(self):
        emb = self.embedder if self.embedder is not None else "use"
        return make_embedder(emb) if isinstance(emb, str) else emb

    def _zero_shot(self, E) -> np.ndarray:
        """Standardised similarity of each row of E to each category (n × C)."""
        sims = _dense(E @ self.prototypes_.T)
        keywords = np.column_stack([_top_mean(sims[:, idx], 3) for idx in self.proto_keywords_])
        raw = sims[:, self.proto_desc_] + keywords
        return (raw - self.background_mean_) / self.background_std_

    # --- fitting -----------------------------------------------------------------------

    def fit(self, texts: Sequence[str], y=None, embeddings=None):
        """Fit on the statements `texts`; `y`: staff decisions (see the module docstring),
        a sequence aligned with `texts` or a mapping text → category id.

        `embeddings` optionally passes ``embedder.transform(texts)`` already computed with
        a fitted `embedder` (the pipeline shares it with the theme clustering). Fitted
        attributes describe the statements of `texts` only, in order.
        """
        texts = [t or "" for t in texts]
        cats = _categories(self.categories)
        if not cats:
            raise ValueError("CategoryMapper 需要至少一个问题类别")
        self.classes_ = np.array([c.id for c in cats])
        index = {c.id: i for i, c in enumerate(cats)} | {OTHER: len(cats)}
        labels, extra, extra_labels = _confirmed_labels(texts, y)
        confirmed = np.array([_label_index(lab, index) for lab in labels + extra_labels], dtype=int)
        n = len(texts)

        emb = self._resolve_embedder()
        self.dense_ = bool(emb.dense)
        self.open_ = self.open_set is not None and self.dense_
        self.prior_weight_ = self.prior_weight if self.prior_weight is not None else (
            0.5 if self.dense_ else 1.0)
        if embeddings is not None:
            self.embedder_ = emb
            E = embeddings
            if extra:
                more = emb.transform(extra)
                E = sp.vstack([E, more], format="csr") if sp.issparse(E) else np.vstack([E, more])
        else:
            self.embedder_ = clone(emb).fit(texts + extra)
            E = self.embedder_.transform(texts + extra)
        every = texts + extra

        # category prototypes: one description text, then the keywords, name and examples
        # of each (the background standardisation evens out categories with more of them)
        queries, desc, kws = [], [], []
        for c in cats:
            desc.append(len(queries))
            queries.append(f"{c.name}：{c.description}")
            start = len(queries)
            queries.extend(dict.fromkeys([*c.keywords, c.name, *c.examples]))
            kws.append(np.arange(start, len(queries)))
        self.proto_desc_ = np.array(desc)
        self.proto_keywords_ = kws
        self.prototypes_ = self.embedder_.transform_queries(queries)
        self.background_mean_ = 0.0
        self.background_std_ = 1.0
        if self.dense_:
            bg = self._zero_shot(self.embedder_.transform(list(BACKGROUND)))
            self.background_mean_ = bg.mean(axis=0)
            self.background_std_ = bg.std(axis=0) + 1e-6
        else:
            # TF-IDF cosines with small talk are nearly all zero: nothing to standardise
            # against. A fixed scale lets a clear word overlap outweigh the classifier.
            self.background_std_ = 0.1

        self.keywords_ = [tuple(dict.fromkeys(k.lower() for k in (c.name, *c.keywords) if k))
                          for c in cats]
        Zs = self._scores(every, E)
        examples = [(e, index[c.id]) for c in cats for e in c.examples]
        if examples:
            Ex = self.embedder_.transform([e for e, _ in examples])
            yx = np.array([c for _, c in examples])
        else:
            Ex, yx = None, np.zeros(0, dtype=int)
        # "other" confirmations teach only where "other" is a class of its own (open set)
        teach = confirmed if self.open_ else np.where(confirmed == len(cats), -1, confirmed)
        has = teach >= 0
        self.offsets_ = np.zeros(Zs.shape[1])
        if has.any() and EXPERIMENT["offset_reg"] is not None:
            self.offsets_ = _fit_offsets(Zs[has], teach[has], EXPERIMENT["offset_reg"])
            Zs = Zs + self.offsets_
        self.taught_ = (E[has], teach[has], Zs.shape[1])
        P = self._self_train(E, Zs, teach, Ex, yx)
        self._finish(P, confirmed, n)
        return self

    def _scores(self, texts, E):
        """Zero-shot scores (plus keyword hits), smoothed; with "other" when open set."""
        Zv = self._zero_shot(E)
        Z = Zv + self._keyword_hits(texts)
        self.scores_ = Z
        self.relevance_ = Z.max(axis=1)
        n_cat = Z.shape[1]
        Zs = self._smooth(E, np.hstack([Z, Zv]))
        Zs, Zv = Zs[:, :n_cat], Zs[:, n_cat:]
        if self.open_:
            Zs = self._relative(Zs, Zv, fit=self.relevance_ >= self.min_relevance)
        return Zs

    def _keyword_hits(self, texts):
        """`keyword_weight` × log(1 + number of the category's name and keywords in the text)."""
        if not self.keyword_weight or not self.dense_:
            return 0.0
        low = [t.lower() for t in texts]
        H = np.array([[sum(k in t for k in kws) for kws in self.keywords_] for t in low], dtype=float)
        return self.keyword_weight * np.log1p(H.reshape(len(low), len(self.keywords_)))

    def _relative(self, Z, Zv, fit=None):
        """Scores relative to this run, plus an "other" column (n × (C + 1)).

        Inside one domain every statement is somewhat close to every category, so the
        background test cannot tell a new issue from a category member. Against the
        statements of this run that lean to *another* category, though, a member of c
        stands out on c and a new issue does not: each column is standardised by the
        median and spread of those statements, and "other" competes as a constant column
        at `open_set` spreads above them. `fit`: mask of the statements to measure (the
        on-topic ones: small talk would make every in-domain statement look close).
        `Zv`: the sentence-vector scores alone, which decide "other"; plan keywords a text
        contains (`Z`) only tell categories apart: a domain's common words ("企业",
        "专利") turn up in its new issues as much as in its categories.
        """
        if fit is not None:
            best = Zv.argmax(axis=1)
            mean, std = [], []
            for c in range(Zv.shape[1]):
                neg = Zv[(best != c) & fit, c]
                if neg.size < 5:
                    neg = Zv[:, c]
                med = np.median(neg)
                mean.append(med)
                std.append(1.4826 * np.median(np.abs(neg - med)) + 1e-6)
            self.relative_mean_ = np.array(mean)
            self.relative_std_ = np.array(std)
        R = (Zv - self.relative_mean_) / self.relative_std_
        other = _softmax(np.column_stack([R, np.full(len(R), float(self.open_set))]))[:, -1:]
        # categories keep their zero-shot odds among themselves; "other" takes its share
        return np.log(np.maximum(np.hstack([(1.0 - other) * _softmax(Z), other]), 1e-12))

    def _smooth(self, E, Z):
        n, n_cat = Z.shape
        # a few dozen statements per category are needed before neighbours share a topic
        k = min(self.n_neighbors, n // (20 * n_cat))
        if k < 1 or not self.dense_:
            return Z
        nn = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute").fit(E)
        idx = nn.kneighbors(E, return_distance=False)
        once = Z[idx].mean(axis=1)
        return Z + once + once[idx].mean(axis=1)

    def _classifier(self):
        if self.dense_:
            return LogisticRegression(C=self.C, max_iter=1000, random_state=self.random_state)
        # sparse TF-IDF is the fast path for large inputs: naive Bayes fits in one pass
        return ComplementNB()

    def _self_train(self, E, Z, confirmed, Ex, yx):
        """Grow pseudo-labels from confident zero-shot scores; returns n × C probabilities."""
        n, n_cat = Z.shape
        current = Z.argmax(axis=1)
        top2 = np.sort(_softmax(Z), axis=1)
        margin = top2[:, -1] - top2[:, -2] if n_cat > 1 else top2[:, -1]
        current[confirmed >= 0] = confirmed[confirmed >= 0]
        margin[confirmed >= 0] = np.inf
        P = _softmax(Z)
        self.n_iter_ = 0
        for frac in self.seed_fractions:
            seeds = []
            for c in range(n_cat):
                members = np.flatnonzero(current == c)
                if members.size:
                    keep = max(1, int(np.ceil(members.size * frac)))
                    seeds.extend(members[np.argsort(-margin[members], kind="stable")[:keep]])
            seeds = np.array(sorted(set(seeds) | set(np.flatnonzero(confirmed >= 0))), dtype=int)
            labels = [current[seeds]]
            n_conf = int(np.sum(confirmed >= 0))
            w_conf = max(self.confirmed_weight, EXPERIMENT["share"] * (len(seeds) - n_conf) / max(n_conf, 1))
            weights = [np.where(confirmed[seeds] >= 0, w_conf, 1.0)]
            if Ex is not None:
                labels.append(yx)
                weights.append(np.full(len(yx), self.example_weight))
            labels = np.concatenate(labels)
            weights = np.concatenate(weights)
            if np.unique(labels).size < 2:
                break
            rows = [E[seeds]] + ([Ex] if Ex is not None else [])
            Xs = sp.vstack(rows, format="csr") if sp.issparse(E) else np.vstack(rows)
            clf = self._classifier().fit(Xs, labels, sample_weight=weights)
            P = self._combine(clf, E, Z)
            current = P.argmax(axis=1)
            top2 = np.sort(P, axis=1)
            margin = top2[:, -1] - top2[:, -2] if n_cat > 1 else top2[:, -1]
            current[confirmed >= 0] = confirmed[confirmed >= 0]
            margin[confirmed >= 0] = np.inf
            self.classifier_ = clf
            self.n_iter_ += 1
        return P

    def _combine(self, clf, E, Z):
        """Pooled experts: the classifier and the zero-shot scores must agree.

        Where the classifier is unsure (few seeds, a statement unlike any seed) the plan's
        own wording decides; where the zero-shot scores are flat, the classifier does.
        """
        logp = self.prior_weight_ * np.log(np.maximum(_softmax(Z), 1e-9))
        experts = 1.0
        Et, yt, cols = getattr(self, "taught_", (None, None, 0))
        if EXPERIMENT["knn_weight"] and yt is not None and len(yt):
            sims = _dense(E @ Et.T)
            W = np.exp((sims - sims.max(axis=1, keepdims=True)) / EXPERIMENT["knn_tau"])
            K = np.full((E.shape[0], cols), 1e-3)
            for c in np.unique(yt):
                K[:, c] += W[:, yt == c].sum(axis=1)
            K /= K.sum(axis=1, keepdims=True)
            logp = logp + EXPERIMENT["knn_weight"] * np.log(K)
            experts += EXPERIMENT["knn_weight"]
        P = np.full((E.shape[0], Z.shape[1]), 1e-9)
        P[:, clf.classes_] = np.maximum(clf.predict_proba(E), 1e-9)
        logp = logp + np.log(P)
        # a weighted geometric mean, not a plain product: the experts saw the same words,
        # and multiplying their probabilities counts that evidence twice (confidence 0.99
        # for statements near a boundary). The TF-IDF fast path keeps the product: with no
        # "other" competitor, its `threshold` is what sends weak statements to "other".
        pool = experts + self.prior_weight_ if self.open_ else 1.0
        P = np.exp((logp - logp.max(axis=1, keepdims=True)) / pool)
        return P / P.sum(axis=1, keepdims=True)

    def _decide(self, P, relevance):
        """Labels and confidences from n × C (or C + 1 with "other" last) probabilities."""
        n_cat = len(self.classes_)
        best = P.argmax(axis=1)
        conf = P[np.arange(len(best)), best]
        labels = np.empty(len(best), dtype=object)
        is_cat = best < n_cat
        labels[is_cat] = self.classes_[best[is_cat]]
        labels[~is_cat] = OTHER
        low = is_cat & (conf < self.threshold)
        if self.dense_:
            low |= is_cat & (relevance < self.min_relevance)
        labels[low] = OTHER
        conf = np.where(low, 1.0 - conf, conf)
        return labels, conf

    @staticmethod
    def _categories_only(P, n_cat):
        Q = P[:, :n_cat]
        return Q / np.maximum(Q.sum(axis=1, keepdims=True), 1e-12)

    def _finish(self, P, confirmed, n):
        """Fitted attributes for the batch's n statements (rows beyond are earlier texts)."""
        n_cat = len(self.classes_)
        P, confirmed = P[:n], confirmed[:n]
        self.scores_, self.relevance_ = self.scores_[:n], self.relevance_[:n]
        self.proba_ = self._categories_only(P, n_cat)
        self.other_proba_ = P[:, n_cat] if P.shape[1] > n_cat else np.zeros(len(P))
        labels, conf = self._decide(P, self.relevance_)
        has = confirmed >= 0
        labels[has] = np.append(self.classes_, OTHER).astype(object)[confirmed[has]]
        conf[has] = 1.0
        self.labels_ = labels
        self.confidence_ = conf
        top2 = np.sort(P, axis=1)
        margin = top2[:, -1] - top2[:, -2]
        margin[has] = np.inf
        order = np.argsort(margin, kind="stable")
        self.review_rank_ = np.empty(n, dtype=int)
        self.review_rank_[order] = np.arange(1, n + 1)

    # --- prediction --------------------------------------------------------------------

    def _proba(self, texts):
        E = self.embedder_.transform(texts)
        Zv = self._zero_shot(E)
        Z = Zv + self._keyword_hits(texts)
        if self.open_:
            Z = self._relative(Z, Zv)
        if hasattr(self, "classifier_"):
            return self._combine(self.classifier_, E, Z), E
        return _softmax(Z), E

    def predict_proba(self, X):
        """Probability of each category (columns in `classes_` order), without "other"."""
        P, _ = self._proba([t or "" for t in X])
        return self._categories_only(P, len(self.classes_))

    def predict_with_confidence(self, X):
        P, E = self._proba([t or "" for t in X])
        texts = [t or "" for t in X]
        return self._decide(P, (self._zero_shot(E) + self._keyword_hits(texts)).max(axis=1))

    def predict(self, X):
        """Category id (or "other") for each statement."""
        return self.predict_with_confidence(X)[0]
