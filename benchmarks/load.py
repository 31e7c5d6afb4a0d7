"""Load and crash benchmark: phones submitting the survey at once, against waitress.

    python benchmarks/load.py [--participants 1000] [--concurrency 50] [--retries 0.2]
                              [--backends sqlite,postgresql] [--kill] [--threads 8]

For each backend a fresh database (benchmarks/load_database.py: SQLite in a temporary folder;
PostgreSQL in a new schema of $TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test,
dropped afterwards) gets the migrated schema, the seed plan and one open session. The app is then
served as users serve it, `pingjia serve --threads T` in a subprocess on a free loopback port
(waitress with T threads plus the live pages' 16, the analysis worker idle beside it; only the
model warm-up is off), and N simulated participants, C at a time, each open a
fresh connection, GET the form (reading the CSRF token and the submission id), and POST a
complete answer; a share of them (--retries) send the same POST again, as a double tap or a
dropped connection would. Every request's latency is recorded. Afterwards the database is read
directly: rows stored vs answers acknowledged (303), lost (acknowledged, not stored) and
duplicated (one submission id stored twice); any 5xx is counted.

Bare Flask (one trivial route, waitress set up by the same survey.serve.make_server, the same
client) runs in the same invocation as the ceiling; the figures are also printed as ratios to it.
The server's log goes to a file in the temporary folder (its tail is printed if it fails).

--kill: the server is sent SIGKILL once a third of the answers are acknowledged, restarted on
the same port, and clients whose request failed retry it (same submission id, same answer) as
a phone would. Then every acknowledged answer must be stored and the database must pass its
integrity check (SQLite: PRAGMA integrity_check and foreign_key_check; PostgreSQL: row counts,
no orphan or missing ratings, no duplicate submission ids).

The participant throttles (per-address answers, per-session cap) are set far above the run's
size through their config keys (PINGJIA_SUBMIT_ADDRESS_LIMIT, PINGJIA_SUBMIT_SESSION_ADDRESS_LIMIT,
PINGJIA_SESSION_RESPONSE_MAX), and repeated texts are not compared (PINGJIA_REPEAT_WINDOW_SECONDS=0):
every simulated phone comes from 127.0.0.1, which a real venue never concentrates like this.
Loopback only, bounded: at most 5,000 participants and 200 concurrent, each phase stops after
--timeout seconds. Not part of the test run.
"""
from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from load_database import HOST, PROBLEMS, SUGGESTIONS, check_database, free_port, fresh_database, prepare

ROOT = Path(__file__).resolve().parent.parent
PINGJIA = Path(sys.executable).with_name("pingjia")

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_SUBMISSION = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')


# ---------------------------------------------------------------- the server (a subprocess)

def bare_app():
    """The ceiling: one trivial route, nothing else."""
    from flask import Flask

    app = Flask("bare")

    @app.get("/")
    def index():
        return "ok"

    @app.post("/")
    def post():
        return "ok"

    return app


def serve(kind: str, port: int, threads: int) -> None:
    """Runs in the server subprocess of bare Flask: waitress set up as `pingjia serve` sets it up
    (survey.serve.make_server: the same threads, the same body limit, the same quiet queue log), so
    the ceiling and the app differ only by the app."""
    from survey.serve import freeze_startup_objects, make_server

    server = make_server(bare_app(), HOST, port, threads=threads)
    freeze_startup_objects()  # as `pingjia serve` does
    server.run()


class Server:
    """The app is served the way users serve it: `pingjia serve` (waitress with its thread count,
    and the embedded analysis worker idle beside it). Only the warm-up (loading the analysis
    models in the background, which a meeting's server has done long before the phones arrive)
    is off, so it does not share the burst's CPU."""

    def __init__(self, kind: str, env: dict, threads: int, log: str):
        self.kind, self.env, self.threads, self.log = kind, env, threads, log
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        if self.kind == "bare":
            return [sys.executable, __file__, "--serve", "bare", "--port", str(self.port),
                    "--threads", str(self.threads)]
        return [str(PINGJIA), "serve", "--host", HOST, "--port", str(self.port), "--threads", str(self.threads)]

    def start(self) -> None:
        env = {**os.environ, **self.env, "PINGJIA_ANALYSIS_WARM_UP": "false"}
        # waitress logs "Task queue depth is N" on every queued request of a burst: a file, not the screen.
        log = open(self.log, "ab")  # noqa: SIM115 - the child keeps it; closed when the child ends
        self.proc = subprocess.Popen(self.command(), env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # Served, not only bound: `pingjia serve` binds before its worker starts.
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("HEAD", "/")
                conn.getresponse().read()
                conn.close()
                return
            except (OSError, http.client.HTTPException):
                if self.proc.poll() is not None:
                    tail = Path(self.log).read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"server exited with {self.proc.returncode}:\n{tail}")
                time.sleep(0.1)
        raise RuntimeError("server did not start in 60 s")

    def cpu_seconds(self) -> float | None:
        """The server process's CPU time so far (user + system; Linux), read from /proc."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


# ---------------------------------------------------------------- the database

@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)
    sent: set[str] = field(default_factory=set)
    server_cpu: float | None = None  # CPU seconds the server process spent on the burst
    errors: int = 0  # connection refused/reset (the kill)
    failed: int = 0  # participants who gave up
    lock: threading.Lock = field(default_factory=threading.Lock)

    by_status: dict[int, list[float]] = field(default_factory=dict)

    def record(self, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.by_status.setdefault(status, []).append(seconds)


def request(port: int, method: str, path: str, tally: Tally, body: str | None = None,
            cookie: str = "") -> tuple[int, dict, str]:
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    start = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
    finally:
        conn.close()
    tally.record(response.status, time.perf_counter() - start)
    return response.status, dict(response.getheaders()), text


def with_retries(action, tally: Tally, deadline: float):
    """Run action(); on a refused or reset connection (the server killed) try again, as a phone
    whose submit failed would, until the deadline."""
    while True:
        try:
            return action()
        except (OSError, http.client.HTTPException):
            with tally.lock:
                tally.errors += 1
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def participant(i: int, port: int, path: str, goals: list[str], retry: bool, tally: Tally,
                deadline: float, bare: bool) -> None:
    try:
        status, headers, page = with_retries(lambda: request(port, "GET", path, tally), tally, deadline)
        if bare:
            with_retries(lambda: request(port, "POST", path, tally, body="a=1"), tally, deadline)
            return
        cookie = SimpleCookie(headers.get("Set-Cookie", ""))
        cookie_header = "; ".join(f"{k}={m.value}" for k, m in cookie.items())
        token = _CSRF.search(page).group(1)
        submission_id = _SUBMISSION.search(page).group(1)
        rng = random.Random(i)
        answer = {"csrf_token": token, "submission_id": submission_id,
                  "organisation": f"第{i}号测试单位", "organisation_type": rng.choice(["企业", "高校/科研院所", "服务机构"]),
                  "problems": rng.choice(PROBLEMS), "suggestions": rng.choice(SUGGESTIONS),
                  **{g: rng.choice(["1", "2", "3", "4", "5", "na"]) for g in goals}}
        body = urllib.parse.urlencode(answer)
        with tally.lock:
            tally.sent.add(submission_id)
        for _ in range(2 if retry else 1):
            status, headers, _ = with_retries(
                lambda: request(port, "POST", path, tally, body=body, cookie=cookie_header), tally, deadline)
            if status == 303:
                with tally.lock:
                    tally.acknowledged.add(submission_id)
    except Exception:  # noqa: BLE001 - counted, the run goes on
        with tally.lock:
            tally.failed += 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


@dataclass
class Run:
    name: str
    seconds: float
    tally: Tally
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    ratings_ok: bool = True
    problems: list[str] = field(default_factory=list)
    load: float = field(default_factory=lambda: os.getloadavg()[0])  # when the run ended

    @property
    def requests(self) -> int:
        return len(self.tally.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def p(self, q: float) -> float:
        return percentile(self.tally.latencies, q) * 1000

    @property
    def cpu_ms(self) -> float:
        return float("nan") if self.tally.server_cpu is None else self.tally.server_cpu * 1000 / self.requests

    @property
    def errors_5xx(self) -> int:
        return sum(n for s, n in self.tally.statuses.items() if s >= 500)


def burst(server: Server, path: str, goals: list[str], args, bare: bool, on_progress=None) -> tuple[float, Tally]:
    tally = Tally()
    rng = random.Random(0)
    retry_flags = [rng.random() < args.retries for _ in range(args.participants)]
    deadline = time.monotonic() + args.timeout
    cpu, proc = server.cpu_seconds(), server.proc
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        futures = [pool.submit(participant, i, server.port, path, goals, retry_flags[i], tally, deadline, bare)
                   for i in range(args.participants)]
        if on_progress:
            on_progress(tally)
        for f in futures:
            f.result()
    seconds = time.perf_counter() - start
    # CPU per request hardly depends on what else runs on the machine (unlike requests/s); not
    # measured across a kill -9, where the process is replaced.
    if cpu is not None and server.proc is proc and (now := server.cpu_seconds()) is not None:
        tally.server_cpu = now - cpu
    return seconds, tally


def run_backend(backend: str, args) -> Run:
    with tempfile.TemporaryDirectory(prefix="pingjia-load-") as folder:
        db = fresh_database(backend, Path(folder))
        try:
            code, goals = prepare(db)
            env = dict(db.env)
            server = Server("app", env, args.threads, str(Path(folder) / "server.log"))
            server.start()
            killer = None
            try:
                if args.kill:
                    def on_progress(tally: Tally):
                        def watch():
                            while len(tally.acknowledged) < args.participants // 3:
                                time.sleep(0.01)
                            server.kill()
                            print(f"  [{backend}] killed the server (SIGKILL) after "
                                  f"{len(tally.acknowledged)} acknowledged answers; restarting", flush=True)
                            server.start()
                        nonlocal killer
                        killer = threading.Thread(target=watch, daemon=True)
                        killer.start()
                else:
                    on_progress = None
                seconds, tally = burst(server, f"/s/{code}", goals, args, bare=False, on_progress=on_progress)
                if killer:
                    killer.join(timeout=60)
            finally:
                server.stop()
            checked = check_database(db, code)
        finally:
            db.cleanup()
    stored = set(checked["ids"])
    run = Run(f"{backend}{' + kill -9' if args.kill else ''}", seconds, tally)
    run.stored = len(checked["ids"])
    run.lost = len(tally.acknowledged - stored)
    run.duplicated = len(checked["ids"]) - len(stored)
    run.ratings_ok = checked["ratings"] == len(stored) * len(goals)
    run.problems = checked["problems"] + ([] if run.ratings_ok else ["ratings missing"])
    return run


def run_bare(args, number: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="pingjia-load-") as folder:
        server = Server("bare", {}, args.threads, str(Path(folder) / "server.log"))
        server.start()
        try:
            seconds, tally = burst(server, "/", [], args, bare=True)
        finally:
            server.stop()
    return Run(f"bare Flask (ceiling) {number}", seconds, tally)


def report(runs: list[Run], ceilings: list[Run], args) -> None:
    """Each app run is set against bare Flask measured just before and just after it (their mean):
    on a shared machine the load changes within a minute, so a ceiling from the start of the
    invocation is not a fair comparison for the last run."""
    print()
    print(f"{args.participants} participants, concurrency {args.concurrency}, "
          f"{args.retries:.0%} resend their POST, `pingjia serve --threads {args.threads}`, {os.cpu_count()} CPUs")
    print()
    print("| run | requests | req/s | ratio to bare | p50 ms | p95 ms | p99 ms | p95 ratio | server CPU ms/request "
          "| acknowledged | stored | lost | duplicated | 5xx | client errors | gave up | integrity | load average |")
    print("| --- " * 19 + "|")
    ratios = []
    order = [(ceilings[0], None)] + [pair for i, run in enumerate(runs)
                                     for pair in ((run, i), (ceilings[i + 1], None))]
    for run, i in order:
        bare = i is None
        if bare:
            rps, p95, cpu = run.rps, run.p(95), run.cpu_ms
        else:
            rps = (ceilings[i].rps + ceilings[i + 1].rps) / 2
            p95 = (ceilings[i].p(95) + ceilings[i + 1].p(95)) / 2
            cpu = (ceilings[i].cpu_ms + ceilings[i + 1].cpu_ms) / 2
            ratios.append(run.rps / rps)
        print(f"| {run.name} | {run.requests} | {run.rps:.0f} | {run.rps / rps:.2f}x | {run.p(50):.0f} | "
              f"{run.p(95):.0f} | {run.p(99):.0f} | {run.p(95) / p95:.1f}x | "
              f"{'–' if math.isnan(run.cpu_ms) else f'{run.cpu_ms:.2f} ({run.cpu_ms / cpu:.0f}x)'} | "
              f"{'–' if bare else len(run.tally.acknowledged)} | {'–' if bare else run.stored} | "
              f"{'–' if bare else run.lost} | {'–' if bare else run.duplicated} | {run.errors_5xx} | "
              f"{run.tally.errors} | {run.tally.failed} | "
              f"{'–' if bare else ('ok' if not run.problems else '; '.join(run.problems))} | {run.load:.1f} |")
    print()
    for run in runs:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(run.tally.statuses.items()))
        # The form (200) and the stored answer (303) apart: a tail from answers queueing shows here.
        kinds = ", ".join(f"{kind} p50/p95 {percentile(run.tally.by_status.get(status, []), 50) * 1000:.0f}/"
                          f"{percentile(run.tally.by_status.get(status, []), 95) * 1000:.0f} ms"
                          for kind, status in (("GET", 200), ("POST", 303)))
        print(f"{run.name}: HTTP statuses {statuses}; {kinds}")
    # Every phone must get its answer acknowledged (a 429 or an error page would not be).
    ok = all(r.lost == 0 and r.duplicated == 0 and r.errors_5xx == 0 and not r.problems and r.tally.failed == 0
             and len(r.tally.acknowledged) == args.participants for r in runs)
    fast = "met" if all(r.p(95) < 500 for r in runs) else "NOT met"
    fast_enough = "met" if all(r >= 0.15 for r in ratios) else "NOT met"
    if args.kill:
        fast = fast_enough = "not judged (the runs include the restart)"
    print(f"goal (0 lost, 0 duplicated, 0 5xx): {'met' if ok else 'NOT met'}; p95 < 500 ms: {fast}; "
          f"at least 0.15x bare Flask's requests/s: {fast_enough}")
    print("load average: the 1-minute figure when each run ended (other jobs share the CPUs when above ~2)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--retries", type=float, default=0.2, help="share of participants who send their POST twice")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--kill", action="store_true", help="kill -9 the server mid-burst and restart it")
    parser.add_argument("--threads", type=int, default=8,
                        help="as `pingjia serve --threads` (waitress adds the live pages' threads to these)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a phase gives up")
    parser.add_argument("--serve", choices=["bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.threads)
        return 0
    if not (1 <= args.participants <= 5000 and 1 <= args.concurrency <= 200):
        parser.error("--participants 1..5000, --concurrency 1..200")
    print("bare Flask (ceiling) …", flush=True)
    ceilings = [run_bare(args, 1)]
    runs = []
    for backend in args.backends.split(","):
        print(f"{backend}{' with kill -9' if args.kill else ''} …", flush=True)
        runs.append(run_backend(backend.strip(), args))
        print("bare Flask (ceiling) …", flush=True)
        ceilings.append(run_bare(args, len(ceilings) + 1))
    report(runs, ceilings, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
