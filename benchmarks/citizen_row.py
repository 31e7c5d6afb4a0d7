"""Mapping of real citizen messages to a city office's seven categories (issue 24), as users run it.

    python benchmarks/citizen_row.py [--data ../map_data/citizen_labelled.csv] [--half a b all]
                                     [--rows pipeline mapper] [--field 存在问题] [--json out.json]

The labelled messages (2020 泰迪杯 C 题 附件2, 一级标签; openings of the messages, see
benchmarks/citizen_data.py, which rebuilds the file outside the repository) are third-party text:
when the file is missing the script says so and exits 0, so CI skips it. Plan:
benchmarks/plans/citizen.toml (written from what the categories mean, not from the data).

`pipeline`: `analyze(texts, plan, split=False, n_themes=7)` with kinds first, as `evaluate.py`'s
pipeline row and the CLI's `--no-split --themes 7` run it; accuracy at the defaults (a message
left in 未归类 or with no category counts as wrong), macro-F1, the share in 未归类, the messages
the kinds leave without a category, themes NMI against the labels, and the confusion matrix.
`--field 存在问题` types every message in that form field (the board's messages are complaints and
requests). `--split`: messages split into statements as the CLI does by default, a message taking the
category most of its statements were given. `mapper`: the mapper alone on the same texts, forced to a category. Prints JSON.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "map_data" / "citizen_labelled.csv"
UNMAPPED = "未归类"


def load(path: Path, half: str, seed: int) -> tuple[list[str], list[str]]:
    """Texts and labels of one half (`a`, `b`) or of `all`, normalised, exact duplicates dropped,
    shuffled with `seed` (as analysis.io.labelled_sample reads the other sets)."""
    from analysis.text import normalize

    seen, rows = set(), []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = normalize(row["text"])
            if text and text not in seen and half in ("all", row["half"]):
                seen.add(text)
                rows.append((text, row["label"]))
    random.Random(seed).shuffle(rows)
    return [t for t, _ in rows], [y for _, y in rows]


def confusion(gold, pred, labels) -> dict[str, dict[str, int]]:
    counts = Counter(zip(gold, pred))
    cols = [*labels, UNMAPPED]
    return {g: {p: counts[(g, p)] for p in cols if counts[(g, p)]} for g in labels}


def pipeline_row(texts, y, plan, label_of, representation, seed, field, split=False) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, normalized_mutual_info_score

    from analysis.pipeline import analyze

    started = time.perf_counter()
    result = analyze(texts, plan, split=split, n_themes=len(label_of), representation=representation,
                     random_state=seed, fields=[field] * len(texts) if field else None)
    seconds = time.perf_counter() - started
    votes = [Counter() for _ in texts]  # split: a message's statements vote (first statement wins a tie)
    themes = [Counter() for _ in texts]
    kinds = Counter()
    for s in result["statements"]:
        kinds[s["kind"]] += 1
        if s["category"] is not None:
            votes[s["row"]][label_of.get(s["category"], UNMAPPED)] += 1
        themes[s["row"]][s["theme"] or "(none)"] += 1
    pred = [v.most_common(1)[0][0] if v else UNMAPPED for v in votes]
    theme = [t.most_common(1)[0][0] if t else "(none)" for t in themes]
    labels = sorted(set(label_of.values()))
    return {"n": len(texts), "seconds": round(seconds, 1), "acc": accuracy_score(y, pred),
            "macro_f1": f1_score(y, pred, labels=labels, average="macro"),
            "unmapped": pred.count(UNMAPPED) / len(pred), "kinds": dict(kinds),
            "nmi": normalized_mutual_info_score(y, theme),
            "recall": {g: sum(p == g for p, t in zip(pred, y) if t == g) / max(1, y.count(g)) for g in labels},
            "confusion": confusion(y, pred, labels)}


def mapper_row(texts, y, plan, label_of, representation, seed) -> dict:
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score

    from analysis.embed import make_embedder
    from analysis.mapping import CategoryMapper
    from analysis.tokenize import ChineseTokenizer

    embedder = make_embedder(representation, tokenizer=ChineseTokenizer())
    X = embedder.fit_transform(texts)
    mapper = CategoryMapper(plan, embedder=embedder, random_state=seed).fit(texts, embeddings=X)
    ids = [c.id for c in plan.categories]
    forced = [label_of[ids[j]] for j in mapper.proba_.argmax(axis=1)]
    return {"n": len(texts), "forced_acc": accuracy_score(y, forced),
            "forced_f1": f1_score(y, forced, average="macro"),
            "other": float(np.mean(mapper.labels_ == "other"))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("PINGJIA_CITIZEN_LABELLED", DEFAULT)))
    parser.add_argument("--half", nargs="*", default=["a", "b", "all"], choices=["a", "b", "all"])
    parser.add_argument("--rows", nargs="*", default=["pipeline", "mapper"], choices=["pipeline", "mapper"])
    parser.add_argument("--field", default=None, help="the form field every message is typed in (e.g. 存在问题)")
    parser.add_argument("--split", action="store_true", help="split messages into statements, as the CLI does "
                        "by default; a message takes the category most of its statements are in")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--representation", default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"skipped: {args.data} is missing (third-party text, rebuilt by benchmarks/citizen_data.py)")
        return 0
    from evaluate import plan_with_labels

    from analysis.pipeline import BEST_REPRESENTATION

    representation = args.representation or BEST_REPRESENTATION
    plan, label_of = plan_with_labels("citizen")
    out: dict = {"data": str(args.data), "field": args.field, "split": args.split, "load": os.getloadavg()[0]}
    for half in args.half:
        texts, y = load(args.data, half, args.seed)
        row = out.setdefault(half, {"labels": dict(Counter(y))})
        if "pipeline" in args.rows:
            row["pipeline"] = pipeline_row(texts, y, plan, label_of, representation, args.seed, args.field,
                                           args.split)
        if "mapper" in args.rows:
            row["mapper"] = mapper_row(texts, y, plan, label_of, representation, args.seed)
    out["load_end"] = os.getloadavg()[0]
    text = json.dumps(out, ensure_ascii=False, indent=1, default=float)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
