"""How well statement kinds (problem / suggestion / praise / none) come out as the pipeline runs them.

    python benchmarks/kinds.py                     real text + the round-table sets (the default run)
    python benchmarks/kinds.py FILE.csv [...]      these labelled sets only (`text,field,kind`)
    python benchmarks/kinds.py --cv [--folds 5]    cross-validation on corpus/kinds/train.csv
    python benchmarks/kinds.py --examples F [...]  the runs above but --cv, the model trained on F, not
                                                   corpus/kinds/train.csv (a set kept outside the repository)
    python benchmarks/kinds.py --real              real round-table text only (the seed; quotes in ~/kinds_real)
    python benchmarks/kinds.py --shopping --reviews 2000 --seed 7 --not-seed 0 --not-seed 1
                                                   shopping reviews only, a held-out draw: no text of seed 0's or
                                                   seed 1's default sample (the ones developed on)
    python benchmarks/kinds.py --speed N [--dump F] [--compare F] [--profile]
                                                   the kind stage's time on N review statements against
                                                   plain jieba in the same run; the kinds written or compared
    (from the repository root; PYTHONPATH=. in a worktree)

The kinds come from `analysis.pipeline.statement_kinds`, the stage `pingjia analyze` and the web job
run: statements made by `analysis.text.to_statements` (split, or whole with `--no-split`), the kind
model of the representation the pipeline picks for that many statements, the form field as given.
"before" is the same model with `evidence=False`: the calls as made before issue 24 (praise and none
kept without evidence); "after" is the pipeline today. Both in the same run.

Real text no one here wrote (`../shared/data`, PINGJIA_SHARED_DATA): every citizen message is an
issue, so each praise or none call on one is wrong; printed per message (whole, as `--no-split`
runs it) and per statement (split, the CLI's default), without a field and under 存在问题. The
shopping reviews' `sentiment` (800 sampled, 8–150 characters, seed 0, 400 of each) gives
negative → kinds and positive → kinds: a negative review should rarely be praise; a positive one
may well hold a complaint. Team-written sets (benchmarks/data/kinds_*.csv) are round-table statements:
their accuracy and confusion are printed too, but they are not evidence about real text; the six
older ones are inside the training file (training figures); `kinds_heldout2.csv` is not.

`--cv`: stratified k-fold over the training file (random_state 0), each fold's model trained on the
other folds only.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from analysis import KINDS, StatementKinds
from analysis._kinds_evidence import courtesy_only
from analysis.embed import choose_representation
from analysis.pipeline import kind_model, statement_kinds
from analysis.text import normalize, to_statements

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
TRAIN = ROOT / "corpus" / "kinds" / "train.csv"
SHARED = [Path(p) for p in (os.environ.get("PINGJIA_SHARED_DATA", ""), ROOT.parent / "shared" / "data",
                            "/work/shared/data") if p]
ROUND_TABLE = ["kinds_heldout2", "kinds_dev", "kinds_holdout", "kinds_test", "kinds_final", "kinds_fresh",
               "kinds_last"]
OFF = ("praise", "none")  # what takes a statement off the issues
SEED = [Path(p) for p in (os.environ.get("PINGJIA_SEED", ""), ROOT.parent / "shared" / "seed",
                          "/work/shared/seed") if p]
SEED_LABELS = DATA / "kinds_seed_labels.csv"
# quotes from published reports of round tables, consultations and public comment, labelled by reading;
# third-party text, so kept outside the repository (RESULTS.md lists the sources): a folder of `text,kind,source`
# CSVs, every one read (roundtable_web.csv, the development quotes); its subfolder heldout/ (quotes from other
# sources, collected before any change and scored once) is read only when PINGJIA_KINDS_REAL names it
WEB = Path(os.environ.get("PINGJIA_KINDS_REAL", Path.home() / "kinds_real"))


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def shared(name: str) -> Path | None:
    return next((p / name for p in SHARED if (p / name).is_file()), None)


def kinds_as_run(texts: list[str], fields: list[str | None] | None, before: bool = False,
                 answers: list[int] | None = None) -> np.ndarray:
    """The kinds of statements (already split and normalised) as the pipeline's stage gives them;
    `before`: the same model without the evidence check. `answers[i]`: the row statement i was split
    from (None: each statement is its own answer, as a quote or a review is)."""
    rep = choose_representation(len(texts))
    if not before:
        return statement_kinds(texts, fields, [False] * len(texts), rep, answers=answers)
    model = kind_model(rep).set_params(evidence=False)
    return np.array(model.fit().predict(texts, fields, normalized=True), dtype=object)


def run_rows(texts: list[str], field: str | None, split: bool, before: bool):
    """(statements, kinds) for answers `texts`, every one typed under `field`."""
    statements = to_statements(texts, split=split)
    fields = [field] * len(statements) if field else None
    return statements, kinds_as_run([s.text for s in statements], fields, before, [s.row for s in statements])


def confusion(gold: list[str], pred: list[str], rows: list[str]) -> None:
    print("| gold \\ kind | n | " + " | ".join(KINDS) + " |")
    print("| --- " * (len(KINDS) + 2) + "|")
    for g in rows:
        cells = [sum(1 for x, y in zip(gold, pred) if x == g and y == p) for p in KINDS]
        print(f"| {g} | {sum(cells)} | " + " | ".join(map(str, cells)) + " |")


def citizen(path: Path, show: int) -> None:
    texts = [r["text"] for r in read(path)]
    print(f"\n## {path.name}: {len(texts)} messages, every one an issue (complaint, request, question)")
    print("\n| run | field | before: messages praise / none | after: messages praise / none |")
    print("| --- | --- | --- | --- |")
    wrong = {}
    for split in (False, True):
        for field in (None, "存在问题"):
            cells = []
            for before in (True, False):
                statements, kinds = run_rows(texts, field, split, before)
                by_row: dict[int, list[str]] = {}
                for s, k in zip(statements, kinds):
                    by_row.setdefault(s.row, []).append(str(k))
                praise = sum("praise" in ks for ks in by_row.values())
                none = sum("none" in ks and "praise" not in ks for ks in by_row.values())
                cell = f"{praise + none} of {len(texts)} ({praise} / {none})"
                if split:
                    tally = Counter(map(str, kinds))
                    real = {s.row for s, k in zip(statements, kinds)
                            if k == "praise" or (k == "none" and not courtesy_only(s.text))}
                    cell += (f"; beyond courtesy {len(real)}; statements {tally['praise']} / {tally['none']}"
                             f" of {len(statements)}")
                cells.append(cell)
                if not before:
                    wrong[(split, field)] = [(s.text, k) for s, k in zip(statements, kinds) if k in OFF]
            run = "split (CLI default)" if split else "whole (--no-split)"
            print(f"| {run} | {field or '–'} | {cells[0]} | {cells[1]} |")
    print("\n(split: a message counts when any of its statements is praise or none; \"beyond courtesy\" leaves out"
          " none statements that are only a greeting or sign-off, 尊敬的领导：您好！, which carry nothing of the message)")
    for (split, field), items in wrong.items():
        if items and show:
            print(f"\nafter, {'split' if split else 'whole'}, field {field or '–'}: praise / none")
            for text, k in items[:show]:
                print(f"- {k}: {text[:90]}")


def review_sample(path: Path, n: int, seed: int, not_seeds: tuple[int, ...] = ()) -> list[dict]:
    """n shopping reviews of 8–150 characters, half of each sentiment, drawn with `seed`; none with the text of
    a review that the default draw (800) with a seed in `not_seeds` takes (a held-out sample: text never
    developed on; the data holds duplicates, so the text, not the row, is left out)."""
    rows = [r for r in read(path) if 8 <= len((r["text"] or "").strip()) <= 150]
    taken = {normalize(r["text"]) for s in not_seeds for r in _draw(rows, REVIEWS, s)}
    return _draw([r for r in rows if normalize(r["text"]) not in taken], n, seed)


def _draw(rows: list[dict], n: int, seed: int) -> list[dict]:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return [r for r in rows if r["sentiment"] == "0"][:n // 2] + [r for r in rows if r["sentiment"] == "1"][:n // 2]


def shopping(path: Path, n: int, seed: int, show: int, not_seeds: tuple[int, ...] = ()) -> None:
    sample = review_sample(path, n, seed, not_seeds)
    gold = ["negative" if r["sentiment"] == "0" else "positive" for r in sample]
    texts = [normalize(r["text"]) for r in sample]
    skip = f", no text of seed {'/'.join(map(str, not_seeds))}'s {REVIEWS}" if not_seeds else ""
    print(f"\n## {path.name}: {len(sample)} reviews (8–150 characters, seed {seed}{skip}), each one statement")
    for before in (True, False):
        pred = [str(k) for k in kinds_as_run(texts, None, before)]
        print(f"\n{'before' if before else 'after'} (sentiment → kind):")
        confusion(gold, pred, ["negative", "positive"])
        if not before and show:
            print("\nafter, negative reviews taken as praise:")
            for t, g, p in zip(texts, gold, pred):
                if g == "negative" and p == "praise":
                    print(f"- {t[:90]}")


def round_table(path: Path, show: int) -> float:
    rows = read(path)
    gold = [r["kind"] for r in rows]
    texts = [normalize(r["text"]) for r in rows]
    fields = [r.get("field") or None for r in rows]
    out = {}
    for before in (True, False):
        out[before] = [str(k) for k in kinds_as_run(texts, fields, before)]
    acc = {b: sum(g == p for g, p in zip(gold, pred)) / len(gold) for b, pred in out.items()}
    training = " (held out)" if path.stem == "kinds_heldout2" else " (in the training file)" if path.stem in ROUND_TABLE else ""
    print(f"\n## {path.name}{training}: {len(rows)} statements, field prior; accuracy before {acc[True]:.3f}"
          f" → after {acc[False]:.3f}")
    confusion(gold, out[False], list(KINDS))
    if show:
        for r, p in zip(rows, out[False]):
            if p != r["kind"]:
                print(f"- {r['kind']} → {p} [{r['field']}] {r['text'][:80]}")
    return acc[False]


REVIEWS = 800  # the shopping reviews sampled by default (seed 0: the development sample)
SECTION_FIELDS = {"一": "成效", "二": "存在问题", "三": "意见建议"}  # the seed's sections as a form's fields


def seed_statements(sections: list | None = None) -> tuple[list[str], list[str], list[int]] | None:
    """The published seed's statements of achievements, problems and measures (its sections (一)–(三)),
    split as the CLI splits, with the kind read for each (`kinds_seed_labels.csv`, keyed by the
    statement's SHA-1: the labels hold no text) and the paragraph each was split from (its answer).
    `sections`, if given, receives each statement's section as a field (成效 / 存在问题 / 意见建议)."""
    path = next((d / "000_910e96933d33c806.txt" for d in SEED if (d / "000_910e96933d33c806.txt").is_file()), None)
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    body = text[text.index("(一)政策实施情况"):text.index("(四)政策评价运用情况")]
    paragraphs, fields, field = [], [], None
    for line in (p for p in body.split("\n") if p.strip()):
        if line.startswith("("):
            field = SECTION_FIELDS.get(line[1:2])
        else:
            paragraphs.append(line)
            fields.append(field)
    labels = {r["sha1"]: r["kind"] for r in read(SEED_LABELS)}
    out = [(s.text, labels.get(hashlib.sha1(s.text.encode()).hexdigest()[:12]), s.row)
           for s in to_statements(paragraphs)]
    if sections is not None:
        sections.extend(fields[r] for _, k, r in out if k)
    return [t for t, k, _ in out if k], [k for _, k, _ in out if k], [r for _, k, r in out if k]


def real_round_table(show: int) -> None:
    """Real round-table text no one here wrote, labelled by reading, never tuned on: the seed's
    statements (each with its paragraph as its answer) and quotes from published round-table reports (no
    field: the text alone, each quote its own answer)."""
    sets = []
    sections: list = []
    seed = seed_statements(sections)
    if seed is not None:
        sets.append(("seed (泰安 policy evaluation, (一)–(三))", *seed))
    for path in sorted(WEB.glob("*.csv")) if WEB.is_dir() else []:
        rows = read(path)
        sets.append((f"round-table quotes ({path.name})", [normalize(r["text"]) for r in rows], [r["kind"] for r in rows],
                     None))
    if len(sets) > 1:  # answers told apart across the sets: (set, answer), a quote alone in its own
        sets.append(("all", sum((s[1] for s in sets), []), sum((s[2] for s in sets), []),
                     [(j, a) for j, s in enumerate(sets) for a in (s[3] or range(len(s[1])))]))
    if seed is not None:  # the seed again, each statement under its section as a form's field (成效 / 存在问题 / 意见建议)
        sets.append(("seed, sections as fields", *seed))
    for name, texts, gold, answers in sets:
        fields = sections if name == "seed, sections as fields" else None
        out = {b: [str(k) for k in kinds_as_run(texts, fields, b, answers)] for b in (True, False)}
        acc = {b: sum(g == p for g, p in zip(gold, pred)) / len(gold) for b, pred in out.items()}
        lost = sum(g in OFF and p == "problem" for g, p in zip(gold, out[False]))
        print(f"\n## real round-table text, {name}: {len(gold)} statements (labelled by reading, never trained on); "
              f"accuracy before {acc[True]:.3f} → after {acc[False]:.3f}; praise or none taken as a problem: {lost}")
        for before in (True, False):
            print(f"\n{'before' if before else 'after'}:")
            confusion(gold, out[before], list(KINDS))
        if show and name != "all":
            for t, g, p in zip(texts, gold, out[False]):
                if g != p:
                    print(f"- {g} → {p}: {t[:80]}")


def speed(n: int, dump: Path | None, compare: Path | None, profile: bool) -> None:
    """The kind stage's time on n statements of shopping reviews (split as the CLI splits, the model of
    the representation the pipeline picks), its first call in the process (the model's fit included)
    and a second, against plain `jieba.lcut` over the same statements in the same run. `dump` writes
    the kinds (one a line), `compare` checks them against such a file (the kinds must not change)."""
    import cProfile
    import pstats

    import jieba

    path = shared("online_shopping_reviews.csv")
    statements: list[str] = []
    answers: list[int] = []  # the row each statement was split from, as the pipeline passes it
    for i, row in enumerate(read(path)):
        split = [s.text for s in to_statements([row["text"]])]
        statements += split
        answers += [i] * len(split)
        if len(statements) >= n:
            break
    statements, answers = statements[:n], answers[:n]
    rep = choose_representation(len(statements))
    jieba.setLogLevel(60)
    jieba.initialize()
    started = time.perf_counter()
    for s in statements:
        jieba.lcut(s)
    seg = time.perf_counter() - started
    times = []
    prof = cProfile.Profile() if profile else None
    for run in range(2):
        started = time.perf_counter()
        if prof and run == 0:
            prof.enable()
        kinds = statement_kinds(statements, None, [False] * len(statements), rep, answers=answers)
        if prof and run == 0:
            prof.disable()
        times.append(time.perf_counter() - started)
    print(f"\n## kind stage speed: {len(statements):,} statements ({rep}); plain jieba.lcut {seg:.2f} s; "
          f"statement_kinds first call {times[0]:.2f} s ({times[0] / seg:.2f}x jieba), second {times[1]:.2f} s "
          f"({times[1] / seg:.2f}x); kinds {dict(Counter(map(str, kinds)))}")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    if dump:
        dump.write_text("\n".join(map(str, kinds)) + "\n", encoding="utf-8")
    if compare:
        old = compare.read_text(encoding="utf-8").split()
        same = sum(a == str(b) for a, b in zip(old, kinds))
        print(f"kinds identical to {compare}: {same} of {len(old)} ({'all' if same == len(old) == len(kinds) else 'NOT all'})")


def cross_validate(folds: int) -> None:
    from sklearn.model_selection import StratifiedKFold

    rows = read(TRAIN)
    gold = np.array([r["kind"] for r in rows])
    source = np.array([r.get("source") or "" for r in rows])
    pred = np.empty(len(rows), dtype=object)
    before = np.empty(len(rows), dtype=object)
    split = StratifiedKFold(folds, shuffle=True, random_state=0).split(rows, gold)
    with tempfile.TemporaryDirectory() as tmp:
        for n, (train, test) in enumerate(split):
            path = Path(tmp) / f"fold{n}.csv"
            with open(path, "w", encoding="utf-8", newline="") as f:
                out = csv.DictWriter(f, fieldnames=list(rows[0]))
                out.writeheader()
                out.writerows(rows[i] for i in train)
            model = StatementKinds(examples=path).fit()
            texts, fields = [rows[i]["text"] for i in test], [rows[i]["field"] or None for i in test]
            pred[test] = model.predict(texts, fields)
            before[test] = model.set_params(evidence=False).predict(texts, fields)
    written = source == "written"
    print(f"\n## {folds}-fold cross-validation on {TRAIN.name}: {len(rows)} statements")
    for name, p in (("before (evidence=False)", before), ("after", pred)):
        print(f"{name}: accuracy all {(p == gold).mean():.3f}, written for the model "
              f"{(p[written] == gold[written]).mean():.3f}")
    confusion(list(gold), list(pred), list(KINDS))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--cv", action="store_true", help="cross-validate on corpus/kinds/train.csv")
    parser.add_argument("--real", action="store_true", help="only the real round-table text (seed, quotes)")
    parser.add_argument("--speed", type=int, metavar="N", help="time the kind stage on N review statements")
    parser.add_argument("--dump", type=Path, help="--speed: write the kinds to this file")
    parser.add_argument("--compare", type=Path, help="--speed: check the kinds against this file")
    parser.add_argument("--profile", action="store_true", help="--speed: profile the first call")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--examples", type=Path, help="train the kind model on this file (text,field,kind[,…])")
    parser.add_argument("--reviews", type=int, default=REVIEWS, help="shopping reviews sampled (half of each sentiment)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--not-seed", type=int, action="append", default=[], metavar="S",
                        help="leave out the reviews of seed S's default sample (held out: repeat for several seeds)")
    parser.add_argument("--shopping", action="store_true", help="only the shopping reviews")
    parser.add_argument("--show", type=int, default=40, help="statements listed per wrong call (0: none)")
    args = parser.parse_args(argv)
    if args.examples:  # the pipeline's model reads its default examples from here (fit and cache key alike)
        import analysis._kinds_learned as learned

        learned.default_examples = lambda: args.examples
    start = time.perf_counter()
    if args.cv:
        cross_validate(args.folds)
    elif args.speed:
        speed(args.speed, args.dump, args.compare, args.profile)
    elif args.real:
        real_round_table(args.show)
    elif args.shopping:
        shopping(shared("online_shopping_reviews.csv"), args.reviews, args.seed, args.show, tuple(args.not_seed))
    elif args.files:
        for path in args.files:
            round_table(path, args.show)
    else:
        for name, run in (("citizen_messages_dev.csv", lambda p: citizen(p, args.show)),
                          ("online_shopping_reviews.csv", lambda p: shopping(p, args.reviews, args.seed, args.show, tuple(args.not_seed)))):
            path = shared(name)
            if path is None:
                print(f"\n## {name}: not found in {', '.join(map(str, SHARED))}")
            else:
                run(path)
        real_round_table(args.show)
        accs = {name: round_table(DATA / f"{name}.csv", args.show if name == "kinds_heldout2" else 0)
                for name in ROUND_TABLE}
        rows = sum(len(read(DATA / f"{n}.csv")) for n in ROUND_TABLE)
        total = sum(accs[n] * len(read(DATA / f"{n}.csv")) for n in ROUND_TABLE) / rows
        print(f"\nround-table sets, after: all {rows} statements {total:.3f}; held out (kinds_heldout2) "
              f"{accs['kinds_heldout2']:.3f}")
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
