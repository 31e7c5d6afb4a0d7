"""The instance folder is private (0700, files 0600, the secret key created atomically), waitress
refuses an oversized body before reading it, and click usage errors of `pingjia` are Chinese."""
from __future__ import annotations

import os
import socket
import sqlite3
import stat
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey.instance import make_private_dir, make_private_tree, protect_sqlite_file, read_or_create_secret
from survey.limits import SERVER_BODY_MAX


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual umask: new files world-readable unless we say otherwise
    yield
    os.umask(old)


def test_instance_folder_and_database_files_are_private(tmp_path, open_umask):
    from flask_migrate import upgrade

    from survey import create_app

    instance = tmp_path / "instance"
    make_private_dir(instance)
    assert mode(instance) == 0o700
    db_path = instance / "pingjia.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    with app.app_context():
        upgrade()
        from survey.extensions import db

        with db.engine.connect() as conn:  # WAL mode: the -wal and -shm files exist while connected
            conn.exec_driver_sql("SELECT 1")
            for suffix in ("", "-wal", "-shm"):
                path = Path(f"{db_path}{suffix}")
                assert path.exists() and mode(path) == 0o600, suffix
        db.engine.dispose()


def test_an_existing_open_database_is_closed_down(tmp_path, open_umask):
    db_path = tmp_path / "old.sqlite3"
    sqlite3.connect(db_path).close()
    os.chmod(db_path, 0o644)
    protect_sqlite_file(f"sqlite:///{db_path}", tmp_path / "unused")
    assert mode(db_path) == 0o600
    protect_sqlite_file("sqlite:///relative.sqlite3", tmp_path)  # Flask-SQLAlchemy: inside the instance
    assert mode(tmp_path / "relative.sqlite3") == 0o600


def test_analysis_outputs_are_private(tmp_path, open_umask):
    out = tmp_path / "analysis" / "abc"
    (out / "wordclouds").mkdir(parents=True)
    for name in ("summary.md", "analysis.json", "wordclouds/category-x.png"):
        (out / name).write_text("x")
    make_private_tree(out.parent)
    assert {mode(p) for p in out.rglob("*") if p.is_file()} == {0o600}
    assert {mode(p) for p in [out.parent, out, out / "wordclouds"]} == {0o700}


def _start_and_read(path: str) -> str:
    return read_or_create_secret(Path(path))


def test_secret_key_is_private_and_one_key_when_servers_start_together(tmp_path, open_umask):
    path = tmp_path / "secret_key"
    with ProcessPoolExecutor(max_workers=6) as pool:
        keys = set(pool.map(_start_and_read, [str(path)] * 24))
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary files left


def test_waitress_refuses_a_64_mb_body_before_reading_it(app):
    from waitress import wasyncore

    from survey.serve import make_server

    server = make_server(app, "127.0.0.1", 0, threads=1)
    replies = []

    def client():
        with socket.create_connection(("127.0.0.1", server.effective_port), timeout=10) as conn:
            conn.sendall(b"POST /s/abc HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: %d\r\n\r\n" % (64 * 1024 * 1024))
            # No body bytes at all: the headers alone are refused. (Unread bytes would make the
            # server's close a TCP reset, which can discard its reply before we read it.)
            reply = b""
            while chunk := conn.recv(4096):  # waitress closes the connection after its error reply
                reply += chunk
            replies.append(reply)

    thread = threading.Thread(target=client)
    thread.start()
    try:
        while thread.is_alive():  # the server's loop, driven here so it can be stopped cleanly
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
    finally:
        thread.join()
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)  # the listener and the accepted connection
    assert replies and replies[0].startswith(b"HTTP/1.1 413"), replies
    assert b"exceeds max_body" in replies[0]  # waitress's own answer: the app never saw the request
    assert SERVER_BODY_MAX < 64 * 1024 * 1024


def pingjia(*args: str):
    from survey.cli.main import cli

    return CliRunner().invoke(cli, list(args), prog_name="pingjia")


@pytest.mark.parametrize("args, message", [
    (["no-such-command"], "错误：没有“no-such-command”这个命令"),
    (["--bogus"], "错误：没有“--bogus”这个选项"),
    (["create-session", "--plan", "x"], "错误：缺少选项 '--title'"),
    (["demo", "--port", "abc"], "错误：'--port' 的值无效：“abc”不是整数"),
    (["demo", "--port", "0"], "错误：'--port' 的值无效：0 不在允许的范围（1<=x<=65535）内"),
    (["create-session", "--plan", "x", "--title", "t", "--organiser", "o", "--starts-at", "2023-11-15 14:30",
      "--place", "p", "--form", "乱"], "“乱”不在可选范围内，可选：专题座谈会、问卷调查"),
    (["open-session"], "错误：缺少参数 'CODE'"),
    (["open-session", "a", "b"], "错误：多余的参数：b"),
    (["load-plan", "--x"], "错误：没有“--x”这个选项"),
])
def test_usage_errors_are_chinese(args, message, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("PINGJIA_SECRET_KEY", "x")
    result = pingjia(*args)
    assert result.exit_code == 2
    assert message in result.output, result.output
    assert "用法：pingjia" in result.output and "--help" in result.output
    assert "Usage:" not in result.output and "Error:" not in result.output
