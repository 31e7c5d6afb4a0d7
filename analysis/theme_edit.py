"""What the review workspace asks of the analysis when staff reshape themes.

Plain functions over statement texts (no Flask, no database): describe a theme staff made
(split off, merged, or whose members changed), re-cluster one theme into k, and match the
themes of a new run to those of the previous one so staff names stay on the theme that
carries on. Representations are the pipeline's for that many statements
(`embed.choose_representation`); sentence vectors come from the on-disk cache when the
statements were analysed before.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from .embed import choose_representation, make_embedder
from .privacy import mask_text
from .themes import ThemeClusterer, cluster
from .tokenize import ChineseTokenizer

DESCRIPTION_KEYS = ("label", "label_words", "keywords", "representatives", "groups")


def _embed(texts: Sequence[str], tokenizer: ChineseTokenizer):
    embedder = make_embedder(choose_representation(len(texts)), tokenizer=tokenizer)
    return embedder.fit_transform(list(texts))


def describe_theme(texts: Sequence[str], *, groups: Sequence[str | None] | None = None,
                   kinds: Sequence[str] | None = None, names: Sequence[str] = ()) -> dict:
    """Label, keywords, representatives and organisation types of one theme's statements.

    Returns ``{"label", "label_words", "keywords" (up to 8), "representatives" (up to 3,
    closest to the theme's centre), "groups" ({organisation type: count})}``, described
    the way `ThemeClusterer` describes the themes it finds: from masked text (personal data
    and the roster's `names`, see analysis.privacy), quotes masked the way reports mask them.
    `kinds`: the statements' kinds; a theme of suggestions is labelled with a proposal.
    """
    texts = [t or "" for t in texts]
    if groups is not None and len(groups) != len(texts):
        raise ValueError(f"groups 的长度（{len(groups)}）应与 texts（{len(texts)}）相同")
    if not texts:
        return {"label": "", "label_words": [], "keywords": [], "representatives": [], "groups": {}}
    tokenizer = ChineseTokenizer()
    masked = [mask_text(t, names, whole=True) for t in texts]
    # one theme: its kind is what most of its statements are
    kind = Counter(kinds).most_common(1)[0][0] if kinds else None
    model = ThemeClusterer(n_themes=1, tokenizer=tokenizer)
    model.fit(masked, embeddings=_embed(masked, tokenizer), groups=groups,
              kinds=[kind] * len(texts) if kind else None, quotes=[mask_text(t, names) for t in texts])
    theme = model.themes_[0]
    return {key: theme[key] for key in DESCRIPTION_KEYS}


def split_theme(texts: Sequence[str], k: int, *, random_state: int = 0) -> list[int]:
    """Re-cluster one theme's statements into k groups: labels 0..k-1, largest group 0.

    Every label is used when there are at least k statements (identical statements that
    the clustering put together are separated if needed); with fewer, each statement is
    its own group.
    """
    if k < 1:
        raise ValueError("k 应为正整数")
    n = len(texts)
    if n <= k:
        return list(range(n))
    if k == 1:
        return [0] * n
    X = _embed([t or "" for t in texts], ChineseTokenizer())
    labels = np.asarray(cluster(X, k, random_state=random_state))
    labels = _fill_empty(labels, k)
    sizes = Counter(labels.tolist())
    ranked = sorted(sizes, key=lambda t: (-sizes[t], int(np.flatnonzero(labels == t)[0])))
    remap = {t: j for j, t in enumerate(ranked)}
    return [remap[t] for t in labels.tolist()]


def _fill_empty(labels: np.ndarray, k: int) -> np.ndarray:
    """Give each unused label one statement taken from the largest group (its last member)."""
    labels = labels.copy()
    for missing in sorted(set(range(k)) - set(labels.tolist())):
        sizes = Counter(labels.tolist())
        largest = max(sizes, key=lambda t: (sizes[t], -t))
        labels[np.flatnonzero(labels == largest)[-1]] = missing
    return labels


def match_themes(old: Mapping[str, Collection[Hashable]], new: Mapping[str, Collection[Hashable]],
                 *, min_jaccard: float = 0.3) -> dict[str, str]:
    """One-to-one matching new theme id → old theme id by the statements they hold.

    Maximises the total Jaccard similarity of matched pairs (Hungarian algorithm); a pair
    below `min_jaccard` stays unmatched (that new theme is new, that old theme ended).
    """
    old_ids, new_ids = list(old), list(new)
    if not old_ids or not new_ids:
        return {}
    old_sets = [set(old[i]) for i in old_ids]
    new_sets = [set(new[i]) for i in new_ids]
    J = np.zeros((len(new_ids), len(old_ids)))
    for a, ns in enumerate(new_sets):
        for b, os_ in enumerate(old_sets):
            union = len(ns | os_)
            J[a, b] = len(ns & os_) / union if union else 0.0
    rows, cols = linear_sum_assignment(J, maximize=True)
    return {new_ids[a]: old_ids[b] for a, b in zip(rows, cols)
            if J[a, b] >= min_jaccard and J[a, b] > 0}


def nearest_themes(texts: Sequence[str], members: Mapping[Hashable, Sequence[str]], *,
                   min_similarity: float = 0.2) -> list[Hashable | None]:
    """For each text, the theme whose statements it is closest to, or None when none is
    close enough: where a new statement joins the themes staff already shaped.

    Closeness is the cosine similarity (TF-IDF over words, fitted on the texts and every
    member) between the text and the mean of the theme's members; a theme needs at least
    `min_similarity`. Cheap (no sentence model), so an update after one new answer stays
    fast.
    """
    from .embed import TfidfEmbedder

    texts = [t or "" for t in texts]
    ids = [k for k, v in members.items() if v]
    if not texts or not ids:
        return [None] * len(texts)
    corpus = [m or "" for k in ids for m in members[k]]
    embedder = TfidfEmbedder(tokenizer=ChineseTokenizer())
    X = embedder.fit_transform(texts + corpus)
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
    new, rest = X[: len(texts)], X[len(texts):]
    centres, start = [], 0
    for k in ids:
        block = rest[start: start + len(members[k])]
        start += len(members[k])
        centre = block.mean(axis=0)
        norm = np.linalg.norm(centre)
        centres.append(centre / norm if norm else centre)
    norms = np.linalg.norm(new, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    sims = (new / norms) @ np.vstack(centres).T
    best = sims.argmax(axis=1)
    return [ids[j] if sims[i, j] >= min_similarity else None for i, j in enumerate(best)]
