"""Score category mapping and theme clustering on labelled public data, beside baselines.

    python benchmarks/evaluate.py [--n 2000] [--seed 0] [--representation e5+use]
                                  [--data-dir ../shared/data] [--out benchmarks/RESULTS.md]

For each labelled CSV (read at run time from the shared data folder, never copied here)
with a plan in benchmarks/plans/ (written from general knowledge, as a user would):
exact duplicate texts are dropped, then `--n` rows are sampled with a fixed seed.

- Mapping: `CategoryMapper` with the plan, forced to a category (the data has no "other"
  class), accuracy and macro-F1; the share the default thresholds would send to "other";
  the same mapper with no smoothing or self-training (pure zero-shot); and the baseline,
  keyword TF-IDF cosine (statement vs. category name + keywords, jieba tokens).
- Open set ("other" inside a domain): the same rows, but the mapper gets a plan with only
  half of the categories — every other one in sorted id order (the 1st, 3rd, 5th, ...),
  a fixed subset — and statements of the held-out labels count as gold "other". Accuracy,
  macro-F1 over the kept labels plus "other", other-precision/recall, and the expected
  calibration error of `confidence` (10 bins) against being right, all at the defaults.
- In domain: `benchmarks/data/ip_dev_statements.csv` (statements written for tuning, labels
  the seed plan's three category ids or "other") and `benchmarks/data/demo_statements.csv`
  (hand-labelled statements from the demo round table, same labels), each mapped with the
  seed plan corpus/plans/taian-ip-14th-fyp.toml at the defaults, the same figures. The
  development set may be tuned on; the demo statements are held out: checked, not tuned on.
- Clustering: the theme clusterer's algorithm with k = number of labels, NMI and ARI;
  baselines jieba TF-IDF + k-means and sentence encoder + k-means on the same rows.

Prints a markdown table and writes it to `--out`.
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import (
    accuracy_score,
    adjusted_rand_score,
    f1_score,
    normalized_mutual_info_score,
    precision_score,
    recall_score,
)

from analysis.embed import make_embedder
from analysis.io import labelled_sample
from analysis.mapping import OTHER, CategoryMapper
from analysis.pipeline import BEST_REPRESENTATION, analyze
from analysis.plan import load_plan
from analysis.text import normalize
from analysis.themes import cluster
from analysis.tokenize import ChineseTokenizer

ROOT = Path(__file__).resolve().parent.parent

DEMO = ROOT / "benchmarks" / "data" / "demo_statements.csv"
DEVS = (ROOT / "benchmarks" / "data" / "ip_dev_statements.csv",  # in domain, written for tuning
        ROOT / "benchmarks" / "data" / "ip_dev2_statements.csv")
SEED_PLAN = ROOT / "corpus" / "plans" / "taian-ip-14th-fyp.toml"
SETS = {  # data file stem → plan file stem
    "thucnews_titles_dev": "thucnews",
    "toutiao_titles_dev": "toutiao",
    "online_shopping_reviews": "shopping",
}


load_sample = labelled_sample  # analysis.io: the guards in tests/ read the same sample


def plan_with_labels(stem: str):
    """The plan and, per category id, the data set's label (`[benchmark.labels]`, else the id)."""
    path = ROOT / "benchmarks" / "plans" / f"{stem}.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("benchmark", {}).get("labels", {})
    plan = load_plan(path)
    return plan, {c.id: table.get(c.id, c.id) for c in plan.categories}


def keyword_baseline(texts, plan, tokenizer) -> np.ndarray:
    docs = [" ".join([c.name, *c.keywords]) for c in plan.categories]
    vec = TfidfVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False).fit(texts + docs)
    sims = (vec.transform(texts) @ vec.transform(docs).T).toarray()
    return sims.argmax(axis=1)


def calibration_error(confidence, correct, bins: int = 10) -> float:
    """Expected calibration error: |mean confidence − accuracy| per confidence bin, weighted."""
    confidence, correct = np.asarray(confidence), np.asarray(correct, dtype=float)
    err = 0.0
    for b in range(bins):
        inside = (confidence > b / bins) & (confidence <= (b + 1) / bins)
        if b == 0:
            inside |= confidence == 0
        if inside.any():
            err += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(err)


def open_set_scores(gold, pred, confidence) -> dict:
    gold, pred = np.array(gold, dtype=object), np.array(pred, dtype=object)
    return {
        "n": len(gold), "gold_other": float(np.mean(gold == OTHER)),
        "acc": accuracy_score(gold, pred), "f1": f1_score(gold, pred, average="macro"),
        "other_p": precision_score(gold, pred, labels=[OTHER], average="macro", zero_division=0),
        "other_r": recall_score(gold, pred, labels=[OTHER], average="macro", zero_division=0),
        "ece": calibration_error(confidence, gold == pred),
    }


def open_set(texts, y, plan, label_of, embedder, X, seed) -> dict:
    """Half the plan (every other category in sorted id order); held-out labels are gold other."""
    kept = sorted(plan.categories, key=lambda c: c.id)[::2]
    known = {label_of[c.id] for c in kept}
    mapper = CategoryMapper(kept, embedder=embedder, random_state=seed).fit(texts, embeddings=X)
    pred = [OTHER if c == OTHER else label_of[c] for c in mapper.labels_]
    gold = [t if t in known else OTHER for t in y]
    return {"categories": f"{len(kept)} of {len(plan.categories)}",
            **open_set_scores(gold, pred, mapper.confidence_)}


def read_in_domain(path: Path) -> tuple[list[str], list[str], list[str | None]]:
    """Texts, gold labels and the form field of each (`source`: problems / suggestions, or None)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return ([normalize(r["text"]) for r in rows], [r["label"].strip() for r in rows],
            [(r.get("source") or "").strip() or None for r in rows])


def pipeline_labels(texts, fields, plan, representation: str, seed: int) -> list[str]:
    """What `analysis.pipeline.analyze` does with each text as one answer (no splitting): kinds
    first; a "none" statement gets no category (scored as "other"), like a text that gives no
    statement at all (an empty answer); every other statement is mapped, whatever its kind."""
    result = analyze(texts, plan, split=False, fields=fields, representation=representation,
                     random_state=seed)
    label = [OTHER] * len(texts)
    for s in result["statements"]:
        if s["category"] is not None:
            label[s["row"]] = s["category"]
    return label


def evaluate_in_domain(path: Path, args) -> list[dict]:
    """Two rows: the mapper alone on every statement, then what the pipeline does (kinds first)."""
    texts, y, fields = read_in_domain(path)
    plan = load_plan(SEED_PLAN)
    embedder = make_embedder(args.representation, tokenizer=ChineseTokenizer())
    X = embedder.fit_transform(texts)
    mapper = CategoryMapper(plan, embedder=embedder, random_state=args.seed).fit(texts, embeddings=X)
    alone = {"data": f"{path.stem}, mapper alone", "categories": f"{len(plan.categories)} (seed plan)",
             **open_set_scores(y, list(mapper.labels_), mapper.confidence_)}
    piped = pipeline_labels(texts, fields, plan, args.representation, args.seed)
    scores = open_set_scores(y, piped, np.ones(len(y)))
    scores["ece"] = float("nan")  # the pipeline's statements without a category have no confidence
    return [alone, {"data": f"{path.stem}, pipeline (kinds first)",
                    "categories": f"{len(plan.categories)} (seed plan)", **scores}]


def pipeline_scores(texts, y, plan, label_of, representation: str, seed: int, k: int | None = None,
                    fields=None) -> dict:
    """The pipeline as the CLI and the job run it (`analyze`: kinds first, then mapping and
    themes), each text one answer. Accuracy at the defaults: a statement the pipeline leaves in
    no category ("none") or sends to 未归类 counts as wrong. NMI of the themes (`n_themes=k`)
    against the labels, statements in no theme forming one cluster of their own; `left_out`:
    statements with content (kind not "none") in no theme — the issue says none may be."""
    started = time.perf_counter()
    result = analyze(texts, plan, split=False, n_themes=k, representation=representation,
                     random_state=seed, fields=fields)
    seconds = time.perf_counter() - started
    category = [None] * len(texts)
    theme = ["(none)"] * len(texts)
    kind = ["none"] * len(texts)
    for s in result["statements"]:
        category[s["row"]], kind[s["row"]] = s["category"], s["kind"]
        theme[s["row"]] = s["theme"] or "(none)"
    pred = [label_of.get(c, OTHER) if c else OTHER for c in category]
    out = {"pipe_s": seconds, "kinds": {k_: kind.count(k_) for k_ in ("problem", "suggestion", "praise", "none")},
           "no_category": sum(c is None for c in category),
           "left_out": sum(1 for t, k_ in zip(theme, kind) if k_ != "none" and t == "(none)")}
    if y is not None:
        out["pipe_acc"] = accuracy_score(y, pred)
        out["pipe_f1"] = f1_score(y, pred, average="macro")
        out["pipe_nmi"] = normalized_mutual_info_score(y, theme)
    return out


def evaluate_set(data: Path, plan_stem: str, args) -> dict:
    texts, y = load_sample(data, args.n, args.seed)
    plan, label_of = plan_with_labels(plan_stem)
    ids = [c.id for c in plan.categories]
    tokenizer = ChineseTokenizer()
    out = {"data": data.stem, "n": len(texts), "labels": len(set(y))}

    started = time.perf_counter()
    embedder = make_embedder(args.representation, tokenizer=tokenizer)
    X = embedder.fit_transform(texts)
    mapper = CategoryMapper(plan, embedder=embedder, random_state=args.seed).fit(texts, embeddings=X)
    forced = [label_of[ids[j]] for j in mapper.proba_.argmax(axis=1)]
    out["acc"] = accuracy_score(y, forced)
    out["f1"] = f1_score(y, forced, average="macro")
    out["other"] = float(np.mean(mapper.labels_ == "other"))
    out["map_s"] = time.perf_counter() - started
    out["open"] = {"data": data.stem, **open_set(texts, y, plan, label_of, embedder, X, args.seed)}

    zero = CategoryMapper(plan, embedder=embedder, n_neighbors=0, seed_fractions=()).fit(texts, embeddings=X)
    zs = [label_of[ids[j]] for j in zero.scores_.argmax(axis=1)]
    out["zs_acc"] = accuracy_score(y, zs)
    kw = [label_of[ids[j]] for j in keyword_baseline(texts, plan, tokenizer)]
    out["kw_acc"] = accuracy_score(y, kw)
    out["kw_f1"] = f1_score(y, kw, average="macro")

    k = len(set(y))
    out.update(pipeline_scores(texts, y, plan, label_of, args.representation, args.seed, k))
    labels = cluster(X, k, random_state=args.seed)
    out["nmi"] = normalized_mutual_info_score(y, labels)
    out["ari"] = adjusted_rand_score(y, labels)
    km = KMeans(k, n_init=10, random_state=args.seed).fit_predict(X)
    out["enc_nmi"] = normalized_mutual_info_score(y, km)
    jieba_tok = ChineseTokenizer(engine="jieba")
    T = TfidfVectorizer(tokenizer=jieba_tok, token_pattern=None, lowercase=False).fit_transform(texts)
    base = KMeans(k, n_init=10, random_state=args.seed).fit_predict(T)
    out["base_nmi"] = normalized_mutual_info_score(y, base)
    out["base_ari"] = adjusted_rand_score(y, base)
    return out


def pipeline_table(results: list[dict], representation: str) -> str:
    """What users see: the pipeline as `pingjia analyze --no-split --themes k` runs it."""
    head = ("| data | n | category accuracy (pipeline, at defaults) | macro-F1 | in no category (kind none) "
            "| kinds problem / suggestion / praise / none | themes NMI (k = labels) | with content, in no theme "
            "| seconds | mapper alone: forced acc / NMI of `cluster` |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    rows = []
    for r in results:
        k = r["kinds"]
        acc = f"{r['pipe_acc']:.3f}" if "pipe_acc" in r else "– (no category labels)"
        f1 = f"{r['pipe_f1']:.3f}" if "pipe_f1" in r else "–"
        nmi = f"{r['pipe_nmi']:.3f}" if "pipe_nmi" in r else "–"
        alone = f"{r['acc']:.3f} / {r['nmi']:.3f}" if "acc" in r else "–"
        rows.append(f"| {r['data']} | {r['n']} | {acc} | {f1} | {r['no_category']} | {k['problem']} / "
                    f"{k['suggestion']} / {k['praise']} / {k['none']} | {nmi} | {r['left_out']} | {r['pipe_s']:.0f} "
                    f"| {alone} |\n")
    return f"Representation: `{representation}`.\n\n" + head + "".join(rows)


def evaluate_unlabelled(path: Path, args) -> dict:
    """Real messages with no category labels (citizen_messages_dev.csv: every one an issue):
    what the pipeline keeps — each should be in a category (here 未归类: no plan fits a city's
    message board) and a theme, none taken as "none"."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        texts = [normalize(r["text"]) for r in csv.DictReader(f)]
    out = {"data": f"{path.stem} (no plan; `--field-column` 存在问题)", "n": len(texts)}
    out.update(pipeline_scores(texts, None, None, {}, args.representation, args.seed,
                               fields=["存在问题"] * len(texts)))
    return out


def table(results: list[dict], representation: str) -> str:
    head = ("| data | n | mapping acc | macro-F1 | → other at defaults | zero-shot only acc "
            "| keyword TF-IDF acc / F1 (baseline) | themes NMI / ARI (k = labels) "
            "| jieba TF-IDF + k-means NMI / ARI (baseline) | encoder + k-means NMI |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    rows = "".join(
        f"| {r['data']} | {r['n']} | {r['acc']:.3f} | {r['f1']:.3f} | {r['other']:.1%} | {r['zs_acc']:.3f} "
        f"| {r['kw_acc']:.3f} / {r['kw_f1']:.3f} | {r['nmi']:.3f} / {r['ari']:.3f} "
        f"| {r['base_nmi']:.3f} / {r['base_ari']:.3f} | {r['enc_nmi']:.3f} |\n"
        for r in results)
    return f"Representation: `{representation}`.\n\n" + head + rows


def open_table(rows: list[dict]) -> str:
    head = ("| data | n | plan categories | gold other | accuracy | macro-F1 (with other) "
            "| other precision / recall | confidence ECE |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- |\n")
    return head + "".join(
        f"| {r['data']} | {r['n']} | {r['categories']} | {r['gold_other']:.1%} | {r['acc']:.3f} "
        f"| {r['f1']:.3f} | {r['other_p']:.3f} / {r['other_r']:.3f} | {_ece(r['ece'])} |\n" for r in rows)


def _ece(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:.3f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--representation", default=BEST_REPRESENTATION)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--no-demo", action="store_true",
                        help="skip the held-out demo statements (while developing) and write nothing")
    args = parser.parse_args(argv)

    results = []
    citizens = args.data_dir / "citizen_messages_dev.csv"
    unlabelled = [evaluate_unlabelled(citizens, args)] if citizens.exists() and args.sets else []
    for stem in args.sets:
        path = args.data_dir / f"{stem}.csv"
        if not path.exists():
            print(f"skip {stem}: {path} not found", file=sys.stderr)
            continue
        r = evaluate_set(path, SETS[stem], args)
        print(f"{stem}: mapping {r['acc']:.3f} ({r['map_s']:.0f} s), NMI {r['nmi']:.3f}", file=sys.stderr)
        results.append(r)
    opens = [r["open"] for r in results]
    for p in (*DEVS, *(() if args.no_demo else (DEMO,))):
        if p.exists():
            opens.extend(evaluate_in_domain(p, args))
    text = ("What users see: the pipeline as `pingjia analyze --no-split --themes k` and the web job run it "
            "(kinds first; every statement but kind \"none\" gets a category, 未归类 included, and a theme). "
            "Accuracy at the defaults: a statement in no category or in 未归类 counts as wrong.\n\n"
            + pipeline_table(results + unlabelled, args.representation)
            + "\nThe mapper alone (secondary: what the pipeline's mapping stage does with every statement):\n\n"
            + table(results, args.representation)
            + "\nOpen set: plans with every other category (sorted ids) held out, held-out labels "
            "gold \"other\"; last six rows in domain, seed plan: two development sets written for tuning, "
            "then the hand-labelled demo statements (held out), each scored for the mapper alone and for "
            "what the pipeline does (kinds first: only kind none gets no category, scored as \"other\").\n\n"
            + open_table(opens))
    print(text)
    if args.out and not args.no_demo:
        _write(args.out, "Evaluation", text, f"python benchmarks/evaluate.py --n {args.n} --seed {args.seed} "
               f"--representation {args.representation}")
    return 0


def _write(path: Path, section: str, body: str, command: str) -> None:
    """Replace one `## section` of RESULTS.md, keeping the others (throughput.py writes its own)."""
    marker = f"## {section}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    new_section = f"{marker}\n`{command}`\n\n{body}\n"
    if marker in old:
        before, rest = old.split(marker, 1)
        after = rest[rest.find("\n## "):] if "\n## " in rest else ""
        old = before + new_section + ("\n" + after.lstrip("\n") if after else "")
    else:
        old = old.rstrip("\n") + "\n\n" + new_section
    path.write_text(old, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
