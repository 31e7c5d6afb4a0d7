"""How well `analysis.StatementKinds` tells problems, suggestions, praise and empty answers apart.

    python benchmarks/kinds.py [FILE.csv ...]      (from the repository root; PYTHONPATH=. in a worktree)

Each file (default: benchmarks/data/kinds_{dev,holdout,test,final,fresh,last}.csv) has columns
`text,field,kind,domain`, labelled by hand (see benchmarks/data/README.md). Printed per file:
accuracy with the field prior and on the text alone, per-kind precision and recall, the
confusion matrix, and the statements it gets wrong.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from analysis import KINDS, StatementKinds

DATA = Path(__file__).parent / "data"
DEFAULT = [DATA / f"kinds_{name}.csv" for name in ("dev", "holdout", "test", "final", "fresh", "last")]


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


def report(path: Path) -> None:
    rows = read(path)
    texts, fields, gold = [r["text"] for r in rows], [r["field"] or None for r in rows], [r["kind"] for r in rows]
    with_field = list(StatementKinds().fit().predict(texts, fields))
    text_only = list(StatementKinds(use_field=False).fit().predict(texts))
    a, b = scores(gold, with_field), scores(gold, text_only)
    print(f"\n## {path.name}: {len(rows)} statements")
    print(f"accuracy with field prior {a['accuracy']:.3f}, text alone {b['accuracy']:.3f}")
    print("| kind | n | precision | recall | precision (text alone) | recall (text alone) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for k in KINDS:
        print(f"| {k} | {a[k][2]} | {a[k][0]:.2f} | {a[k][1]:.2f} | {b[k][0]:.2f} | {b[k][1]:.2f} |")
    print("\nconfusion (rows gold, columns predicted, with field prior):")
    print("| gold \\ pred | " + " | ".join(KINDS) + " |")
    print("| --- " * (len(KINDS) + 1) + "|")
    for g in KINDS:
        cells = [sum(1 for x, y in zip(gold, with_field) if x == g and y == p) for p in KINDS]
        print(f"| {g} | " + " | ".join(map(str, cells)) + " |")
    wrong = [(r, p) for r, p in zip(rows, with_field) if p != r["kind"]]
    if wrong:
        print("\nwrong (with field prior):")
        clf = StatementKinds().fit()
        for r, p in wrong:
            _, rule, cue = clf.explain(r["text"], r["field"] or None)
            print(f"- {r['kind']} → {p} ({rule}: {cue}) [{r['field']}] {r['text']}")


def main(argv: list[str]) -> None:
    for path in [Path(a) for a in argv] or [p for p in DEFAULT if p.exists()]:
        report(path)


if __name__ == "__main__":
    main(sys.argv[1:])
