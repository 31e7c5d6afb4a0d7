"""How long does importing a large 问卷星 export take, next to just reading the file?

    PYTHONPATH=tests python benchmarks/imports.py [N] [--database URL]

Run from the repository root: PYTHONPATH=tests lets it build its files with tests/support/.

Builds a 问卷星-shaped .xlsx of N answers (default 5,000; tests/support/import_files.py's shape, each
row made distinct), then times in one run: reading the file alone (`read_sheet`, the floor any
import pays), reading + mapping + checking every row with the phone form's validation
(`prepare`), storing (`store`), and importing the same file again (everything turned away by
the unique constraint). Prints the times and their ratio to the read alone. SQLite in a
temporary folder unless --database names a PostgreSQL database (e.g.
postgresql://postgres@127.0.0.1/test), where it works in a schema of its own, dropped at the end.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--database")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from support.import_files import wjx, write_xlsx
    from support.staff import make_session

    from survey import create_app
    from survey.imports.readers import read_sheet
    from survey.imports.rules import prepare, store
    from survey.sessions import by_code

    folder = Path(tempfile.mkdtemp())
    header, rows = wjx()
    many = []
    for i in range(args.n):
        row = list(rows[i % len(rows)])
        row[0], row[6] = i + 1, f"{row[6]}{i}"
        many.append(row)
    path = write_xlsx(folder / "wjx.xlsx", header, many)
    url = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
    # The session's answer cap holds for imports; the benchmark's session takes every row.
    config = {"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
              "SESSION_RESPONSE_MAX": 2 * args.n}
    schema = None
    if url.startswith("postgres"):
        # A schema of this run's own: a shared database's tables are never touched.
        from sqlalchemy import create_engine, text

        from survey.config import normalise_db_url

        schema = f"bench_imports_{os.getpid()}"
        with create_engine(normalise_db_url(url)).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app(config)
    app.instance_path = str(folder / "instance")
    with app.app_context():
        from conftest import drop_everything

        drop_everything()
        upgrade()
    code = make_session(app)
    with app.app_context():
        session = by_code(code)
        t0 = time.perf_counter()
        read_sheet(path)
        t1 = time.perf_counter()
        checked = prepare(session, path)
        t2 = time.perf_counter()
        first = store(session, checked, "问卷星")
        t3 = time.perf_counter()
        second = store(session, prepare(session, path), "问卷星")
        t4 = time.perf_counter()
        drop_everything()
        from survey.extensions import db

        db.engine.dispose()
    if schema:
        with create_engine(normalise_db_url(url)).begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    read = t1 - t0
    print(f"{args.n} answers, {url.split(':')[0]}")
    for label, seconds in (("read the file alone", read), ("read + map + check", t2 - t1),
                           (f"store ({first.added} added)", t3 - t2),
                           (f"import again ({second.added} added, {second.already} turned away)", t4 - t3)):
        print(f"  {label:<45} {seconds:6.2f} s  {seconds / read:5.2f}x read")


if __name__ == "__main__":
    main()
