"""New-issue themes (未归类/新问题): how many, how large, and how much leaving one statement out redraws them.

    PYTHONPATH=. python benchmarks/new_issue_themes.py [--step 1] [--citizen-step 10]

Two sets, each through the pipeline as users run it (kinds first): the demo's answers
(corpus/demo/responses.toml) as the web job analyses them (split, form fields, organisation
types, the seed plan, the representation chosen by size), and the 150 real messages of
../shared/data/citizen_messages_dev.csv (no plan: all of them new issues; field 存在问题, no
split). On the statements the pipeline puts in 未归类, with the pipeline's own vectors:

- the themes of the rule the pipeline uses (`ThemeClusterer` on 未归类: the tree cut where members
  are close and share words, `analysis._theme_cut.coherent_cut`), of the distance-only cut it
  grew from (`analysis.themes.new_issue_themes`) and of the silhouette choice used before that:
  number, sizes;
- stability: each statement left out in turn (every `--step`-th), the adjusted Rand index of the
  rest's themes against their themes with every statement (1 = nothing moves), and the range of
  the number of themes.
"""
from __future__ import annotations

import argparse
import csv
import os
import tomllib
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from analysis.embed import choose_representation, make_embedder
from analysis.pipeline import analyze
from analysis.plan import OTHER, load_plan
from analysis.privacy import mask_text
from analysis.resources import corpus_path
from analysis.text import normalize
from analysis.themes import ThemeClusterer, new_issue_themes, reduce
from analysis.tokenize import ChineseTokenizer

SHARED = Path(os.environ.get("PINGJIA_SHARED_DATA", "/work/shared/data"))


def demo_input():
    data = tomllib.loads(corpus_path("demo", "responses.toml").read_text(encoding="utf-8"))
    texts, groups, fields = [], [], []
    for r in data["responses"]:
        for name in ("problems", "suggestions"):  # as survey.review.results.evaluation_input reads them
            if (r.get(name) or "").strip():
                texts.append(r[name].strip())
                groups.append(r.get("organisation_type"))
                fields.append(name)
    return texts, dict(plan=load_plan(corpus_path("plans", "taian-ip-14th-fyp.toml")), groups=groups, fields=fields)


def citizen_input():
    with (SHARED / "citizen_messages_dev.csv").open(encoding="utf-8-sig", newline="") as f:
        texts = [normalize(r["text"]) for r in csv.DictReader(f)]
    return texts, dict(plan=None, split=False, fields=["存在问题"] * len(texts))


def silhouette_themes(R: np.ndarray) -> np.ndarray:
    model = ThemeClusterer()
    model.spectral_ = True
    return model._choose(R)


def pipeline_themes(texts: list[str], tokenizer: ChineseTokenizer):
    """The rule as the pipeline applies it to 未归类 (words shared, not distance alone)."""
    def rule(X: np.ndarray, keep: np.ndarray) -> np.ndarray:
        model = ThemeClusterer(tokenizer=tokenizer).fit([texts[i] for i in keep], [OTHER] * len(keep),
                                                        embeddings=X)
        return np.unique(model.labels_, return_inverse=True)[1]
    return rule


def stability(R: np.ndarray, rule, step: int) -> tuple[np.ndarray, float, float, int, int]:
    everything = np.arange(len(R))
    full = rule(R, everything)
    scores, counts = [], []
    for left in range(0, len(R), step):
        keep = everything[everything != left]
        part = rule(R[keep], keep)
        scores.append(adjusted_rand_score(full[keep], part))
        counts.append(len(set(part.tolist())))
    return full, float(np.mean(scores)), float(np.min(scores)), min(counts), max(counts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--step", type=int, default=1, help="leave out every step-th statement of the demo")
    ap.add_argument("--citizen-step", type=int, default=10)
    args = ap.parse_args()
    print("| data | in 未归类 | rule | themes (of 2 or more) | largest | leave one out: ARI mean / min | themes, leaving one out |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (texts, options), step in (("demo (as the job)", demo_input(), args.step),
                                         ("citizen_messages_dev", citizen_input(), args.citizen_step)):
        plan = options.pop("plan")
        result = analyze(texts, plan, **options)
        other = [s["text"] for s in result["statements"] if s["category"] == OTHER]
        rep = choose_representation(len(result["statements"]))
        tokenizer = ChineseTokenizer.for_plan(plan)
        masked = [mask_text(t, (), whole=True) for t in other]
        embedder = make_embedder(rep, tokenizer=tokenizer)
        X = embedder.fit_transform(masked)
        R = reduce(X)
        rules = (("close and sharing words (now)", pipeline_themes(masked, tokenizer), X),
                 ("distance only (first pass)", lambda R, keep: new_issue_themes(R), R),
                 ("silhouette (before)", lambda R, keep: silhouette_themes(R), R))
        for rule_name, rule, R in rules:
            full, mean, low, fewest, most = stability(R, rule, step)
            sizes = np.bincount(full)
            print(f"| {name} | {len(other)} | {rule_name} | {sizes.size} ({int((sizes >= 2).sum())}) | {sizes.max()} "
                  f"| {mean:.3f} / {low:.3f} | {fewest}–{most} |")


if __name__ == "__main__":
    main()
