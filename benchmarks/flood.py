"""Issue 21 item 5: can one client flood an open session, and is the answer cap atomic? Against a
real `pingjia serve` (waitress) on SQLite or PostgreSQL, loopback only.

    python benchmarks/flood.py [--backend sqlite|postgresql] [--flood 1000] [--racers 60] [--cap 20]

A fresh instance (demo plan, two open anonymous sessions) is served twice:
1. flood: one client (one cookie jar, one address) opens the form once and posts --flood answers
   as fast as it can from 4 threads, each with a new submission id, as a script would:
   a) the same text every time (the issue's 120 identical answers in 2.2 s);
   b) a different text every time (a script that varies its words), into the second session.
   Counted: answers stored (read from the database), the HTTP statuses, the seconds taken.
2. cap: the server restarted with PINGJIA_SESSION_RESPONSE_MAX=--cap; --racers clients (each its own
   cookies, as phones) open the form, wait at a barrier and submit different answers at once.
   Counted: answers stored against the cap (overshoot = stored - cap).
Throttling stays on as shipped (the per-address limit counts stored answers).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from serve_checks import Client, free_port, own_queue  # beside this script: its folder is on the path

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
_RATING = re.compile(r'name="(goal_[a-z0-9_]+)"')
TEXT = "网上办事流程还是太复杂，材料要反复提交，希望能一次办好。"


def pingjia(*args: str, env: dict, cwd: Path) -> str:
    exe = str(Path(sys.executable).with_name("pingjia"))
    return subprocess.run([exe, *args], env=env, cwd=cwd, capture_output=True, text=True, check=True).stdout


def prepare(folder: Path, database: str) -> tuple[dict, list[str]]:
    env = {**os.environ, "DATABASE_URL": database, "PINGJIA_SECRET_KEY": "flood",
           "PINGJIA_ANALYSIS_WARM_UP": "false", **own_queue()}
    pingjia("demo", "--no-serve", "--no-analyze", env=env, cwd=folder)
    codes = []
    for n in range(3):
        out = pingjia("create-session", "--plan", "taian-ip-14th-fyp", "--title", f"网上征求意见{n}",
                      "--organiser", "检查", "--starts-at", "2026-12-07 09:00", "--place", "网上",
                      "--open", "--anonymous", env=env, cwd=folder)
        codes.append(re.search(r"已创建活动 ([0-9a-z]+)", out).group(1))
    return env, codes


def serve(folder: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = str(Path(sys.executable).with_name("pingjia"))
    log = (folder / "serve.log").open("a")
    server = subprocess.Popen([exe, "serve", "--port", str(port)], env=env, cwd=folder, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            Client(base).request("/staff/login")
            return server, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def stored(database: str, code: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as c:
        n = c.execute(text("select count(*) from response r join evaluation_session s on s.id = r.session_id "
                           "where s.code = :code"), {"code": code}).scalar()
    engine.dispose()
    return n


def open_form(client: Client, code: str) -> tuple[str, list[str]]:
    status, _, body = client.request(f"/s/{code}")
    page = body.decode()
    if status != 200:
        raise SystemExit(f"/s/{code}: HTTP {status}")
    return _CSRF.search(page).group(1), sorted(set(_RATING.findall(page)))


def answer(token: str, goals: list[str], problems: str, n: int) -> bytes:
    fields = {"csrf_token": token, "submission_id": str(uuid.uuid4()), "problems": problems,
              "suggestions": "", "organisation_type": "", **{g: str(1 + (n % 5)) for g in goals}}
    return urlencode(fields).encode()


def post(client: Client, code: str, body: bytes) -> int:
    return client.request(f"/s/{code}", body, {"Content-Type": "application/x-www-form-urlencoded"})[0]


def flood(base: str, database: str, code: str, total: int, same_text: bool) -> tuple[int, Counter, float]:
    client = Client(base)
    token, goals = open_form(client, code)
    statuses: Counter = Counter()
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            text = TEXT if same_text else f"{TEXT}第{n}条：{uuid.uuid4().hex[:8]}"
            status = post(client, code, answer(token, goals, text, n))
            with lock:
                statuses[status] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stored(database, code), statuses, time.monotonic() - start


def race(base: str, database: str, code: str, racers: int) -> tuple[int, Counter]:
    phones = [Client(base) for _ in range(racers)]
    forms = [open_form(c, code) for c in phones]
    barrier = threading.Barrier(racers)
    statuses: Counter = Counter()
    lock = threading.Lock()

    def go(n: int) -> None:
        body = answer(forms[n][0], forms[n][1], f"第{n}位参会人员的意见：{uuid.uuid4().hex[:8]}", n)
        barrier.wait()
        status = post(phones[n], code, body)
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=go, args=(n,)) for n in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stored(database, code), statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--flood", type=int, default=1000)
    parser.add_argument("--racers", type=int, default=60)
    parser.add_argument("--cap", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="cap races (a fresh session each)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="flood-"))
    if args.backend == "sqlite":
        database = f"sqlite:///{folder / 'flood.sqlite3'}"
    else:
        from sqlalchemy import create_engine, text

        schema = f"flood_{os.getpid()}"
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        database = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        env, codes = prepare(folder, database)
        for code, same_text in ((codes[0], True), (codes[1], False)):
            # a fresh server each: the per-address counts live in its memory, so the second
            # flood is not held back by the first one's
            server, base = serve(folder, env)
            try:
                n, statuses, seconds = flood(base, database, code, args.flood, same_text=same_text)
            finally:
                stop(server)
            print(f"flood, {'same' if same_text else 'varied'} text: {args.flood} posts from one client -> "
                  f"{n} stored in {seconds:.1f} s ({dict(sorted(statuses.items()))})", flush=True)
        overshoots = []
        for round_ in range(args.rounds):
            code = codes[2] if round_ == 0 else prepare_more(folder, env)
            # the cap counts the session's answers; each round starts from an empty session
            server, base = serve(folder, {**env, "PINGJIA_SESSION_RESPONSE_MAX": str(args.cap),
                                          "PINGJIA_RATELIMIT_ENABLED": "false"})
            try:
                n, statuses = race(base, database, code, args.racers)
            finally:
                stop(server)
            overshoots.append(n - args.cap)
            print(f"cap {args.cap}, {args.racers} at once: {n} stored "
                  f"({dict(sorted(statuses.items()))})", flush=True)
        print(f"cap overshoot over {args.rounds} rounds: {overshoots}")
    finally:
        if args.backend == "postgresql":
            from sqlalchemy import create_engine, text

            engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
            with engine.begin() as c:
                c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
    return 0


def check_flood(folder: Path, database: str, check) -> None:
    """benchmarks/serve_checks.py's check 8: a fresh instance, one flood of each kind, one cap race."""
    env, codes = prepare(folder, database)
    limit = 40 + 4  # SUBMIT_SESSION_ADDRESS_LIMIT a minute, plus the flood's threads in flight
    for code, same_text in ((codes[0], True), (codes[1], False)):
        server, base = serve(folder, env)
        try:
            n, statuses, seconds = flood(base, database, code, 1000, same_text=same_text)
        finally:
            stop(server)
        most = 1 if same_text else limit
        check(f"1,000 {'identical' if same_text else 'different'} answers from one client", n <= most,
              f"{n} stored (at most {most}) in {seconds:.1f} s; {dict(sorted(statuses.items()))}")
    server, base = serve(folder, {**env, "PINGJIA_SESSION_RESPONSE_MAX": "20", "PINGJIA_RATELIMIT_ENABLED": "false"})
    try:
        n, statuses = race(base, database, codes[2], 60)
    finally:
        stop(server)
    check("60 simultaneous submits against a cap of 20", n == 20, f"{n} stored; {dict(sorted(statuses.items()))}")


def prepare_more(folder: Path, env: dict) -> str:
    out = pingjia("create-session", "--plan", "taian-ip-14th-fyp", "--title", "网上征求意见（上限）",
                  "--organiser", "检查", "--starts-at", "2026-12-07 09:00", "--place", "网上",
                  "--open", "--anonymous", env=env, cwd=folder)
    return re.search(r"已创建活动 ([0-9a-z]+)", out).group(1)


if __name__ == "__main__":
    sys.exit(main())
