"""Themes whose members share words: a dendrogram cut by distance and by coherence.

A theme's name must be true of its members (issue 24 item 4): at least two thirds of them say
its key words, and every key word is said by a third of them (two at least). A theme whose
members share no such words can have no true name, however the name is built; so the themes
are cut where they can have one. `coherent_cut` builds the average-linkage tree of the block's
vectors centred on the block's mean (what every statement of the block shares taken out), and
walks it from the root: a subtree is a theme when its members are close enough (cosine distance
at most `distance`, the fixed cut of `analysis.themes.new_issue_themes`) and share words
(`Coherence.cover`); else its two halves are looked at in turn, down to single statements.

`pool_strays` is for a plan category: a statement left alone joins the theme whose shared words
it says (the nearest of them); the rest form one theme of the category's other statements
("其他"), rather than being forced into a theme they do not fit.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering
from sklearn.preprocessing import normalize

SHARE = 2 / 3  # members that must say the theme's 1-2 shared words (theme_names.SHARE)
WORD_SHARE = 1 / 3  # members that must say each of them (theme_names.WORD_SHARE)
TOP_WORDS = 12  # the most said words tried in pairs


class Coherence:
    """Which words each statement says (`said`: statements × words, nonzero where said; only
    words a name can be built from) and, for a set of statements, the 1-2 words that cover
    most of them."""

    def __init__(self, said):
        self.said = sp.csr_matrix(said, dtype=np.float32)
        self.said.data[:] = 1.0

    def mute(self) -> np.ndarray:
        """Per statement: says no word a name can be built from."""
        return np.asarray(self.said.sum(axis=1)).ravel() == 0

    def cover(self, members: np.ndarray) -> tuple[int, ...] | None:
        """Column indices of 1-2 words, each said by a third of `members` (two at least),
        together said by two thirds; None when no such words exist. One statement: ()."""
        n = len(members)
        if n < 2:
            return ()
        sub = self.said[members]
        counts = np.asarray(sub.sum(axis=0)).ravel()
        floor = max(2, math.ceil(WORD_SHARE * n))
        candidates = np.flatnonzero(counts >= floor)
        if not candidates.size:
            return None
        need = math.ceil(SHARE * n - 1e-9)
        top = candidates[np.argsort(-counts[candidates], kind="stable")[:TOP_WORDS]]
        if counts[top[0]] >= need:
            return (int(top[0]),)
        dense = sub[:, top].toarray()
        union = counts[top][:, None] + counts[top][None, :] - dense.T @ dense
        np.fill_diagonal(union, -1)
        a, b = np.unravel_index(int(np.argmax(union)), union.shape)
        return (int(top[a]), int(top[b])) if union[a, b] >= need else None


def centred(R: np.ndarray) -> np.ndarray:
    """Unit rows of R minus their mean: the direction every row shares taken out."""
    return normalize(R - R.mean(axis=0))


def coherent_cut(R: np.ndarray, coherence: Coherence | None, distance: float) -> np.ndarray:
    """Theme labels of the rows of R (dense, unit rows; see the module docstring). Without
    `coherence`, the plain cut at `distance`."""
    n = R.shape[0]
    C = centred(R)
    if n < 2 or not np.any(C):
        return np.zeros(n, dtype=int)
    model = AgglomerativeClustering(n_clusters=None, distance_threshold=distance, metric="cosine",
                                    linkage="average").fit(C)
    if coherence is None:
        return model.labels_
    children, heights = model.children_, model.distances_
    labels = np.zeros(n, dtype=int)
    stack, found = [n + len(children) - 1], 0
    while stack:
        node = stack.pop()
        members = _leaves(node, children, n)
        if node < n or (heights[node - n] <= distance and coherence.cover(members) is not None):
            labels[members] = found
            found += 1
        else:
            stack.extend(int(c) for c in children[node - n][::-1])
    return labels


def _leaves(node: int, children: np.ndarray, n: int) -> np.ndarray:
    out, stack = [], [node]
    while stack:
        k = stack.pop()
        if k < n:
            out.append(k)
        else:
            stack.extend(int(c) for c in children[k - n])
    return np.array(sorted(out), dtype=int)


def pool_strays(labels: np.ndarray, C: np.ndarray, coherence: Coherence, min_size: int = 2) -> np.ndarray:
    """Themes of fewer than `min_size` statements dissolved: each of their statements joins the
    theme whose shared words it says (the one whose centre is nearest, `C` centred unit rows),
    the rest one theme of their own (labelled -1; none when every statement found a theme)."""
    out = labels.copy()
    sizes = np.bincount(labels)
    kept = [t for t in range(sizes.size) if sizes[t] >= min_size]
    stray = np.flatnonzero(sizes[labels] < min_size)
    out[stray] = -1
    if not kept or not stray.size:
        return out
    covers = {t: coherence.cover(np.flatnonzero(labels == t)) or () for t in kept}
    centres = normalize(np.vstack([C[labels == t].mean(axis=0) for t in kept]))
    near = C[stray] @ centres.T
    said = coherence.said[stray]
    for j in np.argsort(-near.max(axis=1), kind="stable"):
        i = stray[j]
        fits = [k for k, t in enumerate(kept) if covers[t] and said[j, list(covers[t])].sum() > 0]
        if fits:
            out[i] = kept[max(fits, key=lambda k: near[j, k])]
    return out



def join_answers(labels: np.ndarray, rows: np.ndarray, coherence: Coherence) -> np.ndarray:
    """A statement that says no word a name can be built from (期待回复, 三个坏了两个) and is alone
    (a theme of one) or in "其他" (-1) joins the theme of another statement of its own answer
    (`rows[i]`: the answer statement i was split from), when that theme of two or more still
    shares its words with it: it is part of what its answer says there."""
    out = labels.copy()
    sizes = Counter(labels.tolist())
    mute = coherence.mute()
    by_row: dict = {}
    for k, r in enumerate(rows):
        by_row.setdefault(r, []).append(k)
    for i in np.flatnonzero(mute):
        if labels[i] >= 0 and sizes[labels[i]] > 1:
            continue
        for j in by_row[rows[i]]:
            t = labels[j]
            if j == i or t < 0 or sizes[t] < 2:
                continue
            members = np.append(np.flatnonzero(out == t), i)
            if coherence.cover(members):
                out[i] = t
                break
    return out


def pool_mute(labels: np.ndarray, coherence: Coherence) -> np.ndarray:
    """Among new issues, statements that say no word a name can hold and are still alone (a letter's
    "望予以解答为盼，谢谢！", "至此敬礼" whose letter's theme is of one) form one theme, labelled -1
    ("其他问题", listed last), not one theme each that staff would read as so many new issues named
    alike. Statements that say something stay themes of one."""
    mute = coherence.mute()
    sizes = Counter(labels.tolist())
    alone = mute & np.array([sizes[t] == 1 for t in labels.tolist()], dtype=bool)
    if alone.sum() < 2:
        return labels
    out = labels.copy()
    out[alone] = -1
    return out

