"""A fixed sample of real text and its analysis, to show that speed work changes no result.

The sample: 1,200 shopping reviews (`online_shopping_reviews.csv`, rows 30,000–31,199) against
benchmarks/plans/shopping.toml, and the 150 citizen messages (`citizen_messages_dev.csv`, full of
names, ID and phone numbers) against the bundled business-environment plan, on the TF-IDF fast
path (the one large inputs take), with a roster, form fields, groups and a few staff decisions
(categories and kinds) so that masking, the kinds' field prior and their re-fit all run.

tests/data/analysis_golden.json was written by the code before the throughput work (main at
a00ea9c, with the kinds and theme-name work of 2026-12-07) with one BLAS thread
(OPENBLAS_NUM_THREADS=1), which the TF-IDF path now always uses (analysis.pipeline, ONE_THREAD).
The same code on this machine's default two BLAS threads differs in the theme of 4 of the 1,970
shopping statements (7 of 40 themes change members, quotes or name; categories, kinds,
confidences, ranks and the whole citizen sample are identical): the SVD's dense products sum in
another order with two threads, and k-means on the reduced vectors then draws a few boundaries
elsewhere. So before, the themes changed with the number of cores; now they do not.

`python tests/support/golden.py` writes the file from the code as it is: run it only after a change
meant to alter results (kinds, mapping, themes), and say so in the commit.
tests/test_analysis_identity.py compares each run of the pipeline with it.
"""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "analysis_golden.json"
ROSTER = ["朱琦梦", "杨均", "王伟（主任）", "李四 局长"]
FIELDS = ("存在问题", "意见建议", None)
GROUPS = ("企业", "个人", None)


def _rows(path: Path, first: int, count: int) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [row["text"] for row in csv.DictReader(f)]
    return rows[first:first + count]


def samples(folder: Path) -> dict[str, dict]:
    """The two inputs: name → {"texts", "plan", "fields", "groups"} (analyze's arguments)."""
    from analysis.plan import load_plan
    from analysis.resources import corpus_path

    out = {}
    for name, file, first, count, plan in (
            ("shopping", "online_shopping_reviews.csv", 30000, 1200, ROOT / "benchmarks" / "plans" / "shopping.toml"),
            ("citizen", "citizen_messages_dev.csv", 0, 150, corpus_path("plans", "city-business-environment.toml"))):
        texts = _rows(folder / file, first, count)
        out[name] = {"texts": texts, "plan": load_plan(plan),
                     "fields": [FIELDS[i % 3] for i in range(len(texts))],
                     "groups": [GROUPS[i % 3] for i in range(len(texts))]}
    return out


def decisions(texts: list[str], plan) -> tuple[dict[str, str], dict[str, str]]:
    """Staff decisions on a few statements, chosen by position: categories and kinds."""
    from analysis.text import to_statements

    statements = [s.text for s in to_statements(texts)]
    ids = [c.id for c in plan.categories] + ["other"]
    confirmed = {statements[i]: ids[i % len(ids)] for i in range(3, len(statements), 97)}
    kinds = ("problem", "suggestion", "praise", "none")
    kinds_confirmed = {statements[i]: kinds[i % 4] for i in range(5, len(statements), 131)}
    return confirmed, kinds_confirmed


def run(sample: dict, **options) -> dict:
    """The pipeline on one sample, with its staff decisions."""
    from analysis.pipeline import analyze

    confirmed, kinds_confirmed = decisions(sample["texts"], sample["plan"])
    return analyze(sample["texts"], sample["plan"], groups=sample["groups"], fields=sample["fields"],
                   confirmed=confirmed, kinds_confirmed=kinds_confirmed, names=ROSTER,
                   representation="tfidf", **options)


def digest(result: dict) -> dict:
    """What is compared: every statement's row, kind, category, theme, rank and confidence, a hash
    of the statements' text, and the categories, kinds and themes in full."""
    texts = "\n".join(s["text"] for s in result["statements"])
    return {"text_sha256": hashlib.sha256(texts.encode()).hexdigest(),
            "statements": [f"{s['row']} {s['kind']} {s['category']} {s['theme']} {s['review_rank']} "
                           f"{s['confidence']}" for s in result["statements"]],
            "categories": result["categories"], "kinds": result["kinds"], "themes": result["themes"]}


def main() -> None:
    import os

    folder = Path(os.environ.get("PINGJIA_SHARED_DATA") or "/work/shared/data")
    out = {name: digest(run(sample)) for name, sample in samples(folder).items()}
    GOLDEN.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{GOLDEN}: " + ", ".join(f"{k} {len(v['statements'])} 条" for k, v in out.items()))


if __name__ == "__main__":
    main()
