"""Where a phone's request spends its time: the survey GET and POST, profiled in-process.

    python benchmarks/phone_profile.py [--backend sqlite|postgresql] [--phones 300] [--cprofile 25]

A fresh database as load.py makes it (benchmarks/load_database.py: migrated schema, the seed plan,
one open session; PostgreSQL in a new schema of $TEST_DATABASE_URL) and the app built as load.py's
server builds it (`create_app()` reading the same PINGJIA_* environment). Each simulated phone GETs
the form and POSTs a complete answer through Flask's test client (no network, no waitress, one
thread), a fifth of them POST it again (the resend). After a warm-up, every stage below is timed by
wrapping its function with a perf_counter: inclusive milliseconds per request of each kind (a
stage that calls another includes it), and the SQL statements each request sent. "request in
Flask" is the whole of Flask's `wsgi_app`; bare Flask's trivial route is timed the same way in the
same run, as the ceiling.

--cprofile N: also run the phones under cProfile and print the N functions with the most own time
(cProfile's overhead about doubles the times: read them as shares, the table as milliseconds).

--calls: also count the Python function calls inside Flask's `wsgi_app` per request of each kind
(sys.setprofile; the test client not included): a count, so free of the machine's load.
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from load_database import PROBLEMS, SUGGESTIONS, fresh_database, prepare

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_SUBMISSION = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')
KINDS = ("GET", "POST", "resend")


class Clock:
    """Inclusive time per stage, per kind of request (set by the driver): wall-clock time, and the
    CPU time of the thread (time.thread_time), which does not count waiting for the disk, the
    database server or a CPU that other jobs on the machine hold."""

    def __init__(self):
        self.kind = "GET"
        self.on = False
        self.counting = False
        self.ms: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.cpu_ms: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.requests: dict[str, int] = defaultdict(int)
        self.statements: dict[str, int] = defaultdict(int)

    def wrap(self, label: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            if not self.on:
                return function(*args, **kwargs)
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.ms[label, self.kind].append((time.perf_counter() - start) * 1000)
                self.cpu_ms[label, self.kind].append((time.thread_time() - cpu) * 1000)
        return timed

    def patch(self, label: str, owner, name: str) -> None:
        setattr(owner, name, self.wrap(label, getattr(owner, name)))


def instrument(app, clock: Clock) -> list[str]:
    """Wrap the stages; returns their labels in the order printed."""
    import flask.templating
    import flask_wtf.csrf
    import sqlalchemy.orm
    import wtforms.form
    from flask_limiter import Limiter

    from survey import answers, cleaning
    from survey.participate import repeats, routes

    try:
        from survey.participate import page
    except ImportError:  # the code before issue 25 (profiled as the baseline): no page module
        page = None
    try:
        from survey.participate import writers
    except ImportError:  # before the group commit
        writers = None
    try:
        from survey.participate import current, one_trip
    except ImportError:  # before the POST's look-up as columns and PostgreSQL's one-query answer
        current = one_trip = None

    stages = [
        ("request in Flask", app, "wsgi_app"),
        ("session cookie: read", app.session_interface, "open_session"),
        ("session cookie: write", app.session_interface, "save_session"),
        ("view (with its limit check)", app.view_functions, "participate.survey"),
        ("Flask-Limiter: limit check", Limiter, "_check_request_limit"),
        ("session + plan (+ stored answer) look-up", current, "session_and_answer"),
        ("session look-up (by code)", routes, "by_code"),
        ("stored answer look-up", routes, "find_response"),
        ("form class", routes, "session_form_class"),
        ("form: build (fields bound, filled from the body)", wtforms.form.FormMeta, "__call__"),
        ("POST body: parsed and cleaned", cleaning.CleanRequest, "_load_form_data"),
        ("stored answer compared (resend)", routes, "same_answer"),
        ("form: validate (with CSRF check)", wtforms.form.Form, "validate"),
        ("CSRF token: make", flask_wtf.csrf, "generate_csrf"),
        ("CSRF token: make", routes, "generate_csrf"),
        ("CSRF token: make", page, "generate_csrf"),
        ("CSRF token: check", flask_wtf.csrf, "validate_csrf"),
        ("page: the cached copy, personalised", page, "from_cache"),
        ("page: rendered (a miss)", routes, "_plain_page"),
        ("page: the roster", page, "organisations"),
        ("template render", flask.templating, "_render"),
        ("repeat check", repeats, "claim"),
        ("answer: transaction", routes, "_store"),
        ("answer: the batch (SQLite: group commit)", writers, "_store_together"),
        ("answer: the batch's rows (one INSERT … RETURNING)", writers, "_insert_answers"),
        ("answer: the whole answer in one query (PostgreSQL)", one_trip, "store"),
        ("answer: ratings", answers, "insert_ratings"),
        ("answer: ratings", writers, "insert_ratings"),
        ("answer: lock, count, commit in one trip (PostgreSQL)", answers, "_commit_under_cap_in_one_trip"),
        ("answer: lock the session row", answers, "_lock_session_row"),
        ("answer: flush", sqlalchemy.orm.Session, "flush"),
        ("answer: commit", sqlalchemy.orm.Session, "commit"),
        ("redirect to thank-you", routes, "_to_thanks"),
    ]
    labels: list[str] = []
    for label, owner, name in stages:
        if isinstance(owner, dict):
            owner[name] = clock.wrap(label, owner[name])
        elif hasattr(owner, name):
            clock.patch(label, owner, name)
        else:
            continue
        if label not in labels:
            labels.append(label)
    # Every hook Flask runs around the view (Flask-Limiter's, the security headers, SQLAlchemy's
    # session removal), each under its own name.
    for kind, hooks in (("before", app.before_request_funcs), ("after", app.after_request_funcs),
                        ("teardown", app.teardown_request_funcs), ("teardown", {None: app.teardown_appcontext_funcs})):
        for functions in hooks.values():
            for i, function in enumerate(functions):
                name = getattr(function, "__qualname__", None) or getattr(function.func, "__qualname__", "?")
                label = f"hook ({kind}): {name.replace('_Limiter__', '')}"
                functions[i] = clock.wrap(label, function)
                labels.append(label)

    count_statements(clock)
    return labels


def count_statements(clock: Clock) -> None:
    """Count the SQL statements each kind of request sends: the engine's, and those the phone's
    reads and answer hand to the driver themselves."""
    import psycopg
    import sqlalchemy
    from sqlalchemy import event

    @event.listens_for(sqlalchemy.engine.Engine, "before_cursor_execute")
    def count(*_args):
        if clock.on:
            clock.statements[clock.kind] += 1

    # The phone's reads that psycopg runs itself (survey/participate/reads.py, its Connection.execute;
    # SQLAlchemy runs statements through cursors) pass no engine event.
    execute = psycopg.Connection.execute

    def driver_execute(*args, **kwargs):
        count()
        return execute(*args, **kwargs)

    psycopg.Connection.execute = driver_execute
    # And on SQLite (whose sqlite3 cannot be patched) through reads.execute, where there is one.
    try:
        from survey.participate import reads
    except ImportError:  # before the phone's own reads
        reads = None
    if getattr(reads, "execute", None) is not None:
        reads_execute = reads.execute

        def counted_execute(connection, *args, **kwargs):
            if not isinstance(connection, psycopg.Connection):  # psycopg's are counted above
                count()
            return reads_execute(connection, *args, **kwargs)

        reads.execute = counted_execute


def count_calls(app, clock: Clock) -> dict[str, list[int]]:
    """Python function calls inside wsgi_app, per request, by kind (while clock.counting; the
    stages' clocks are off meanwhile: the profile function slows every call)."""
    counts: dict[str, list[int]] = defaultdict(list)
    inner = app.wsgi_app

    def counted(environ, start_response):
        if not clock.counting:
            return inner(environ, start_response)
        calls = 0

        def profile(_frame, event, _arg):
            nonlocal calls
            calls += event == "call"

        sys.setprofile(profile)
        try:
            return inner(environ, start_response)
        finally:
            sys.setprofile(None)
            counts[clock.kind].append(calls)

    app.wsgi_app = counted
    return counts


def answer_for(i: int, page: str, goals: list[str]) -> dict:
    rng = random.Random(i)
    return {"csrf_token": _CSRF.search(page).group(1), "submission_id": _SUBMISSION.search(page).group(1),
            "organisation": f"第{i}号测试单位", "organisation_type": rng.choice(["企业", "高校/科研院所", "服务机构"]),
            "problems": rng.choice(PROBLEMS), "suggestions": rng.choice(SUGGESTIONS),
            **{g: rng.choice(["1", "2", "3", "4", "5", "na"]) for g in goals}}


def phone(app, clock: Clock, i: int, path: str, goals: list[str], resend: bool) -> None:
    client = app.test_client()  # a fresh phone: no cookie yet
    clock.kind = "GET"
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    answer = answer_for(i, page.get_data(as_text=True), goals)
    for kind in ("POST", "resend") if resend else ("POST",):
        clock.kind = kind
        response = client.post(path, data=answer)
        assert response.status_code == 303, (kind, response.status_code)
        clock.requests[kind] += clock.on
    clock.requests["GET"] += clock.on


def bare_ms(repeat: int) -> tuple[float, float]:
    """Median CPU and wall ms of bare Flask's wsgi_app for a trivial GET (load.py's ceiling)."""
    from flask import Flask

    bare = Flask("bare")
    bare.get("/")(lambda: "ok")
    client, cpu, wall = bare.test_client(), [], []
    inner = bare.wsgi_app

    def timed(environ, start_response):
        start, started = time.perf_counter(), time.thread_time()
        try:
            return inner(environ, start_response)
        finally:
            cpu.append((time.thread_time() - started) * 1000)
            wall.append((time.perf_counter() - start) * 1000)

    bare.wsgi_app = timed
    for _ in range(repeat):
        client.get("/")
    return statistics.median(cpu[repeat // 10:]), statistics.median(wall[repeat // 10:])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--warm-up", type=int, default=30)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    parser.add_argument("--dump", metavar="FILE", help="with --cprofile: also write its statistics to FILE")
    parser.add_argument("--calls", action="store_true", help="count Python function calls per request")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pingjia-profile-") as folder:
        db = fresh_database(args.backend, Path(folder))
        try:
            code, goals = prepare(db)
            os.environ.update(db.env)  # as load.py's server subprocess gets them
            from survey import create_app

            app = create_app()
            clock = Clock()
            labels = instrument(app, clock)
            path = f"/s/{code}"
            rng = random.Random(0)
            for i in range(args.warm_up):
                phone(app, clock, i, path, goals, resend=rng.random() < 0.2)
            clock.on = True
            for i in range(args.warm_up, args.warm_up + args.phones):
                phone(app, clock, i, path, goals, resend=rng.random() < 0.2)
            clock.on = False
            calls = {}
            if args.calls:
                calls = count_calls(app, clock)
                clock.counting = True
                for i in range(20_000, 20_000 + args.phones):
                    phone(app, clock, i, path, goals, resend=rng.random() < 0.2)
                clock.counting = False
            if args.cprofile:
                profile = cProfile.Profile()
                profile.enable()
                for i in range(10_000, 10_000 + args.phones):
                    phone(app, clock, i, path, goals, resend=rng.random() < 0.2)
                profile.disable()
            from survey.extensions import db as sqla

            with app.app_context():
                sqla.engine.dispose()
        finally:
            db.cleanup()

    ceiling = bare_ms(2000)
    print(f"{args.backend}: {args.phones} phones after {args.warm_up} warm-up; "
          f"{', '.join(f'{clock.requests[k]} {k}' for k in KINDS)}; load average {os.getloadavg()[0]:.1f}")
    print()
    print("| stage | " + " | ".join(f"{k}: CPU (wall) ms" for k in KINDS) + " |")
    print("| --- " * (len(KINDS) + 1) + "|")
    for label in labels:
        cells = []
        for kind in KINDS:
            wall, cpu = clock.ms.get((label, kind), []), clock.cpu_ms.get((label, kind), [])
            # Mean per request of the kind (a stage run twice in one request counts twice).
            n = clock.requests[kind]
            cells.append(f"{sum(cpu) / n:.2f} ({sum(wall) / n:.2f})" if wall else "–")
        if any(c != "–" for c in cells):
            print(f"| {label} | " + " | ".join(cells) + " |")
    print("| SQL statements per request | " + " | ".join(
        f"{clock.statements[k] / clock.requests[k]:.1f}" for k in KINDS) + " |")
    cpu = {k: statistics.median(clock.cpu_ms["request in Flask", k]) for k in KINDS}
    wall = {k: statistics.median(clock.ms["request in Flask", k]) for k in KINDS}
    print()
    print("median of the whole request in Flask, CPU (wall): " + ", ".join(
        f"{k} {cpu[k]:.2f} ({wall[k]:.2f}) ms" for k in KINDS)
          + f"; bare Flask's trivial GET {ceiling[0]:.3f} ({ceiling[1]:.3f}) ms (same run)")
    mix = (cpu["GET"] + cpu["POST"] + 0.2 * cpu["resend"]) / 2.2
    print(f"a load.py request on average (1 GET, 1 POST, 0.2 resend): {mix:.2f} ms CPU = {mix / ceiling[0]:.0f}x bare")
    if calls:
        means = {k: statistics.mean(calls[k]) for k in KINDS}
        mix = (means["GET"] + means["POST"] + 0.2 * means["resend"]) / 2.2
        print("Python function calls per request (sys.setprofile, inside wsgi_app): " + ", ".join(
            f"{k} {means[k]:,.0f}" for k in KINDS) + f"; a load.py request on average {mix:,.0f}")
    if args.cprofile:
        print()
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.cprofile)
        if args.dump:
            profile.dump_stats(args.dump)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
