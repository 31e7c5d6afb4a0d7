"""How fast is the whole analysis next to plain jieba segmentation?

    python benchmarks/throughput.py [N] [--interactive M] [--data PATH] [--plan PATH]

1. Large scale: shopping reviews are split into statements until N (default 100,000) are
   collected; `analyze` runs on those reviews (split, segment, vectorise, map, cluster,
   keywords; no word clouds) with the representation it picks for that size, and plain
   `jieba.lcut` runs over the same N statements. Each runs in its own subprocess, so peak
   memory (ru_maxrss) is that run's alone.
2. Interactive scale: `analyze` on M (default 2,000) statements with the representation it
   picks for that size, end to end, sentence-vector cache off (a first run).

Prints the times, their ratio and peak memory, and writes them to benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DATA = ROOT.parent / "shared" / "data" / "online_shopping_reviews.csv"
PLAN = ROOT / "benchmarks" / "plans" / "shopping.toml"


def reviews_for(n_statements: int, data: Path) -> tuple[list[str], list[str]]:
    """The first reviews whose statements add up to n (and those statements)."""
    from analysis.text import to_statements

    reviews, statements = [], []
    with data.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            parts = [s.text for s in to_statements([row["text"]])]
            if len(statements) + len(parts) > n_statements:
                parts = parts[: n_statements - len(statements)]
                row["text"] = "。".join(parts)
            reviews.append(row["text"])
            statements.extend(parts)
            if len(statements) >= n_statements:
                break
    return reviews, statements


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(job: str, n: int, data: Path, plan_path: Path) -> dict:
    reviews, statements = reviews_for(n, data)
    if job == "jieba":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()  # dictionary loading is not segmentation
        started = time.perf_counter()
        for s in statements:
            jieba.lcut(s)
        return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(), "statements": len(statements)}

    from analysis.pipeline import analyze
    from analysis.plan import load_plan

    plan = load_plan(plan_path)
    stages: dict[str, float] = {}
    started = time.perf_counter()

    def progress(stage, done, total):
        if done == total:
            stages[stage] = round(time.perf_counter() - started, 2)

    result = analyze(reviews, plan, progress=progress, cache_dir=False)
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(),
            "statements": len(result["statements"]), "themes": len(result["themes"]),
            "stages": stages}


def run_child(job: str, n: int, args) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", job, str(n), "--data", str(args.data),
                          "--plan", str(args.plan)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--interactive", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--plan", type=Path, default=PLAN)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.n, args.data, args.plan)))
        return 0

    from analysis.pipeline import choose_representation

    jieba_run = run_child("jieba", args.n, args)
    full = run_child("analyze", args.n, args)
    small = run_child("analyze", args.interactive, args)
    ratio = full["seconds"] / jieba_run["seconds"]
    lines = [
        "| run | statements | representation | seconds | peak memory |",
        "| --- | --- | --- | --- | --- |",
        f"| plain `jieba.lcut` | {jieba_run['statements']:,} | – | {jieba_run['seconds']:.1f} | {jieba_run['peak_mb']:.0f} MB |",
        f"| `analyze` (no word clouds) | {full['statements']:,} | {choose_representation(full['statements'])} "
        f"| {full['seconds']:.1f} | {full['peak_mb']:.0f} MB |",
        f"| `analyze`, interactive, cold cache | {small['statements']:,} | "
        f"{choose_representation(small['statements'])} | {small['seconds']:.1f} | {small['peak_mb']:.0f} MB |",
        "",
        f"Whole analysis / jieba segmentation: **{ratio:.2f}x** (target ≤ 1.0x); "
        f"peak memory {full['peak_mb'] / 1024:.2f} GB (target < 2 GB); "
        f"interactive {small['seconds']:.1f} s (target < 60 s).",
        "",
        f"Stage end times (s), large run: {full['stages']}; interactive run: {small['stages']}.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        from evaluate import _write

        _write(args.out, "Throughput", text + "\n", f"python benchmarks/throughput.py {args.n} "
               f"--interactive {args.interactive}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
