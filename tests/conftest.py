"""Fixtures shared by the web-app tests: a fresh database per test (flaskr, cookiecutter-flask).

SQLite in a temporary folder by default; set TEST_DATABASE_URL (CI does) to run the same
tests against PostgreSQL, inside a schema of this test run's own (several people and CI jobs
share one test database; a run that drops tables must not pull them from under another run).
The schema is built by the Alembic migrations, as in production, so a model change without a
migration fails the suite; they run once per process (a template SQLite file each test copies, the
process's PostgreSQL schema emptied between tests), not once per test, which was most of the time.
"""
from __future__ import annotations

import gc
import os
import shutil
import warnings
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from survey import create_app
from survey.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _pg_available(url: str) -> str | None:
    """None when PostgreSQL answers, else the reason for skipping."""
    from survey.config import normalise_db_url

    try:
        engine = create_engine(normalise_db_url(url))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except OperationalError as exc:
        return f"TEST_DATABASE_URL set but PostgreSQL does not answer: {exc.orig}"


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    if PG_URL:
        reason = _pg_available(PG_URL)
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        params.append(pytest.param("postgresql", id="postgresql", marks=marks))
    return params


def drop_everything() -> None:
    """Empty the database, including Alembic's bookkeeping table (PostgreSQL outlives a test)."""
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes():
    """Staff passwords hashed with 1,000 PBKDF2 rounds instead of werkzeug's scrypt: scrypt
    costs a quarter of a second per hash, and most web tests log someone in (about a third
    of the suite's time went there). The app's own code path is unchanged; only the cost is."""
    import functools

    from werkzeug.security import generate_password_hash

    import survey.auth.routes
    import survey.models

    cheap = functools.partial(generate_password_hash, method="pbkdf2:sha256:1000")
    patch = pytest.MonkeyPatch()
    patch.setattr(survey.models, "generate_password_hash", cheap)
    patch.setattr(survey.auth.routes, "generate_password_hash", cheap)
    survey.auth.routes._dummy_hash.cache_clear()
    yield
    patch.undo()


@pytest.fixture(params=_backends())
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def pg_schema():
    """A PostgreSQL schema private to this pytest process, dropped at the end."""
    from survey.config import normalise_db_url

    name = f"pytest_{os.getpid()}"
    engine = create_engine(normalise_db_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {name}"))
    yield name
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
    engine.dispose()


@pytest.fixture
def database_config(backend, tmp_path, request) -> dict:
    if backend == "sqlite":
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}"}
    schema = request.getfixturevalue("pg_schema")
    return {"SQLALCHEMY_DATABASE_URI": PG_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}


def _test_app(database_config: dict, tmp_path: Path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", **database_config})
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture
def empty_app(backend, database_config, tmp_path):
    """An app whose database has no tables yet (for migration and init-db tests)."""
    app = _test_app(database_config, tmp_path)
    with app.app_context():
        drop_everything()
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            drop_everything()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One SQLite file with the migrated schema; each test starts from a copy of it (the
    migrations run once per process, not once per test: they were most of the suite's time)."""
    path = tmp_path_factory.mktemp("schema") / "template.sqlite3"
    template = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with template.app_context():
        upgrade()
        db.engine.dispose()
    return path


def _empty_migrated_pg(app) -> None:
    """The migrated schema with no rows: migrate when the process's schema has no Alembic table
    (the first test, or after a migration test dropped everything), else empty every table."""
    with app.app_context():
        tables = db.inspect(db.engine).get_table_names()
        if "alembic_version" not in tables:
            drop_everything()
            upgrade()
            return
        tables.remove("alembic_version")
        if tables:
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(backend, database_config, tmp_path, request):
    """An app on the migrated schema with no rows (a copy of the template file on SQLite, the
    process's own schema emptied on PostgreSQL)."""
    if backend == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / "test.sqlite3")
    app = _test_app(database_config, tmp_path)
    if backend == "postgresql":
        _empty_migrated_pg(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if backend == "postgresql":
        # A connection a test's background thread (a huey consumer, a served request) still held
        # is closed by the garbage collector: here, not in whichever test runs next, where its
        # ResourceWarning would fail an unrelated test.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def redis_available():
    """Skips a job test when the Redis of support.jobs.REDIS_URL does not answer."""
    from support.jobs import REDIS_URL

    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {exc}")


@pytest.fixture
def open_code(app):
    """The public code of an open session on the seed plan (the phone path's tests)."""
    from support.participate import make_session

    with app.app_context():
        return make_session("open").code


@pytest.fixture
def other_thread():
    """A second thread alive in this process while the test runs (as the job queue's are): the
    analysis must not fork from a threaded process (tests/test_batch_fork.py, test_batch_spread.py)."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join()
