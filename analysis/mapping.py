"""Statements → plan problem categories, zero-shot from the plan, improved by self-training.

`CategoryMapper` follows BERTopic's zero-shot idea (statements close to a predefined topic
go to it, the rest stay unassigned) and makes it learn from the batch itself. Its parts
live in private modules, as BERTopic keeps its `_module.py` files:

1. Zero-shot scores (`_zero_shot`): similarity to each category's description, keywords
   and examples, standardised against background sentences about nothing in particular
   (`corpus/background.txt`), plus (sentence vectors) a bonus for each of the category's
   name and keywords the statement contains literally.
2. Neighbourhood smoothing (`_zero_shot.smooth`): averaging the scores over each
   statement's nearest neighbours lets the clear statements speak for the vague.
3. Self-training (`_self_train`): the most confident statements of each category become
   pseudo-labels, with the plan's examples and staff-confirmed labels (weighted higher);
   a classifier on the representation (logistic regression on sentence vectors; naive
   Bayes on the TF-IDF fast path) is pooled with the zero-shot probabilities (weighted
   geometric mean; the TF-IDF fast path multiplies them) and relabels every statement.
   With sentence vectors and enough statements, naive Bayes on the batch's own words, each
   statement judged by one fitted on the others, is pooled with the result (`_lexical`);
   then the classifier, taught by the most certain 70% of each label, re-scores the
   uncertain rest (`_self_train.rescore_uncertain`).
4. "other" (未归类/新问题), open set (`_open_set`): with sentence vectors each category's
   scores are also standardised against this run's statements that lean to another
   category, and "other" competes as a constant score of `open_set` spreads; statements
   for which it wins become "other" seeds, so the classifier learns "other" like any
   category. A statement whose best background-standardised score (half its own, half its
   nearest neighbours' mean: `_zero_shot.neighbourhood_relevance`) stays below
   `min_relevance` (small talk), or whose final probability is below `threshold`, is
   "other" too, unless most of its nearest neighbours were placed in the category it leans
   to (`_open_set.neighbour_vote`). Other statements are clustered into new themes.
5. Staff confirmations keep their label and are seeds of every self-training round,
   weighted `confirmed_weight`; their zero-shot score for their category is raised before
   the smoothing (`confirmed_boost`), so they pull their neighbours, and the zero-shot
   prior weighs less as they accumulate (`prior_halving`). They also calibrate the "other" call (`_calibrate`,
   `_open_set.calibrate_shift`): when staff keep placing "other" calls into categories the
   relevance floor and the odds of "other" move down (`open_shift_` < 0), when they confirm
   new issues the call stays or moves up.

`review_rank_` orders statements by what confirming them would teach (see `review_order`):
the least certain first.

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

from . import _lexical, _open_set, _self_train, _zero_shot
from ._zero_shot import softmax
from .embed import make_embedder
from .plan import OTHER
from .text import normalize
from .tokenize import ChineseTokenizer


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


def review_order(P: np.ndarray, done: np.ndarray) -> np.ndarray:
    """Statement indices, the one whose confirmation teaches most first: smallest margin
    between the two likeliest labels (categories and "other") first, statements already
    confirmed (`done`) last.

    Measured against a greedy order that also weighs density, diversity and category
    coverage (benchmarks/RESULTS.md, learning curve): the plain margin taught more.
    """
    if len(P) == 0:
        return np.zeros(0, dtype=int)
    top2 = np.sort(P, axis=1)
    margin = top2[:, -1] - (top2[:, -2] if P.shape[1] > 1 else 0.0)
    margin = np.where(done, np.inf, margin)
    return np.argsort(margin, kind="stable")


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


# Confirmed statements are split in this many folds to calibrate the "other" call: each
# fold is judged by a mapper taught by the others (more folds: closer to the final mapper,
# one more fit each).
CALIBRATION_FOLDS = 2


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
    confirmed_weight : a staff-confirmed statement weighs this many pseudo-labels in the
        classifier (offsets and a neighbour vote measured no better, see benchmarks/RESULTS.md).
    confirmed_boost : before the neighbourhood smoothing, a statement staff placed in a category
        scores `confirmed_boost` above its best zero-shot score there, so its label speaks for
        its nearest neighbours too (sentence vectors only; 0 turns it off).
    prior_halving : with confirmations the zero-shot prior's weight becomes
        `prior_weight` × h / (h + number confirmed), h = `prior_halving`: the plan's words are
        a prior that staff labels gradually replace (sentence vectors only; None keeps it fixed).
    keyword_weight : the plan's own words as evidence (sentence vectors only): each category's
        score gains `keyword_weight` × log(1 + how many of its name and keywords the
        statement contains). It tells categories apart; it does not count against "other".
    background : path of the background sentences; None → the bundled corpus/background.txt.
    calibrate_other : let staff decisions move the "other" call (see `_open_set.calibrate_shift`):
        the relevance floor and the competitor shift together by `open_shift_`, fitted to
        which of the confirmed statements staff placed in "other" and which in a category.
    lexical : pool the self-trained labels with cross-fitted naive Bayes on the statements'
        words (`_lexical`; sentence vectors with enough statements for the smoothing only).
    neighbour_share : a statement the floor or the threshold calls "other" joins the category it
        leans to when at least this share of its nearest neighbours sit there (same condition as
        `lexical`; None turns it off).
    tokenizer : segmenter of the lexical view's words; None → `ChineseTokenizer()`.
    rescore_share : last, the classifier learns from this share of each label's most certain
        statements (and staff's) and re-scores the rest (`_self_train.rescore_uncertain`; with
        enough statements for the smoothing only; None turns it off).
    """

    def __init__(self, categories=(), embedder=None, n_neighbors=10,
                 seed_fractions=(0.3, 0.6, 1.0), C=10.0, prior_weight=None, min_relevance=1.5,
                 threshold=0.4, example_weight=2.0, confirmed_weight=10.0, open_set=1.0,
                 keyword_weight=4.0, background=None, calibrate_other=True, confirmed_boost=20.0,
                 prior_halving=20.0, lexical=True, neighbour_share=0.6, tokenizer=None,
                 rescore_share=_self_train.RESCORE_SHARE, random_state=0):
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
        self.background = background
        self.calibrate_other = calibrate_other
        self.confirmed_boost = confirmed_boost
        self.prior_halving = prior_halving
        self.lexical = lexical
        self.neighbour_share = neighbour_share
        self.tokenizer = tokenizer
        self.rescore_share = rescore_share
        self.random_state = random_state

    # --- representation ----------------------------------------------------------------

    def _resolve_embedder(self):
        emb = self.embedder if self.embedder is not None else "use"
        return make_embedder(emb) if isinstance(emb, str) else emb

    def _zero_shot(self, E) -> np.ndarray:
        """Standardised similarity of each row of E to each category (n × C)."""
        raw = _zero_shot.raw_scores(E, self.prototypes_, self.proto_desc_, self.proto_keywords_)
        return (raw - self.background_mean_) / self.background_std_

    def _keyword_hits(self, texts):
        if not self.keyword_weight or not self.dense_:
            return 0.0
        return _zero_shot.keyword_hits(texts, self.keywords_, self.keyword_weight)

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
        n_confirmed = int((confirmed >= 0).sum())
        if self.prior_halving and self.dense_ and n_confirmed:  # staff labels replace the prior
            self.prior_weight_ *= self.prior_halving / (self.prior_halving + n_confirmed)
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

        queries, self.proto_desc_, self.proto_keywords_ = _zero_shot.prototype_texts(cats)
        self.prototypes_ = self.embedder_.transform_queries(queries)
        self.background_mean_ = 0.0
        self.background_std_ = 1.0
        if self.dense_:
            bg = self._zero_shot(self.embedder_.transform(list(_zero_shot.load_background(self.background))))
            self.background_mean_ = bg.mean(axis=0)
            self.background_std_ = bg.std(axis=0) + 1e-6
        else:
            # TF-IDF cosines with small talk are nearly all zero: nothing to standardise
            # against. A fixed scale lets a clear word overlap outweigh the classifier.
            self.background_std_ = 0.1

        self.keywords_ = _zero_shot.keyword_sets(cats)
        Z, Zv = self._raw_scores(every, E)
        # found once: the smoothing and the relevance floor share them
        self.neighbours_ = _zero_shot.neighbours(E, 2 * len(cats), self.n_neighbors) if self.dense_ else None
        Zs = self._scores(E, Z, Zv)
        # what the final self-training starts from: staff labels also speak for their neighbours;
        # the "other" calibration keeps the plain scores (a label never shapes its own call)
        boost = self.confirmed_boost and self.dense_ and (confirmed >= 0).any()
        Zb = self._scores(E, Z, Zv, confirmed) if boost else Zs
        # the floor reads the neighbourhood too (the competitor's yardstick above kept each
        # statement's own best score): a vague title among clear ones is not small talk
        self.relevance_ = _zero_shot.neighbourhood_relevance(Z, self.neighbours_)
        examples = [(e, index[c.id]) for c in cats for e in c.examples]
        if examples:
            Ex = self.embedder_.transform([e for e, _ in examples])
            yx = np.array([c for _, c in examples])
        else:
            Ex, yx = None, np.zeros(0, dtype=int)
        # "other" confirmations teach only where "other" is a class of its own (open set)
        teach = confirmed if self.open_ else np.where(confirmed == len(cats), -1, confirmed)
        P, clf, self.n_iter_ = self._self_train(E, Zb, teach, Ex, yx)
        if clf is not None:
            self.classifier_ = clf
        if self.lexical and self.neighbours_ is not None:  # enough statements to share words
            tokenizer = self.tokenizer if self.tokenizer is not None else ChineseTokenizer()
            P = _lexical.refine(_lexical.features(every, tokenizer), P, teach, self.confirmed_weight,
                                self.random_state)
        if self.rescore_share and self.neighbours_ is not None:
            P = _self_train.rescore_uncertain(E, P, teach, self._classifier, self.confirmed_weight,
                                              self.rescore_share)
        self._calibrate(E, Zs, teach, Ex, yx, confirmed)
        self._finish(P, confirmed, n)
        return self

    def _self_train(self, E, Zs, teach, Ex, yx):
        return _self_train.self_train(
            E, Zs, teach, Ex, yx, classifier=self._classifier, seed_fractions=self.seed_fractions,
            confirmed_weight=self.confirmed_weight, example_weight=self.example_weight,
            pool=self._combine)

    def _raw_scores(self, texts, E):
        """(zero-shot scores plus keyword hits, zero-shot scores alone), before any smoothing."""
        Zv = self._zero_shot(E)
        Z = Zv + self._keyword_hits(texts)
        self.scores_ = Z
        self.relevance_ = Z.max(axis=1)
        return Z, Zv

    def _scores(self, E, Z, Zv, confirmed=None):
        """The raw scores smoothed; with "other" when open set. `confirmed` (label columns, -1
        none): those statements' scores for their category are raised `confirmed_boost` above
        their best before the smoothing."""
        n_cat = Z.shape[1]
        if confirmed is not None:
            Z = Z.copy()
            rows = np.flatnonzero((confirmed >= 0) & (confirmed < n_cat))
            Z[rows, confirmed[rows]] = Z[rows].max(axis=1) + self.confirmed_boost
        Zs = np.hstack([Z, Zv])
        if self.dense_:
            Zs = _zero_shot.smooth(E, Zs, self.n_neighbors, self.neighbours_)
        Zs, Zv = Zs[:, :n_cat], Zs[:, n_cat:]
        if self.open_:
            on_topic = self.relevance_ >= self.min_relevance
            self.relative_mean_, self.relative_std_ = _open_set.relative_stats(Zv, on_topic)
            Zs = self._relative(Zs, Zv)
        return Zs

    def _relative(self, Z, Zv):
        return _open_set.with_other(Z, Zv, self.relative_mean_, self.relative_std_, self.open_set)

    def _calibrate(self, E, Zs, teach, Ex, yx, confirmed):
        """`open_shift_`: how far staff decisions move the "other" call, the relevance floor
        (`min_relevance_`) and the odds of "other" against the best category together.

        Cross-fitted: the confirmed statements are split in `CALIBRATION_FOLDS` folds, and
        each fold's "other" calls are those of the self-training taught by the other folds
        only, so a statement's own label never shapes the call it is compared with. The
        shift is a Bayesian compromise with the defaults (`_open_set.calibrate_shift`).
        0 without confirmations or on the TF-IDF path.
        """
        shift = 0.0
        has = np.flatnonzero(confirmed >= 0)
        n_cat = len(self.classes_)
        if self.dense_ and self.calibrate_other and has.size:
            onset = np.empty(has.size)
            folds = np.arange(has.size) % CALIBRATION_FOLDS
            for k in range(CALIBRATION_FOLDS):
                held = has[folds == k]
                if not held.size:
                    continue
                blind = teach.copy()
                blind[held] = -1
                P = self._self_train(E, Zs, blind, Ex, yx)[0][held]
                other = P[:, n_cat] if P.shape[1] > n_cat else np.zeros(len(P))
                onset[folds == k] = _open_set.other_onset(
                    self.relevance_[held], self._categories_only(P, n_cat), other,
                    self.min_relevance, open_set=self.open_)
            shift = _open_set.calibrate_shift(onset, confirmed[has] == n_cat)
        self.open_shift_ = shift
        self.min_relevance_ = self.min_relevance + shift

    def _classifier(self):
        return _self_train.make_classifier(self.dense_, self.C, self.random_state)

    def _combine(self, clf, E, Z):
        return _self_train.combine(clf, E, Z, self.prior_weight_, geometric=self.open_)

    def _decide(self, P, relevance):
        """Labels and confidences from n × C (or C + 1 with "other" last) probabilities."""
        return _open_set.decide(P, relevance, self.classes_, self.threshold,
                                self.min_relevance_ if self.dense_ else None)

    @staticmethod
    def _categories_only(P, n_cat):
        Q = P[:, :n_cat]
        return Q / np.maximum(Q.sum(axis=1, keepdims=True), 1e-12)

    def _finish(self, P, confirmed, n):
        """Fitted attributes for the batch's n statements (rows beyond are earlier texts)."""
        n_cat = len(self.classes_)
        P = _open_set.shift_other(P, self.open_shift_, n_cat)
        labels, conf = self._decide(P, self.relevance_)
        has = confirmed >= 0
        labels[has] = np.append(self.classes_, OTHER).astype(object)[confirmed[has]]
        conf[has] = 1.0
        # neighbours are found among every row (earlier confirmed texts too): vote before trimming
        joined = _open_set.neighbour_vote(labels, P, self.classes_, self.neighbours_, self.neighbour_share)
        joined = joined[~has[joined]]
        lean = P[joined, :n_cat].argmax(axis=1)
        labels[joined], conf[joined] = self.classes_[lean], P[joined, lean]
        P, confirmed, labels, conf = P[:n], confirmed[:n], labels[:n], conf[:n]
        self.scores_, self.relevance_ = self.scores_[:n], self.relevance_[:n]
        self.proba_ = self._categories_only(P, n_cat)
        self.other_proba_ = P[:, n_cat] if P.shape[1] > n_cat else np.zeros(len(P))
        has = confirmed >= 0
        self.labels_ = labels
        self.confidence_ = conf
        order = review_order(P, has)
        self.review_rank_ = np.empty(n, dtype=int)
        self.review_rank_[order] = np.arange(1, n + 1)

    # --- prediction --------------------------------------------------------------------

    def _proba(self, texts):
        E = self.embedder_.transform(texts)
        Zv = self._zero_shot(E)
        Z = Zv + self._keyword_hits(texts)
        if self.open_:
            Z = self._relative(Z, Zv)
        P = self._combine(self.classifier_, E, Z) if hasattr(self, "classifier_") else softmax(Z)
        return _open_set.shift_other(P, self.open_shift_, len(self.classes_)), E

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
