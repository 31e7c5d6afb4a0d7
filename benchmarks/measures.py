"""Suggestions → plan measures, against hand labels (issue 24 item 5).

    PYTHONPATH=. python benchmarks/measures.py [--mapper] [--show]

`benchmarks/data/measures_labels.csv` (`text,plan,measure,also`): every suggestion statement of
the demo (seed plan, 47) and of the two 营商环境 test sessions (tests/support/report_sessions.py,
30), as the splitter gives them, labelled by hand before the fit rule was written: `measure` the
measure it plainly supports, or `none`; `also` other answers that are defensible (a suggestion
that may or may not be read as the measure: either answer is counted as fitting).

Printed: how many suggestions get a measure, how many of those fit (the measure is `measure`
or in `also`), how many do not (forced), and how many of the plainly supported ones get their
measure. `--mapper`: also the earlier way (the open-set category mapper over the measures, as
`analyze` runs it), for the before/after table. `--show`: each suggestion and its measure.
These statements were written by the team (fictional answers): the figures say how the rule
behaves, not how it does on real text.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

from analysis.measures import map_to_measures, measures_plan
from analysis.plan import OTHER, load_plan
from analysis.resources import corpus_path

LABELS = Path(__file__).with_name("data") / "measures_labels.csv"


def mapper_measures(texts, measures) -> list[str | None]:
    """The earlier way: the measures as a small plan, mapped by `analyze` (kinds, open-set mapper)."""
    from analysis.pipeline import analyze

    result = analyze(list(texts), measures_plan(measures), split=False, n_themes=1, cache_dir=False)
    out: list[str | None] = [None] * len(texts)
    for s in result["statements"]:
        out[s["row"]] = None if s["category"] in (OTHER, None) else s["category"]
    return out


def score(rows, predicted) -> dict:
    attached = [(r, m) for r, m in zip(rows, predicted) if m]
    fitting = sum(m == r["measure"] or m in r["also"].split("|") for r, m in attached)
    plain = [(r, m) for r, m in zip(rows, predicted) if r["measure"] != "none"]
    return {"suggestions": len(rows), "attached": len(attached), "fitting": fitting,
            "forced": len(attached) - fitting, "plain": len(plain),
            "plain_found": sum(m == r["measure"] for r, m in plain)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mapper", action="store_true")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    with LABELS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ways = {"fit rule": map_to_measures}
    if args.mapper:
        ways = {"mapper (before)": mapper_measures, **ways}
    for name, way in ways.items():
        predicted = []
        for plan_id in dict.fromkeys(r["plan"] for r in rows):
            plan = load_plan(corpus_path("plans", f"{plan_id}.toml"))
            mine = [r for r in rows if r["plan"] == plan_id]
            predicted += way([r["text"] for r in mine], plan.measures)
        for part in ("taian-ip-14th-fyp", "city-business-environment", None):
            sel = [(r, m) for r, m in zip(rows, predicted) if part is None or r["plan"] == part]
            print(name, part or "all", score([r for r, _ in sel], [m for _, m in sel]))
        if args.show:
            for r, m in zip(rows, predicted):
                ok = "" if not m else "fits" if m == r["measure"] or m in r["also"].split("|") else "FORCED"
                print(f"  {m or '其他建议'}\t{ok}\t{r['measure']}\t{r['text'][:50]}")


if __name__ == "__main__":
    main()
