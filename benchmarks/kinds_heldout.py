"""Held-out shopping reviews for the kinds (issue 24 item 2): the samples drawn in turn, each from what the ones
before it left, and scored as `benchmarks/kinds.py --shopping` scores a sample (each review one statement, the
pipeline's kind stage, no field).

    python benchmarks/kinds_heldout.py D            score held-out D: confusion, negatives taken as praise or
                                                    none, raw and net of the label noise read in D
    python benchmarks/kinds_heldout.py A B --show 40
    python benchmarks/kinds_heldout.py D --split    also each review split as the CLI splits (a review is off
                                                    when every statement of it is praise or none)
    python benchmarks/kinds_heldout.py D --rows F   write the sample's rows (data row, sentiment) to F
    (from the repository root; PYTHONPATH=. in a worktree)

The chain: reviews of 8–150 characters; the development samples of seeds 0 and 1 (800 each, `kinds.py
--shopping --seed S`) are left out of all; then A (seed 7), B (seed 11), C (seed 13) — branch kinds6's held-out
samples — and D (seed 17), E (seed 19), F (seed 23), G (seed 29), H (seed 31), 2,000 each (1,000 of each
sentiment), each without the text of any sample before it (the data holds duplicates, so text, not rows, is left
out). D was drawn and scored on main before any change of branch kinds8 and is scored once more at its end; E and
F are development text, G was kinds8's unread second check; H was drawn for branch shop and
scored on main before any change of it (its rows in `kinds_shopping_H_rows.csv`) and once at its end; its misses were
read only then, to mark label noise (`kinds_shopping_H_noise.csv`). Branch shop read the misses of every review
outside H (A–G included), so A–G are development text for it.
`benchmarks/data/kinds_shopping_D_rows.csv` records D's rows; `kinds_shopping_D_noise.csv` the negatives of D
that main took as praise or none, each read and marked label noise (a "negative" review that is plainly praise
or neutral) or not, keyed by row and the SHA-1 of its text (no text kept: the reviews are third-party data).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
from collections import Counter
from pathlib import Path

from kinds import DATA, REVIEWS, _draw, confusion, kinds_as_run, read, shared  # beside this script: on the path

from analysis.text import normalize, to_statements

CHAIN = (("A", 7), ("B", 11), ("C", 13), ("D", 17), ("E", 19), ("F", 23), ("G", 29), ("H", 31))  # (name, seed), in order
DEV_SEEDS = (0, 1)
SIZE = 2000


def samples(path: Path) -> dict[str, list[dict]]:
    """Every sample of the chain; each row keeps its data row (0-based, header not counted) as `row`."""
    rows = [dict(r, row=i) for i, r in enumerate(read(path)) if 8 <= len((r["text"] or "").strip()) <= 150]
    taken = {normalize(r["text"]) for s in DEV_SEEDS for r in _draw(rows, REVIEWS, s)}
    out = {}
    for name, seed in CHAIN:
        out[name] = _draw([r for r in rows if normalize(r["text"]) not in taken], SIZE, seed)
        taken |= {normalize(r["text"]) for r in out[name]}
    return out


def sha1(text: str) -> str:
    return hashlib.sha1(normalize(text).encode()).hexdigest()[:12]


def noise(name: str) -> dict[int, bool]:
    """Data row → label noise, for the negatives read in sample `name` (empty if none were read)."""
    path = DATA / f"kinds_shopping_{name}_noise.csv"
    return {int(r["row"]): r["noise"] == "yes" for r in read(path)} if path.is_file() else {}


def score(name: str, sample: list[dict], show: int, split: bool) -> list[tuple[dict, str]]:
    """Print the sample's figures; return the negatives taken as praise or none, with their kind."""
    gold = ["negative" if r["sentiment"] == "0" else "positive" for r in sample]
    texts = [normalize(r["text"]) for r in sample]
    pred = [str(k) for k in kinds_as_run(texts, None)]
    off = [(r, p) for r, g, p in zip(sample, gold, pred) if g == "negative" and p in ("praise", "none")]
    tally = Counter(p for _, p in off)
    read_rows = noise(name)
    noisy = sum(read_rows.get(r["row"], False) for r, _ in off)
    unread = sum(r["row"] not in read_rows for r, _ in off)
    print(f"\n## sample {name} ({len(sample)} reviews, seed {dict(CHAIN)[name]}), each one statement")
    confusion(gold, pred, ["negative", "positive"])
    n_neg = gold.count("negative")
    print(f"\nnegatives taken as praise or none: {tally['praise']} + {tally['none']} = {len(off)} of {n_neg} "
          f"({len(off) / n_neg:.1%}) raw; of them label noise {noisy} (read), not read {unread}; net "
          f"{len(off) - noisy} ({(len(off) - noisy) / n_neg:.1%}); positives taken as praise "
          f"{sum(g == 'positive' and p == 'praise' for g, p in zip(gold, pred))}")
    if split:
        statements = to_statements([r["text"] for r in sample])
        kinds = kinds_as_run([s.text for s in statements], None, answers=[s.row for s in statements])
        on = {s.row for s, k in zip(statements, kinds) if str(k) not in ("praise", "none")}
        off_split = sum(g == "negative" and i not in on for i, g in enumerate(gold))
        print(f"split as the CLI splits: negatives with every statement praise or none {off_split} of {n_neg}")
    for r, p in off[:show]:
        mark = "?" if r["row"] not in read_rows else "noise" if read_rows[r["row"]] else "real"
        print(f"- {p} [{r['row']} {mark}] {normalize(r['text'])[:110]}")
    return off


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+", choices=[n for n, _ in CHAIN])
    parser.add_argument("--show", type=int, default=0, help="negatives taken as praise or none listed")
    parser.add_argument("--split", action="store_true", help="also the reviews split as the CLI splits")
    parser.add_argument("--rows", type=Path, help="write the (single) sample's rows to this CSV")
    args = parser.parse_args(argv)
    every = samples(shared("online_shopping_reviews.csv"))
    for name in args.names:
        if args.rows:
            with open(args.rows, "w", encoding="utf-8", newline="") as f:
                out = csv.writer(f)
                out.writerow(["row", "sentiment", "sha1"])
                out.writerows(sorted((r["row"], r["sentiment"], sha1(r["text"])) for r in every[name]))
        score(name, every[name], args.show, args.split)


if __name__ == "__main__":
    main()
