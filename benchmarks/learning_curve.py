"""Learning curve: how much staff confirmations teach the category mapper.

    python benchmarks/learning_curve.py [--n 2000] [--seed 0] [--counts 0 20 50 100]
                                        [--representation e5+use] [--data-dir ../shared/data]
                                        [--out benchmarks/RESULTS.md] [--no-write]

For each labelled set of `evaluate.py` (same loader, plans and sampling): fit the mapper
with no confirmations and take its review order (`review_rank_`, 1 first). Then, for each
N, confirm (give the gold label of) the top N statements of that order, refit, and score
the statements NOT confirmed; beside it, N statements drawn at random (numpy generator
seeded with `--seed`, one draw per N) scored the same way, in the same run.

Scores: accuracy with every statement forced into a category (the data has no "other"
class; as evaluate.py's "mapping acc"), and accuracy at the defaults, where a statement
the mapper sends to 未归类/新问题 counts as wrong.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from evaluate import SETS, _write, load_sample, plan_with_labels  # noqa: E402

from analysis.embed import BEST_REPRESENTATION, make_embedder  # noqa: E402
from analysis.mapping import CategoryMapper  # noqa: E402
from analysis.tokenize import ChineseTokenizer  # noqa: E402


def scores(mapper, gold_ids: np.ndarray, rest: np.ndarray) -> tuple[float, float]:
    forced = mapper.classes_[mapper.proba_.argmax(axis=1)]
    return (float(np.mean(forced[rest] == gold_ids[rest])),
            float(np.mean(mapper.labels_[rest].astype(str) == gold_ids[rest])))


def curve(texts, gold_ids, plan, embedder, X, counts, seed) -> list[dict]:
    n = len(texts)

    def fit(chosen):
        y = [None] * n
        for i in chosen:
            y[i] = gold_ids[i]
        return CategoryMapper(plan, embedder=embedder, random_state=seed).fit(texts, y, embeddings=X)

    base = fit([])
    order = np.argsort(base.review_rank_, kind="stable")
    rng = np.random.default_rng(seed)
    rows = []
    for count in counts:
        if count == 0:
            acc, acc_default = scores(base, gold_ids, np.arange(n))
            rows.append({"n": 0, "review": (acc, acc_default), "random": (acc, acc_default)})
            continue
        row = {"n": count}
        for name, chosen in (("review", order[:count]), ("random", rng.choice(n, count, replace=False))):
            rest = np.setdiff1d(np.arange(n), chosen)
            row[name] = scores(fit(chosen), gold_ids, rest)
            row[name + "_cats"] = len(set(gold_ids[chosen]))
        rows.append(row)
    return rows


def table(results: dict[str, list[dict]]) -> str:
    head = ("| data | confirmed N | review order: acc (forced) / at defaults | random N: acc (forced) / at defaults "
            "| categories covered (review / random) |\n| --- | --- | --- | --- | --- |\n")
    out = []
    for data, rows in results.items():
        for r in rows:
            cov = f"{r['review_cats']} / {r['random_cats']}" if r["n"] else "–"
            out.append(f"| {data} | {r['n']} | {r['review'][0]:.3f} / {r['review'][1]:.3f} "
                       f"| {r['random'][0]:.3f} / {r['random'][1]:.3f} | {cov} |\n")
    return head + "".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--counts", type=int, nargs="*", default=[0, 20, 50, 100])
    parser.add_argument("--representation", default=BEST_REPRESENTATION)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)

    results = {}
    for stem in args.sets:
        path = args.data_dir / f"{stem}.csv"
        if not path.exists():
            print(f"skip {stem}: {path} not found", file=sys.stderr)
            continue
        texts, y = load_sample(path, args.n, args.seed)
        plan, label_of = plan_with_labels(SETS[stem])
        id_of = {label: cid for cid, label in label_of.items()}
        gold_ids = np.array([id_of[label] for label in y], dtype=object)
        embedder = make_embedder(args.representation, tokenizer=ChineseTokenizer())
        X = embedder.fit_transform(texts)
        results[stem] = curve(texts, gold_ids, plan, embedder, X, args.counts, args.seed)
        print(table({stem: results[stem]}), file=sys.stderr)
    text = (f"Representation: `{args.representation}`; {args.n} statements per set, seed {args.seed}. "
            "Accuracy on the statements not confirmed.\n\n" + table(results))
    print(text)
    if not args.no_write:
        _write(args.out, "Learning curve", text,
               f"python benchmarks/learning_curve.py --n {args.n} --seed {args.seed} "
               f"--representation {args.representation}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
