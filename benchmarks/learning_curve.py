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
the mapper sends to 未归类/新问题 counts as wrong; beside them, the review-order fit with
the "other" calibration turned off (`calibrate_other=False`) and the fitted shift of the
"other" call (`open_shift_`, review / random).

Open set (`--open-set`, on by default): the same with evaluate.py's half plan (every other
category in sorted id order), statements of the held-out labels gold "other", so staff
confirm new issues as well as categories: accuracy with "other" as a class and the
other precision / recall on the statements not confirmed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from evaluate import SETS, _write, load_sample, plan_with_labels  # beside this script: its folder is on the path

from analysis.embed import BEST_REPRESENTATION, make_embedder
from analysis.mapping import OTHER, CategoryMapper
from analysis.tokenize import ChineseTokenizer

ROOT = Path(__file__).resolve().parent.parent


def scores(mapper, gold_ids: np.ndarray, rest: np.ndarray) -> tuple[float, ...]:
    """Closed set: (forced accuracy, accuracy at the defaults, shift)."""
    forced = mapper.classes_[mapper.proba_.argmax(axis=1)]
    return (float(np.mean(forced[rest] == gold_ids[rest])),
            float(np.mean(mapper.labels_[rest].astype(str) == gold_ids[rest])), mapper.open_shift_)


def open_scores(mapper, gold_ids: np.ndarray, rest: np.ndarray) -> tuple[float, ...]:
    """Open set: (accuracy with "other", other precision, other recall, shift)."""
    pred, gold = mapper.labels_[rest].astype(str), gold_ids[rest].astype(str)
    called, other = pred == OTHER, gold == OTHER
    return (float(np.mean(pred == gold)), float(np.mean(other[called])) if called.any() else 0.0,
            float(np.mean(called[other])) if other.any() else 0.0, mapper.open_shift_)


def curve(texts, gold_ids, plan, embedder, X, counts, seed, score=scores) -> list[dict]:
    n = len(texts)

    def fit(chosen, **options):
        y = [None] * n
        for i in chosen:
            y[i] = gold_ids[i]
        mapper = CategoryMapper(plan, embedder=embedder, random_state=seed, **options)
        return mapper.fit(texts, y, embeddings=X)

    base = fit([])
    order = np.argsort(base.review_rank_, kind="stable")
    rng = np.random.default_rng(seed)
    rows = []
    for count in counts:
        if count == 0:
            row = score(base, gold_ids, np.arange(n))
            rows.append({"n": 0, "review": row, "random": row, "off": row})
            continue
        row = {"n": count}
        for name, chosen in (("review", order[:count]), ("random", rng.choice(n, count, replace=False))):
            rest = np.setdiff1d(np.arange(n), chosen)
            row[name] = score(fit(chosen), gold_ids, rest)
            row[name + "_cats"] = len(set(gold_ids[chosen]))
            if name == "review":
                row["off"] = score(fit(chosen, calibrate_other=False), gold_ids, rest)
        rows.append(row)
    return rows


def table(results: dict[str, list[dict]]) -> str:
    head = ("| data | confirmed N | review order: acc (forced) / at defaults | random N: acc (forced) / at defaults "
            "| review order, calibration off: at defaults | shift of the other call (review / random) "
            "| categories covered (review / random) |\n| --- | --- | --- | --- | --- | --- | --- |\n")
    out = []
    for data, rows in results.items():
        for r in rows:
            cov = f"{r['review_cats']} / {r['random_cats']}" if r["n"] else "–"
            out.append(f"| {data} | {r['n']} | {r['review'][0]:.3f} / {r['review'][1]:.3f} "
                       f"| {r['random'][0]:.3f} / {r['random'][1]:.3f} | {r['off'][1]:.3f} "
                       f"| {r['review'][2]:+.2f} / {r['random'][2]:+.2f} | {cov} |\n")
    return head + "".join(out)


def open_table(results: dict[str, list[dict]]) -> str:
    head = ("| data | confirmed N | review order: acc / other P / other R | random N: acc / other P / other R "
            "| review order, calibration off: acc / other P / other R | shift (review / random) |\n"
            "| --- | --- | --- | --- | --- | --- |\n")

    def cell(s):
        return f"{s[0]:.3f} / {s[1]:.3f} / {s[2]:.3f}"
    return head + "".join(
        f"| {data} | {r['n']} | {cell(r['review'])} | {cell(r['random'])} | {cell(r['off'])} "
        f"| {r['review'][3]:+.2f} / {r['random'][3]:+.2f} |\n" for data, rows in results.items() for r in rows)


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
    parser.add_argument("--no-open-set", dest="open_set", action="store_false",
                        help="skip the open-set curve (half plan, held-out labels gold other)")
    args = parser.parse_args(argv)

    results, opens = {}, {}
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
        if args.open_set:
            kept = sorted(plan.categories, key=lambda c: c.id)[::2]
            known = {c.id for c in kept}
            gold_open = np.array([g if g in known else OTHER for g in gold_ids], dtype=object)
            opens[stem] = curve(texts, gold_open, kept, embedder, X, args.counts, args.seed, open_scores)
            print(open_table({stem: opens[stem]}), file=sys.stderr)
    text = (f"Representation: `{args.representation}`; {args.n} statements per set, seed {args.seed}. "
            "Accuracy on the statements not confirmed.\n\n" + table(results))
    if opens:
        text += ("\nOpen set: half of the plan (every other category, sorted ids), held-out labels gold "
                 "\"other\" (confirmed as such).\n\n" + open_table(opens))
    print(text)
    if not args.no_write:
        _write(args.out, "Learning curve", text,
               f"python benchmarks/learning_curve.py --n {args.n} --seed {args.seed} "
               f"--representation {args.representation}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
