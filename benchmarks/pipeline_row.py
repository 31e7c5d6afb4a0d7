"""Some rows of `benchmarks/evaluate.py` for one labelled set, without the whole run (~30 min loaded).

    python benchmarks/pipeline_row.py [--set thucnews_titles_dev] [--n 2000] [--seed 1]
                                      [--rows pipeline open mapper domain] [--representation e5+use]
                                      [--data-dir ../shared/data] [--json out.json]

`pipeline`: the pipeline row (`evaluate.pipeline_scores`: `analyze(texts, plan, split=False,
n_themes=k)`, k = number of labels); `open`: the open-set row (`evaluate.open_set`, the mapper with
half the plan); `mapper`: the mapper alone, forced accuracy and the share sent to 未归类 at the
defaults; `domain`: the in-domain rows (`evaluate.evaluate_in_domain`: ip_dev, ip_dev2, demo). The
same functions as `evaluate.py`, so the figures are the ones its tables would show. Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from evaluate import (
    DEMO,
    DEVS,
    SETS,
    evaluate_in_domain,
    load_sample,
    open_set,
    pipeline_scores,
    plan_with_labels,
)
from sklearn.metrics import accuracy_score, f1_score

from analysis.embed import make_embedder
from analysis.mapping import CategoryMapper
from analysis.pipeline import BEST_REPRESENTATION
from analysis.tokenize import ChineseTokenizer

SHARED = Path(os.environ.get("PINGJIA_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="thucnews_titles_dev", choices=list(SETS))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rows", nargs="*", default=["pipeline"], choices=["pipeline", "open", "mapper", "domain"])
    parser.add_argument("--representation", default=BEST_REPRESENTATION)
    parser.add_argument("--data-dir", type=Path, default=SHARED)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    texts, y = load_sample(args.data_dir / f"{args.set}.csv", args.n, args.seed)
    plan, label_of = plan_with_labels(SETS[args.set])
    out: dict = {"set": args.set, "n": len(texts), "seed": args.seed, "load": os.getloadavg()[0]}
    if "pipeline" in args.rows:
        out["pipeline"] = pipeline_scores(texts, y, plan, label_of, args.representation, args.seed, len(set(y)))
    if {"open", "mapper"} & set(args.rows):
        embedder = make_embedder(args.representation, tokenizer=ChineseTokenizer())
        X = embedder.fit_transform(texts)
        if "mapper" in args.rows:
            started = time.perf_counter()
            mapper = CategoryMapper(plan, embedder=embedder, random_state=args.seed).fit(texts, embeddings=X)
            ids = [c.id for c in plan.categories]
            forced = [label_of[ids[j]] for j in mapper.proba_.argmax(axis=1)]
            out["mapper"] = {"acc": accuracy_score(y, forced), "f1": f1_score(y, forced, average="macro"),
                             "other": float(np.mean(mapper.labels_ == "other")),
                             "map_s": time.perf_counter() - started}
        if "open" in args.rows:
            out["open"] = open_set(texts, y, plan, label_of, embedder, X, args.seed)
    if "domain" in args.rows:
        out["domain"] = [r for p in (*DEVS, DEMO) if p.exists() for r in evaluate_in_domain(p, args)]
    out["load_end"] = os.getloadavg()[0]
    text = json.dumps(out, ensure_ascii=False, indent=1, default=float)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
