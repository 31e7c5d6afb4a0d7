"""Issue 21 item 1: staff and the analysis page while a 2,000-answer analysis saves, against a
real `pingjia serve` (waitress, embedded worker) on SQLite or PostgreSQL.

    PYTHONPATH=tests python benchmarks/serve_locking.py [--answers 2000] [--backend sqlite|postgresql] [--load 0]

Run from the repository root: PYTHONPATH=tests lets it find the shared data as the tests do
(tests/support/shared_data.py).

A fresh instance in a temporary folder gets the demo (plan, session, staff login) and answers up
to --answers, each a pair of real online shopping reviews (read from ../shared/data at run time,
never copied; any text works, this one is long and varied like a citizen's). The session is
analysed once (so statements exist), then analysed again ("全部重新分析") while, until that run
is done:
- a poller fetches `/analysis/status` and `/analysis` every 0.5 s, as the page does;
- two staff (two logins) confirm a statement each every 0.5 s, sending the version they read
  from the database just before, as the review page would;
- --load N other processes keep the cores busy (each a tight loop), as other jobs would.

Counted per endpoint: 200/302, 409 (true: the statement's version had changed; false: it had
not, so the refusal was the database lock), 503 (the lock, said as "正在保存分析结果，请稍候"),
500 and other. Loopback only; bounded by --timeout. Not part of the test run.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from serve_checks import Client, free_port, own_queue  # beside this script: its folder is on the path

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
_META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def review_texts(n: int, seed: int = 0) -> list[str]:
    from support.shared_data import CANDIDATES

    for folder in CANDIDATES:
        path = Path(folder) / "online_shopping_reviews.csv" if folder else None
        if path and path.is_file():
            with path.open(encoding="utf-8") as f:
                texts = sorted({row["text"].strip() for row in csv.DictReader(f) if len(row["text"].strip()) > 8})
            random.Random(seed).shuffle(texts)
            return texts[:n]
    raise SystemExit("online_shopping_reviews.csv not found in ../shared/data")


def fill_session(database: str, code: str, answers: int) -> int:
    """Answers up to `answers` in the session, straight into the database; returns how many."""
    from survey import create_app
    from survey.extensions import db
    from survey.models import EvaluationSession, Response

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "checks", "ANALYSIS_WARM_UP": False})
    with app.app_context():
        session = db.session.query(EvaluationSession).filter_by(code=code).one()
        todo = max(0, answers - len(session.responses))
        texts = review_texts(2 * todo)
        kinds = ["企业", "高校/科研院所", "服务机构", "政府部门"]
        for n in range(todo):
            db.session.add(Response(session=session, submission_id=f"lock-{uuid.uuid4().hex}",
                                    organisation=f"单位{n % 300}", organisation_type=kinds[n % 4],
                                    problems=texts[2 * n % len(texts)], suggestions=texts[(2 * n + 1) % len(texts)],
                                    ratings=[]))
        db.session.commit()
        total = len(session.responses)
        db.engine.dispose()
    return total


class Database:
    """Direct reads, as a second observer: statement ids and versions, the run's state."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))

    def rows(self, sql: str, **params):
        from sqlalchemy import text

        with self.engine.connect() as c:
            return c.execute(text(sql), params).all()

    def machine_statements(self, code: str) -> list[tuple[int, int]]:
        return [tuple(r) for r in self.rows(
            "select s.id, s.version from statement s join evaluation e on e.id = s.evaluation_id "
            "where e.code = :code and s.status = 'machine'", code=code)]

    def version(self, statement_id: int) -> int:
        return self.rows("select version from statement where id = :id", id=statement_id)[0][0]


def login(base: str, password: str) -> Client:
    client = Client(base)
    status, _, _ = client.post("/staff/login", {"csrf_token": client.token("/staff/login"),
                                                "username": "staff", "password": password})
    if status != 302:
        raise SystemExit(f"login failed: HTTP {status}")
    return client


def start_run(client: Client, code: str, kind: str = "full") -> int:
    page = f"/staff/sessions/{code}/analysis"
    status, _, _ = client.post(page + "/run", {"csrf_token": client.token(page), "kind": kind})
    return status


def wait_done(client: Client, code: str, timeout: float, counts: Counter | None = None) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = client.request(f"/staff/sessions/{code}/analysis/status",
                                         headers={"Accept": "application/json"})
        if counts is not None:
            counts[status] += 1
        if status == 200:
            state = json.loads(body)
            if not state["active"] and state["status"] in ("done", "failed"):
                return state
        time.sleep(1.0)
    raise SystemExit(f"analysis not done within {timeout:.0f} s")


def under_save(base: str, password: str, code: str, db: Database, timeout: float) -> dict[str, Counter]:
    """The second analysis with a poller and two staff acting until it is done."""
    counts = {"status": Counter(), "page": Counter(), "action": Counter(), "run": Counter()}
    poller, staff = login(base, password), [login(base, password), login(base, password)]
    tokens = []
    for client in staff:
        match = _META_CSRF.search(client.request(f"/staff/evaluations/{code}/review")[2].decode())
        tokens.append(match.group(1))
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            counts["status"][poller.request(f"/staff/sessions/{code}/analysis/status",
                                            headers={"Accept": "application/json"})[0]] += 1
            counts["page"][poller.request(f"/staff/sessions/{code}/analysis")[0]] += 1
            time.sleep(0.5)

    def act(client: Client, token: str, seed: int) -> None:
        rng = random.Random(seed)
        while not done.is_set():
            rows = db.machine_statements(code)
            if not rows:
                time.sleep(0.5)
                continue
            sid, version = rng.choice(rows)
            body = json.dumps({"action": "confirm", "statements": [sid], "versions": {str(sid): version}}).encode()
            status, _, reply = client.request(f"/staff/evaluations/{code}/review/actions", body,
                                              {"Content-Type": "application/json", "Accept": "application/json",
                                               "X-CSRFToken": token})
            if status == 409:
                status = "409 true" if db.version(sid) != version else "409 false"
            elif status not in (200, 400, 503):
                print(f"  action HTTP {status}: {reply[:200]!r}", flush=True)
            counts["action"][status] += 1
            time.sleep(0.5)

    counts["run"][start_run(poller, code)] += 1
    threads = [threading.Thread(target=poll)] + [threading.Thread(target=act, args=(c, t, i))
                                                  for i, (c, t) in enumerate(zip(staff, tokens))]
    for t in threads:
        t.start()
    try:
        state = wait_done(login(base, password), code, timeout)
    finally:
        done.set()
        for t in threads:
            t.join()
    counts["final"] = Counter({state["status"]: 1})
    return counts


def serve(folder: Path, env: dict, port: int) -> subprocess.Popen:
    pingjia = str(Path(sys.executable).with_name("pingjia"))
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen([pingjia, "serve", "--port", str(port)], env=env, cwd=folder, stdout=log, stderr=log)
    client = Client(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            client.request("/staff/login")
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def instance(folder: Path, database: str, answers: int) -> tuple[dict, str, str]:
    env = {**os.environ, "DATABASE_URL": database, "PINGJIA_SECRET_KEY": "serve-locking",
           "PINGJIA_ANALYSIS_WARM_UP": "false", **own_queue()}
    pingjia = str(Path(sys.executable).with_name("pingjia"))
    demo = subprocess.run([pingjia, "demo", "--no-serve", "--no-analyze"], env=env, cwd=folder,
                          capture_output=True, text=True, check=True).stdout
    password = re.search(r"密码\s*([^\s（(]+)", demo).group(1)
    code = re.search(r"/s/([0-9a-z]+)", demo).group(1)
    fill_session(database, code, answers)
    return env, password, code


def check_under_save(folder: Path, database: str, answers: int, timeout: float, check) -> dict:
    env, password, code = instance(folder, database, answers)
    port = free_port()
    server = serve(folder, env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        first = login(base, password)
        start_run(first, code)
        wait_done(first, code, timeout)
        counts = under_save(base, password, code, Database(database), timeout)
    finally:
        server.terminate()
        server.wait(timeout=60)
    log = (folder / "serve.log").read_text(errors="replace")
    counts["log"] = Counter({"database is locked": log.count("database is locked"),
                             "Traceback": log.count("Traceback")})
    fives = sum(c[500] for k, c in counts.items() if k in ("status", "page", "action", "run"))
    false_409 = counts["action"]["409 false"]
    check("analysis save under staff and polling",
          fives == 0 and false_409 == 0 and counts["final"]["done"] == 1,
          f"{answers} answers; " + "; ".join(f"{k}: {dict(v)}" for k, v in counts.items()))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--load", type=int, default=0, help="busy processes beside the server (0–8)")
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="serve-locking-"))
    schema = None
    if args.backend == "sqlite":
        database = f"sqlite:///{folder / 'locking.sqlite3'}"
    else:
        from sqlalchemy import create_engine, text

        schema = f"locking_{uuid.uuid4().hex[:8]}"
        with create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://")).begin() as c:
            c.execute(text(f"create schema {schema}"))
        database = f"{PG_URL}?options=-csearch_path%3D{schema}"
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(min(args.load, 8))]
    failed = []

    def check(name: str, ok: bool, detail: str) -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({args.backend}): {detail}", flush=True)
        if not ok:
            failed.append(name)

    try:
        check_under_save(folder, database, args.answers, args.timeout, check)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
        if schema:
            from sqlalchemy import create_engine, text

            with create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://")).begin() as c:
                c.execute(text(f"drop schema {schema} cascade"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
