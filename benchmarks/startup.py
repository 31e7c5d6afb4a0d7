"""How fast does Pingjia start, next to bare Flask? (issue 25: fast start)

    python benchmarks/startup.py [--repeat N]

Times, alternating in the same run and N times each (default 7), on a scratch SQLite database
made by `pingjia init-db`:

- the baseline `python -c "import flask"`;
- `pingjia --help` and `pingjia list-sessions` (a command's whole start-up);
- `pingjia serve` until its first page (`/staff/login`) answers;

and prints the median of each in seconds and as a ratio to the baseline, the load average, and
which model libraries (numpy, scikit-learn, scipy, jieba) the app factory and the CLI import
(target: none; each command under 1 s on an idle 2-core machine).
"""
from __future__ import annotations

import argparse
import os
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


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, capture_output=True, check=True)
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_page(env: dict) -> float:
    """From `pingjia serve` to the first answered page (the staff login)."""
    port = free_port()
    start = time.perf_counter()
    server = subprocess.Popen([str(PINGJIA), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/staff/login", timeout=5) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("pingjia serve did not answer within 60 s")
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/startup.sqlite3", "PINGJIA_SECRET_KEY": "benchmark"}
        subprocess.run([str(PINGJIA), "init-db"], env=env, capture_output=True, check=True)
        heavy = subprocess.run([str(PYTHON), "-c", PROBE], env=env, capture_output=True, text=True,
                               check=True).stdout.strip()
        cases = {
            "python -c 'import flask'": lambda: timed([str(PYTHON), "-c", "import flask"], env),
            "pingjia --help": lambda: timed([str(PINGJIA), "--help"], env),
            "pingjia list-sessions": lambda: timed([str(PINGJIA), "list-sessions"], env),
            "pingjia serve → first page": lambda: first_page(env),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):  # alternate, so a busy moment costs every case alike
            for name, case in cases.items():
                times[name].append(case())
    base = statistics.median(times["python -c 'import flask'"])
    print(f"load average {os.getloadavg()[0]:.2f} / {os.getloadavg()[1]:.2f} (1 / 5 min); "
          f"{args.repeat} runs each, medians")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:<28} {med:6.3f} s  {med / base:5.2f}× import flask")
    print(f"model libraries imported by create_app and the CLI: {heavy or 'none'}")


if __name__ == "__main__":
    main()
