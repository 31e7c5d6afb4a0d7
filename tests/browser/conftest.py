"""A real server and a real headless Chromium for the participant-survey browser tests.

The app is served from a thread (werkzeug `make_server`, threaded so two racing requests
really race) on 127.0.0.1 with a free port and a temporary SQLite database (`serving` also
serves it on PostgreSQL, for tests that run on both).
"""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from survey import create_app
from survey.extensions import db

OUTPUT_DIR = Path(__file__).resolve().parents[2] / "test-output"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 375, "height": 812}


def chromium_path() -> str | None:
    found = os.environ.get("PINGJIA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


@dataclass
class LiveServer:
    app: Flask
    url: str


@contextmanager
def serving(folder: Path, backend: str = "sqlite"):
    """The app on a free port, its schema built by the migrations: a temporary SQLite file, or
    a PostgreSQL schema of its own in $TEST_DATABASE_URL (dropped afterwards)."""
    from sqlalchemy import create_engine, text

    from survey.config import normalise_db_url

    database = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}"}
    schema = engine = None
    if backend == "postgresql":
        url = os.environ["TEST_DATABASE_URL"]
        schema = f"browser_{os.getpid()}_{folder.name}".replace("-", "_").lower()
        engine = create_engine(normalise_db_url(url))
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        database = {"SQLALCHEMY_DATABASE_URI": url,
                    "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-test-secret", **database})
    app.instance_path = str(folder / "instance")
    with app.app_context():
        upgrade()  # the migrated schema, so the unique constraint the dedupe relies on is real
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
        if engine is not None:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()


def browser_backends() -> list:
    """SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it)."""
    params = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get("TEST_DATABASE_URL"):
        params.append(pytest.param("postgresql", id="postgresql"))
    return params


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("没有找到 Chromium（/usr/bin/chromium 或 PATH 中的 chromium），跳过浏览器测试")
    sync_api = pytest.importorskip("playwright.sync_api", reason="未安装 playwright（pip install playwright）")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized page: new context, so localStorage and cookies start empty."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_without_js(browser):
    """An old or locked-down browser: the form must still submit exactly once."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  java_script_enabled=False, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR
