"""Fixtures shared by the web-app tests: a fresh database per test (flaskr, cookiecutter-flask).

SQLite in a temporary folder by default; set TEST_DATABASE_URL (CI does) to run the same
tests against PostgreSQL.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from survey import create_app
from survey.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _pg_available(url: str) -> str | None:
    """None when PostgreSQL answers, else the reason for skipping."""
    from survey import _normalise_db_url

    try:
        engine = create_engine(_normalise_db_url(url))
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


@pytest.fixture(params=_backends())
def app(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'test.sqlite3'}" if request.param == "sqlite" else PG_URL
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
    })
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if request.param == "postgresql":
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
