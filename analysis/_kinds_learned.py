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


def fit_key(path, params: tuple) -> tuple:
    """What a model fitted on the examples file depends on: the file as it is now, the parameters."""
    path = Path(path) if path else default_examples()
    try:
        stat = path.stat()
    except OSError:
        return (str(path), None, params)  # load_examples will say what is wrong
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size, params)


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


def features(vectorizer: TfidfVectorizer, embedder, texts: list[str], rules: np.ndarray):
    """The feature matrix: n-grams | weighted sentence vector (if an embedder) | rule one-hots."""
    blocks = [vectorizer.transform(texts)]
    if embedder is not None:
        blocks.append(sparse.csr_matrix(EMBED_WEIGHT * np.asarray(embedder.transform(texts))))
    blocks.append(sparse.csr_matrix(rules))
    return sparse.hstack(blocks, format="csr")
