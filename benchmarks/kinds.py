"""How well `analysis.StatementKinds` tells problems, suggestions, praise and empty answers apart.

    python benchmarks/kinds.py FILE.csv [...]      a labelled set, with the model trained on corpus/kinds/train.csv
    python benchmarks/kinds.py --cv [--folds 5]    cross-validation on corpus/kinds/train.csv
    (from the repository root; PYTHONPATH=. in a worktree)

Files have columns `text,field,kind,domain`, labelled by hand (see benchmarks/data/README.md).
Printed per file: accuracy of the learned model (sure rules + logistic regression) with the field
prior and on the text alone, the same for the rules alone (`learned=False`), per-kind precision
and recall, the confusion matrix, and the statements it gets wrong. The sets the old rules were
written on (kinds_dev … kinds_last) are now inside the training file: a figure on them is a
training figure. `benchmarks/data/kinds_heldout2.csv` is the held-out set.

`--cv`: stratified k-fold over the training file (random_state 0): each fold's model is trained
on the other folds only; printed overall and per source (`written` = the statements written for
the model, the old sets by name).
"""
from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import numpy as np

from analysis import KINDS, StatementKinds

DATA = Path(__file__).parent / "data"
TRAIN = Path(__file__).parent.parent / "corpus" / "kinds" / "train.csv"


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def scores(gold: list[str], pred: list[str]) -> dict:
    out = {"accuracy": sum(g == p for g, p in zip(gold, pred)) / max(len(gold), 1)}
    for k in KINDS:
        tp = sum(g == p == k for g, p in zip(gold, pred))
        said, real = pred.count(k), gold.count(k)
        out[k] = (tp / said if said else 0.0, tp / real if real else 0.0, real)
    return out


def models(examples=None) -> dict[str, StatementKinds]:
    return {"learned": StatementKinds(examples=examples).fit(),
            "learned, text alone": StatementKinds(use_field=False, examples=examples).fit(),
            "rules": StatementKinds(learned=False).fit(),
            "rules, text alone": StatementKinds(use_field=False, learned=False).fit()}


def predict_all(fitted: dict[str, StatementKinds], rows: list[dict]) -> dict[str, list[str]]:
    texts, fields = [r["text"] for r in rows], [r["field"] or None for r in rows]
    return {name: list(m.predict(texts, fields if m.use_field else None)) for name, m in fitted.items()}


def print_table(gold: list[str], pred: list[str], title: str) -> None:
    a = scores(gold, pred)
    print(f"\n{title}: accuracy {a['accuracy']:.3f}")
    print("| kind | n | precision | recall |\n| --- | --- | --- | --- |")
    for k in KINDS:
        print(f"| {k} | {a[k][2]} | {a[k][0]:.2f} | {a[k][1]:.2f} |")
    print("\nconfusion (rows gold, columns predicted):")
    print("| gold \\ pred | " + " | ".join(KINDS) + " |")
    print("| --- " * (len(KINDS) + 1) + "|")
    for g in KINDS:
        cells = [sum(1 for x, y in zip(gold, pred) if x == g and y == p) for p in KINDS]
        print(f"| {g} | " + " | ".join(map(str, cells)) + " |")


def report(path: Path, fitted: dict[str, StatementKinds]) -> None:
    rows = read(path)
    gold = [r["kind"] for r in rows]
    preds = predict_all(fitted, rows)
    print(f"\n## {path.name}: {len(rows)} statements")
    print(", ".join(f"{name} {scores(gold, p)['accuracy']:.3f}" for name, p in preds.items()))
    print_table(gold, preds["learned"], "learned, field prior")
    print_table(gold, preds["learned, text alone"], "learned, text alone")
    print_table(gold, preds["rules"], "rules alone, field prior")
    wrong = [(r, p) for r, p in zip(rows, preds["learned"]) if p != r["kind"]]
    if wrong:
        print("\nwrong (learned, field prior):")
        for r, p in wrong:
            _, rule, cue = fitted["learned"].explain(r["text"], r["field"] or None)
            print(f"- {r['kind']} → {p} ({rule}: {cue}) [{r['field']}] {r['text']}")


def cross_validate(folds: int) -> None:
    from sklearn.model_selection import StratifiedKFold

    rows = read(TRAIN)
    gold = np.array([r["kind"] for r in rows])
    source = np.array([r.get("source") or "" for r in rows])
    preds = {}
    split = StratifiedKFold(folds, shuffle=True, random_state=0).split(rows, gold)
    with tempfile.TemporaryDirectory() as tmp:
        for n, (train, test) in enumerate(split):
            path = Path(tmp) / f"fold{n}.csv"
            with open(path, "w", encoding="utf-8", newline="") as f:
                out = csv.DictWriter(f, fieldnames=list(rows[0]))
                out.writeheader()
                out.writerows(rows[i] for i in train)
            for name, p in predict_all(models(path), [rows[i] for i in test]).items():
                preds.setdefault(name, np.empty(len(rows), dtype=object))[test] = p
            print(f"fold {n + 1}/{folds} done", flush=True)
    print(f"\n## {folds}-fold cross-validation on {TRAIN.name}: {len(rows)} statements")
    groups = [("all", np.ones(len(rows), bool)), ("written for the model", source == "written"),
              ("old sets", source != "written"), ("kinds_last", source == "kinds_last")]
    print("| model | " + " | ".join(f"{g} (n={m.sum()})" for g, m in groups) + " |")
    print("| --- " * (len(groups) + 1) + "|")
    for name, p in preds.items():
        print(f"| {name} | " + " | ".join(f"{(p[m] == gold[m]).mean():.3f}" for _, m in groups) + " |")
    print_table(list(gold), list(preds["learned"]), "learned, field prior, all folds")
    written = source == "written"
    print_table(list(gold[written]), list(preds["learned"][written]), "learned, field prior, written for the model")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--cv", action="store_true", help="cross-validate on corpus/kinds/train.csv")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.cv:
        cross_validate(args.folds)
    if args.files:
        fitted = models()
        for path in args.files:
            report(path, fitted)
    if not args.cv and not args.files:
        parser.error("give a labelled file (e.g. benchmarks/data/kinds_heldout2.csv) or --cv")


if __name__ == "__main__":
    main()
