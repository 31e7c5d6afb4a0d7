"""The `pingjia` console script: app commands appear, and `analyze` is attached from analysis.cli."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from survey.cli.main import cli


@pytest.fixture
def env(monkeypatch, tmp_path):
    # The console script builds its own app from the environment, as in production.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("PINGJIA_SECRET_KEY", "cli-test")
    return tmp_path


def test_help_lists_the_app_commands(env):
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name in ("init-db", "create-staff", "load-plan", "load-plans", "create-session", "open-session",
                 "close-session", "list-sessions", "demo"):
        assert f"  {name} " in result.output, name
    # Flask's developer commands work but are not offered to staff
    for name in ("db", "routes", "run", "shell", "limiter"):
        assert f"  {name} " not in result.output, name
    assert CliRunner().invoke(cli, ["routes"]).exit_code == 0


def test_help_and_version_are_pingjias_and_chinese(env):
    from importlib.metadata import version

    result = CliRunner().invoke(cli, ["--help"])
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Show the Flask version", "Load environment"):
        assert english not in result.output, english
    assert result.output.startswith("用法：pingjia [选项] 命令 [参数]...")
    assert "选项：" in result.output and "命令：" in result.output
    sub = CliRunner().invoke(cli, ["export", "--help"])
    assert sub.exit_code == 0 and "用法：" in sub.output and "［必填］" in sub.output and "显示本帮助并退出" in sub.output
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"评价（Pingjia）{version('pingjia')}"


def test_every_error_is_one_chinese_line_with_status_2(env):
    runner = CliRunner()
    # before init-db: the database has no tables
    result = runner.invoke(cli, ["report", "nosuchcode", "--out", str(env / "r.docx")])
    assert (result.exit_code, result.output.strip()) == (2, "错误：数据库尚未建立或不是最新结构，请先运行 pingjia init-db")
    assert runner.invoke(cli, ["init-db"]).exit_code == 0
    for args in (["report", "nosuchcode", "--out", str(env / "r.docx")],
                 ["export", "nosuchcode", "--out", str(env / "e.xlsx")]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2 and result.output.startswith("错误：找不到代码"), (args, result.output)


def test_a_database_one_migration_behind_is_told_to_run_init_db(env):
    """A database made by an older Pingjia lacks a newer column (here the answers' 取得成效): a
    command that reads it says what to do, not SQLite's traceback."""
    import sqlite3

    runner = CliRunner()
    assert runner.invoke(cli, ["init-db"]).exit_code == 0 and runner.invoke(cli, ["load-plans"]).exit_code == 0
    made = runner.invoke(cli, ["create-session", "--plan", "taian-ip-14th-fyp", "--title", "座谈会", "--organiser",
                               "市场监管局", "--starts-at", "2023-11-15 14:30", "--place", "会议室"])
    code = made.output.split("已创建活动 ", 1)[1].split("：", 1)[0]
    with sqlite3.connect(env / "cli.sqlite3") as database:
        database.execute("ALTER TABLE response DROP COLUMN achievements")
    result = runner.invoke(cli, ["export", code, "--out", str(env / "e.xlsx")])
    assert (result.exit_code, result.output.strip()) == (2, "错误：数据库尚未建立或不是最新结构，请先运行 pingjia init-db")


def test_an_unknown_plan_lists_the_plans_there_are(env):
    (env / "a.csv").write_text("意见\n审查周期太长\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(env / "a.csv"), "--out", str(env / "o"), "--plan", "nosuchplan"])
    assert result.exit_code == 2 and result.output.startswith("错误：找不到规划“nosuchplan”")
    assert "taian-ip-14th-fyp" in result.output and "city-business-environment" in result.output


def test_console_script_runs_commands_against_the_configured_database(env):
    runner = CliRunner()
    assert runner.invoke(cli, ["init-db"]).exit_code == 0
    assert (env / "cli.sqlite3").exists()
    result = runner.invoke(cli, ["load-plans"])
    assert result.exit_code == 0 and "taian-ip-14th-fyp" in result.output


def test_analyze_is_attached_from_analysis_cli(env):
    from analysis.cli import analyze

    runner = CliRunner()
    assert "  analyze " in runner.invoke(cli, ["--help"]).output
    assert cli.get_command(click.Context(cli), "analyze") is analyze
    result = runner.invoke(cli, ["analyze", "--help"])
    assert result.exit_code == 0 and "--plan" in result.output


def test_analyze_reports_bad_input_in_chinese_with_status_2(env):
    result = CliRunner().invoke(cli, ["analyze", str(env / "missing.csv"), "--out", str(env / "out")])
    assert result.exit_code == 2 and result.output.startswith("错误：")


def test_help_lists_what_each_area_declares_and_the_app_registers_the_same(env):
    """`pingjia --help` lists the areas' declared commands (their COMMANDS, read without building
    the app); the app registers exactly those, each with its declared line (issue 25, fast start)."""
    from survey import create_app
    from survey.cli.main import DEVELOPER_COMMANDS, declared_commands

    declared = declared_commands()
    registered = {name: command for name, command in create_app().cli.commands.items()
                  if name not in DEVELOPER_COMMANDS}
    assert sorted(registered) == sorted(set(declared) - {"analyze"})
    assert {name: command.short_help for name, command in registered.items()} == \
        {name: entry.short_help for name, entry in declared.items() if name != "analyze"}
    listing = CliRunner().invoke(cli, ["--help"]).output.split("命令：", 1)[1]
    assert [line.split()[0] for line in listing.splitlines() if line.startswith("  ") and line[2] != " "] == \
        sorted(declared)
    for entry in declared.values():
        assert f"  {entry.name} " in listing and entry.short_help[:10] in listing, entry.name


def test_migration_commands_load_when_used(env):
    """Flask-Migrate (and Alembic) are attached on first use (survey.extensions.Migrations): the
    developer's `pingjia db …` still has its options and commands."""
    runner = CliRunner()
    assert runner.invoke(cli, ["init-db"]).exit_code == 0
    result = runner.invoke(cli, ["db", "--directory", "survey/migrations", "current"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["db", "--help"])
    assert result.exit_code == 0 and "upgrade" in result.output and "--directory" in result.output


def test_the_console_script_collects_garbage_again_once_the_command_is_found(env):
    """`main` builds with the collector off, then freezes what start-up made and turns collection
    back on before the command runs (issue 25, fast start); under a test's runner nothing changes."""
    import gc
    import subprocess
    import sys

    probe = ("import atexit, gc, sys\n"
             "from survey.cli.main import main\n"
             "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count(), file=sys.stderr))\n"
             "sys.argv = ['pingjia', 'list-sessions']\n"
             "main()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("错误：数据库尚未建立"), done.stderr  # no init-db here
    enabled, frozen = done.stderr.split()[-2:]
    assert enabled == "True" and int(frozen) > 50_000
    frozen_before = gc.get_freeze_count()
    assert CliRunner().invoke(cli, ["list-sessions"]).exit_code == 2
    assert gc.isenabled() and gc.get_freeze_count() == frozen_before
