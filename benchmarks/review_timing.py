"""How soon do staff see results after clicking 开始分析 / 更新分析?

    python benchmarks/review_timing.py [--repeat N] [--database URL] [--write]

On a fresh instance (SQLite in a temporary folder, or --database), the demo session is
loaded and a staff member logs in (Flask test client); the background worker runs in this
process (the embedded huey consumer `pingjia serve` starts) with the app's defaults
(representation "auto", word clouds on). Measured, each N times (median and range):

1. **first results**: from the POST of 开始分析 to the moment the status endpoint says "done"
   and the analysis page renders with its themes (what the page's poll shows); word clouds
   are then drawn by a task of their own, timed separately ("clouds ready").
2. **update after one new answer**: one answer arrives, POST 更新分析 (kind=update) → done and
   page rendered.
3. **baselines in the same run**: the old way, a full run that draws every word cloud before it
   says done (`analyse(..., wordclouds=True)`, the CLI's path, which is what the job did), and
   a full re-run after one new answer (`kind=full`).

The first measurement of a process includes loading the sentence encoders ("cold"); the
others find them loaded ("worker already running"). `--write` appends a section to
benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PASSWORD = "timing-password"


def _app(folder: Path, database: str | None):
    from flask_migrate import upgrade

    from survey import create_app

    config = {"SECRET_KEY": "timing", "SQLALCHEMY_DATABASE_URI": database or f"sqlite:///{folder / 'db.sqlite3'}",
              "HUEY_NAME": f"timing-{os.getpid()}", "WTF_CSRF_ENABLED": False}
    app = create_app(config)
    app.instance_path = str(folder / "instance")
    with app.app_context():
        upgrade()
    return app


def _login(app):
    from survey.extensions import db
    from survey.models import StaffUser

    with app.app_context():
        user = StaffUser(username="timing", display_name="计时")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    client.post("/staff/login", data={"username": "timing", "password": PASSWORD})
    return client


def _demo_session(app, title_suffix: str) -> tuple[str, int]:
    """A copy of the demo's answers in a session of its own (so each measurement starts fresh)."""
    from survey.demo import install_demo
    from survey.evaluations import evaluation_for_session
    from survey.extensions import db
    from survey.models import Response
    from survey.sessions import create_session

    with app.app_context():
        demo = install_demo().session
        db.session.commit()
        session = create_session(plan_id=demo.plan_id, title=f"{demo.title}（计时{title_suffix}）", status="open",
                                 form=demo.form, organiser=demo.organiser, starts_at=demo.starts_at, place=demo.place)
        for n, r in enumerate(demo.responses):
            db.session.add(Response(session=session, submission_id=f"t{title_suffix}-{n}", organisation=r.organisation,
                                    organisation_type=r.organisation_type, problems=r.problems,
                                    suggestions=r.suggestions))
        db.session.commit()
        evaluation = evaluation_for_session(session)
        db.session.commit()
        return session.code, evaluation.id


def _wait_done(client, code: str, limit: float = 600.0) -> dict:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        status = client.get(f"/staff/sessions/{code}/analysis/status").get_json()
        if status["status"] in ("done", "failed") and not status["active"]:
            return status
        time.sleep(0.1)  # the page polls every 0.5 s; this measures when the result exists
    raise TimeoutError(code)


def _click(client, code: str, kind: str) -> float:
    """Seconds from the click to the analysis page showing the result."""
    start = time.monotonic()
    data = {"kind": kind} if kind == "update" else {}
    client.post(f"/staff/sessions/{code}/analysis/run", data=data)
    status = _wait_done(client, code)
    if status["status"] != "done":
        raise RuntimeError(status["error"])
    page = client.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)
    elapsed = time.monotonic() - start
    if "analysis-category" not in page:
        raise RuntimeError("the analysis page shows no result")
    return elapsed


def _clouds_ready(app, code: str, start: float, limit: float = 300.0) -> float:
    out = Path(app.instance_path) / "analysis" / code / "wordclouds"
    while time.monotonic() - start < limit:
        if out.is_dir() and len(list(out.glob("*.png"))) >= 3:
            return time.monotonic() - start
        time.sleep(0.1)
    return float("nan")


def _add_answer(app, code: str, n: int) -> None:
    from survey.extensions import db
    from survey.models import Response
    from survey.sessions import by_code

    with app.app_context():
        db.session.add(Response(session=by_code(code), submission_id=f"late-{code}-{n}", organisation="新单位",
                                organisation_type="企业", problems="专利代理机构太少，企业申请专利要跑到济南。",
                                suggestions="希望多举办知识产权培训。"))
        db.session.commit()


def _wait_idle(app, limit: float = 300.0) -> None:
    """Until the worker has nothing queued, scheduled or drawing."""
    from survey.jobs.queue import _CLOUDS_LOCK, get_huey

    huey = get_huey(app)
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if not huey.pending_count() and not huey.scheduled_count() and not huey.is_locked(_CLOUDS_LOCK):
            return
        time.sleep(0.2)


def _baseline_full_with_clouds(app, evaluation_id: int) -> float:
    from survey.extensions import db
    from survey.models import Evaluation
    from survey.review.store import analyse

    with app.app_context():
        start = time.monotonic()
        analyse(db.session.get(Evaluation, evaluation_id), wordclouds=True,
                representation=app.config["ANALYSIS_REPRESENTATION"])
        return time.monotonic() - start


def _print_runs(app) -> None:
    """Where the time went: waiting for a worker (queued) and the job itself (running)."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.review.models import AnalysisRun

    with app.app_context():
        for run in db.session.scalars(select(AnalysisRun).order_by(AnalysisRun.id.desc()).limit(3)):
            if run.started_at and run.finished_at:
                print(f"  run {run.id} {run.kind}: queued {(run.started_at - run.created_at).total_seconds():.1f}s, "
                      f"running {(run.finished_at - run.started_at).total_seconds():.1f}s", flush=True)


def measure(repeat: int, database: str | None, warm: bool = False) -> dict:
    from survey.jobs.queue import start_embedded_consumer, warm_up

    folder = Path(tempfile.mkdtemp(prefix="review-timing-"))
    app = _app(folder, database)
    client = _login(app)
    consumer = start_embedded_consumer(app)
    if warm:  # as `pingjia serve` does; the first click comes once the warm-up is over
        began = time.monotonic()
        warm_up(app).join()
        print(f"warm-up {time.monotonic() - began:.2f}s", flush=True)
    out: dict[str, list[float]] = {"first": [], "clouds": [], "update": [], "baseline_full_clouds": [],
                                   "baseline_full_rerun": []}
    try:
        statements = 0
        for i in range(repeat + 1):  # the first round is the cold one, reported apart
            code, evaluation_id = _demo_session(app, str(i))
            start = time.monotonic()
            first = _click(client, code, "full")
            clouds = _clouds_ready(app, code, start)
            _add_answer(app, code, 1)
            update = _click(client, code, "update")
            _add_answer(app, code, 2)
            rerun = _click(client, code, "full")
            code_b, evaluation_b = _demo_session(app, f"{i}b")
            _wait_idle(app)  # the baseline runs alone, as the old job did
            baseline = _baseline_full_with_clouds(app, evaluation_b)
            _wait_idle(app)
            row = {"first": first, "clouds": clouds, "update": update, "baseline_full_rerun": rerun,
                   "baseline_full_clouds": baseline}
            print(("cold " if i == 0 else "warm ") + "  ".join(f"{k} {v:.2f}s" for k, v in row.items()), flush=True)
            _print_runs(app)
            if i == 0:
                out["cold"] = row
            else:
                for k, v in row.items():
                    out[k].append(v)
            with app.app_context():
                from survey.extensions import db
                from survey.models import Evaluation
                from survey.review.store import stored_result

                statements = len(stored_result(db.session.get(Evaluation, evaluation_id))["statements"])
        out["statements"] = statements
    finally:
        consumer.stop()
    return out


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} s ({min(values):.1f}–{max(values):.1f})"


def report(result: dict, repeat: int, backend: str) -> str:
    load = os.getloadavg()
    first, update = statistics.median(result["first"]), statistics.median(result["update"])
    base, rerun = statistics.median(result["baseline_full_clouds"]), statistics.median(result["baseline_full_rerun"])
    cold = result["cold"]
    lines = [
        f"\n## Review timing: results first, updates in seconds (`benchmarks/review_timing.py`, {backend})\n",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, demo session ({result['statements']} statements), "
        f"worker running in the process (embedded huey consumer), representation \"auto\", word clouds on; "
        f"{repeat} warm rounds (median, range); load average at the end {load[0]:.1f} / {load[1]:.1f} on 2 cores "
        "shared with other engineers' jobs.\n",
        "| measurement | warm | cold (first click of the process) | goal |",
        "| --- | --- | --- | --- |",
        f"| click → first results on the page | {_fmt(result['first'])} | {cold['first']:.1f} s | ≤ 5 s |",
        f"| click → word clouds drawn (background task) | {_fmt(result['clouds'])} | {cold['clouds']:.1f} s | – |",
        f"| one new answer: 更新分析 → results | {_fmt(result['update'])} | {cold['update']:.1f} s | ≤ 3 s |",
        f"| baseline: full run drawing clouds before done (old job) | {_fmt(result['baseline_full_clouds'])} | "
        f"{cold['baseline_full_clouds']:.1f} s | – |",
        f"| baseline: full re-run after one new answer | {_fmt(result['baseline_full_rerun'])} | "
        f"{cold['baseline_full_rerun']:.1f} s | – |",
        "",
        f"- first results / old full run with clouds: **{first / base:.2f}×**; update / full re-run: "
        f"**{update / rerun:.2f}×** (same process, same rounds).",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: SQLite in a temporary folder)")
    parser.add_argument("--warm-up", action="store_true",
                        help="load the encoders at start as `pingjia serve` does, then click")
    parser.add_argument("--write", action="store_true", help="append the figures to benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    result = measure(args.repeat, args.database, warm=args.warm_up)
    backend = "PostgreSQL" if args.database and re.match("postgres", args.database) else "SQLite"
    text = report(result, args.repeat, backend)
    print(text)
    if args.write:
        with (ROOT / "benchmarks" / "RESULTS.md").open("a", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
