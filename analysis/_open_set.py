"""The "other" (未归类/新问题) decision (private part of `CategoryMapper`).

In a real session every statement is about the plan's domain, so "close to the domain"
says nothing about "close to a category". With sentence vectors each category's scores
are therefore also standardised against this run's statements that lean to another
category (median and spread), and "other" is a competitor of its own: a constant score
of `open_set` spreads. Besides, a statement whose best background-standardised score
stays below `min_relevance` (small talk), or whose final probability is below
`threshold`, is "other".

Staff decisions calibrate the call: `other_onset` says, per confirmed statement, how far
the floor and the odds of "other" must move for it to be called "other", and
`calibrate_shift` picks the move their decisions support.
"""
from __future__ import annotations

import numpy as np

from ._zero_shot import softmax
from .plan import OTHER


def relative_stats(Zv: np.ndarray, fit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per category, the median and spread (scaled MAD) of the statements in `fit` that
    lean to another category: the yardstick a member of the category stands out against.
    `fit` masks the on-topic statements (small talk would make every in-domain statement
    look close)."""
    best = Zv.argmax(axis=1)
    mean, std = [], []
    for c in range(Zv.shape[1]):
        neg = Zv[(best != c) & fit, c]
        if neg.size < 5:
            neg = Zv[:, c]
        med = np.median(neg)
        mean.append(med)
        std.append(1.4826 * np.median(np.abs(neg - med)) + 1e-6)
    return np.array(mean), np.array(std)


def with_other(Z: np.ndarray, Zv: np.ndarray, mean, std, open_set: float) -> np.ndarray:
    """Log-probabilities over the categories plus an "other" column (n × (C + 1)).

    `Zv`: the sentence-vector scores alone, which decide "other"; plan keywords a text
    contains (in `Z`) only tell categories apart: a domain's common words ("企业", "专利")
    turn up in its new issues as much as in its categories.
    """
    R = (Zv - mean) / std
    other = softmax(np.column_stack([R, np.full(len(R), float(open_set))]))[:, -1:]
    # categories keep their zero-shot odds among themselves; "other" takes its share
    return np.log(np.maximum(np.hstack([(1.0 - other) * softmax(Z), other]), 1e-12))


def decide(P: np.ndarray, relevance: np.ndarray, classes: np.ndarray, threshold: float,
           min_relevance: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Labels and confidences from n × C (or C + 1 with "other" last) probabilities.

    A category below `threshold` or (when `min_relevance` is not None) with a relevance
    below it goes to "other", with confidence 1 − its probability.
    """
    n_cat = len(classes)
    best = P.argmax(axis=1)
    conf = P[np.arange(len(best)), best]
    labels = np.empty(len(best), dtype=object)
    is_cat = best < n_cat
    labels[is_cat] = classes[best[is_cat]]
    labels[~is_cat] = OTHER
    low = is_cat & (conf < threshold)
    if min_relevance is not None:
        low |= is_cat & (relevance < min_relevance)
    labels[low] = OTHER
    conf = np.where(low, 1.0 - conf, conf)
    return labels, conf


def neighbour_vote(labels: np.ndarray, P: np.ndarray, classes: np.ndarray, idx: np.ndarray | None,
                   share: float | None) -> np.ndarray:
    """Indices of the statements called "other" though a category is their likeliest label (the
    relevance floor or the threshold sent them, not the competitor) and at least `share` of whose
    nearest neighbours (`idx`, itself first) are placed in that category: they join it.

    A short title says too little to clear the floor alone; when most of the statements around it
    were placed in the category it leans to, it is not small talk. A new issue among new issues
    has neighbours in "other" and stays.
    """
    n_cat = len(classes)
    if idx is None or share is None or idx.shape[1] < 2:
        return np.zeros(0, dtype=int)
    lean = P[:, :n_cat].argmax(axis=1)
    called = np.flatnonzero((labels == OTHER) & (P.argmax(axis=1) < n_cat))
    near = labels[idx[called, 1:]]
    agree = (near == classes[lean[called]][:, None]).mean(axis=1)
    return called[agree >= share]


def other_onset(relevance: np.ndarray, proba: np.ndarray, other_proba: np.ndarray,
                min_relevance: float, open_set: bool) -> np.ndarray:
    """For each statement, the shift δ beyond which it is called "other" when the
    relevance floor becomes `min_relevance + δ` and the odds of "other" against the best
    category are multiplied by exp(δ) (`shift_other`): the floor takes it once
    δ > relevance − floor, the competitor once log P(other) + δ ≥ log max P(category).
    `proba`: category probabilities among themselves; `other_proba`: P(other).
    """
    onset = np.asarray(relevance, dtype=float) - min_relevance
    if open_set:
        o = np.clip(other_proba, 1e-12, 1 - 1e-12)
        comp = np.log(np.maximum(proba.max(axis=1), 1e-12) * (1 - o)) - np.log(o)
        onset = np.minimum(onset, comp)
    return onset


def shift_other(P: np.ndarray, shift: float, n_cat: int) -> np.ndarray:
    """P (n × C + 1, "other" last) with the odds of "other" multiplied by exp(shift)."""
    if not shift or P.shape[1] <= n_cat:
        return P
    P = P.copy()
    P[:, n_cat] *= np.exp(shift)
    return P / P.sum(axis=1, keepdims=True)


# The prior and the likelihood's slope of the shift, in spreads of the zero-shot scores:
# chosen on THUCNews/Toutiao/shopping learning curves (benchmarks/RESULTS.md), never on
# the demo statements.
SHIFT_PRIOR_SD = 1.0
SHIFT_SLOPE = 2.0
SHIFT_RANGE = (-6.0, 3.0)


def calibrate_shift(onset: np.ndarray, staff_other: np.ndarray, prior_sd: float = SHIFT_PRIOR_SD,
                    slope: float = SHIFT_SLOPE) -> float:
    """The shift δ of the open-set decision that staff decisions support.

    A statement is called "other" when δ > its onset; staff said "other" or a category.
    δ maximises the logistic likelihood of their calls, log σ(±slope·(δ − onset)), plus a
    Gaussian prior at 0 (the defaults) with sd `prior_sd`: a few confirmations move it
    little, many placing "other" calls into categories move it down (fewer "other"), and
    confirmed new issues keep it (or move it up). Searched on a grid (0.01 spreads).
    """
    onset = np.asarray(onset, dtype=float)
    if onset.size == 0:
        return 0.0
    sign = np.where(np.asarray(staff_other, dtype=bool), 1.0, -1.0)
    grid = np.arange(SHIFT_RANGE[0], SHIFT_RANGE[1] + 1e-9, 0.01)
    margin = slope * sign[None, :] * (grid[:, None] - onset[None, :])
    loglik = -np.logaddexp(0.0, -margin).sum(axis=1)
    best = grid[np.argmax(loglik - grid ** 2 / (2 * prior_sd ** 2))]
    return float(round(best, 2))
