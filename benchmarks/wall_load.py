"""The live wall under a round-table's load (issue 23), against a real `pingjia serve`.

    python benchmarks/wall_load.py [--seconds 180] [--phones 50] [--walls 5] [--staff 3]
                                   [--backend sqlite|postgresql] [--threads 8] [--stream-seconds N]
                                   [--processes 2 --redis redis://127.0.0.1:6379/6]

A fresh database (benchmarks/load_database.py's: SQLite in a temporary folder, or a new schema of
$TEST_DATABASE_URL) gets the schema, the seed plan, one open session and a staff account; then
`pingjia serve --no-worker` (waitress, --threads plus LIVE_STREAMS_MAX for streams) runs in a
subprocess on a free loopback port (--processes N: N of them sharing events through Redis; pages
and phones spread over them). For the whole run:

- `--walls` walls and `--staff` staff pages are open, each logged in with its own cookies and
  holding its own server-sent-event stream, as the browser's EventSource does (Last-Event-ID
  resent on a reconnect). Each re-reads what its page re-reads when told something changed
  (at most one read in flight, 250 ms debounce, as live.js): walls the wall's JSON, staff pages
  the review banner and, for the first staff page, the moderation queue, where it approves the
  oldest pending comment every 5 s.
- `--phones` phones each loop: GET the form, POST a complete answer (a fresh connection each,
  redirects not followed, so the POST's own latency is measured), then think 3-7 s.

Measured: latency of each submit (POST) and form GET; on each stream, `answers` events received
vs answers acknowledged (303) while it was open, and `comments` events vs decisions; the server
process's RSS every 5 s (/proc). Loopback only; not part of the test run.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import load_database  # the database, the plan, the free port (benchmarks/load_database.py)

ROOT = Path(__file__).resolve().parent.parent

USER, PASSWORD = "wall-bench", "wall-bench-password"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_META = re.compile(r'name="csrf-token" content="([^"]+)"')
_ITEM = re.compile(r'data-comment="(\d+)" data-version="(\d+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(follow: bool = True):
    handlers = [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())]
    if not follow:
        handlers.append(NoRedirect())
    return urllib.request.build_opener(*handlers)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Run:
    def __init__(self):
        self.lock = threading.Lock()
        self.submits: list[float] = []
        self.gets: list[float] = []
        self.acknowledged: list[float] = []  # monotonic time of each 303
        self.failures: list[str] = []
        self.decisions: list[float] = []
        self.stop = threading.Event()  # phones and staff stop
        self.drained = threading.Event()  # pages stop listening (after the last events arrived)

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


# ---------------------------------------------------------------- phones

def phone(base: str, code: str, goals: list[str], run: Run, seed: int) -> None:
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, 5))  # people do not all press at the same instant
    while not run.stop.is_set():
        client = opener(follow=False)
        try:
            t0 = time.perf_counter()
            form = client.open(f"{base}/s/{code}", timeout=30).read().decode()
            t1 = time.perf_counter()
            fields = dict(re.findall(r'name="(csrf_token|submission_id)" type="hidden" value="([^"]+)"', form))
            data = {**fields, "organisation": f"单位{seed}", "organisation_type": "企业",
                    "problems": rng.choice(load_database.PROBLEMS),
                    "suggestions": rng.choice(load_database.SUGGESTIONS)}
            data.update({g: str(rng.randint(1, 5)) for g in goals})
            t2 = time.perf_counter()
            try:
                client.open(f"{base}/s/{code}", urllib.parse.urlencode(data).encode(), timeout=30)
                run.fail("submit not redirected")
            except urllib.error.HTTPError as exc:
                if exc.code != 303:
                    run.fail(f"submit {exc.code}")
                    continue
            t3 = time.perf_counter()
            with run.lock:
                run.gets.append(t1 - t0)
                run.submits.append(t3 - t2)
                run.acknowledged.append(time.monotonic())
        except (OSError, urllib.error.URLError) as exc:
            run.fail(f"phone: {exc}")
        run.stop.wait(rng.uniform(3, 7))


# ---------------------------------------------------------------- walls and staff pages

def log_in(base: str):
    client = opener()
    page = client.open(f"{base}/staff/login", timeout=30).read().decode()
    client.open(f"{base}/staff/login", urllib.parse.urlencode(
        {"username": USER, "password": PASSWORD, "csrf_token": _TOKEN.search(page).group(1)}).encode(), timeout=30)
    return client


class LivePage:
    """One open page: its stream (counted) and the re-read the page does when told."""

    def __init__(self, name: str, base: str, stream: str, reads: list[str], run: Run):
        self.name, self.base, self.stream, self.reads, self.run = name, base, stream, reads, run
        self.client = log_in(base)
        self.events: dict[str, list[float]] = {"answers": [], "comments": [], "sync": [], "hello": [], "ping": []}
        self.opened_at: float | None = None
        self.reconnects = 0
        self.read_times: list[float] = []
        self.dirty = threading.Event()
        self.last_id: str | None = None

    def listen(self) -> None:
        while not self.run.drained.is_set():
            headers = {"Accept": "text/event-stream"}
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id
            try:
                response = self.client.open(urllib.request.Request(self.base + self.stream, headers=headers),
                                            timeout=40)
                kind = None
                for raw in response:
                    line = raw.decode().rstrip("\n")
                    if line.startswith("id: "):
                        self.last_id = line[4:]
                    elif line.startswith("event: "):
                        kind = line[7:]
                    elif line == "" and kind:
                        self.events.setdefault(kind, []).append(time.monotonic())
                        if self.opened_at is None:
                            self.opened_at = time.monotonic()
                        if kind in ("answers", "comments", "sync", "hello"):
                            self.dirty.set()
                        kind = None
                    if self.run.drained.is_set():
                        return
            except (OSError, urllib.error.URLError) as exc:
                if self.run.drained.is_set():
                    return
                self.run.fail(f"{self.name} stream: {exc}")
            self.reconnects += 1
            time.sleep(2)  # EventSource's retry

    def reread(self) -> None:
        while not self.run.drained.is_set():
            if not self.dirty.wait(1):
                continue
            time.sleep(0.25)  # debounce, as live.js
            self.dirty.clear()
            for url in self.reads:
                t0 = time.perf_counter()
                try:
                    self.client.open(self.base + url, timeout=30).read()
                    self.read_times.append(time.perf_counter() - t0)
                except (OSError, urllib.error.URLError) as exc:
                    self.run.fail(f"{self.name} read: {exc}")


def moderate(page: LivePage, code: str, run: Run) -> None:
    """The first staff page also works the queue: approve the oldest pending comment every 5 s."""
    base = page.base
    token = _META.search(page.client.open(f"{base}/staff/sessions/{code}/moderation", timeout=30)
                         .read().decode()).group(1)
    while not run.stop.wait(5):
        try:
            queue = page.client.open(f"{base}/staff/sessions/{code}/moderation/list", timeout=30).read().decode()
            found = _ITEM.search(queue)
            if not found:
                continue
            request = urllib.request.Request(
                f"{base}/staff/sessions/{code}/moderation/{found.group(1)}",
                urllib.parse.urlencode({"action": "approve", "version": found.group(2), "csrf_token": token}).encode(),
                headers={"Accept": "application/json"})
            if json.loads(page.client.open(request, timeout=30).read())["ok"]:
                with run.lock:
                    run.decisions.append(time.monotonic())
        except (OSError, urllib.error.URLError, ValueError) as exc:
            run.fail(f"moderate: {exc}")


# ---------------------------------------------------------------- the server and the run

def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def prepare(db) -> tuple[str, list[str], int]:
    from survey.extensions import db as sqla
    from survey.models import EvaluationSession, StaffUser

    code, goals = load_database.prepare(db)
    app = load_database.app_for(db)
    with app.app_context():
        user = StaffUser(username=USER, display_name="压测")
        user.set_password(PASSWORD)
        sqla.session.add(user)
        sqla.session.commit()
        session_id = sqla.session.scalar(sqla.select(EvaluationSession.id).where(EvaluationSession.code == code))
        sqla.session.remove()
        sqla.engine.dispose()
    return code, goals, session_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--walls", type=int, default=5)
    parser.add_argument("--staff", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--processes", type=int, default=1,
                        help="server processes (more than one: events shared through Redis, --redis)")
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6"))
    parser.add_argument("--stream-seconds", type=int, default=0,
                        help="end each stream after this long (PINGJIA_LIVE_STREAM_SECONDS; default the "
                             "app's 300 s), to measure resuming with Last-Event-ID under load")
    args = parser.parse_args()
    if args.phones > 200 or args.walls + args.staff > 16 or args.seconds > 1800 or not 1 <= args.processes <= 4:
        parser.error("at most 200 phones, 16 open pages, 30 minutes, 4 processes")

    with tempfile.TemporaryDirectory() as folder:
        db = load_database.fresh_database(args.backend, Path(folder))
        servers: list[subprocess.Popen] = []
        try:
            code, goals, session_id = prepare(db)
            env = {**os.environ, **db.env, "PINGJIA_ANALYSIS_WARM_UP": "false"}
            if args.stream_seconds:
                env["PINGJIA_LIVE_STREAM_SECONDS"] = str(args.stream_seconds)
            if args.processes > 1:
                # Several processes share events through Redis (survey/wall/bridge.py), on a
                # channel of this run's own.
                env["PINGJIA_REDIS_URL"] = args.redis
                env["PINGJIA_LIVE_CHANNEL"] = f"pingjia:live:bench:{uuid.uuid4().hex}"
            bases = []
            for i in range(args.processes):
                port = load_database.free_port()
                bases.append(f"http://{load_database.HOST}:{port}")
                log = open(Path(folder) / f"serve{i}.log", "w")  # noqa: SIM115  (closed with the folder)
                servers.append(subprocess.Popen(
                    [str(Path(sys.executable).with_name("pingjia")), "serve", "--no-worker",
                     "--host", load_database.HOST, "--port", str(port), "--threads", str(args.threads)],
                    env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
            report = drive(bases, code, goals, session_id, [p.pid for p in servers], args)
            report["server_log_lines"] = sum(len((Path(folder) / f"serve{i}.log").read_text().splitlines())
                                             for i in range(args.processes))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=20)
            db.cleanup()
    print(json.dumps(report, ensure_ascii=False, indent=2))


def drive(bases: list[str], code: str, goals: list[str], session_id: int, pids: list[int], args) -> dict:
    deadline = time.monotonic() + 60
    for base in bases:
        while True:
            try:
                urllib.request.urlopen(f"{base}/staff/login", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("pingjia serve did not start in 60 s") from None
                time.sleep(0.2)
    run = Run()
    stream = f"/staff/live/events?s={session_id}"
    # Pages and phones spread over the processes: page i and phone i use process i mod N.
    pages = [LivePage(f"wall{i}", bases[i % len(bases)], stream, [f"/staff/sessions/{code}/wall/state.json"], run)
             for i in range(args.walls)]
    pages += [LivePage(f"staff{i}", bases[(args.walls + i) % len(bases)], stream,
                       [f"/staff/evaluations/{code}/live/banner"]
                       + ([f"/staff/sessions/{code}/moderation/list"] if i == 0 else []), run)
              for i in range(args.staff)]
    threads = []
    for page in pages[args.walls:]:
        page.client.open(f"{page.base}/staff/evaluations/{code}/review", timeout=60).read()  # the page they show
    for page in pages:
        threads += [threading.Thread(target=page.listen, daemon=True), threading.Thread(target=page.reread, daemon=True)]
    for t in threads:
        t.start()
    while any(p.opened_at is None for p in pages):  # every page connected before the phones start
        time.sleep(0.1)
    started = time.monotonic()
    rss = [(0, sum(rss_kib(pid) for pid in pids))]
    workers = [threading.Thread(target=phone, args=(bases[i % len(bases)], code, goals, run, i), daemon=True)
               for i in range(args.phones)]
    if args.staff:
        workers.append(threading.Thread(target=moderate, args=(pages[args.walls], code, run), daemon=True))
    for t in workers:
        t.start()
    while time.monotonic() - started < args.seconds:
        time.sleep(5)
        rss.append((round(time.monotonic() - started), sum(rss_kib(pid) for pid in pids)))
    run.stop.set()
    for t in workers:
        t.join(timeout=40)
    ended = time.monotonic()
    time.sleep(5)  # the last events reach the streams (also one reconnecting after its lifetime)
    run.drained.set()

    delivered = {}
    for page in pages:
        expected_answers = sum(1 for t in run.acknowledged if t >= page.opened_at)
        expected_comments = sum(1 for t in run.decisions if t >= page.opened_at)
        delivered[page.name] = {"answers": f"{len(page.events['answers'])}/{expected_answers}",
                                "comments": f"{len(page.events['comments'])}/{expected_comments}",
                                "reconnects": page.reconnects,
                                "reads": len(page.read_times),
                                "read_p95_ms": round(1000 * percentile(page.read_times, 95), 1)}
    all_delivered = all(len(p.events["answers"]) == sum(1 for t in run.acknowledged if t >= p.opened_at)
                        and len(p.events["comments"]) == sum(1 for t in run.decisions if t >= p.opened_at)
                        for p in pages)
    return {
        "backend": args.backend, "processes": args.processes, "seconds": round(ended - started), "phones": args.phones, "walls": args.walls,
        "staff_pages": args.staff, "waitress_threads": f"{args.threads} + streams",
        "stream_seconds": args.stream_seconds or "app default (300)",
        "answers_acknowledged": len(run.acknowledged), "decisions": len(run.decisions),
        "submit_ms": {"p50": round(1000 * statistics.median(run.submits), 1),
                      "p95": round(1000 * percentile(run.submits, 95), 1),
                      "p99": round(1000 * percentile(run.submits, 99), 1),
                      "max": round(1000 * max(run.submits), 1)} if run.submits else None,
        "form_get_ms_p95": round(1000 * percentile(run.gets, 95), 1) if run.gets else None,
        "every_event_delivered": all_delivered, "delivered": delivered,
        "failures": run.failures[:10], "failure_count": len(run.failures),
        "rss_mib (all processes)": " ".join(f"{t}s:{k / 1024:.1f}" for t, k in rss),
    }


if __name__ == "__main__":
    main()
