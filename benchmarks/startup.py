"""How fast does Pingjia start, next to bare Flask? (issue 25: fast start)

    python benchmarks/startup.py [--repeat N] [--against DIR ...]

Times, alternating in the same run and N times each (default 7), on a scratch SQLite database
made by `pingjia init-db`:

- the baseline `python -c "import flask"`;
- `pingjia --help` and `pingjia list-sessions` (a command's whole start-up);
- `pingjia serve` until its first page (`/staff/login`) answers;

and prints the median of each in seconds and as a ratio to the baseline, the load average
before and after, and which model libraries (numpy, scikit-learn, scipy, jieba) the app factory
and the CLI import (target: none; each command under 1 s on an idle 2-core machine).

`--against DIR` (repeatable) times another checkout of Pingjia (e.g. `git worktree add
/tmp/base main`) in the same run, each case alternating between the checkouts: both are run by
this Python as `python -c "<the console script>"` from the checkout's folder, so each imports
its own `survey` and `analysis` (the current folder comes first on Python's path) and the
figures compare the code, not the machine's moment.
"""
from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PYTHON = Path(sys.executable)
PINGJIA = PYTHON.with_name("pingjia")
HEAVY = ("numpy", "sklearn", "scipy", "jieba", "matplotlib", "wordcloud")
PROBE = ("import sys; from survey.cli.main import cli; from survey import create_app; "
         "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
         f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
SCRIPT = "import sys; from survey.cli.main import main; sys.argv[0] = 'pingjia'; sys.exit(main())"


def cpu() -> float:
    """CPU seconds (user + system) of the finished children: on a shared machine a busy moment
    lengthens a start's wall time far more than its CPU time."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(args: list[str], env: dict, cwd: Path | None) -> tuple[float, float]:
    start, cpu_start = time.perf_counter(), cpu()
    subprocess.run(args, env=env, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - start, cpu() - cpu_start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_page(pingjia: list[str], env: dict, cwd: Path | None) -> tuple[float, float]:
    """From `pingjia serve` to the first answered page (the staff login); the CPU time is the
    server's until it is stopped, just after."""
    port = free_port()
    start, cpu_start = time.perf_counter(), cpu()
    server = subprocess.Popen([*pingjia, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
                              env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    answered = None
    try:
        while answered is None and time.perf_counter() - start < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/staff/login", timeout=5) as answer:
                    if answer.status == 200:
                        answered = time.perf_counter() - start
            except OSError:
                time.sleep(0.02)
    finally:
        server.terminate()
        server.wait(10)
    if answered is None:
        raise RuntimeError("pingjia serve did not answer within 60 s")
    return answered, cpu() - cpu_start


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} / {five:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--against", type=Path, action="append", default=[],
                        help="another checkout of Pingjia, timed alternately with this one")
    args = parser.parse_args()
    # (label, how to run pingjia, folder to run it from); this checkout's console script alone,
    # or every checkout the same way when comparing
    here = Path(__file__).resolve().parents[1]
    checkouts = [(None, [str(PINGJIA)], None)] if not args.against else \
        [(str(d), [str(PYTHON), "-c", SCRIPT], d.resolve()) for d in (here, *args.against)]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/startup.sqlite3", "PINGJIA_SECRET_KEY": "benchmark"}
        subprocess.run([*checkouts[0][1], "init-db"], env=env, cwd=checkouts[0][2], capture_output=True, check=True)
        heavy = {label: subprocess.run([str(PYTHON), "-c", PROBE], env=env, cwd=cwd, capture_output=True, text=True,
                                       check=True).stdout.strip() for label, _, cwd in checkouts}
        cases = {"python -c 'import flask'": lambda: timed([str(PYTHON), "-c", "import flask"], env, None)}
        for label, pingjia, cwd in checkouts:
            suffix = f"  [{label}]" if label else ""
            cases.update({
                f"pingjia --help{suffix}": lambda p=pingjia, c=cwd: timed([*p, "--help"], env, c),
                f"pingjia list-sessions{suffix}": lambda p=pingjia, c=cwd: timed([*p, "list-sessions"], env, c),
                f"pingjia serve → first page{suffix}": lambda p=pingjia, c=cwd: first_page(p, env, c),
            })
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        before = load()
        for _ in range(args.repeat):  # alternate, so a busy moment costs every case alike
            for name, case in cases.items():
                times[name].append(case())
    base = statistics.median(wall for wall, _ in times["python -c 'import flask'"])
    base_cpu = statistics.median(used for _, used in times["python -c 'import flask'"])
    print(f"load average {before} before, {load()} after (1 / 5 min); {args.repeat} runs each, medians; "
          f"wall time (min–max) and CPU time (user + system)")
    for name, values in times.items():
        wall, used = statistics.median(w for w, _ in values), statistics.median(u for _, u in values)
        print(f"  {name:<28} {wall:6.3f} s {wall / base:5.2f}× import flask ({min(values)[0]:.3f}–"
              f"{max(values)[0]:.3f})   CPU {used:6.3f} s {used / base_cpu:5.2f}×")
    for label, found in heavy.items():
        print(f"model libraries imported by create_app and the CLI{f' [{label}]' if label else ''}: {found or 'none'}")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # no .pyc for the project's own modules: each run compiles them (a quarter of a second here),
        # which no user's machine does after the first run
        print("note: PYTHONDONTWRITEBYTECODE is set, so every run compiles the project's sources; "
              "unset it for the figures a user sees")


if __name__ == "__main__":
    main()
