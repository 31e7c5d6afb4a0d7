"""How fast is the whole analysis next to plain jieba segmentation?

    python benchmarks/throughput.py [N] [--interactive M] [--profile] [--data PATH] [--plan PATH]

1. Large scale: shopping reviews are split into statements until N (default 100,000) are
   collected (past the file's 137,200 statements the reviews come round again); `analyze` runs
   on those reviews (split, mask, kinds, segment, vectorise, map, cluster, keywords; no word
   clouds) with the representation it picks for that size, and plain `jieba.lcut` runs over the
   same N statements. Each runs in its own subprocess: its time, its CPU time (with its worker
   processes), its peak RSS and the peak of all its processes' PSS (a page forked workers share
   with the parent counts once), sampled every 0.1 s from this process.
2. Interactive scale: `analyze` on M (default 2,000; 0: skipped) statements with the
   representation it picks for that size, end to end, sentence-vector cache off (a first run).
3. `--profile`: `analyze` on the N statements again, in one process, each stage timed (its time
   and its CPU time).

Prints the times, their ratio (and the ratio of CPU times: on a busy machine, where processes
share the cores, the time a run takes says as much about the others as about it), the load
averages and peak memory, and writes them to benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# the shared data folder: $PINGJIA_SHARED_DATA, else beside the repository (a worktree's is /work/shared)
_SHARED = [Path(p) for p in (os.environ.get("PINGJIA_SHARED_DATA", ""), ROOT.parent / "shared" / "data",
                             "/work/shared/data") if p]
DATA = next((p for p in _SHARED if p.is_dir()), _SHARED[0]) / "online_shopping_reviews.csv"
PLAN = ROOT / "benchmarks" / "plans" / "shopping.toml"


def reviews_for(n_statements: int, data: Path) -> tuple[list[str], list[str]]:
    """The first reviews whose statements add up to n (and those statements); past the end of
    the file (137,200 statements) the reviews come round again, as the same answers would from
    more people."""
    from analysis.text import to_statements

    with data.open(encoding="utf-8-sig", newline="") as f:
        rows = [row["text"] for row in csv.DictReader(f)]
    reviews, statements = [], []
    for text in itertools.cycle(rows):
        parts = [s.text for s in to_statements([text])]
        if len(statements) + len(parts) > n_statements:
            parts = parts[: n_statements - len(statements)]
            text = "。".join(parts)
        reviews.append(text)
        statements.extend(parts)
        if len(statements) >= n_statements:
            break
    return reviews, statements


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _pss_kb(pid: int) -> int:
    """Proportional set size: a page shared by n processes counts 1/n in each (forked workers
    share the parent's pages), so the sum over processes is the memory they hold together."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
    except OSError:
        return 0


def _family(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


class MemorySampler:
    """The largest PSS sum of process `pid` and its worker processes, sampled every 0.1 s from
    another process (a thread in the analysis's own process would keep it from forking its
    workers: `analysis._batch.can_fork`)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.1):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _family(self.pid)))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _own_and_workers_cpu() -> tuple[float, float]:
    """CPU time (user + system) of this process and of its finished worker processes."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime


def _cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes (user + system)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


# What `--profile` times, inclusive, in one process: (module, owner attribute path, stage).
PROFILED = [
    ("analysis._batch", "to_statements", "splitting"),
    ("analysis._batch", "mask_text", "masking"),
    ("analysis.kinds", "StatementKinds.predict", "kinds"),
    ("analysis.embed", "WordCounts.add", "tokenising (segment, filter, count)"),
    ("analysis.embed", "TfidfEmbedder.fit_transform_counts", "TF-IDF from the counts"),
    ("analysis.mapping", "CategoryMapper.fit", "mapping"),
    ("analysis.pipeline", "reduce", "themes: SVD"),  # in a forked process, while the mapping runs (two workers)
    ("analysis.themes", "ThemeClusterer._choose", "themes: per-block clustering"),
    ("analysis.themes", "ThemeClusterer._keywords", "themes: keywords"),
    ("analysis.themes", "theme_name", "themes: names"),
    ("analysis.themes", "ThemeClusterer.fit", "themes (all)"),
]


def _timed(spent: dict, stage: str, fn):
    def timed(*args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            was = spent.get(stage, (0.0, 0.0))
            spent[stage] = (was[0] + time.perf_counter() - start, was[1] + time.process_time() - cpu)
    return timed


def _profile(spent: dict) -> None:
    """Wrap each function of PROFILED so that its time adds to its stage in `spent`."""
    import importlib

    for module_name, path, stage in PROFILED:
        owner = importlib.import_module(module_name)
        *outer, name = path.split(".")
        for part in outer:
            owner = getattr(owner, part)
        setattr(owner, name, _timed(spent, stage, getattr(owner, name)))


def child(job: str, n: int, data: Path, plan_path: Path) -> dict:
    reviews, statements = reviews_for(n, data)
    if job == "jieba":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()  # dictionary loading is not segmentation
        started, cpu = time.perf_counter(), _cpu_seconds()
        for s in statements:
            jieba.lcut(s)
        return {"seconds": time.perf_counter() - started, "cpu": _cpu_seconds() - cpu, "peak_mb": _peak_mb(),
                "statements": len(statements)}

    # the analysis is given the answers alone: `pingjia analyze` holds no list of their statements
    # (jieba's, 130 MB at a million: it counted in the peak memory measured until 2026-12-07)
    del statements
    from analysis.pipeline import analyze
    from analysis.plan import load_plan

    plan = load_plan(plan_path)
    stages: dict[str, float] = {}
    spent: dict[str, float] = {}
    if job == "profile":  # one process, each stage timed
        _profile(spent)
    started, cpu = time.perf_counter(), _cpu_seconds()

    # each stage's CPU time in this process and in its worker processes (counted when they end: the
    # split's at the split, the SVD's and the themes' at the themes), apart: on a shared machine the
    # time a stage takes says as much about the others as about it
    cpu_by_stage: dict[str, list[float]] = {}
    last = [_own_and_workers_cpu()]

    def progress(stage, done, total):
        if done == total:
            stages[stage] = round(time.perf_counter() - started, 2)
            now = _own_and_workers_cpu()
            cpu_by_stage[stage] = [round(now[0] - last[0][0], 2), round(now[1] - last[0][1], 2)]
            last[0] = now

    result = analyze(reviews, plan, progress=progress, cache_dir=False, workers=1 if job == "profile" else None)
    return {"seconds": time.perf_counter() - started, "cpu": _cpu_seconds() - cpu, "peak_mb": _peak_mb(),
            "profile": {k: [round(x, 2) for x in v] for k, v in spent.items()},
            "workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "statements": len(result["statements"]), "themes": len(result["themes"]),
            "stages": stages, "cpu_by_stage": cpu_by_stage}


def run_child(job: str, n: int, args) -> dict:
    with subprocess.Popen([sys.executable, __file__, "--child", job, str(n), "--data", str(args.data),
                           "--plan", str(args.plan)], stdout=subprocess.PIPE, text=True) as process:
        with MemorySampler(process.pid) as memory:
            out, _ = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args, out)
    return {**json.loads(out.strip().splitlines()[-1]), "all_mb": memory.peak_kb / 1024}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--interactive", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--plan", type=Path, default=PLAN)
    parser.add_argument("--profile", action="store_true", help="time each stage in one process too")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.n, args.data, args.plan)))
        return 0

    from analysis.pipeline import choose_representation

    loads = [os.getloadavg()[0]]
    jieba_run = run_child("jieba", args.n, args)
    loads.append(os.getloadavg()[0])
    full = run_child("analyze", args.n, args)
    loads.append(os.getloadavg()[0])
    small = run_child("analyze", args.interactive, args) if args.interactive else None
    profile = run_child("profile", args.n, args) if args.profile else None
    ratio = full["seconds"] / jieba_run["seconds"]
    cpu_ratio = full["cpu"] / jieba_run["cpu"]

    def row(name, run, rep="–"):
        return (f"| {name} | {run['statements']:,} | {rep} | {run['seconds']:.1f} | {run['cpu']:.1f} | "
                f"{run['peak_mb']:.0f} MB | {run.get('all_mb', run['peak_mb']):.0f} MB |")

    lines = [
        "| run | statements | representation | seconds | CPU seconds | peak RSS (main process) | peak, all processes (PSS) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        row("plain `jieba.lcut`", jieba_run),
        row("`analyze` (no word clouds)", full, choose_representation(full["statements"])),
    ]
    if small:
        lines.append(row("`analyze`, interactive, cold cache", small, choose_representation(small["statements"])))
    lines += [
        "",
        f"Whole analysis / jieba segmentation: **{ratio:.2f}x** in time (target ≤ 1.0x), {cpu_ratio:.2f}x in "
        f"CPU time; peak memory {full['all_mb'] / 1024:.2f} GB, all processes (target < 2 GB)"
        + (f"; interactive {small['seconds']:.1f} s (target < 60 s)." if small else "."),
        f"Load average (1 min) before jieba, before analyze, after: {', '.join(f'{x:.1f}' for x in loads)} "
        f"({os.cpu_count()} cores).",
        "",
        f"Stage end times (s), large run: {full['stages']}"
        + (f"; interactive run: {small['stages']}." if small else "."),
        "CPU seconds by stage, large run (this process / its workers): "
        + ", ".join(f"{k} {a:.2f} / {b:.2f}" for k, (a, b) in full.get("cpu_by_stage", {}).items()) + ".",
    ]
    if profile:
        total, jieba_s, jieba_cpu = profile["seconds"], jieba_run["seconds"], jieba_run["cpu"]
        lines += ["", f"Stages in one process (`--profile`, {profile['statements']:,} statements, {total:.1f} s, "
                  f"{profile['cpu']:.1f} CPU s; jieba {jieba_s:.1f} s, {jieba_cpu:.1f} CPU s in the same run):", "",
                  "| stage | seconds | / jieba | CPU seconds | / jieba's CPU |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {stage} | {sec:.2f} | {sec / jieba_s:.2f}x | {cpu:.2f} | {cpu / jieba_cpu:.2f}x |"
                  for stage, (sec, cpu) in profile["profile"].items()]
        lines.append(f"| whole analysis | {total:.2f} | {total / jieba_s:.2f}x | {profile['cpu']:.2f} | "
                     f"{profile['cpu'] / jieba_cpu:.2f}x |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        from evaluate import _write

        _write(args.out, "Throughput", text + "\n", f"python benchmarks/throughput.py {args.n} "
               f"--interactive {args.interactive}" + (" --profile" if args.profile else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
